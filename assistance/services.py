"""Writes of the assistance ledger. Every path in (form, admin, import) goes through these."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.audit.services import field_changes
from unionportal.campaigns.workdays import add_working_days

from .enums import ACTIVE_STATES, SUDDEN_CAUSES, Category, HouseholdState
from .models import DriveEnterprise, Household, HouseholdMember, Measure, PlanItem, Threshold, Visit
from .selectors import enterprises_for_filing, threshold_for

VERIFY_WORKING_DAYS = 5
SUDDEN_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Assessment:
    category: str
    explanation: str
    per_capita: Decimal


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def per_capita_income(worker_income: Decimal, member_incomes: list[Decimal]) -> Decimal:
    people = 1 + len(member_incomes)
    total = Decimal(worker_income or 0) + sum((Decimal(v or 0) for v in member_incomes), Decimal("0"))
    return (total / people).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_LOOK_UP = object()


def categorise(
    *,
    organisation,
    per_capita: Decimal,
    causes: list[str],
    sudden_cause_on: date | None,
    today: date | None = None,
    threshold=_LOOK_UP,
) -> Assessment:
    """The category a household qualifies for under its county's thresholds, explained in words.

    Deep hardship: per-capita income below the 低保 line. Accident-caused: a sudden cause (accident,
    major illness, disaster) within the last 12 months, whatever the income. Relative: below k × the
    line with a listed cause. Otherwise the household does not qualify.

    ``threshold`` is the Threshold governing ``organisation`` (None when there is none), for a caller
    that fetched them once for many households (the bulk import); by default it is looked up here.
    """
    today = today or timezone.localdate()
    if threshold is _LOOK_UP:
        threshold = threshold_for(organisation)
    if threshold is None:
        raise ValidationError(_("所在地区尚未设定低保线，请联系上级工会设定困难认定标准。"))
    line, k = threshold.dibao_line, threshold.relative_factor
    where = threshold.organisation.name
    if per_capita < line:
        return Assessment(
            Category.DEEP,
            _("家庭人均月收入 %(income)s 元，低于%(where)s低保线 %(line)s 元，认定为深度困难。")
            % {"income": _yuan(per_capita), "where": where, "line": _yuan(line)},
            per_capita,
        )
    sudden = [c for c in causes if c in SUDDEN_CAUSES]
    if sudden and sudden_cause_on and today - sudden_cause_on <= timedelta(days=SUDDEN_WINDOW_DAYS):
        return Assessment(
            Category.ACCIDENT,
            _("%(date)s 发生突发致困事件（12 个月内），不论收入，认定为意外致困。")
            % {"date": sudden_cause_on.isoformat()},
            per_capita,
        )
    limit = (line * k).quantize(Decimal("0.01"))
    if per_capita < limit and causes:
        return Assessment(
            Category.RELATIVE,
            _(
                "家庭人均月收入 %(income)s 元，低于 %(k)s × 低保线 %(line)s 元 = %(limit)s 元，且有致困原因，认定为相对困难。"
            )
            % {"income": _yuan(per_capita), "k": k.normalize(), "line": _yuan(line), "limit": _yuan(limit)},
            per_capita,
        )
    if per_capita < limit:
        return Assessment(
            Category.NONE,
            _("家庭人均月收入 %(income)s 元，低于 %(limit)s 元，但未填写致困原因，不符合建档条件。")
            % {"income": _yuan(per_capita), "limit": _yuan(limit)},
            per_capita,
        )
    return Assessment(
        Category.NONE,
        _(
            "家庭人均月收入 %(income)s 元，不低于 %(k)s × 低保线 %(line)s 元 = %(limit)s 元，且无 12 个月内的突发致困事件，不符合建档条件。"
        )
        % {"income": _yuan(per_capita), "k": k.normalize(), "line": _yuan(line), "limit": _yuan(limit)},
        per_capita,
    )


def responsible_organisation(enterprise):
    """The union answering for an enterprise's households: its own union, else the township it sits in."""
    return enterprise.union or enterprise.township


def check_claimed_category(claimed: str, assessment: Assessment) -> None:
    if claimed and claimed != assessment.category:
        raise ValidationError(
            {
                "category": _("填写的类别“%(claimed)s”与收入和认定标准不符：%(explanation)s")
                % {"claimed": Category(claimed).label, "explanation": assessment.explanation}
            }
        )


def _duplicate_message() -> str:
    return _("该职工已有一份在档的困难职工档案，不能重复建档。")


