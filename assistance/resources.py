"""Import and export of hardship households (建档立卡) on the shared import base.

Each row is a new file in state "applied", checked by the same rules as the household form and
``services.household_create``: the enterprise must be one the importer may file for
(``selectors.enterprises_for_filing``), the ID number is validated (GB 11643), the category is derived
by ``services.categorise`` from the county's thresholds and a claimed category that contradicts it is
refused (``services.check_claimed_category``), and one worker has one active file in the whole province
(the model's ``one_active_file_per_worker`` constraint: its own condition and message, checked for the
whole file in one query, and again by the database on insert). Members are not imported here: the
per-capita income of an imported household is the worker's own until its members are entered.
"""

import re
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from stdnum.cn import ric, uscc

from unionportal.accounts.validators import (
    gender_from_id,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
)
from unionportal.audit.context import current_client_ip
from unionportal.audit.models import AuditEvent
from unionportal.campaigns.workdays import add_working_days
from unionportal.imports.resources import ScopedResource
from unionportal.imports.widgets import ChoiceWidget, DateWidget, TextWidget, shown
from unionportal.orgs.models import Enterprise

from . import services
from .enums import Category, Cause, Gender, HouseholdState, JobStatus
from .models import HOUSEHOLD_INPUT_FIELDS, DriveEnterprise, Household
from .selectors import enterprises_for_filing

ENTERPRISE_COLUMN = "企业信用代码"
_COMPACT_CODE = re.compile(r"[0-9A-Z]{18}")
_CAUSE_SEPARATORS = re.compile(r"[,，、;；/\s]+")
MAX_INCOME = Decimal("1000000")
_IN_BATCH = 2000  # values per ``__in`` lookup


def _batches(values: list):
    for start in range(0, len(values), _IN_BATCH):
        yield values[start : start + _IN_BATCH]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def active_file_constraint():
    return next(c for c in Household._meta.constraints if c.name == "one_active_file_per_worker")


class IdNumberWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_id_number(_text(value))


class PhoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_mobile(_text(value))


