"""Expert review (专家评审): the expert pool, a programme's expert stage with its rubric, panels with a
chair, the assignment of candidates to experts and the experts' scores.

A programme lists the stage by having an ``ExpertStage`` row; the candidates are the programme's
candidacies that reached the province (in its review, or approved). Each expert scores an assigned
candidate criterion by criterion (``ScoreItem``); the assignment keeps the weighted total (0-100) and
whether it is a draft or submitted. Only submitted totals count (``selectors.expert_totals``).

Conflict of interest is computed from the tree (``services.conflict_reason``): a candidate nominated
inside the subtree of the expert's own union, or employed by the expert's enterprise, is never assigned
to that expert. An expert declares before opening a file; a declared conflict keeps the assignment row
(state "conflict"), so the same expert is never given the candidate again.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.i18n import in_language
from unionportal.orgs.enums import Industry
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection.enums import Tag
from unionportal.selection.models import Candidacy, Programme

from .enums import ACTIVE_STATES, Aggregation, AssignmentState, ScoreStatus

# Fields of expertise: the plan's priority fields and the industry sections (codes do not collide:
# the fields are lower-case words, the sections single capitals).
FIELD_CHOICES = [*Tag.choices, *Industry.choices]
FIELD_LABELS = dict(FIELD_CHOICES)


def province_path() -> str:
    root = Organisation.objects.filter(depth=1).only("path").first()
    return root.path if root else ""


class ExpertProfile(models.Model):
    """An expert of the pool: a user holding the expert role, with what the conflict rule and the field
    matching read (their union, their employer, their fields)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="expert"
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("所在工会"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("该工会及其下级推荐的候选人不会分配给该专家。"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位（企业）"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("该企业的职工不会分配给该专家。"),
    )
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    title = models.CharField(_("职称职务"), max_length=80, blank=True)
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = pgettext_lazy("plural", "评审专家")
        ordering = ["user__name", "id"]

    def __str__(self):
        return self.user.name or self.user.get_username()

    def clean(self):
        unknown = [f for f in self.fields or () if f not in FIELD_LABELS]
        if not isinstance(self.fields, list) or unknown:
            raise ValidationError({"fields": _("专业领域只能从列表中选择。")})

    def audit_org_path(self) -> str:
        return province_path()

    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS[f]) for f in self.fields or () if f in FIELD_LABELS]

    @property
    def employer_label(self) -> str:
        return self.enterprise.name if self.enterprise_id else self.employer


