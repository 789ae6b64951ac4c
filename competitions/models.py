"""Labour competitions (劳动竞赛): themes and winner titles as data, competitions with their indicators and
report periods, entrants registered by grassroots unions, periodic score reports and the winners.

Records kept in the union tree carry a copy of their organisation's path (``org_path``) so that every
scope is a prefix test (unionportal/permissions.py): a competition its organiser's, an entrant and its
reports the registering union's. States move only through workflows.py (the shared transition service).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.orgs.models import Enterprise, Organisation

from .enums import Direction, EntrantKind, EntrantState, Method, ReportState, WinnerState


class InTree:
    """Audit events of a record are kept at its ``org_path`` (who may read them: unionportal.audit)."""

    def audit_org_path(self) -> str:
        return self.org_path


class Theme(models.Model):
    """One of the campaign plan's competition themes (data rows, seeded by a migration)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("竞赛主题")
        verbose_name_plural = pgettext_lazy("plural", "竞赛主题")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class WinnerTitle(models.Model):
    """A title a competition confers (先进集体, 先进班组, 优秀建设者), for one kind of entrant (data rows)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)  # the public table's award_en
    entrant_kind = models.CharField(_("适用对象"), max_length=16, choices=EntrantKind.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("表彰称号")
        verbose_name_plural = pgettext_lazy("plural", "表彰称号")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class CompetitionQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        """Competitions the user may take ``action`` on: those of their subtree's organisers, and for a
        grassroots union's submitters those whose scope holds their union (the kind's OWN reach)."""
        from unionportal import permissions
        from unionportal.orgs.scoping import membership_rows

        own = Q(pk__in=[])
        for role, path in membership_rows(user):
            if role in permissions.roles_for("competition", action, permissions.OWN):
                own |= Q(scope_path__in=_prefixes(path))
        return self.filter(permissions.scope_q(user, "competition", action, "org_path", own=own))


def _prefixes(path: str) -> list[str]:
    step = Organisation.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


class Competition(InTree, models.Model):
    title = models.CharField(_("竞赛名称"), max_length=120)
    theme = models.ForeignKey(Theme, verbose_name=_("竞赛主题"), on_delete=models.PROTECT, related_name="+")
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="competitions"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    scope = models.ForeignKey(
        Organisation,
        verbose_name=_("参赛范围"),
        on_delete=models.PROTECT,
        related_name="competitions_in_scope",
        help_text=_("该组织及其下级的基层工会可以报名。"),
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    period_months = models.PositiveSmallIntegerField(
        _("报送周期（月）"), default=1, help_text=_("每隔几个月报送一次成绩。")
    )
    report_days = models.PositiveSmallIntegerField(
        _("报送期限（天）"), default=10, help_text=_("每期结束后几天内报送。")
    )
    entrant_kind = models.CharField(_("参赛对象"), max_length=16, choices=EntrantKind.choices)
    rules = models.TextField(_("竞赛规则"), max_length=5000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动竞赛")
        verbose_name_plural = pgettext_lazy("plural", "劳动竞赛")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="competition_dates"),
            models.CheckConstraint(condition=Q(period_months__gte=1), name="competition_period_months"),
            models.CheckConstraint(
                condition=Q(entrant_kind__in=EntrantKind.values), name="competition_entrant_kind"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("competitions:detail", args=[self.pk])


class Indicator(models.Model):
    """One scored indicator of a competition (see scoring.py for how it is scored)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=80)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    method = models.CharField(_("计分方式"), max_length=8, choices=Method.choices, default=Method.TARGET)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=2, null=True, blank=True)
    base = models.DecimalField(_("达标得分"), max_digits=7, decimal_places=2, default=60)
    points_better = models.DecimalField(_("每超出一个单位加分"), max_digits=9, decimal_places=4, default=0)
    points_worse = models.DecimalField(_("每差一个单位减分"), max_digits=9, decimal_places=4, default=0)
    cap = models.DecimalField(_("满分"), max_digits=7, decimal_places=2, default=100)
    min_value = models.DecimalField(_("最小值"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=14, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("竞赛指标")
        verbose_name_plural = pgettext_lazy("plural", "竞赛指标")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="indicator_name_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="indicator_weight_range"),
            models.CheckConstraint(condition=Q(cap__gt=0), name="indicator_cap_positive"),
            models.CheckConstraint(
                condition=Q(method=Method.JUDGED) | Q(target__isnull=False), name="indicator_target_set"
            ),
        ]

    def __str__(self):
        return self.name


class Period(models.Model):
    """A report period of a competition (generated from its dates and ``period_months``)."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("期次"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    due_on = models.DateField(_("报送截止"))

    class Meta:
        verbose_name = _("报送期")
        verbose_name_plural = pgettext_lazy("plural", "报送期")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="period_number_unique"),
        ]

    def __str__(self):
        return _("第%(n)s期（%(start)s至%(end)s）") % {
            "n": self.number,
            "start": self.starts_on.isoformat(),
            "end": self.ends_on.isoformat(),
        }


class EntrantQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "competition_entry", action, "org_path"))


class Entrant(InTree, models.Model):
    """A team, unit or person entered by a grassroots union; approved or returned by the organiser."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="entrants")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("报名工会"),
        on_delete=models.PROTECT,
        related_name="competition_entrants",
    )
    org_path = models.CharField(max_length=255, editable=False)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("参赛名称"), max_length=120)
    leader = models.CharField(_("负责人"), max_length=60, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=EntrantState.choices, default=EntrantState.SUBMITTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("参赛对象")
        verbose_name_plural = pgettext_lazy("plural", "参赛对象")
        ordering = ["competition", "id"]
        indexes = [models.Index(fields=["org_path", "competition"], name="entrant_scope")]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="entrant_name_unique"),
            models.CheckConstraint(condition=Q(state__in=EntrantState.values), name="entrant_state_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("competitions:entrant", args=[self.pk])


class TeamMember(models.Model):
    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=60)
    post = models.CharField(_("岗位"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("班组成员")
        verbose_name_plural = pgettext_lazy("plural", "班组成员")
        ordering = ["id"]

    def __str__(self):
        return self.name


class ScoreReportQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "competition_entry", action, "org_path"))


