"""Wage collective bargaining: the local minimum wage, each enterprise's bargaining facts, offers (要约),
agreements with their negotiators, rounds and the enterprises they cover.

Every record the drive counts carries ``org_path``: the path of the union responsible for it (the
enterprise's grassroots union, else its township union; for an industry agreement the signing union, and
for each enterprise it covers that enterprise's union), so scoping and the progress page are prefix
tests and prefix groupings on one indexed column.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.orgs.models import Enterprise, Organisation

from . import conf
from .enums import (
    AgreementKind,
    AgreementState,
    ContractStatus,
    Flag,
    OfferState,
    Side,
    Tier,
    Topic,
)

MONEY = {"max_digits": 10, "decimal_places": 2}
# The staff pages' cached fragments would follow this topic; the pages here are read live.
BARGAINING_TOPIC = "bargaining"


class MinimumWage(models.Model):
    """One region's minimum wage from a date (a city, county or the province as the default for what
    has no row of its own). Regions are named by their administrative division code, which is also the
    code of their regional union, so the table stands before any organisation is entered."""

    region_code = models.CharField(_("行政区划代码"), max_length=12)
    region_name = models.CharField(_("地区"), max_length=60)
    tier = models.PositiveSmallIntegerField(_("档次"), choices=Tier.choices)
    monthly = models.DecimalField(
        _("月最低工资标准（元）"), **MONEY, validators=[MinValueValidator(Decimal("1"))]
    )
    hourly = models.DecimalField(
        _("小时最低工资标准（元）"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    effective_from = models.DateField(_("执行日期"))

    class Meta:
        verbose_name = _("最低工资标准")
        verbose_name_plural = pgettext_lazy("plural", "最低工资标准")
        ordering = ["region_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="minimum_wage_one_per_day"
            ),
            models.CheckConstraint(condition=Q(monthly__gt=0, hourly__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self):
        return f"{self.region_name} {self.get_tier_display()} {self.monthly}"


def responsible_union(enterprise: Enterprise) -> Organisation:
    """The union a drive target is assigned to: the enterprise's grassroots union, else its township's."""
    return enterprise.union if enterprise.union_id else enterprise.township


class ProfileQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "bargaining_target", action, "org_path"))

    def flagged(self, flag: str, today: date):
        return self.filter(flag_q(flag, today))

    def targets(self, today: date):
        return self.filter(target_q(today))


def flag_q(flag: str, today: date) -> Q:
    """The drive's criterion ``flag`` as a filter, on the day ``today``."""
    if flag == Flag.NO_CONTRACT:
        return Q(contract_status=ContractStatus.NONE)
    if flag == Flag.EXPIRED:
        return Q(contract_status=ContractStatus.EXPIRED) | Q(
            contract_status=ContractStatus.IN_FORCE, contract_expires_on__lt=today
        )
    if flag == Flag.NO_WAGE_AGREEMENT:
        return Q(wage_agreement_year__isnull=True) | Q(wage_agreement_year__lt=today.year)
    if flag == Flag.WAGES_FLAT:
        return Q(wages_flat_years__gte=conf.figure("FLAT_WAGE_YEARS"))
    if flag == Flag.NEAR_MINIMUM:
        return Q(near_minimum_share__gte=conf.figure("NEAR_MINIMUM_SHARE"))
    raise KeyError(flag)


def target_q(today: date) -> Q:
    q = Q(pk__in=[])
    for flag in Flag:
        q |= flag_q(flag, today)
    return q


