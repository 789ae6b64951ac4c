from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation

from .enums import ReminderKind, ReportState


class Campaign(models.Model):
    """One year's May Day campaign; exactly one is current."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    theme = models.CharField(_("主题"), max_length=120)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    is_current = models.BooleanField(_("当前"), default=False)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = pgettext_lazy("plural", "活动")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_campaign"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.theme}"


class CalendarDay(models.Model):
    """An exception to the Monday-to-Friday week: a public holiday on a weekday (is_workday False) or a
    make-up working day on a weekend (is_workday True). Every other day follows the week."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(
        _("上班"), help_text=_("勾选：周末调休上班；不勾选：工作日放假（法定节假日）。")
    )
    note = models.CharField(
        _("说明"), max_length=60, blank=True, help_text=_("例如：国庆节、国庆节调休上班。")
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = pgettext_lazy("plural", "节假日与调休")
        ordering = ["date"]

    def __str__(self):
        kind = _("调休上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {kind} {self.note}".strip()

    def clean(self):
        if self.date is None or self.is_workday is None:
            return
        weekday = self.date.weekday() < 5
        if self.is_workday and weekday:
            raise ValidationError(
                {"is_workday": _("%(date)s 是周一至周五，本来就上班，无需登记。") % {"date": self.date}}
            )
        if not self.is_workday and not weekday:
            raise ValidationError(
                {"is_workday": _("%(date)s 是周末，本来就休息，无需登记。") % {"date": self.date}}
            )


class Milestone(models.Model):
    """A dated step of a campaign; done is recorded per responsible organisation.

    The responsible organisations are the explicit ``organisations`` plus every active organisation of
    ``responsible_level`` (selectors.responsible_organisations).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    due_on = models.DateField(_("截止日期"))
    responsible_level = models.PositiveSmallIntegerField(
        _("责任层级"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("该层级的每个有效组织都是责任单位。"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("责任单位"),
        blank=True,
        related_name="responsible_milestones",
        help_text=_("另行指定的责任单位（可与责任层级同时使用）。"),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("提前提醒（工作日）"), default=3, help_text=_("截止日期前多少个工作日提醒尚未完成的责任单位。")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作节点")
        verbose_name_plural = pgettext_lazy("plural", "工作节点")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "title"], name="milestone_unique_title"),
            models.CheckConstraint(
                condition=Q(responsible_level__isnull=True)
                | Q(responsible_level__gte=1, responsible_level__lte=5),
                name="milestone_level_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:milestone", args=[self.pk])


class MilestoneCompletion(models.Model):
    """One responsible organisation has done one milestone."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("工作节点"), on_delete=models.CASCADE, related_name="completions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="milestone_completions"
    )
    done_at = models.DateTimeField(_("完成时间"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节点完成记录")
        verbose_name_plural = pgettext_lazy("plural", "节点完成记录")
        ordering = ["milestone", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "organisation"], name="milestone_done_once"),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.organisation}"


class MilestoneReminder(models.Model):
    """A reminder sent to one responsible organisation: each kind is sent once."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("节点提醒")
        verbose_name_plural = pgettext_lazy("plural", "节点提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "organisation", "kind"], name="milestone_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.organisation} · {self.get_kind_display()}"


class ActivityReportQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "activity_report", action, "organisation__path"))


class ActivityReport(models.Model):
    """A May Day activity a grassroots union ran itself, reported upwards with photos.

    ``state`` moves only through the workflow in workflows.py (the shared transition service)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("基层工会"), on_delete=models.PROTECT, related_name="activity_reports"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="activity_reports"
    )
    title = models.CharField(_("活动名称"), max_length=120)
    date = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=200)
    participants = models.PositiveIntegerField(_("参与人数"))
    summary = models.TextField(_("活动简介"), max_length=2000)
    photos = models.ManyToManyField(
        "uploads.StoredFile", verbose_name=_("照片"), blank=True, related_name="activity_reports"
    )
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ActivityReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("基层活动报告")
        verbose_name_plural = pgettext_lazy("plural", "基层活动报告")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["campaign", "state"], name="activity_report_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="activity_report_state_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)