class MoneyWidget(widgets.Widget):
    """An amount in yuan with at most two decimals, 0 up to ``MAX_INCOME``; an empty cell gives 0."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(",", "").replace("，", "")
        if not text:
            return Decimal("0")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是有效的金额。") % {"value": shown(text)}) from None
        if not amount.is_finite() or amount < 0:
            raise ValueError(_("金额不能为负数。"))
        if amount > MAX_INCOME:
            raise ValueError(_("金额不能超过 %(max)s 元。") % {"max": f"{MAX_INCOME:,.0f}"})
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return value


class CausesWidget(ChoiceWidget):
    """Several causes in one cell, by their Chinese labels, separated by commas or 、."""

    def __init__(self):
        super().__init__(Cause)

    def clean(self, value, row=None, **kwargs):
        causes = []
        for part in _CAUSE_SEPARATORS.split(_text(value)):
            if part:
                cause = super().clean(part)
                if cause not in causes:
                    causes.append(cause)
        return causes

    def render(self, value, obj=None, **kwargs):
        return "、".join(super(CausesWidget, self).render(c) for c in value or [])


class EnterpriseCodeWidget(widgets.Widget):
    """An enterprise named by its unified social credit code, from the lookup fetched once per file."""

    def __init__(self):
        super().__init__(coerce_to_string=False)
        self.resource = None

    def bind(self, resource):
        self.resource = resource

    @staticmethod
    def compact(value) -> str:
        text = _text(value).upper()
        return text if not text or _COMPACT_CODE.fullmatch(text) else uscc.compact(text)

    def clean(self, value, row=None, **kwargs):
        code = self.compact(value)
        if not code:
            raise ValueError(_("请填写企业的统一社会信用代码。"))
        enterprise = self.resource.enterprises_by_code.get(code)
        if enterprise is None:
            raise ValueError(_("信用代码为“%(code)s”的企业不存在。") % {"code": shown(code)})
        return enterprise

    def render(self, value, obj=None, **kwargs):
        return value.credit_code if value is not None else ""


def _example_id() -> str:
    body = "42068419800101001"
    return body + ric.calc_check_digit(body + "0")


class HouseholdResource(ScopedResource):
    enterprise = Field(attribute="enterprise", column_name=ENTERPRISE_COLUMN, widget=EnterpriseCodeWidget())
    worker_name = Field(attribute="worker_name", column_name="职工姓名", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget())
    gender = Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender))
    phone = Field(attribute="phone", column_name="手机号", widget=PhoneWidget())
    job_status = Field(attribute="job_status", column_name="就业状态", widget=ChoiceWidget(JobStatus))
    worker_income = Field(attribute="worker_income", column_name="本人月收入", widget=MoneyWidget())
    causes = Field(attribute="causes", column_name="致困原因", widget=CausesWidget())
    sudden_cause_on = Field(attribute="sudden_cause_on", column_name="突发致困日期", widget=DateWidget())
    category = Field(attribute="category", column_name="困难类别", widget=ChoiceWidget(Category))

    masked_fields = {"id_number": mask_id_number, "phone": mask_mobile}
    # Derived from the enterprise and the thresholds, not read from the file.
    clean_exclude = (
        "created_by",
        "organisation",
        "cadre",
        "category",
        "category_explanation",
        "per_capita_income",
        "applied_on",
        "verify_due_on",
    )
    error_columns = {"organisation": ENTERPRISE_COLUMN}
    preview_columns = ("职工姓名", ENTERPRISE_COLUMN)
    example_row = {
        ENTERPRISE_COLUMN: "91420684MA4F1234X3",
        "职工姓名": "张三",
        "身份证号": _example_id(),
        "性别": "男",
        "手机号": "13800000000",
        "就业状态": "去产能分流安置",
        "本人月收入": "1200",
        "致困原因": "重病、子女就学",
        "突发致困日期": "",
        "困难类别": "",
    }

    class Meta:
        model = Household
        fields = ("enterprise", *HOUSEHOLD_INPUT_FIELDS, "category")
        import_id_fields = ("id_number",)
        force_init_instance = True  # every row is a new file; an existing active one is refused

    # --- lookups fetched once per file ----------------------------------------------------------

    def prepare(self, dataset):
        super().prepare(dataset)
        headers = dataset.headers or []
        codes = set()
        if ENTERPRISE_COLUMN in headers:
            for value in dataset[ENTERPRISE_COLUMN]:
                try:
                    code = EnterpriseCodeWidget.compact(value)
                except Exception:  # noqa: S112 - an unreadable code gets its message from the widget
                    continue
                if code:
                    codes.add(code)
        self.enterprises_by_code = {}
        for batch in _batches(sorted(codes)):
            self.enterprises_by_code.update(
                (e.credit_code, e)
                for e in Enterprise.objects.filter(credit_code__in=batch).select_related("union", "township")
            )
        ids = [e.pk for e in self.enterprises_by_code.values()]
        self.fileable = set(enterprises_for_filing(self.user).filter(pk__in=ids).values_list("pk", flat=True))
        self.responsible_cadres = dict(
            DriveEnterprise.objects.filter(enterprise_id__in=ids).values_list(
                "enterprise_id", "responsible_cadre_id"
            )
        )
        id_numbers = set()
        if "身份证号" in headers:
            id_numbers = {normalise_id_number(_text(v)) for v in dataset["身份证号"]} - {""}
        constraint = active_file_constraint()
        self.duplicate_message = str(constraint.get_violation_error_message())
        self.active_ids = set()
        for batch in _batches(sorted(id_numbers)):
            self.active_ids.update(
                Household._base_manager.filter(constraint.condition, id_number__in=batch).values_list(
                    "id_number", flat=True
                )
            )
        self.first_row_of: dict[str, int] = {}
        self.today = timezone.localdate()
        self.verify_due_on = add_working_days(self.today, services.VERIFY_WORKING_DAYS)

    # --- each row -------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self._derive(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _derive(self, instance, errors: dict) -> None:
        """What household_create would set, and its checks, for one row."""
        instance.state = HouseholdState.APPLIED
        instance.applied_on = self.today
        instance.verify_due_on = self.verify_due_on
        instance.created_by = self.user
        self._check_worker(instance, errors)
        enterprise = instance.enterprise if instance.enterprise_id else None
        if enterprise is None:
            return
        if enterprise.pk not in self.fileable:
            # The message of household_create's refusal.
            self.add_error(errors, "enterprise", _("该企业不在您的帮扶范围内。"))
            return
        instance.organisation = services.responsible_organisation(enterprise)
        instance.cadre_id = self.responsible_cadres.get(enterprise.pk) or self.user.pk
        if errors.keys() & {"worker_income", "causes", "sudden_cause_on"}:
            return
        try:
            assessment = services.categorise(
                organisation=instance.organisation,
                per_capita=services.per_capita_income(instance.worker_income, []),
                causes=instance.causes or [],
                sudden_cause_on=instance.sudden_cause_on,
                today=self.today,
            )
        except ValidationError as error:  # no thresholds set for the area
            for message in error.messages:
                self.add_error(errors, "enterprise", message)
            return
        if "category" not in errors:
            try:
                services.check_claimed_category(instance.category or "", assessment)
            except ValidationError as error:
                error.update_error_dict(errors)
        instance.category = assessment.category
        instance.category_explanation = assessment.explanation
        instance.per_capita_income = assessment.per_capita

    def _check_worker(self, instance, errors: dict) -> None:
        """The ID number (GB 11643), gender against it, the sudden date, and one active file per worker."""
        if instance.sudden_cause_on and instance.sudden_cause_on > self.today:
            self.add_error(errors, "sudden_cause_on", _("突发致困日期不能晚于今天。"))
        if "id_number" in errors:
            return
        id_number = instance.id_number or ""
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(errors, "id_number", message)
            return
        if not instance.gender and "gender" not in errors:
            instance.gender = gender_from_id(id_number)
        elif instance.gender and gender_from_id(id_number) != instance.gender:
            self.add_error(errors, "gender", _("性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。"))
        first = self.first_row_of.get(id_number)
        if first is not None:
            self.add_error(
                errors,
                "id_number",
                _("与第 %(row)d 行是同一职工，一名职工只能有一份在档的困难职工档案。") % {"row": first},
            )
            return
        self.first_row_of[id_number] = self._sheet_row
        if id_number in self.active_ids:
            self.add_error(errors, "id_number", self.duplicate_message)

    def row_orgs(self, instance, row):
        return [("enterprise", instance.organisation if instance.organisation_id else None)]

    # --- writing --------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        created = [] if dry_run else list(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if created and all(h.pk for h in created):
            self._audit_created(created)

    def _audit_created(self, households) -> None:
        """One "created" audit event per household, as household_create writes, in one insert."""
        now, ip = timezone.now(), current_client_ip()
        content_type = ContentType.objects.get_for_model(Household)
        paths = {h.organisation_id: h.organisation.path for h in households}
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    at=now,
                    actor=self.user,
                    actor_label=self.user.get_username()[:150],
                    action="assistance.household.create",
                    content_type=content_type,
                    object_id=str(h.pk),
                    object_repr=str(h)[:200],
                    org_path=paths[h.organisation_id],
                    to_state=h.state,
                    comment=h.category_explanation,
                    client_ip=ip,
                )
                for h in households
            ],
            batch_size=1000,
        )

    # --- export ---------------------------------------------------------------------------------

    def export_queryset(self):
        return self.get_queryset().select_related("enterprise")