def household_create(
    *, actor, enterprise, members: list[dict], claimed_category: str = "", **fields
) -> Household:
    """File a new household (state "applied") for an enterprise the actor may file for.

    ``members`` are dicts of HouseholdMember fields. The category is derived from income, causes and the
    county's thresholds; a ``claimed_category`` that contradicts it is refused. Raises ValidationError
    (field errors) or PermissionDenied; nothing is saved then.
    """
    if not enterprises_for_filing(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("该企业不在您的帮扶范围内。"))
    organisation = responsible_organisation(enterprise)
    per_capita = per_capita_income(
        fields.get("worker_income") or Decimal("0"),
        [m.get("monthly_income") or Decimal("0") for m in members],
    )
    assessment = categorise(
        organisation=organisation,
        per_capita=per_capita,
        causes=fields.get("causes") or [],
        sudden_cause_on=fields.get("sudden_cause_on"),
    )
    check_claimed_category(claimed_category, assessment)
    today = timezone.localdate()
    household = Household(
        enterprise=enterprise,
        organisation=organisation,
        per_capita_income=per_capita,
        category=assessment.category,
        category_explanation=assessment.explanation,
        applied_on=today,
        verify_due_on=add_working_days(today, VERIFY_WORKING_DAYS),
        created_by=actor,
        **fields,
    )
    household.id_number = (household.id_number or "").strip().upper()
    if not household.cadre_id:
        drive = DriveEnterprise.objects.filter(enterprise=enterprise).first()
        household.cadre_id = drive.responsible_cadre_id if drive else actor.pk
    household.full_clean()  # includes the one-active-file constraint, with its message
    try:
        with transaction.atomic():
            household.save()
            HouseholdMember.objects.bulk_create([HouseholdMember(household=household, **m) for m in members])
            audit.record(
                actor=actor,
                action="assistance.household.create",
                obj=household,
                to_state=household.state,
                comment=assessment.explanation,
            )
    except IntegrityError as exc:  # a concurrent filing of the same worker won the race
        raise ValidationError({"id_number": _duplicate_message()}) from exc
    return household


def household_update(
    *, actor, household: Household, members: list[dict] | None = None, claimed_category: str = "", **fields
) -> Household:
    """Edit an open file; the category is derived again and the change audited field by field."""
    if household.state not in ACTIVE_STATES:
        raise ValidationError(_("已脱困或已退档的档案不能再修改。"))
    before = {name: getattr(household, name) for name in fields}
    for name, value in fields.items():
        setattr(household, name, value)
    member_incomes = (
        [m.get("monthly_income") or Decimal("0") for m in members]
        if members is not None
        else list(household.members.values_list("monthly_income", flat=True))
    )
    assessment = categorise(
        organisation=household.organisation,
        per_capita=per_capita_income(household.worker_income, member_incomes),
        causes=household.causes,
        sudden_cause_on=household.sudden_cause_on,
    )
    check_claimed_category(claimed_category, assessment)
    household.per_capita_income = assessment.per_capita
    household.category = assessment.category
    household.category_explanation = assessment.explanation
    household.id_number = household.id_number.strip().upper()
    household.full_clean()
    after = {name: getattr(household, name) for name in fields}
    try:
        with transaction.atomic():
            household.save()
            if members is not None:
                household.members.all().delete()
                HouseholdMember.objects.bulk_create(
                    [HouseholdMember(household=household, **m) for m in members]
                )
            changes = field_changes(before, after)
            changes.pop("id_number", None)  # never copy personal data into the audit log
            changes.pop("phone", None)
            audit.record(actor=actor, action="assistance.household.update", obj=household, changes=changes)
    except IntegrityError as exc:
        raise ValidationError({"id_number": _duplicate_message()}) from exc
    return household


def measure_add(*, actor, household: Household, **fields) -> Measure:
    """Record help given; the first measure on a filed household moves it to "assisted"."""
    if household.state not in (HouseholdState.FILED, HouseholdState.ASSISTED):
        raise ValidationError(_("只有已建档的家庭才能登记帮扶措施。"))
    measure = Measure(household=household, recorded_by=actor, **fields)
    measure.full_clean()
    with transaction.atomic():
        measure.save()
        audit.record(
            actor=actor,
            action="assistance.measure.add",
            obj=household,
            comment=f"{measure.get_type_display()} {measure.amount}",
        )
        if household.state == HouseholdState.FILED:
            from unionportal.audit.transitions import transition

            from .workflows import HOUSEHOLD_WORKFLOW

            transition(
                workflow=HOUSEHOLD_WORKFLOW,
                pk=household.pk,
                to=HouseholdState.ASSISTED,
                actor=actor,
                comment=_("登记首项帮扶措施"),
            )
    return measure


def plan_item_add(*, actor, household: Household, action: str, follow_up_on: date) -> PlanItem:
    if household.state not in ACTIVE_STATES:
        raise ValidationError(_("已脱困或已退档的档案不能再添加帮扶计划。"))
    item = PlanItem(household=household, action=action, follow_up_on=follow_up_on, created_by=actor)
    item.full_clean()
    item.save()
    audit.record(actor=actor, action="assistance.plan.add", obj=household, comment=action)
    return item


