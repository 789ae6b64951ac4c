"""Writes of the assistance ledger. Every path in (form, admin, imports, the bench) goes through these."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments, permissions
from unionportal.accounts.validators import (
    gender_from_id,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from unionportal.audit import services as audit
from unionportal.audit.context import current_client_ip
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import field_changes
from unionportal.campaigns.workdays import add_working_days
from unionportal.orgs.models import Enterprise, Organisation

from . import bulk
from .enums import (
    ABOVE_LINE_EXPLANATION,
    ACCIDENT_EXPLANATION,
    ACTIVE_STATES,
    CATEGORY_EXPLANATIONS,
    DEEP_EXPLANATION,
    FIRST_MEASURE_COMMENT,
    MEASURE_COMMENTS,
    NO_CAUSE_EXPLANATION,
    RELATIVE_EXPLANATION,
    SUDDEN_CAUSES,
    Category,
    Cause,
    Gender,
    Health,
    HouseholdState,
    JobStatus,
    Relation,
    Schooling,
)
from .models import (
    HOUSEHOLD_TOPIC,
    DriveEnterprise,
    Household,
    HouseholdMember,
    Measure,
    PlanItem,
    Threshold,
    Visit,
)
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
    texts: dict | None = None,
) -> Assessment:
    """The category a household qualifies for under its county's thresholds, explained in words.

    Deep hardship: per-capita income below the 低保 line. Accident-caused: a sudden cause (accident,
    major illness, disaster) within the last 12 months, whatever the income. Relative: below k × the
    line with a listed cause. Otherwise the household does not qualify.

    ``threshold`` is the Threshold governing ``organisation`` (None when there is none), for a caller
    that fetched them once for many households (the bulk import); by default it is looked up here.
    ``texts``: the explanations' templates already in the active language (``explanation_texts()``),
    for a caller categorising many households in one language.
    """
    text = (lambda template: texts[id(template)]) if texts is not None else str
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
            text(DEEP_EXPLANATION) % {"income": _yuan(per_capita), "where": where, "line": _yuan(line)},
            per_capita,
        )
    sudden = [c for c in causes if c in SUDDEN_CAUSES]
    if sudden and sudden_cause_on and today - sudden_cause_on <= timedelta(days=SUDDEN_WINDOW_DAYS):
        return Assessment(
            Category.ACCIDENT, text(ACCIDENT_EXPLANATION) % {"date": sudden_cause_on.isoformat()}, per_capita
        )
    limit = (line * k).quantize(Decimal("0.01"))
    figures = {"income": _yuan(per_capita), "k": k.normalize(), "line": _yuan(line), "limit": _yuan(limit)}
    if per_capita < limit and causes:
        return Assessment(Category.RELATIVE, text(RELATIVE_EXPLANATION) % figures, per_capita)
    if per_capita < limit:
        return Assessment(Category.NONE, text(NO_CAUSE_EXPLANATION) % figures, per_capita)
    return Assessment(Category.NONE, text(ABOVE_LINE_EXPLANATION) % figures, per_capita)


def explanation_texts() -> dict:
    """The category explanations' templates in the active language, by the template's id (a lazy
    text's hash would translate it again), for ``categorise``."""
    return {id(template): str(template) for template in CATEGORY_EXPLANATIONS}


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


def active_file_constraint():
    """The model's "one active file per worker" constraint: its condition and message."""
    return next(c for c in Household._meta.constraints if c.name == "one_active_file_per_worker")


def _duplicate_message() -> str:
    return str(active_file_constraint().get_violation_error_message())


def gender_problem(id_number: str, gender: str) -> str | None:
    """The rule's message when a (valid) ID number says another gender than the one given."""
    if id_number and gender and gender != gender_from_id(id_number):
        return _("性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。")
    return None


def sudden_date_problem(sudden_cause_on: date | None, today: date) -> str | None:
    if sudden_cause_on and sudden_cause_on > today:
        return _("突发致困日期不能晚于今天。")
    return None


def worker_problems(values: dict, *, today: date | None = None) -> dict[str, str]:
    """What the filing rule refuses in the worker's fields that concern each other or the day (gender
    against the ID number, a sudden cause after today), {field: message}: for a form that reports them
    beside its other errors. ``values`` holds the fields already read (a normalised, valid ID number)."""
    problems = {
        "gender": gender_problem(values.get("id_number") or "", values.get("gender") or ""),
        "sudden_cause_on": sudden_date_problem(values.get("sudden_cause_on"), today or timezone.localdate()),
    }
    return {name: message for name, message in problems.items() if message}


# --- filing: the one rule, for the form, both imports and the bench -------------------------------------

MAX_MEMBERS = 20  # as the form's member formset
NAME_MAX_CHARS = 60
WRITE_BATCH = 2000
_BLANK = {
    "worker_name": "",
    "id_number": "",
    "gender": "",
    "phone": "",
    "job_status": "",
    "worker_income": Decimal("0"),
    "causes": (),
    "sudden_cause_on": None,
}
_MEMBER_BLANK = {
    "name": "",
    "relation": "",
    "age": None,
    "health": str(Health.HEALTHY),
    "schooling": str(Schooling.NONE),
    "monthly_income": Decimal("0"),
}
_CHOICES = {
    "gender": frozenset(Gender.values),
    "job_status": frozenset(JobStatus.values),
    "causes": frozenset(Cause.values),
    "category": frozenset(Category.values),
    "relation": frozenset(Relation.values),
    "health": frozenset(Health.values),
    "schooling": frozenset(Schooling.values),
}
# What the category is derived from: while one of these is unreadable, no category is derived.
_CATEGORY_INPUTS = frozenset({"worker_income", "causes", "sudden_cause_on", "members"})


def _required(model, name: str) -> str:
    return _("请填写%(column)s。") % {"column": model._meta.get_field(name).verbose_name}


def _invalid_choice(value) -> str:
    return models.Field.default_error_messages["invalid_choice"] % {"value": value}


@dataclass(slots=True, eq=False)
class Filing:
    """One household to file, as a caller read it, then as ``FilingRule.check`` found it.

    In: ``values`` (the HOUSEHOLD_INPUT_FIELDS; one left out is blank), ``members`` (dicts of member
    fields), the category the caller claims, ``row`` (how the caller numbers it, for "the same worker as
    row n"; by default its place in the batch) and ``errors``: what the caller found while reading, by
    field. A field named there is not checked again; its list may be empty when the caller reported the
    problem elsewhere (the household import reports a member's unreadable cells on the members sheet).

    Out: ``errors`` holds every reason the household cannot be filed, by field ("category" for the
    claimed category, "members" for their number), and ``member_errors`` (member index, field, message)
    those of its members. Without either, ``values`` and ``members`` hold the input as it is stored
    (completed in place), ``assessment`` the category with its explanation, and ``as_row()`` the whole row
    to write. (The derived fields are kept beside ``values``, not in it, so that a file of 200,000
    households holds one small dict each.)
    """

    enterprise: Enterprise | None
    values: dict
    members: list = field(default_factory=list)
    claimed_category: str = ""
    row: int | None = None
    errors: dict = field(default_factory=dict)
    member_errors: list = field(default_factory=list)
    organisation: Organisation | None = None
    assessment: Assessment | None = None
    cadre_id: int | None = None
    common: dict | None = None  # what the rule sets alike on every household it files (state, dates)
    out_of_scope: bool = False
    pk: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.member_errors

    def refuse(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(str(message))

    def as_row(self) -> dict:
        """The Household attributes to write, input and derived (for a household checked without errors)."""
        assessment, organisation = self.assessment, self.organisation
        return {
            **self.values,
            **self.common,
            "enterprise_id": self.enterprise.pk,
            "organisation_id": organisation.pk,
            "org_path": organisation.path,
            "per_capita_income": assessment.per_capita,
            "category": str(assessment.category),
            "category_explanation": assessment.explanation,
            "cadre_id": self.cadre_id,
        }

    def error_dict(self) -> dict[str, list[str]]:
        """The errors as ValidationError takes them (the members' under "members")."""
        out = {name: messages for name, messages in self.errors.items() if messages}
        if self.member_errors:
            out.setdefault("members", []).extend(message for _i, _name, message in self.member_errors)
        return out


class FilingRule:
    """The rule that files a hardship household: scope, validation, the category and what is derived.

    What it reads is fetched when the rule is made, in a handful of queries whatever the number of
    households: which of ``enterprises`` ``actor`` may file for (``selectors.enterprises_for_filing``)
    and their responsible cadres, the thresholds, and which of ``id_numbers`` already have an active
    file. ``check`` then takes the households one by one, in the order of the batch, so a caller reading
    a file row by row (the one-table import) makes one rule per file; ``households_check`` makes one for
    a list. A household is checked as the form checks it: the worker's fields (GB 11643 ID number,
    gender against it — or taken from it when blank —, a mobile number, no sudden cause after today), its
    members, one active file per worker in the whole province (and once in the batch), an enterprise in
    the actor's scope, thresholds for its area, and a claimed category that agrees with ``categorise``.
    """

    def __init__(self, *, actor, enterprises: Iterable[Enterprise], id_numbers: Iterable[str], today=None):
        self.actor_id = actor.pk
        self.today = today or timezone.localdate()
        self._common = {
            "state": str(HouseholdState.APPLIED),
            "applied_on": self.today,
            "verify_due_on": add_working_days(self.today, VERIFY_WORKING_DAYS),
            "created_by_id": self.actor_id,
        }
        self.fileable: set[int] = set()
        self.cadres: dict[int, int] = {}
        for chunk in bulk.chunked(sorted({e.pk for e in enterprises})):
            allowed = enterprises_for_filing(actor).filter(pk__in=chunk)
            self.fileable.update(allowed.values_list("pk", flat=True))
            drives = DriveEnterprise.objects.filter(enterprise_id__in=chunk)
            self.cadres.update(drives.values_list("enterprise_id", "responsible_cadre_id"))
        self.thresholds = {t.organisation.path: t for t in Threshold.objects.select_related("organisation")}
        self._governing: dict[int, Threshold | None] = {}
        constraint = active_file_constraint()
        self.duplicate_message = str(constraint.get_violation_error_message())
        self.active_ids: set[str] = set()
        for chunk in bulk.in_values(sorted({normalise_id_number(n) for n in id_numbers} - {""})):
            active = Household._base_manager.filter(constraint.condition, id_number__in=chunk)
            self.active_ids.update(active.values_list("id_number", flat=True))
        self._first_row_of: dict[str, int] = {}
        # Households alike (same lines, per-capita income, causes, date) share one assessment, and each
        # distinct amount is cleaned once.
        self._assessments: dict[tuple, Assessment] = {}
        self._amounts: dict[Decimal, list[str]] = {}
        self._member_fields: dict[tuple, list[tuple[str, str]]] = {}
        self._texts = explanation_texts()
        self._position = 0

    def threshold(self, organisation) -> Threshold | None:
        """As ``selectors.threshold_for``: the organisation's own lines, else the nearest ancestor's."""
        if organisation.pk not in self._governing:
            path, found = organisation.path, None
            for end in range(len(path), 0, -organisation.steplen):
                found = self.thresholds.get(path[:end])
                if found is not None:
                    break
            self._governing[organisation.pk] = found
        return self._governing[organisation.pk]

    def check(self, filing: Filing) -> Filing:
        self._position += 1
        for name, blank in _BLANK.items():
            if filing.values.get(name) is None:
                filing.values[name] = blank
        self._check_worker(filing)
        self._check_same_worker(filing, filing.row if filing.row is not None else self._position)
        organisation = self._check_enterprise(filing)
        self._check_members(filing)
        if (
            organisation is not None
            and not filing.member_errors
            and not filing.errors.keys() & _CATEGORY_INPUTS
        ):
            self._categorise(filing, organisation)
        if filing.ok:
            self._derive(filing)
        return filing

    def _amount_errors(self, value) -> list[str]:
        if value not in self._amounts:
            try:
                Household._meta.get_field("worker_income").clean(value, None)
            except ValidationError as error:
                self._amounts[value] = list(error.messages)
            else:
                self._amounts[value] = []
        return self._amounts[value]

    def _check_worker(self, filing: Filing) -> None:
        values, errors, refuse = filing.values, filing.errors, filing.refuse
        if "worker_name" not in errors:
            name = values["worker_name"] = str(values["worker_name"]).strip()
            if not name:
                refuse("worker_name", _required(Household, "worker_name"))
            elif len(name) > NAME_MAX_CHARS:
                refuse("worker_name", _("职工姓名不能超过 60 个字。"))
        id_number = ""
        if "id_number" not in errors:
            id_number = values["id_number"] = normalise_id_number(values["id_number"])
            try:
                if not id_number:
                    raise ValidationError(_required(Household, "id_number"))
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
                id_number = ""
        if "gender" not in errors:
            gender = values["gender"] = str(values["gender"])
            if gender and gender not in _CHOICES["gender"]:
                refuse("gender", _invalid_choice(gender))
            elif id_number and not gender:
                values["gender"] = gender_from_id(id_number)
            elif problem := gender_problem(id_number, gender):
                refuse("gender", problem)
        if "phone" not in errors:
            phone = values["phone"] = normalise_mobile(str(values["phone"]))
            if phone:
                try:
                    validate_mobile(phone)
                except ValidationError as error:
                    errors["phone"] = list(error.messages)
        if "job_status" not in errors:
            job = values["job_status"] = str(values["job_status"])
            if not job:
                refuse("job_status", _required(Household, "job_status"))
            elif job not in _CHOICES["job_status"]:
                refuse("job_status", _invalid_choice(job))
        if "worker_income" not in errors:
            for message in self._amount_errors(values["worker_income"]):
                refuse("worker_income", message)
        if "causes" not in errors:
            causes = values["causes"] = list(dict.fromkeys(str(c) for c in values["causes"]))
            for cause in causes:
                if cause not in _CHOICES["causes"]:
                    refuse("causes", _invalid_choice(cause))
        if "sudden_cause_on" not in errors and (
            problem := sudden_date_problem(values["sudden_cause_on"], self.today)
        ):
            refuse("sudden_cause_on", problem)
        claimed = filing.claimed_category = str(filing.claimed_category or "")
        if "category" not in errors and claimed and claimed not in _CHOICES["category"]:
            refuse("category", _invalid_choice(claimed))

    def _check_same_worker(self, filing: Filing, row: int) -> None:
        """One active file per worker: once in the batch (the first row files) and none already on file."""
        id_number = filing.values["id_number"]
        if "id_number" in filing.errors or not id_number:
            return
        earlier = self._first_row_of.get(id_number)
        if earlier is not None:
            filing.refuse(
                "id_number",
                _("与第 %(row)d 行是同一职工，一名职工只能有一份在档的困难职工档案。") % {"row": earlier},
            )
            return
        self._first_row_of[id_number] = row
        if id_number in self.active_ids:
            filing.refuse("id_number", self.duplicate_message)

    def _check_enterprise(self, filing: Filing) -> Organisation | None:
        if "enterprise" in filing.errors:
            return None
        if filing.enterprise is None:
            filing.refuse("enterprise", _required(Household, "enterprise"))
            return None
        if filing.enterprise.pk not in self.fileable:
            filing.out_of_scope = True
            filing.refuse("enterprise", _("该企业不在您的帮扶范围内。"))
            return None
        filing.organisation = responsible_organisation(filing.enterprise)
        return filing.organisation

    def _check_members(self, filing: Filing) -> None:
        """The members' fields, completed in place (a left-out field is its default)."""
        if len(filing.members) > MAX_MEMBERS:
            filing.refuse(
                "members",
                _("家庭成员不能超过 %(n)d 人（成员表中有 %(count)d 人）。")
                % {"n": MAX_MEMBERS, "count": len(filing.members)},
            )
        for index, member in enumerate(filing.members):
            if member.keys() != _MEMBER_BLANK.keys() or None in member.values():
                unknown = member.keys() - _MEMBER_BLANK.keys()
                if unknown:
                    raise TypeError(f"HouseholdMember has no field {sorted(unknown)[0]!r}")
                for name, blank in _MEMBER_BLANK.items():
                    if member.get(name) is None:
                        member[name] = blank
            errors = []
            name = member["name"] = str(member["name"]).strip()
            if not name:
                errors.append(("name", _required(HouseholdMember, "name")))
            elif len(name) > NAME_MAX_CHARS:
                errors.append(("name", _("姓名不能超过 60 个字。")))
            # The other fields take few values: each combination is checked once.
            key = (
                member["relation"],
                member["age"],
                member["health"],
                member["schooling"],
                member["monthly_income"],
            )
            found = self._member_fields.get(key)
            if found is None:
                found = self._member_fields[key] = self._member_field_errors(member)
            errors += found
            if errors:
                filing.member_errors += [(index, column, message) for column, message in errors]

    def _member_field_errors(self, member: dict) -> list[tuple[str, str]]:
        errors = []
        for choice in ("relation", "health", "schooling"):
            value = member[choice]
            if value not in _CHOICES[choice]:
                message = _invalid_choice(value) if value else _required(HouseholdMember, choice)
                errors.append((choice, str(message)))
        age = member["age"]
        if type(age) is not int or not 0 <= age <= 120:
            errors.append(("age", _("年龄应为 0 到 120 之间的整数。")))
        errors += [("monthly_income", message) for message in self._amount_errors(member["monthly_income"])]
        return errors

    def _categorise(self, filing: Filing, organisation) -> None:
        values = filing.values
        threshold = self.threshold(organisation)
        per_capita = per_capita_income(values["worker_income"], [m["monthly_income"] for m in filing.members])
        key = (
            threshold.pk if threshold else None,
            per_capita,
            tuple(values["causes"]),
            values["sudden_cause_on"],
        )
        assessment = self._assessments.get(key)
        if assessment is None:
            try:
                assessment = categorise(
                    organisation=organisation,
                    per_capita=per_capita,
                    causes=values["causes"],
                    sudden_cause_on=values["sudden_cause_on"],
                    today=self.today,
                    threshold=threshold,
                    texts=self._texts,
                )
            except ValidationError as error:  # no thresholds set for the area
                for message in error.messages:
                    filing.refuse("enterprise", message)
                return
            self._assessments[key] = assessment
        filing.assessment = assessment
        if "category" not in filing.errors:
            try:
                check_claimed_category(filing.claimed_category, assessment)
            except ValidationError as error:
                for message in error.message_dict["category"]:
                    filing.refuse("category", message)

    def _derive(self, filing: Filing) -> None:
        """What filing sets besides the input and the category: the responsible cadre, and the file
        starts "applied", filed by the actor, with a home visit due (``Filing.as_row`` puts them together)."""
        filing.cadre_id = self.cadres.get(filing.enterprise.pk) or self.actor_id
        filing.common = self._common


def households_check(*, actor, filings: list[Filing], today=None) -> list[Filing]:
    """Check many households to file under one FilingRule; each Filing says what is wrong with it."""
    rule = FilingRule(
        actor=actor,
        enterprises=[f.enterprise for f in filings if f.enterprise is not None],
        id_numbers=[f.values.get("id_number") for f in filings],
        today=today,
    )
    for filing in filings:
        rule.check(filing)
    return filings


def households_file(*, actor, filings: Sequence[Filing], audit_each: bool = True, on_progress=None) -> int:
    """File households that passed ``FilingRule.check`` (ValueError for any that did not) in one
    transaction, with their members; returns how many and sets each Filing's ``pk``.

    With ``audit_each`` every household gets the "created" audit event a form filing records (written in
    one insert); a caller passing False records the filing itself (the household import: one summary
    event for the file). An active file someone else created after the check makes the database refuse
    the insert: IntegrityError, and nothing is written. ``on_progress(n)``: households written so far.
    """
    if not all(f.ok and f.common is not None for f in filings):
        raise ValueError("households_file() takes households checked without errors")
    with transaction.atomic():
        for start in range(0, len(filings), WRITE_BATCH):
            chunk = filings[start : start + WRITE_BATCH]
            rows = [f.as_row() for f in chunk]  # a batch at a time: the whole rows are never all held at once
            ids = households_write(rows, [f.members for f in chunk])
            for filing, pk in zip(chunk, ids, strict=True):
                filing.pk = pk
            if audit_each:
                _audit_filed(actor, chunk, rows)
            if on_progress is not None:
                on_progress(start + len(chunk))
    return len(filings)


def households_write(
    households: Sequence[dict], members: Sequence[Sequence[dict]] = (), *, on_progress=None
) -> list[int]:
    """The one write of new households: rows of Household attributes (as ``FilingRule`` completes them,
    or the bench's, with a history) and each row's members, in batches through ``bulk.insert_rows``
    (COPY on PostgreSQL). Sets what ``Household.save`` would: ``org_path`` from the organisation where a
    row leaves it out, and the creation and change times. Returns the new ids, in order; the rows are
    completed in place (``org_path`` where a row leaves it out, each member's ``household_id``).

    Nothing is checked here (that is the rule's work); call inside a transaction.
    """
    ids: list[int] = []
    for start in range(0, len(households), WRITE_BATCH):
        chunk = households[start : start + WRITE_BATCH]
        _fill_org_paths(chunk)
        pks = bulk.insert_rows(Household, chunk, ids=True)
        groups = members[start : start + WRITE_BATCH] if members else [()] * len(chunk)
        member_rows = []
        for pk, group in zip(pks, groups, strict=True):
            for member in group:
                member["household_id"] = pk
                member_rows.append(member)
        bulk.insert_rows(HouseholdMember, member_rows)
        ids += pks
        if on_progress is not None:
            on_progress(len(ids))
    # COPY sends no signals: the staff lists of the organisations written to are redrawn after the commit.
    fragments.bump(HOUSEHOLD_TOPIC, *{row["org_path"] for row in households})
    return ids


def _fill_org_paths(rows: Sequence[dict]) -> None:
    missing = sorted({row["organisation_id"] for row in rows if not row.get("org_path")})
    paths: dict[int, str] = {}
    for chunk in bulk.chunked(missing):
        paths.update(Organisation.objects.filter(pk__in=chunk).values_list("pk", "path"))
    for row in rows:
        if not row.get("org_path"):
            row["org_path"] = paths[row["organisation_id"]]


def _audit_filed(actor, filings: Sequence[Filing], rows: Sequence[dict]) -> None:
    """One "created" event per household, with the fields ``audit.record`` gives it, in one insert."""
    now, ip = timezone.now(), current_client_ip()
    content_type = ContentType.objects.get_for_model(Household)
    label = actor.get_username()[:150]
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=now,
                actor=actor,
                actor_label=label,
                action="assistance.household.create",
                content_type=content_type,
                object_id=str(f.pk),
                object_repr=str(Household(worker_name=row["worker_name"], id_number=row["id_number"]))[:200],
                org_path=row["org_path"],
                to_state=row["state"],
                comment=row["category_explanation"],
                client_ip=ip,
            )
            for f, row in zip(filings, rows, strict=True)
        ],
        batch_size=1000,
    )


