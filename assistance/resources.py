"""Import and export of hardship households (建档立卡) on the shared import base.

Each row is a new file in state "applied", read by the widgets below and checked by the filing rule
of the household form and ``services.household_create`` (``services.FilingRule``, one per file, so its
lookups are fetched once): scope, the worker's fields, one active file per worker in the whole province,
the category derived from the county's thresholds. The rows are written by ``services.households_file``,
with one "created" audit event each. Members are not imported here: the per-capita income of an
imported household is the worker's own until its members are entered.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from stdnum.cn import ric, uscc

from unionportal.accounts.validators import (
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
)
from unionportal.imports.resources import ScopedResource
from unionportal.imports.widgets import ChoiceWidget, DateWidget, TextWidget, shown
from unionportal.orgs.models import Enterprise

from . import bulk, services
from .enums import Category, Cause, Gender, JobStatus
from .models import HOUSEHOLD_INPUT_FIELDS, Household

ENTERPRISE_COLUMN = "企业信用代码"
_COMPACT_CODE = re.compile(r"[0-9A-Z]{18}")
_CAUSE_SEPARATORS = re.compile(r"[,，、;；/\s]+")
MAX_INCOME = Decimal("1000000")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


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
        for batch in bulk.chunked(sorted(codes)):
            self.enterprises_by_code.update(
                (e.credit_code, e)
                for e in Enterprise.objects.filter(credit_code__in=batch).select_related("union", "township")
            )
        id_numbers = dataset["身份证号"] if "身份证号" in headers else []
        self.rule = services.FilingRule(
            actor=self.user, enterprises=self.enterprises_by_code.values(), id_numbers=map(_text, id_numbers)
        )
        self.filings: dict[int, services.Filing] = {}

    # --- each row -------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        """The row's cells onto ``instance``, then the filing rule, whose derived values it takes."""
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        filing = self.rule.check(
            services.Filing(
                instance.enterprise if instance.enterprise_id else None,
                {name: getattr(instance, name) for name in HOUSEHOLD_INPUT_FIELDS if name not in errors},
                claimed_category="" if "category" in errors else instance.category,
                row=self._sheet_row,
                errors={key: [] for key in errors},  # cells that could not be read: their messages are here
            )
        )
        for key, messages in filing.errors.items():
            for message in messages:
                self.add_error(errors, key, message)
        if filing.organisation is not None:
            instance.organisation = filing.organisation
        if errors:
            raise ValidationError(errors)
        for name, value in filing.as_row().items():
            setattr(instance, name, value)
        if not kwargs.get("dry_run"):
            self.filings[id(instance)] = filing  # until bulk_create writes it

    def row_orgs(self, instance, row):
        return [("enterprise", instance.organisation if instance.organisation_id else None)]

    # --- writing --------------------------------------------------------------------------------

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The rows through ``services.households_file``, the write of every filing (one "created" audit
        event each), instead of the library's own bulk_create."""
        try:
            if self.create_instances and not dry_run:
                filings = [self.filings.pop(id(instance)) for instance in self.create_instances]
                services.households_file(actor=self.user, filings=filings)
                for instance, filing in zip(self.create_instances, filings, strict=True):
                    instance.pk = filing.pk
        except Exception as e:
            self.handle_import_error(result, e, raise_errors)
        finally:
            self.create_instances.clear()

    # --- export ---------------------------------------------------------------------------------

    def export_queryset(self):
        return self.get_queryset().select_related("enterprise")