class ExpertStage(models.Model):
    """The expert review of one programme and its settings."""

    programme = models.OneToOneField(
        Programme, verbose_name=_("评选项目"), on_delete=models.PROTECT, related_name="expert_stage"
    )
    scoring_deadline = models.DateTimeField(_("评分截止时间"))
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.TRIMMED
    )
    spread_threshold = models.DecimalField(
        _("分差提示阈值（分）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("同一候选人各专家总分的最高分与最低分之差超过此值时，提示评审组组长复核。"),
    )
    experts_per_candidate = models.PositiveSmallIntegerField(
        _("每名候选人评审专家人数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(15)]
    )
    hide_identity = models.BooleanField(
        _("隐去候选人身份"),
        default=False,
        help_text=_("勾选后，专家看到的是候选人编号，看不到姓名、单位和照片。"),
    )
    remind_days = models.PositiveSmallIntegerField(
        _("截止前提醒（天）"), default=2, validators=[MaxValueValidator(30)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = pgettext_lazy("plural", "专家评审")
        ordering = ["-scoring_deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spread_threshold__gte=0) & Q(spread_threshold__lte=100),
                name="expertstage_spread_range",
            ),
            models.CheckConstraint(
                condition=Q(experts_per_candidate__gte=1), name="expertstage_experts_positive"
            ),
        ]

    def __str__(self):
        return _("%(programme)s 专家评审") % {"programme": self.programme.label}

    def audit_org_path(self) -> str:
        return province_path()

    def is_open_for_scoring(self, now=None) -> bool:
        return (now or timezone.now()) < self.scoring_deadline

    def candidate_code(self, candidacy_id: int) -> str:
        """The code an expert sees instead of the name when identities are hidden: stable per stage, not
        guessable from the candidacy's id."""
        digest = hashlib.sha256(f"{settings.SECRET_KEY}:expert:{self.pk}:{candidacy_id}".encode()).hexdigest()
        return f"C{self.pk}-{digest[:6].upper()}"


class Criterion(models.Model):
    """One line of a programme's rubric: a weight (the weights of a rubric sum to 100) and the maximum
    points an expert may give."""

    stage = models.ForeignKey(ExpertStage, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评审标准"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    description = models.CharField(_("评分说明"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("权重（%）"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_points = models.PositiveSmallIntegerField(
        _("满分"), default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评审标准")
        verbose_name_plural = pgettext_lazy("plural", "评审标准")
        ordering = ["stage", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100) & Q(max_points__gte=1),
                name="criterion_ranges",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class Panel(models.Model):
    """A panel of experts of one stage, with a chair who watches the spread flags and may reopen a
    submitted score."""

    stage = models.ForeignKey(
        ExpertStage, verbose_name=_("专家评审"), on_delete=models.CASCADE, related_name="panels"
    )
    name = models.CharField(_("评审组名称"), max_length=80)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_panels",
    )
    members = models.ManyToManyField(
        ExpertProfile, verbose_name=_("评审专家"), related_name="panels", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评审组")
        verbose_name_plural = pgettext_lazy("plural", "评审组")
        ordering = ["stage", "id"]
        constraints = [models.UniqueConstraint(fields=["stage", "name"], name="panel_unique_name")]

    def __str__(self):
        return self.name

    def audit_org_path(self) -> str:
        return province_path()


class Assignment(models.Model):
    """One candidate given to one expert of a panel, the expert's declaration and their score."""

    stage = models.ForeignKey(
        ExpertStage, on_delete=models.CASCADE, related_name="assignments", editable=False
    )
    panel = models.ForeignKey(
        Panel, verbose_name=_("评审组"), on_delete=models.CASCADE, related_name="assignments"
    )
    candidacy = models.ForeignKey(
        Candidacy, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=AssignmentState.choices, default=AssignmentState.ASSIGNED
    )
    automatic = models.BooleanField(_("自动分配"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    declared_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    conflict_note = models.CharField(_("回避说明"), max_length=200, blank=True)
    score_status = models.CharField(
        _("评分状态"), max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.NONE, blank=True
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("专家分配")
        verbose_name_plural = pgettext_lazy("plural", "专家分配")
        ordering = ["panel", "candidacy_id", "id"]
        constraints = [
            # One row per expert and candidate of a stage, whatever its state: an expert who declared a
            # conflict (or was removed) is never given the same candidate again.
            models.UniqueConstraint(fields=["stage", "candidacy", "expert"], name="assignment_unique"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="assignment_total_range",
            ),
            models.CheckConstraint(
                condition=~Q(score_status=ScoreStatus.SUBMITTED) | Q(total__isnull=False),
                name="assignment_submitted_has_total",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "state", "score_status"], name="assignment_stage_state"),
            models.Index(fields=["expert", "state"], name="assignment_expert_state"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.candidacy_id}"

    def audit_org_path(self) -> str:
        return province_path()

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def code(self) -> str:
        """The candidate's code in the stage (what an expert sees when identities are hidden)."""
        return self.stage.candidate_code(self.candidacy_id)

    @property
    def is_locked(self) -> bool:
        return self.score_status == ScoreStatus.SUBMITTED


class ScoreItem(models.Model):
    """The points an expert gave one criterion for one candidate, with a short comment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    comment = models.CharField(_("评语"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评分明细")
        verbose_name_plural = pgettext_lazy("plural", "评分明细")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="scoreitem_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="scoreitem_points_positive"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"