class BargainingProfile(models.Model):
    """An enterprise's bargaining facts (one per shared ``Enterprise``), from which its flags follow."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="bargaining"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    contract_status = models.CharField(
        _("集体合同"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.NONE
    )
    contract_expires_on = models.DateField(_("集体合同到期日"), null=True, blank=True)
    wage_agreement_year = models.PositiveSmallIntegerField(
        _("最近工资专项集体合同年度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    wages_flat_years = models.PositiveSmallIntegerField(
        _("工资连续未增长年数"), default=0, validators=[MaxValueValidator(50)]
    )
    near_minimum_share = models.DecimalField(
        _("接近最低工资的职工占比（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业协商情况")
        verbose_name_plural = pgettext_lazy("plural", "企业协商情况")
        constraints = [
            models.CheckConstraint(
                condition=Q(near_minimum_share__gte=0, near_minimum_share__lte=100),
                name="bargaining_profile_share_range",
            ),
        ]

    def __str__(self):
        return str(self.enterprise)

    def flags(self, today: date) -> list[Flag]:
        """The criteria this enterprise meets on ``today`` (the same rules as ``flag_q``)."""
        found = []
        if self.contract_status == ContractStatus.NONE:
            found.append(Flag.NO_CONTRACT)
        if self.contract_status == ContractStatus.EXPIRED or (
            self.contract_status == ContractStatus.IN_FORCE
            and self.contract_expires_on is not None
            and self.contract_expires_on < today
        ):
            found.append(Flag.EXPIRED)
        if self.wage_agreement_year is None or self.wage_agreement_year < today.year:
            found.append(Flag.NO_WAGE_AGREEMENT)
        if self.wages_flat_years >= conf.figure("FLAT_WAGE_YEARS"):
            found.append(Flag.WAGES_FLAT)
        if self.near_minimum_share >= conf.figure("NEAR_MINIMUM_SHARE"):
            found.append(Flag.NEAR_MINIMUM)
        return found


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "bargaining_offer", action, "org_path"))


class Offer(models.Model):
    """A written bargaining offer (要约) to one enterprise's other side, and its reply clock."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="bargaining_offers"
    )
    union = models.ForeignKey(
        Organisation, verbose_name=_("责任工会"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Organisation,
        verbose_name=_("上级工会"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("督促答复、接收拒绝协商报告的上级工会。"),
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    side = models.CharField(_("要约方"), max_length=16, choices=Side.choices, default=Side.UNION)
    topics = models.JSONField(_("协商议题"), default=list)
    data_requested = models.TextField(_("要求提供的资料"), blank=True)
    contact_name = models.CharField(_("对方联系人"), max_length=60)
    contact_phone = models.CharField(_("对方联系电话"), max_length=20, blank=True)
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对方联系人账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("对方联系人有平台账户时，答复期限提醒也发给他。"),
    )
    state = models.CharField(_("状态"), max_length=16, choices=OfferState.choices, default=OfferState.DRAFT)
    sent_on = models.DateField(_("发出日期"), null=True, blank=True)
    received_on = models.DateField(_("送达日期"), null=True, blank=True)
    reply_due_on = models.DateField(_("答复期限"), null=True, blank=True)
    delivery_proof = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("送达凭证"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True, editable=False)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    refusal_reason = models.TextField(_("拒绝理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("协商要约")
        verbose_name_plural = pgettext_lazy("plural", "协商要约")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "reply_due_on"], name="offer_state_due")]

    def __str__(self):
        return _("致%(name)s的要约") % {"name": self.enterprise.name}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("bargaining:offer", kwargs={"pk": self.pk})

    def audit_org_path(self) -> str:
        return self.org_path

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics]

    def days_left(self, today: date) -> int | None:
        """Days until the reply is due (negative: overdue), while the offer waits for its reply."""
        if self.reply_due_on is None or self.state not in (OfferState.SENT, OfferState.OVERDUE):
            return None
        return (self.reply_due_on - today).days

    @property
    def replied_in_time(self) -> bool:
        return bool(self.replied_on and self.reply_due_on and self.replied_on <= self.reply_due_on)


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "bargaining_agreement", action, "org_path"))


