from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.accounts.validators import mask_id_number, mask_mobile, validate_id_number, validate_mobile
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.orgs.scoping import scope_q

from .enums import (
    ACTIVE_STATES,
    Category,
    FundSource,
    Gender,
    Health,
    HouseholdState,
    JobStatus,
    MeasureForm,
    MeasureType,
    Relation,
    Schooling,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
# The staff pages' cached fragments of households (unionportal.fragments): the list, the to-dos.
HOUSEHOLD_TOPIC = "household"
# The rollups the level report reads (moved by every refresh).
ROLLUP_TOPIC = "household_rollup"


class Threshold(models.Model):
    """A county's (or, as a default for what lies below, a city's or the province's) hardship lines."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("地区工会"),
        on_delete=models.CASCADE,
        related_name="assistance_threshold",
    )
    dibao_line = models.DecimalField(
        _("低保线（元/人·月）"),
        **MONEY,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("10000"))],
    )
    relative_factor = models.DecimalField(
        _("相对困难系数 k"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5"))],
        help_text=_("人均月收入低于 k × 低保线且有致困原因的，为相对困难。"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("困难认定标准")
        verbose_name_plural = pgettext_lazy("plural", "困难认定标准")
        constraints = [
            models.CheckConstraint(condition=Q(dibao_line__gt=0), name="threshold_line_positive"),
            models.CheckConstraint(condition=Q(relative_factor__gte=1), name="threshold_factor_at_least_one"),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.dibao_line} × {self.relative_factor}"


class InSubquery(Func):
    """``column IN (subquery)``, written ``column = ANY(ARRAY(subquery))`` on PostgreSQL.

    OR-ed with the subtree's path prefix, a plain ``IN (subquery)`` becomes a filter PostgreSQL checks on
    every household; the array form is computed once and can be looked up in an index, so the two sides
    of the OR stay two index scans (a bitmap OR)."""

    arg_joiner = " IN "
    template = "(%(expressions)s)"
    output_field = models.BooleanField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, arg_joiner=" = ANY(ARRAY", template="(%(expressions)s))", **extra_context
        )


class DriveEnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        """Staff: their subtree. Cadres: the enterprises they are paired with or responsible for.

        Each side is an indexed lookup (organisations by path prefix, their enterprises by foreign key,
        the user's pairings by user), so PostgreSQL ORs bitmaps instead of joining and filtering every
        drive enterprise with its enterprise and two organisations."""
        from unionportal import permissions
        from unionportal.orgs.scoping import get_scope

        if not user.is_authenticated:
            return self.none()
        staff_roles = permissions.roles_for(
            "drive_enterprise", action, permissions.SUBTREE, permissions.PROVINCE
        )
        scope = get_scope(user, staff_roles) if staff_roles else None
        if scope is not None and scope.everything:
            return self.all()
        visible = Q(pk__in=[])
        if permissions.reaches_own(user, "drive_enterprise", action):
            paired = DriveEnterprise.cadres.through.objects.filter(user=user).values("driveenterprise_id")
            visible = Q(responsible_cadre=user) | Q(InSubquery(F("pk"), paired))
        if scope is not None and scope.subtree_paths:  # (an empty subquery would compile to "IN NULL")
            organisations = Organisation.objects.filter(scope_q(user, "path", roles=staff_roles))
            ids = organisations.order_by().values("pk")
            # A UNION of two foreign-key lookups, not an OR, which would filter every enterprise.
            in_scope = (
                Enterprise.objects.filter(township_id__in=ids)
                .order_by()
                .values("pk")
                .union(Enterprise.objects.filter(union_id__in=ids).order_by().values("pk"))
            )
            visible |= Q(InSubquery(F("enterprise_id"), in_scope))
        return self.filter(visible)


class DriveEnterprise(models.Model):
    """An enterprise in the "10,000 cadres into 10,000 enterprises" drive, with the cadres paired to it."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="assistance_drive"
    )
    capacity_cutting = models.BooleanField(_("去产能企业"), default=False)
    responsible_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任干部"), on_delete=models.PROTECT, related_name="+"
    )
    cadres = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结对干部"),
        related_name="assistance_enterprises",
        blank=True,
    )
    joined_on = models.DateField(_("纳入日期"), auto_now_add=True)

    objects = DriveEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶企业")
        verbose_name_plural = pgettext_lazy("plural", "帮扶企业")
        ordering = ["enterprise__name"]

    def __str__(self):
        return str(self.enterprise)