def plan_item_done(*, actor, item: PlanItem) -> PlanItem:
    item.done_on = timezone.localdate()
    item.save(update_fields=["done_on"])
    audit.record(actor=actor, action="assistance.plan.done", obj=item.household, comment=item.action)
    return item


def visit_log(*, actor, drive_enterprise: DriveEnterprise, photos=(), **fields) -> Visit:
    """A cadre logs a visit to one of their enterprises, with photos through the checked upload path."""
    from unionportal.uploads.services import upload_store

    paired = (
        drive_enterprise.responsible_cadre_id == actor.pk
        or drive_enterprise.cadres.filter(pk=actor.pk).exists()
    )
    if not paired:
        raise PermissionDenied(_("只能为与您结对的企业登记走访。"))
    visit = Visit(cadre=actor, drive_enterprise=drive_enterprise, **fields)
    visit.full_clean()
    organisation = responsible_organisation(drive_enterprise.enterprise)
    with transaction.atomic():
        visit.save()
        stored = [upload_store(file=f, kind="image", actor=actor, organisation=organisation) for f in photos]
        visit.photos.set(stored)
    return visit


CENTS = Decimal("0.01")


# --- thresholds: the write path -------------------------------------------------------------------------


@dataclass
class Recategorised:
    checked: int = 0
    changed: list[tuple[Household, str, str]] = field(default_factory=list)  # (household, before, after)
    failed: list[tuple[Household, str]] = field(default_factory=list)  # (household, why)


def households_recategorise(*, actor, organisation) -> Recategorised:
    """Derive again, through ``services.household_update``, the category of every open household that
    ``organisation``'s lines govern (its subtree, less the parts that have lines of their own).

    Each household is locked and updated on its own, so one that can no longer be saved (e.g. data that
    has stopped validating) is reported in ``failed`` and does not undo the others.
    """
    households = Household.objects.filter(
        organisation__path__startswith=organisation.path, state__in=ACTIVE_STATES
    )
    nearer = (
        Threshold.objects.filter(organisation__path__startswith=organisation.path)
        .exclude(organisation=organisation)
        .values_list("organisation__path", flat=True)
    )
    for path in nearer:
        households = households.exclude(organisation__path__startswith=path)
    result = Recategorised()
    for pk in households.order_by("pk").values_list("pk", flat=True):
        household = None
        try:
            with transaction.atomic():
                household = (
                    Household.objects.select_for_update(of=("self",))
                    .select_related("organisation")
                    .filter(pk=pk, state__in=ACTIVE_STATES)
                    .first()
                )
                if household is None:  # closed meanwhile
                    continue
                result.checked += 1
                before = household.category
                household_update(actor=actor, household=household)
                if household.category != before:
                    audit.record(
                        actor=actor,
                        action="assistance.household.recategorise",
                        obj=household,
                        changes={"category": [before, household.category]},
                        comment=household.category_explanation,
                    )
                    result.changed.append((household, before, household.category))
        except ValidationError as error:
            result.failed.append((household, "；".join(error.messages)))
    return result


def threshold_set(
    *, actor, organisation, dibao_line, relative_factor
) -> tuple[Threshold, Recategorised | None]:
    """Set ``organisation``'s 低保 line and factor k, audited, then re-derive the categories they govern.

    Callers: staff of a union above or at ``organisation`` (the threshold page and the admin). Raises
    PermissionDenied outside the actor's subtree and ValidationError for values out of range. Returns
    the threshold and what re-categorising found (None when nothing changed).
    """
    if not permissions.covers(actor, "threshold", "change", organisation.path):
        raise PermissionDenied(_("只能设定您管辖范围内地区的困难认定标准。"))
    with transaction.atomic():
        threshold = Threshold.objects.select_for_update().filter(organisation=organisation).first()
        if threshold is None:
            threshold, before = Threshold(organisation=organisation), {}
        else:
            before = {"dibao_line": threshold.dibao_line, "relative_factor": threshold.relative_factor}
        # As stored (two decimals), so that the audit shows "1100.00" and an unchanged value is unchanged.
        threshold.dibao_line = Decimal(dibao_line).quantize(CENTS)
        threshold.relative_factor = Decimal(relative_factor).quantize(CENTS)
        threshold.updated_by = actor
        threshold.full_clean()
        after = {"dibao_line": threshold.dibao_line, "relative_factor": threshold.relative_factor}
        changes = field_changes(before, after)
        if before and not changes:
            return threshold, None
        threshold.save()
        audit.record(actor=actor, action="assistance.threshold.change", obj=threshold, changes=changes)
    return threshold, households_recategorise(actor=actor, organisation=organisation)