class ScoreReport(InTree, models.Model):
    """One entrant's figures for one period, with evidence; checked or returned by the organiser."""

    entrant = models.ForeignKey(Entrant, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="reports")
    org_path = models.CharField(max_length=255, editable=False)
    state = models.CharField(_("状态"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    total = models.DecimalField(_("加权总分"), max_digits=7, decimal_places=2, default=0)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    evidence = models.ManyToManyField(
        "uploads.StoredFile", verbose_name=_("佐证材料"), blank=True, related_name="competition_reports"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoreReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("成绩报送")
        verbose_name_plural = pgettext_lazy("plural", "成绩报送")
        ordering = ["period__number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entrant", "period"], name="score_report_once_per_period"),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values), name="score_report_state_valid"
            ),
        ]

    def __str__(self):
        return f"{self.entrant} · {self.period}"

    def get_absolute_url(self):
        return reverse("competitions:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)


class ScoreValue(models.Model):
    report = models.ForeignKey(ScoreReport, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    weighted = models.DecimalField(_("加权得分"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("指标成绩")
        verbose_name_plural = pgettext_lazy("plural", "指标成绩")
        ordering = ["indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="score_value_once"),
        ]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class Winner(InTree, models.Model):
    """An entrant named for a title; put on notice and published through the public table."""

    competition = models.ForeignKey(Competition, on_delete=models.PROTECT, related_name="winners")
    entrant = models.ForeignKey(Entrant, on_delete=models.PROTECT, related_name="titles")
    title = models.ForeignKey(
        WinnerTitle, verbose_name=_("表彰称号"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=WinnerState.choices, default=WinnerState.PROPOSED
    )
    summary = models.TextField(_("事迹摘要"), max_length=1000, blank=True)
    org_path = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("竞赛表彰")
        verbose_name_plural = pgettext_lazy("plural", "竞赛表彰")
        ordering = ["title__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "entrant"], name="winner_once"),
            models.CheckConstraint(condition=Q(state__in=WinnerState.values), name="winner_state_valid"),
        ]

    def __str__(self):
        return f"{self.title} · {self.entrant}"

    @property
    def public_source(self) -> str:
        return f"competitions.winner:{self.pk}"


class LateReminder(models.Model):
    """A late-report reminder sent for one entrant and period (so it is sent once)."""

    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entrant", "period"], name="late_reminder_once")]

    def __str__(self):
        return f"{self.entrant_id} · {self.period_id}"


# --- 职工创业创新明星报告团: speakers touring localities and enterprises ---------------------------------------


class VenueKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SCHOOL = "school", _("学校")
    GOVERNMENT = "government", _("机关")
    COUNTY = "county", _("县市区")


class TourQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "report_tour", action, "org_path"))


class Tour(InTree, models.Model):
    """A tour of the innovation-star report group, organised by a union; its stops are the public schedule."""

    title = models.CharField(_("巡讲名称"), max_length=120)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    speakers = models.TextField(
        _("报告人"), max_length=2000, help_text=_("每行一位：姓名，单位或荣誉（可选自已公布的获奖名单）。")
    )
    description = models.TextField(_("简介"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TourQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告团巡讲")
        verbose_name_plural = pgettext_lazy("plural", "报告团巡讲")
        ordering = ["-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("competitions:tour", args=[self.pk])


class Stop(models.Model):
    tour = models.ForeignKey(Tour, on_delete=models.CASCADE, related_name="stops")
    date = models.DateField(_("日期"))
    venue = models.CharField(_("地点"), max_length=120)
    venue_kind = models.CharField(_("场所类型"), max_length=16, choices=VenueKind.choices)
    host = models.ForeignKey(
        Organisation,
        verbose_name=_("承办工会"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("按承办工会的层级统计场次和听众人数。"),
    )
    audience = models.PositiveIntegerField(_("听众人数"), null=True, blank=True)
    feedback = models.TextField(_("反馈"), max_length=2000, blank=True)
    photos = models.ManyToManyField(
        "uploads.StoredFile", verbose_name=_("现场照片"), blank=True, related_name="tour_stops"
    )

    class Meta:
        verbose_name = _("巡讲场次")
        verbose_name_plural = pgettext_lazy("plural", "巡讲场次")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(venue_kind__in=VenueKind.values), name="stop_venue_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.date.isoformat()} {self.venue}"


# --- 技能大赛: events per trade of a skills-contest competition, their results, champions put forward ------------


class SkillsEvent(InTree, models.Model):
    """One trade's event (赛项) of a competition under the skills-contest theme, kept at its organiser."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("所属竞赛"), on_delete=models.PROTECT, related_name="skills_events"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    trade = models.CharField(_("比赛工种"), max_length=60)
    held_on = models.DateField(_("比赛日期"))
    place = models.CharField(_("比赛地点"), max_length=120)
    organiser = models.CharField(
        _("承办单位"), max_length=120, help_text=_("具体承办本赛项的单位，如某职业技术学院。")
    )
    published_at = models.DateTimeField(_("成绩公布时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("技能大赛赛项")
        verbose_name_plural = pgettext_lazy("plural", "技能大赛赛项")
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "trade"], name="skills_event_trade_unique"),
        ]

    def __str__(self):
        return f"{self.competition} · {self.trade}"

    def get_absolute_url(self):
        return reverse("competitions:skills_event", args=[self.pk])


class SkillsResult(models.Model):
    """One contestant's result in an event: rank, score, and the enterprise and union they come from."""

    event = models.ForeignKey(SkillsEvent, on_delete=models.CASCADE, related_name="results")
    rank = models.PositiveSmallIntegerField(_("名次"))
    score = models.DecimalField(_("成绩"), max_digits=6, decimal_places=2)
    contestant = models.CharField(_("选手姓名"), max_length=60)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所在企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.CharField(_("所在单位"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("推荐评选时作为推荐单位。"),
    )

    class Meta:
        verbose_name = _("技能大赛成绩")
        verbose_name_plural = pgettext_lazy("plural", "技能大赛成绩")
        ordering = ["event", "rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "contestant"], name="skills_result_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="skills_result_rank_positive"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="skills_result_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.rank}. {self.contestant}"

    @property
    def unit_label(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.unit


class PutForward(models.Model):
    """A competition winner or a skills champion put forward to a May Day award programme: the draft
    candidacy created for it (in unionportal.selection), recording its source; once per source."""

    winner = models.OneToOneField(
        Winner, on_delete=models.PROTECT, null=True, blank=True, related_name="put_forward"
    )
    result = models.OneToOneField(
        SkillsResult, on_delete=models.PROTECT, null=True, blank=True, related_name="put_forward"
    )
    candidacy = models.OneToOneField(
        "selection.Candidacy", on_delete=models.CASCADE, related_name="competition_source"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("推荐评选记录")
        verbose_name_plural = pgettext_lazy("plural", "推荐评选记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(winner__isnull=False, result__isnull=True)
                | Q(winner__isnull=True, result__isnull=False),
                name="put_forward_one_source",
            ),
        ]

    def __str__(self):
        return str(self.candidacy_id)
