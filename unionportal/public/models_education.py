"""Publicity and education beyond news: model-worker cartoons (劳模漫画) on public honourees, and online
courses whose lessons members mark done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .videos import validate_video_link


class CartoonQuerySet(models.QuerySet):
    def shown(self):
        """Cartoons the public may see: their honouree is published (never on notice, never revoked)."""
        return self.filter(entry__stage="published")


class Cartoon(models.Model):
    """A 劳模漫画 staff attach to a public honouree: one per honouree, replaced by a new upload. The image
    is a private stored file; the public reaches it only through the honouree, while it is published."""

    entry = models.OneToOneField(
        "public.PublicEntry", verbose_name=_("获奖者"), on_delete=models.CASCADE, related_name="cartoon"
    )
    image = models.ForeignKey(
        "uploads.StoredFile", verbose_name=_("漫画图片"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("漫画标题"), max_length=60)
    caption = models.CharField(_("漫画说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CartoonQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳模漫画")
        verbose_name_plural = pgettext_lazy("plural", "劳模漫画")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.title


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    """An online course (网上课程) of the publicity and education function: province-wide, in lessons."""

    title = models.CharField(_("课程名称"), max_length=120)
    summary = models.CharField(_("课程简介"), max_length=300, blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("网上课程")
        verbose_name_plural = pgettext_lazy("plural", "网上课程")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:course", args=[self.pk])


class Lesson(models.Model):
    """One lesson: a text and, where there is one, a link to a video on an allowed site."""

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="lessons"
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    title = models.CharField(_("课时标题"), max_length=120)
    body = models.TextField(_("课时内容"))
    video_url = models.URLField(
        _("视频链接"),
        max_length=500,
        blank=True,
        validators=[validate_video_link],
        help_text=_("可选；须为允许的视频网站上的 https 链接。"),
    )
    minutes = models.PositiveSmallIntegerField(_("学习时长（分钟）"), default=10)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = pgettext_lazy("plural", "课时")
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:lesson", args=[self.pk])


class LessonCompletion(models.Model):
    """A lesson a member finished: marked by the signed-in worker, or recorded for a member at the union's
    learning session. ``org_path`` is the member's union at that time (kept in step with the tree), so
    staff count their subtree's learners; empty for an account that is not a member."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    completed_at = models.DateTimeField(_("完成时间"))

    class Meta:
        verbose_name = _("课时学习记录")
        verbose_name_plural = pgettext_lazy("plural", "课时学习记录")
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "user"], condition=Q(user__isnull=False), name="completion_once_per_user"
            ),
            models.UniqueConstraint(
                fields=["lesson", "member"],
                condition=Q(member__isnull=False),
                name="completion_once_per_member",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(member__isnull=False), name="completion_has_a_learner"
            ),
        ]

    def __str__(self):
        return f"{self.lesson_id}:{self.user_id or self.member_id}"
