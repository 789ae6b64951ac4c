"""The nomination pipeline shared by awards, craftsmen and competitions.

A ``Programme`` (one award kind of one campaign) takes ``Candidacy`` rows from grassroots unions; each
reviewing ancestor forwards within the quota its parent ``Allocation`` gave it and the programme's
``Rule`` rows; the province approves, opens a ``Notice`` (公示) during which the public may lodge an
``Objection``, and publishes. Domain apps keep their nominee details in their own models, one-to-one
with the candidacy.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from unionportal import permissions
from unionportal.campaigns.models import Campaign
from unionportal.i18n import in_language
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation

from .enums import (
    PERSON_FREEING_STATES,
    REVIEWING_LEVELS,
    Flag,
    HonourLevel,
    NomineeKind,
    ObjectionState,
    RuleKind,
    State,
    Tag,
)


def _default_review_levels():
    return [Level.COUNTY, Level.CITY, Level.PROVINCE]


# The staff pages' cached fragments of candidacies (unionportal.fragments): the review queue.
CANDIDACY_TOPIC = "candidacy"


class ProgrammeQuerySet(models.QuerySet):
    def open_for_intake(self, now=None):
        now = now or timezone.now()
        return self.filter(intake_opens_at__lte=now, intake_closes_at__gt=now)


class Programme(models.Model):
    """One selection of one campaign: a kind of nominee, a total quota, an intake window, the levels
    that review, rules as rows, and the public notice settings."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="programmes"
    )
    # The domain app that owns the programme's forms and details ("awards", "craftsmen", ...).
    app = models.CharField(_("所属业务"), max_length=20, default="awards")
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=80)
    award = models.CharField(_("授予称号"), max_length=80, help_text=_("公示和公布时显示的奖项名称。"))
    # The names as English pages show them (data: each programme's own; empty shows the Chinese).
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    award_en = models.CharField(_("英文授予称号"), max_length=120, blank=True)
    nominee_kind = models.CharField(_("推荐对象"), max_length=12, choices=NomineeKind.choices)
    is_national = models.BooleanField(
        _("向全总推荐"), default=False, help_text=_("全国五一劳动奖推荐：导出为推荐名册格式。")
    )
    total_quota = models.PositiveIntegerField(_("名额总数"))
    intake_opens_at = models.DateTimeField(_("申报开始"))
    intake_closes_at = models.DateTimeField(_("申报截止"))
    review_levels = models.JSONField(
        _("审核层级"),
        default=_default_review_levels,
        help_text=_("逐级审核的层级编号：1 省级、2 市州、3 县市区、4 乡镇街道；必须包含 1。"),
    )
    past_honour_years = models.PositiveSmallIntegerField(
        _("既往荣誉核查年限"), default=5, help_text=_("在此年限内获得过省级或全国荣誉的人员将被标注。")
    )
    notice_working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"), default=5)
    notice_office = models.CharField(_("异议受理单位"), max_length=120, blank=True)
    notice_phone = models.CharField(_("受理电话"), max_length=40, blank=True)
    notice_address = models.CharField(_("受理地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("评选项目")
        verbose_name_plural = pgettext_lazy("plural", "评选项目")
        ordering = ["-campaign__year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="programme_unique_code"),
            models.CheckConstraint(
                condition=Q(intake_closes_at__gt=models.F("intake_opens_at")),
                name="programme_intake_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.campaign.year} {self.name_label}"

    @property
    def name_label(self) -> str:
        """The name in the page's language (the English name on English pages)."""
        return in_language(self.name, self.name_en)

    @property
    def award_label(self) -> str:
        return in_language(self.award, self.award_en)

    @property
    def label(self) -> str:
        """The year and the name in the page's language, as lists and headings show a programme."""
        return f"{self.campaign.year} {self.name_label}"

    def clean(self):
        levels = self.review_levels
        if not isinstance(levels, list) or not all(isinstance(v, int) for v in levels):
            raise ValidationError({"review_levels": _("审核层级应为数字列表，例如 [3, 2, 1]。")})
        if Level.PROVINCE not in levels or not set(levels) <= set(REVIEWING_LEVELS):
            raise ValidationError({"review_levels": _("审核层级只能取 1 至 4，且必须包含省级（1）。")})
        self.review_levels = sorted(set(levels), reverse=True)

    def intake_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.intake_opens_at <= now < self.intake_closes_at


class Allocation(models.Model):
    """The quota a union may forward upwards, given by the nearest allocated ancestor (or the province
    from the programme's total). An allocation never exceeds what its parent holds."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("评选项目"), on_delete=models.CASCADE, related_name="allocations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="allocations"
    )
    quota = models.PositiveIntegerField(_("名额"))

    class Meta:
        verbose_name = _("名额分配")
        verbose_name_plural = pgettext_lazy("plural", "名额分配")
        ordering = ["programme", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="allocation_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.quota}"


class Rule(models.Model):
    """A rule checked when a level forwards its list: a share of flagged nominees (at least / at most a
    percentage of the list) or a veto the submitter must declare for every nominee."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("评选项目"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=RuleKind.choices)
    flag = models.CharField(_("统计对象"), max_length=20, choices=Flag.choices, blank=True)
    percent = models.PositiveSmallIntegerField(_("比例（%）"), null=True, blank=True)
    code = models.SlugField(_("否决项代码"), max_length=40, blank=True)
    label = models.CharField(
        _("说明"),
        max_length=200,
        blank=True,
        help_text=_("否决项的申报内容，可用 %(years)s 表示年限，例如：近%(years)s年未发生重大安全生产事故。"),
    )
    # The declaration as English pages show it (data, like the programme's English name; empty shows
    # the catalogue's English for a published default rule, else the Chinese).
    label_en = models.CharField(
        _("英文说明"),
        max_length=200,
        blank=True,
        help_text=_("英文页面显示的申报内容，同样可用 %(years)s 表示年限。"),
    )
    years = models.PositiveSmallIntegerField(_("年限"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评选规则")
        verbose_name_plural = pgettext_lazy("plural", "评选规则")
        ordering = ["programme", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="rule_percent_range"
            ),
        ]

    def __str__(self):
        return self.describe()

    def clean(self):
        if self.kind in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE):
            if not self.flag or self.percent is None:
                raise ValidationError(_("比例规则须选择统计对象并填写比例。"))
        elif self.kind == RuleKind.VETO:
            if not self.code or not self.label:
                raise ValidationError(_("否决项须填写代码和申报内容。"))
            for name in ("label", "label_en"):
                try:
                    self._filled(getattr(self, name))
                except (KeyError, ValueError, TypeError):
                    raise ValidationError({name: _("申报内容中的占位符只能是 %(years)s。")}) from None

    def statement(self) -> str:
        """The declaration as the submitter confirms it, in the page's language."""
        return self._filled(in_language(self.label, self.label_en))

    def _filled(self, text: str) -> str:
        return text % {"years": self.years or ""} if "%(" in text else text

    def describe(self) -> str:
        if self.kind == RuleKind.VETO:
            return self.statement()
        flag = Flag(self.flag).label if self.flag in Flag.values else self.flag
        if self.kind == RuleKind.MIN_SHARE:
            return _("%(flag)s比例不低于 %(percent)s%%") % {"flag": flag, "percent": self.percent}
        return _("%(flag)s比例不高于 %(percent)s%%") % {"flag": flag, "percent": self.percent}


class CandidacyQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        """The candidacies ``user`` may take ``action`` on (the matrix's "candidacy" row): staff their
        subtree's, a submitter their own union's, the author their own drafts (delete)."""
        own = Q(created_by=user) if getattr(user, "pk", None) else None
        return self.filter(permissions.scope_q(user, "candidacy", action, "organisation__path", own=own))

    def in_subtree(self, organisation):
        return self.filter(organisation__path__startswith=organisation.path)


class PastHonours(list):
    """A candidacy's earlier honours as the pipeline found them: dicts of ``year``, ``level`` (a
    HonourLevel code) and ``award`` (as imported). Shown as one line in the active language ("2024 省级
    湖北省五一劳动奖章；2022 全国…" on Chinese pages), the award names as typed."""

    def __str__(self):
        levels = dict(HonourLevel.choices)
        parts = []
        for honour in self:
            level = levels.get(honour.get("level"), honour.get("level") or "")
            if honour.get("year") and level:
                parts.append(
                    gettext("%(year)s %(level)s%(award)s")
                    % {"year": honour["year"], "level": level, "award": honour.get("award", "")}
                )
            else:  # a line kept from before the honours were stored one by one
                parts.append(str(honour.get("award", "")))
        return pgettext("list separator", "；").join(parts)


class PastHonoursField(models.JSONField):
    """A JSON list read back as ``PastHonours``, so that a page printing it prints the line."""

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return PastHonours(value) if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        return PastHonours(value) if isinstance(value, list) else value


class Candidacy(models.Model):
    """One nominee put forward by one union for one programme, and where it stands.

    The public fields (name, unit, region, summary, deeds, photo, tags) are what a notice or publication
    copies into the public table; the ID number never leaves this table.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("评选项目"), on_delete=models.PROTECT, related_name="candidacies"
    )
    # Denormalised from the programme: the one-nomination-per-person rule is a constraint on it.
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("推荐单位"), on_delete=models.PROTECT, related_name="candidacies"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    name = models.CharField(_("推荐对象"), max_length=120)
    unit = models.CharField(_("所在单位"), max_length=200, blank=True)
    region = models.CharField(_("地区"), max_length=60, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    flags = models.JSONField(_("人员属性"), default=dict, blank=True)
    declarations = models.JSONField(_("否决项声明"), default=dict, blank=True)
    tags = models.JSONField(_("重点领域"), default=list, blank=True)
    summary = models.TextField(_("事迹摘要"), blank=True)
    deeds = models.TextField(_("主要事迹"), blank=True)
    photo = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("照片"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attachments = models.ManyToManyField(
        "uploads.StoredFile", verbose_name=_("附件"), blank=True, related_name="+"
    )
    consent_at = models.DateTimeField(_("本人同意时间"), null=True, blank=True)
    past_honours = PastHonoursField(_("既往荣誉"), default=PastHonours, blank=True)
    rank = models.PositiveIntegerField(_("排序"), null=True, blank=True)
    # The notice batch the candidacy went on public notice in (set by ``services.notice_open``): each
    # batch has its own period, so a notice page lists its own batch and an objection counts that period.
    notice = models.ForeignKey(
        "Notice",
        verbose_name=_("公示批次"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="candidacies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The honour this row was granted through (a 最美一线职工 winner added to the 奖章 list): such a row
    # skips review, counts against no quota and is the same person's second honour of the campaign.
    granted_from = models.ForeignKey(
        "self",
        verbose_name=_("授予来源"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="grants",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CandidacyQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐对象")
        verbose_name_plural = pgettext_lazy("plural", "推荐对象")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "id_number"],
                condition=~Q(id_number="")
                & ~Q(state__in=PERSON_FREEING_STATES)
                & Q(granted_from__isnull=True),
                name="candidacy_one_per_person",
                violation_error_message=_("同一人在同一年度只能被推荐一次。"),
            ),
        ]
        indexes = [models.Index(fields=["programme", "state"], name="candidacy_programme_state")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("selection:candidacy", args=[self.pk])

    @property
    def public_source(self) -> str:
        return f"selection.candidacy:{self.pk}"

    def flag_set(self) -> set[str]:
        return {k for k, v in (self.flags or {}).items() if v}

    def tag_labels(self) -> list[str]:
        return [Tag(t).label for t in self.tags or () if t in Tag.values]


class PastHonour(models.Model):
    """An earlier provincial or national honour, imported so that new nominations can be checked."""

    id_number = models.CharField(_("身份证号"), max_length=18, db_index=True)
    name = models.CharField(_("姓名"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("级别"), max_length=12, choices=HonourLevel.choices)
    award = models.CharField(_("荣誉称号"), max_length=80)
    unit = models.CharField(_("单位"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("既往荣誉")
        verbose_name_plural = pgettext_lazy("plural", "既往荣誉")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["id_number", "year", "award"], name="past_honour_unique"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_level_display()}{self.award} {self.name}"


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 to 99 in Chinese numerals (二, 十一, 二十三), as in 第二批; other numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return CHINESE_DIGITS[ones]
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


class Notice(models.Model):
    """A public notice (公示) of a programme's approved list, counted in working days.

    A programme's notices are its batches, numbered as they open: whoever is approved after a notice
    opened goes on a batch of its own with a full period (第二批, 第三批…), never onto a running one.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("评选项目"), on_delete=models.PROTECT, related_name="notices"
    )
    batch = models.PositiveSmallIntegerField(_("批次"), default=1, editable=False)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    office = models.CharField(_("受理单位"), max_length=120)
    phone = models.CharField(_("受理电话"), max_length=40)
    address = models.CharField(_("受理地址"), max_length=200)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = pgettext_lazy("plural", "公示")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "batch"], name="notice_unique_batch"),
        ]

    def __str__(self):
        text = _("%(programme)s 公示") % {"programme": self.programme.label}
        return self._with_batch(text)

    def get_absolute_url(self):
        return reverse("notices:detail", args=[self.pk])

    def is_running(self, today) -> bool:
        return self.starts_on <= today <= self.ends_on

    @property
    def batch_label(self) -> str:
        """第二批 (English: batch 2)."""
        language = get_language() or "zh-hans"
        number = chinese_number(self.batch) if language.startswith("zh") else str(self.batch)
        return gettext("第%(number)s批") % {"number": number}

    @property
    def title(self) -> str:
        """The public title: 2026年“…”拟表彰对象公示, then （第二批） from the second batch on."""
        text = gettext("%(year)s年“%(programme)s”拟表彰对象公示") % {
            "year": self.programme.campaign.year,
            "programme": self.programme.name_label,
        }
        return self._with_batch(text)

    def _with_batch(self, text: str) -> str:
        # The first notice keeps its plain title: it was published before anyone knew a second batch
        # would follow, and a published notice's title does not change afterwards.
        if self.batch <= 1:
            return text
        return gettext("%(title)s（%(batch)s）") % {"title": text, "batch": self.batch_label}

    @cached_property
    def candidacy_ids(self) -> set[int]:
        """The candidacies of this batch (one query; the notice page lists these)."""
        return set(self.candidacies.values_list("pk", flat=True))


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        """Staff of the unions above the candidate's see an objection; the candidate's own union does not
        (an objection names the objector and their contact, who must not be exposed to those objected to)."""
        return self.filter(permissions.scope_q(user, "objection", action, "candidacy__organisation__path"))

    def open(self):
        return self.filter(state=ObjectionState.OPEN)


class Objection(models.Model):
    """An objection lodged by the public during a notice: a case with a receipt number and an outcome."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("被反映对象"), on_delete=models.PROTECT, related_name="objections"
    )
    receipt_no = models.CharField(_("受理编号"), max_length=20, unique=True)
    name = models.CharField(_("反映人姓名"), max_length=60)
    contact = models.CharField(_("联系方式"), max_length=100)
    reason = models.TextField(_("反映内容"))
    evidence = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("证明材料"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The single-use form token of the post that created it: a replayed post finds it taken.
    form_token = models.CharField(max_length=64, unique=True, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    findings = models.TextField(_("调查核实情况"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # When the objector was told the outcome (by SMS or e-mail to the contact given, else by lookup only).
    told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = pgettext_lazy("plural", "公示异议")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.receipt_no

    def get_absolute_url(self):
        return reverse("selection:objection", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.candidacy.organisation.path