class Visit(models.Model):
    """A cadre's visit to an enterprise (and the households met there), logged on a phone."""

    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("走访干部"), on_delete=models.PROTECT)
    drive_enterprise = models.ForeignKey(
        DriveEnterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    households_met = models.PositiveSmallIntegerField(
        _("走访户数"), default=0, validators=[MaxValueValidator(500)]
    )
    findings = models.TextField(_("走访情况"))
    follow_up_needed = models.BooleanField(_("需要跟进"), default=False)
    follow_up = models.CharField(_("跟进事项"), max_length=300, blank=True)
    photos = models.ManyToManyField(
        "uploads.StoredFile", verbose_name=_("照片"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = pgettext_lazy("plural", "走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on} {self.drive_enterprise}"


# The fields a person enters for a household (form, admin, import); the rest is derived or workflow.
HOUSEHOLD_INPUT_FIELDS = (
    "worker_name",
    "id_number",
    "gender",
    "phone",
    "job_status",
    "worker_income",
    "causes",
    "sudden_cause_on",
)


_PAIRED_ATTR = "_assistance_paired_enterprises"


def paired_enterprise_ids(user) -> tuple[int, ...]:
    """The enterprises ``user`` is paired with or responsible for as a cadre, fetched once per user object
    (like the scope) by two index lookups; ``forget_pairings`` drops the cached value."""
    if _PAIRED_ATTR not in user.__dict__:
        responsible = DriveEnterprise.objects.filter(responsible_cadre=user).values_list("enterprise_id")
        paired = DriveEnterprise.objects.filter(
            InSubquery(
                F("pk"), DriveEnterprise.cadres.through.objects.filter(user=user).values("driveenterprise_id")
            )
        ).values_list("enterprise_id")
        rows = responsible.order_by().union(paired.order_by())
        user.__dict__[_PAIRED_ATTR] = tuple(sorted(pk for (pk,) in rows))
    return user.__dict__[_PAIRED_ATTR]


def forget_pairings(user) -> None:
    user.__dict__.pop(_PAIRED_ATTR, None)


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "open"):
        """Staff: their subtree. Cadres: the households of the enterprises they are paired with."""
        if not user.is_authenticated:
            return self.none()
        from unionportal import permissions

        if user.is_superuser:
            # Q() | Q(x) is Q(x) in Django: OR-ing "everything" with the pairings would keep only those.
            return self.all()
        visible = permissions.scope_q(user, "household", action, "org_path")
        paired = paired_enterprise_ids(user) if permissions.reaches_own(user, "household", action) else ()
        if paired:
            # Only when there are pairings: an OR, even with an empty side, keeps PostgreSQL from
            # walking the subtree's newest-first index (household_scope_recent) and stopping at a page.
            visible |= Q(enterprise_id__in=paired)
        return self.filter(visible)


class Household(models.Model):
    """A hardship household file (建档立卡): the worker, the family, income, causes, category, state."""

    previous_org_path = ""

    # Neither key has an index of its own: the (enterprise, state) and (organisation, state) indexes
    # below serve their lookups, and each index more is written for every household an import files.
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("所在企业"), on_delete=models.PROTECT, db_index=False
    )
    # The union responsible for the file (the enterprise's union, else its township); scopes the record.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("责任工会"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # A copy of organisation.path, so that "the households in a subtree" is one index range scan
    # (``org_path LIKE 'prefix%'``) instead of a join on every list page. Set on save (and by bulk writers).
    org_path = models.CharField(max_length=255, editable=False, default="")
    worker_name = models.CharField(_("职工姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_mobile])
    job_status = models.CharField(_("就业状态"), max_length=16, choices=JobStatus.choices)
    worker_income = models.DecimalField(
        _("职工本人月收入（元）"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    per_capita_income = models.DecimalField(_("家庭人均月收入（元）"), **MONEY, default=Decimal("0"))
    causes = models.JSONField(_("致困原因"), default=list, blank=True)
    sudden_cause_on = models.DateField(
        _("突发致困日期"), null=True, blank=True, help_text=_("意外事故、重大疾病或灾害发生的日期。")
    )
    category = models.CharField(_("困难类别"), max_length=10, choices=Category.choices)
    category_explanation = models.TextField(_("认定依据"), blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=HouseholdState.choices, default=HouseholdState.APPLIED
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任干部"), on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField(_("申请日期"))
    verify_due_on = models.DateField(_("入户核实期限"))
    verify_reminded_on = models.DateField(null=True, blank=True, editable=False)
    filed_on = models.DateField(_("建档日期"), null=True, blank=True)
    closed_reason = models.CharField(_("脱困/退档原因"), max_length=300, blank=True)
    last_reviewed_on = models.DateField(_("最近年度复核"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("困难职工家庭")
        verbose_name_plural = pgettext_lazy("plural", "困难职工家庭")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(state__in=[str(s) for s in ACTIVE_STATES]),
                name="one_active_file_per_worker",
                violation_error_message=_("该职工已有一份在档的困难职工档案，不能重复建档。"),
            ),
            models.CheckConstraint(condition=Q(worker_income__gte=0), name="household_income_not_negative"),
        ]
        indexes = [
            models.Index(fields=["organisation", "state"], name="household_org_state"),
            models.Index(fields=["enterprise", "state"], name="household_enterprise_state"),
            # Staff lists: the subtree by path prefix, the newest first; the page's keys are read from
            # the index alone (pagination.page_by_key), without visiting the rows.
            models.Index(
                fields=["org_path", "-created_at", "-id"],
                name="household_scope_recent",
                opclasses=["varchar_pattern_ops", "timestamptz_ops", "int8_ops"],
            ),
            # The same with the state filter.
            models.Index(
                fields=["org_path", "state", "-created_at", "-id"],
                name="household_scope_state_recent",
                opclasses=["varchar_pattern_ops", "varchar_ops", "timestamptz_ops", "int8_ops"],
            ),
            # The default ordering, for lists that span the province (superusers, province staff).
            models.Index(fields=["-created_at", "-id"], name="household_recent"),
        ]

    def __str__(self):
        # Language-neutral brackets: the text is stored as the audit event's object name and shown on
        # pages in any language.
        return f"{self.worker_name} ({self.masked_id_number})"

    def save(self, *args, **kwargs):
        # Keep the copy of the organisation's path in step; a loaded organisation costs no query.
        if self.organisation_id:
            loaded = self._state.fields_cache.get("organisation")
            path = loaded.path if loaded is not None and loaded.pk == self.organisation_id else None
            if path is None and not self.org_path:
                path = Organisation.objects.values_list("path", flat=True).get(pk=self.organisation_id)
            if path is not None and path != self.org_path:
                self.previous_org_path = self.org_path  # the staff lists of both places change
                self.org_path = path
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "org_path"}
        super().save(*args, **kwargs)

    def audit_org_path(self) -> str:
        return self.organisation.path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    def cause_labels(self) -> list[str]:
        from .enums import Cause

        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.causes]


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=60)
    relation = models.CharField(_("与职工关系"), max_length=12, choices=Relation.choices)
    age = models.PositiveSmallIntegerField(_("年龄"), validators=[MaxValueValidator(120)])
    health = models.CharField(_("健康状况"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    schooling = models.CharField(
        _("就学情况"), max_length=10, choices=Schooling.choices, default=Schooling.NONE
    )
    monthly_income = models.DecimalField(
        _("月收入（元）"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = pgettext_lazy("plural", "家庭成员")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="member_income_not_negative")
        ]

    def __str__(self):
        return self.name


class Measure(models.Model):
    """Help given to a household (因户施策)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="measures")
    type = models.CharField(_("帮扶类型"), max_length=12, choices=MeasureType.choices)
    form = models.CharField(_("形式"), max_length=8, choices=MeasureForm.choices)
    amount = models.DecimalField(
        _("金额/折合金额（元）"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("200000"))],
    )
    given_on = models.DateField(_("帮扶日期"))
    fund_source = models.CharField(_("资金来源"), max_length=12, choices=FundSource.choices)
    giver = models.CharField(_("帮扶单位/人"), max_length=120)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("帮扶措施")
        verbose_name_plural = pgettext_lazy("plural", "帮扶措施")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0, amount__lte=200000), name="measure_amount_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.amount}"


class PlanItem(models.Model):
    """One step of a household's assistance plan, with a follow-up date that reminds the cadre."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="plan_items")
    action = models.CharField(_("帮扶计划"), max_length=300)
    follow_up_on = models.DateField(_("跟进日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = pgettext_lazy("plural", "帮扶计划")
        ordering = ["follow_up_on", "id"]

    def __str__(self):
        return self.action


class YearlyReview(models.Model):
    """The yearly review of a filed household: its cadre confirms or changes the category."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField(_("年度"))
    requested_on = models.DateField(_("发起日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    category_before = models.CharField(max_length=10, choices=Category.choices)
    category_after = models.CharField(max_length=10, choices=Category.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("年度复核")
        verbose_name_plural = pgettext_lazy("plural", "年度复核")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="one_review_per_year")]

    def __str__(self):
        return f"{self.household} {self.year}"


class HouseholdRollup(models.Model):
    """Households after filing counted per organisation, category, state and capacity-cutting flag, so
    that the level reports read a few thousand summed rows instead of aggregating every household.
    Rebuilt whole by ``rollups.rollup_refresh`` (periodically and after an import)."""

    org_path = models.CharField(max_length=255)
    category = models.CharField(max_length=10, choices=Category.choices)
    state = models.CharField(max_length=12, choices=HouseholdState.choices)
    capacity_cutting = models.BooleanField()
    households = models.PositiveIntegerField()
    helped = models.PositiveIntegerField()  # of those, with at least one measure
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["org_path"], name="household_rollup_path", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self):
        return f"{self.org_path} {self.category} {self.state}: {self.households}"


class MeasureRollup(models.Model):
    """Measures counted and summed per organisation (of the household), type, fund source and
    capacity-cutting flag; rebuilt with ``HouseholdRollup``."""

    org_path = models.CharField(max_length=255)
    type = models.CharField(max_length=12, choices=MeasureType.choices)
    fund_source = models.CharField(max_length=12, choices=FundSource.choices)
    capacity_cutting = models.BooleanField()
    measures = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["org_path"], name="measure_rollup_path", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self):
        return f"{self.org_path} {self.type} {self.fund_source}: {self.measures}"


class HouseholdLevelRollup(models.Model):
    """``HouseholdRollup`` summed per city (depth 2), county (3), township (4) or grassroots union (5): the
    rows of the province, city, county and township reports, as many as the report has rows instead of
    one per organisation below them. ``key`` is the households' path cut to ``depth`` levels (a shorter
    path stays whole: the records of an organisation above that depth itself); the category is kept only
    for the states the report splits by category (filed, assisted), blank else. Rebuilt from
    ``HouseholdRollup`` with it."""

    depth = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=255)
    category = models.CharField(max_length=10, choices=Category.choices, blank=True)
    state = models.CharField(max_length=12, choices=HouseholdState.choices)
    capacity_cutting = models.BooleanField()
    households = models.PositiveIntegerField()
    helped = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["depth", "key"],
                name="household_level_key",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.depth} {self.key} {self.category} {self.state}: {self.households}"


class MeasureLevelRollup(models.Model):
    """``MeasureRollup`` summed per key at the depths of ``HouseholdLevelRollup``, only by what the report shows:
    per row by type (``fund_source`` blank) and by fund source (``type`` blank), and type × fund source
    over the whole level (both set; ``key`` is then the level's own path, cut to ``depth - 1`` levels).
    Rebuilt with ``MeasureRollup``."""

    depth = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=255)
    type = models.CharField(max_length=12, choices=MeasureType.choices, blank=True)
    fund_source = models.CharField(max_length=12, choices=FundSource.choices, blank=True)
    capacity_cutting = models.BooleanField()
    measures = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["depth", "key"],
                name="measure_level_key",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.depth} {self.key} {self.type} {self.fund_source}: {self.measures}"


class DriveLevelRollup(models.Model):
    """Drive enterprises and distinct paired cadres per path cut to ``depth`` levels (1 to 5), counted
    straight from the drive tables for each depth (distinct cadres do not add up from a deeper cut). The
    rows of a report at depth d are the keys at d + 1, its total the key of its own path at d. The
    ``capacity_`` figures count the capacity-cutting drive enterprises only. Rebuilt with the other
    rollups."""

    depth = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=255)
    enterprises = models.PositiveIntegerField()
    cadres = models.PositiveIntegerField()
    capacity_enterprises = models.PositiveIntegerField()
    capacity_cadres = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["depth", "key"],
                name="drive_level_key",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"{self.depth} {self.key}: {self.enterprises} / {self.cadres}"
