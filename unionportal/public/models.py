from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.i18n import in_language


class PublicEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(stage=PublicEntry.Stage.PUBLISHED)


class PublicEntry(models.Model):
    """What the public site may show of a candidate or honouree: public fields only.

    A row is written when a candidate goes on notice, into a public vote or is published; withdrawing
    or revoking removes or marks it. Public pages read this table (and news) and nothing else, so no
    page can show an ID number, a phone or anything that was never put forward.
    """

    class Stage(models.TextChoices):
        NOTICE = "notice", _("公示中")
        VOTE = "vote", _("社会评议中")
        PUBLISHED = "published", _("已公布")
        REVOKED = "revoked", _("已撤销")

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    programme = models.CharField(_("项目"), max_length=80)
    award = models.CharField(_("奖项"), max_length=80, db_index=True)
    award_en = models.CharField(_("英文奖项名称"), max_length=120, blank=True)
    name = models.CharField(_("名称"), max_length=120)
    unit = models.CharField(_("单位"), max_length=200, blank=True)
    region = models.CharField(_("地区"), max_length=60, blank=True, db_index=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, db_index=True)
    summary = models.TextField(_("事迹摘要"), blank=True)
    deeds = models.TextField(_("事迹"), blank=True)
    media_url = models.URLField(_("媒体链接"), blank=True)
    photo = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("照片"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Priority-field codes, comma-wrapped (",green,innovation,") so one LIKE filters them anywhere.
    tags = models.CharField(_("重点领域"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    # Which record this row speaks for ("app_label.model:pk"); never shown.
    source = models.CharField(max_length=80, unique=True)

    objects = PublicEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开信息")
        verbose_name_plural = pgettext_lazy("plural", "公开信息")
        ordering = ["-year", "award", "name"]
        indexes = [models.Index(fields=["stage", "-year", "award", "name"], name="publicentry_list")]

    def __str__(self):
        return f"{self.year} {self.award} {self.name}"

    def get_absolute_url(self):
        return reverse("public:honouree", args=[self.pk])

    @property
    def award_label(self) -> str:
        """The award in the page's language: on English pages its English name, else the catalogue's."""
        return in_language(self.award, self.award_en)


class NewsQuerySet(models.QuerySet):
    def live(self, now=None):
        """Items whose publication time has come and that were not withdrawn (a future item stays hidden
        until then; a withdrawn one for good). Every public page, feed and sitemap reads through this."""
        return self.filter(publish_at__lte=now or timezone.now(), withdrawn_at__isnull=True)


class News(models.Model):
    """A news item of the public site (宣传教育). It goes live at ``publish_at`` without anyone acting:
    the pages filter on it and a periodic job drops the cached pages when the time passes."""

    class Category(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("通知公告")
        NEWS = "news", _("工作动态")
        STORY = "story", _("劳模故事")
        CRAFTSMAN = "craftsman", _("工匠风采")
        COMPETITION = "competition", _("竞赛动态")

    title = models.CharField(_("标题"), max_length=120)
    category = models.CharField(
        _("栏目"), max_length=20, choices=Category.choices, default=Category.NEWS, db_index=True
    )
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    cover = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("封面图片"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    publish_at = models.DateTimeField(_("发布时间"), db_index=True)
    # Set when staff take an item back: it leaves every page, feed and sitemap, and stays for the record.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("新闻")
        verbose_name_plural = pgettext_lazy("plural", "新闻")
        ordering = ["-publish_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:news_detail", args=[self.pk])


# The categories that tell the stories of model workers and craftsmen (the dashboard counts them).
STORY_CATEGORIES = (News.Category.STORY, News.Category.CRAFTSMAN)

from .models_education import Cartoon, Course, Lesson, LessonCompletion  # noqa: E402, F401