def household_create(
    *, actor, enterprise, members: list[dict], claimed_category: str = "", **fields
) -> Household:
    """File a new household (state "applied") for an enterprise the actor may file for: the form's one
    household through ``FilingRule`` and ``households_file``.

    ``fields`` are HOUSEHOLD_INPUT_FIELDS, ``members`` dicts of HouseholdMember fields. The category is
    derived from income, causes and the county's thresholds; a ``claimed_category`` that contradicts it
    is refused. Raises PermissionDenied for an enterprise outside the actor's scope, ValidationError
    (field errors; the members' under "members") otherwise; nothing is saved then.
    """
    filing = Filing(enterprise, dict(fields), [dict(m) for m in members], claimed_category)
    households_check(actor=actor, filings=[filing])
    if filing.out_of_scope:
        raise PermissionDenied(filing.errors["enterprise"][0])
    if not filing.ok:
        raise ValidationError(filing.error_dict())
    try:
        households_file(actor=actor, filings=[filing])
    except IntegrityError as exc:  # a concurrent filing of the same worker won the race
        raise ValidationError({"id_number": _duplicate_message()}) from exc
    return Household.objects.select_related("enterprise", "organisation").get(pk=filing.pk)


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
    # The one-active-file constraint is checked here, on the ID number it concerns (Django would report
    # a conditional constraint for no field).
    household.full_clean(validate_constraints=False)
    others = Household._base_manager.filter(active_file_constraint().condition, id_number=household.id_number)
    if others.exclude(pk=household.pk).exists():
        raise ValidationError({"id_number": _duplicate_message()})
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
            comment=str(MEASURE_COMMENTS[measure.type]) % {"amount": measure.amount},
        )
        if household.state == HouseholdState.FILED:
            from .workflows import household_transition

            household_transition(
                actor=actor,
                household_id=household.pk,
                to=HouseholdState.ASSISTED,
                comment=str(FIRST_MEASURE_COMMENT),
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