class Agreement(models.Model):
    """A wage agreement (工资专项集体合同) from negotiation to effect: one enterprise's, or an industry's
    or region's covering many enterprises (``Coverage``)."""

    kind = models.CharField(
        _("类型"), max_length=16, choices=AgreementKind.choices, default=AgreementKind.ENTERPRISE
    )
    title = models.CharField(_("名称"), max_length=200)
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("要约"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bargaining_agreements",
        help_text=_("行业性、区域性协议留空，在覆盖企业中列出。"),
    )
    union = models.ForeignKey(
        Organisation, verbose_name=_("签约工会"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    employer_party = models.CharField(_("企业方（或企业代表组织）"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=16, choices=AgreementState.choices, default=AgreementState.NEGOTIATING
    )
    # The terms (the draft the congress votes on).
    start_on = models.DateField(_("起始日期"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("期限（年）"), default=1)
    enterprise_min_wage = models.DecimalField(_("企业最低工资（元/月）"), **MONEY, null=True, blank=True)
    average_rise = models.DecimalField(
        _("职工平均工资增长幅度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    clauses = models.TextField(_("其他条款"), blank=True)
    # The workers' congress (职代会) vote.
    delegates_total = models.PositiveIntegerField(_("职工代表总数"), null=True, blank=True)
    delegates_present = models.PositiveIntegerField(_("出席代表"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成票"), null=True, blank=True)
    voted_on = models.DateField(_("表决日期"), null=True, blank=True)
    # Signing, filing and review.
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    signed_text = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("签字文本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_on = models.DateField(_("报送日期"), null=True, blank=True)
    filing_authority = models.CharField(_("报送的劳动保障行政部门"), max_length=120, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    objection = models.TextField(_("审查意见"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("工资专项集体合同")
        verbose_name_plural = pgettext_lazy("plural", "工资专项集体合同")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(term_years__gte=1, term_years__lte=3), name="agreement_term"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("bargaining:agreement", kwargs={"pk": self.pk})

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def ends_on(self) -> date | None:
        if self.start_on is None:
            return None
        try:
            return self.start_on.replace(year=self.start_on.year + self.term_years) - timedelta(days=1)
        except ValueError:  # 29 February
            return self.start_on.replace(month=2, day=28, year=self.start_on.year + self.term_years)

    @property
    def filing_due_on(self) -> date | None:
        return self.signed_on + timedelta(days=conf.figure("FILING_DAYS")) if self.signed_on else None

    @property
    def review_ends_on(self) -> date | None:
        return self.filed_on + timedelta(days=conf.figure("REVIEW_DAYS")) if self.filed_on else None


class Coverage(models.Model):
    """An enterprise an agreement covers, with its workers (an enterprise agreement covers its own)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="coverage")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    workers = models.PositiveIntegerField(_("覆盖职工"), default=0)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("覆盖企业")
        verbose_name_plural = pgettext_lazy("plural", "覆盖企业")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "enterprise"], name="coverage_once_per_agreement"),
        ]

    def __str__(self):
        return str(self.enterprise)


class Negotiator(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="negotiators")
    side = models.CharField(_("代表方"), max_length=16, choices=Side.choices)
    name = models.CharField(_("姓名"), max_length=60)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    is_chief = models.BooleanField(_("首席代表"), default=False)
    is_expert = models.BooleanField(_("外聘专家"), default=False)

    class Meta:
        verbose_name = _("协商代表")
        verbose_name_plural = pgettext_lazy("plural", "协商代表")
        ordering = ["side", "-is_chief", "id"]

    def __str__(self):
        return self.name


class Round(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120)
    recorder = models.CharField(_("记录人"), max_length=60)
    minutes = models.TextField(_("协商纪要"))
    settled = models.TextField(_("已达成一致的事项"), blank=True)
    open_issues = models.TextField(_("尚待协商的事项"), blank=True)

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = pgettext_lazy("plural", "协商会议")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="round_number_once"),
        ]

    def __str__(self):
        return _("第 %(n)s 轮") % {"n": self.number}
