"""The offline import of offers and agreements collected on paper, through the shared import base
(preview, confirm, row-numbered errors, all or nothing).

Each row names its enterprise by its unified social credit code; the record is kept at the enterprise's
responsible union (``responsible_union``), which must lie in the importer's subtree. The dates of a row
imply its state:

* offer: no dates → 草稿 (draft); sent and received → 已送达，待答复 with the reply due REPLY_DAYS after
  receipt, or 逾期未答复 when that day has passed;
* agreement (an enterprise's own; industry and regional ones are entered on their page): no signing
  date → 协商中 (its terms as given); signed → 已签订; filed → 已报送审查; filed more than REVIEW_DAYS ago
  → 已生效 from the day after the review period (as the review clock would have set it). A signed
  agreement needs its start date and an enterprise minimum wage not below the local standard then.

Every imported row gets its audit event ("bargaining.offer.import" / "bargaining.agreement.import").
"""

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field

from unionportal import fragments, permissions
from unionportal.audit import services as audit
from unionportal.imports.resources import ScopedResource
from unionportal.imports.widgets import (
    ChoiceWidget,
    CreditCodeWidget,
    DateWidget,
    IntWidget,
    TextWidget,
    shown,
)
from unionportal.orgs.models import Enterprise

from . import conf
from .enums import AgreementKind, AgreementState, OfferState, Side, Topic
from .models import BARGAINING_TOPIC, Agreement, Coverage, Offer, responsible_union
from .selectors import minimum_wage_for

CODE_COLUMN = "企业统一社会信用代码"
_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_IN_BATCH = 2000


def parse_topics(text: str) -> tuple[list[str], list[str]]:
    """(topics, unknown parts) of a cell listing topics by label or code."""
    lookup = {str(t.label): t.value for t in Topic} | {t.value: t.value for t in Topic}
    found, unknown = [], []
    for part in _SEPARATORS.split(text or ""):
        if not part:
            continue
        if part in lookup:
            found.append(lookup[part])
        else:
            unknown.append(part)
    return [t for t in Topic.values if t in found], unknown


class DecimalTextWidget(TextWidget):
    """A decimal number; an empty cell is None."""

    def clean(self, value, row=None, **kwargs):
        from decimal import Decimal, InvalidOperation

        text = super().clean(value, row, **kwargs).replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s”不是数字。") % {"value": shown(text)}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s”不是数字。") % {"value": shown(text)})
        return number.quantize(Decimal("0.01"))


class _EnterpriseRowResource(ScopedResource):
    """Shared by both imports: the enterprise looked up once per file by credit code, in scope."""

    kind = ""  # the permission matrix kind
    # Set from the enterprise in validate_row (full_clean runs before it).
    clean_exclude = (
        "enterprise",
        "union",
        "supervisor",
        "org_path",
        "offer",
        "topics",
        "title",
        "employer_party",
    )
    error_columns = {"enterprise": CODE_COLUMN}
    max_rows = 5000

    @classmethod
    def access_kind(cls) -> str:
        return cls.kind

    @classmethod
    def can_import(cls, user) -> bool:
        return permissions.may(user, cls.kind, "import")

    @classmethod
    def can_export(cls, user) -> bool:
        return False  # the lists have their own exports

    def get_queryset(self):
        return self._meta.model.objects.visible_to(self.user, "list")

    def prepare(self, dataset):
        super().prepare(dataset)
        self.today = timezone.localdate()
        self.now = timezone.now()
        codes = set()
        widget = CreditCodeWidget()
        if CODE_COLUMN in (dataset.headers or []):
            for raw in dataset[CODE_COLUMN]:
                try:
                    code = widget.clean(raw)
                except (ValueError, AttributeError):
                    continue
                if code:
                    codes.add(code)
        self.enterprises = {}
        codes = sorted(codes)
        for start in range(0, len(codes), _IN_BATCH):
            for e in Enterprise.objects.filter(
                credit_code__in=codes[start : start + _IN_BATCH]
            ).select_related("union", "township"):
                self.enterprises[e.credit_code] = e

    def resolve_enterprise(self, instance, errors):
        code = (instance.credit_code or "").strip()
        enterprise = self.enterprises.get(code)
        instance._scope_union = None
        if not code:
            self.add_error(errors, "credit_code", _("请填写企业的统一社会信用代码。"))
            return None
        if enterprise is None:
            self.add_error(
                errors,
                "credit_code",
                _("没有统一社会信用代码为“%(code)s”的企业，请先在企业名录中登记。") % {"code": shown(code)},
            )
            return None
        union = responsible_union(enterprise)
        instance.enterprise = enterprise
        instance.union = union
        instance.org_path = union.path
        instance._scope_union = union
        return enterprise

    def row_orgs(self, instance, row):
        return [("credit_code", getattr(instance, "_scope_union", None))]

    def no_later_than_today(self, instance, errors, *names):
        for name in names:
            day = getattr(instance, name, None)
            if day is not None and day > self.today and name not in errors:
                self.add_error(errors, name, _("日期不能晚于今天。"))


class OfferImportResource(_EnterpriseRowResource):
    kind = "bargaining_offer"
    credit_code = Field(attribute="credit_code", column_name=CODE_COLUMN, widget=CreditCodeWidget())
    side = Field(attribute="side", column_name="要约方", widget=ChoiceWidget(Side, default=Side.UNION))
    topic_text = Field(attribute="topic_text", column_name="协商议题", widget=TextWidget())
    contact_name = Field(attribute="contact_name", column_name="对方联系人", widget=TextWidget())
    contact_phone = Field(attribute="contact_phone", column_name="对方联系电话", widget=TextWidget())
    data_requested = Field(attribute="data_requested", column_name="要求提供的资料", widget=TextWidget())
    sent_on = Field(attribute="sent_on", column_name="发出日期", widget=DateWidget())
    received_on = Field(attribute="received_on", column_name="送达日期", widget=DateWidget())

    optional_columns = ("要约方", "对方联系电话", "要求提供的资料", "发出日期", "送达日期")
    preview_columns = (CODE_COLUMN, "协商议题")
    example_row = {
        CODE_COLUMN: "91420684MA4K0001XA",
        "要约方": "职工方（工会）",
        "协商议题": "工资水平及增长幅度、企业最低工资",
        "对方联系人": "人力资源部 王经理",
        "对方联系电话": "0710-4212345",
        "要求提供的资料": "近两年职工工资总额、利润情况",
        "发出日期": "2026-04-08",
        "送达日期": "2026-04-09",
    }

    class Meta:
        model = Offer
        fields = (
            "credit_code",
            "side",
            "topic_text",
            "contact_name",
            "contact_phone",
            "data_requested",
            "sent_on",
            "received_on",
        )
        force_init_instance = True

    def validate_row(self, instance, row, errors):
        enterprise = self.resolve_enterprise(instance, errors)
        if enterprise is not None:
            instance.supervisor = instance.union.parent_organisation() or instance.union
        topics, unknown = parse_topics(instance.topic_text)
        if unknown:
            self.add_error(
                errors, "topic_text", _("未知的协商议题：%(names)s") % {"names": "、".join(unknown)}
            )
        elif not topics:
            self.add_error(errors, "topic_text", _("请至少填写一项协商议题。"))
        instance.topics = topics
        if not (instance.contact_name or "").strip() and "contact_name" not in errors:
            self.add_error(errors, "contact_name", _("请填写对方联系人。"))
        self.no_later_than_today(instance, errors, "sent_on", "received_on")
        sent, received = instance.sent_on, instance.received_on
        if (sent is None) != (received is None):
            self.add_error(errors, "received_on", _("发出日期和送达日期须同时填写（草稿两项都不填）。"))
        elif sent is not None and received < sent and "received_on" not in errors:
            self.add_error(errors, "received_on", _("送达日期不能早于发出日期。"))
        instance.state = OfferState.DRAFT
        if received is not None:
            instance.reply_due_on = received + timedelta(days=conf.figure("REPLY_DAYS"))
            instance.state = OfferState.OVERDUE if instance.reply_due_on < self.today else OfferState.SENT
        instance.created_by = self.user

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if not dry_run and self.create_instances:
                created = Offer.objects.bulk_create(self.create_instances, batch_size=500)
                for offer in created:
                    audit.record(
                        actor=self.user, action="bargaining.offer.import", obj=offer, to_state=offer.state
                    )
                # bulk_create sends no signals: the progress figures are told here.
                fragments.bump(BARGAINING_TOPIC, *{o.org_path for o in created})
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()


class AgreementImportResource(_EnterpriseRowResource):
    kind = "bargaining_agreement"
    credit_code = Field(attribute="credit_code", column_name=CODE_COLUMN, widget=CreditCodeWidget())
    kind_field = Field(
        attribute="kind",
        column_name="协议类型",
        widget=ChoiceWidget(AgreementKind, default=AgreementKind.ENTERPRISE),
    )
    title = Field(attribute="title", column_name="协议名称", widget=TextWidget())
    start_on = Field(attribute="start_on", column_name="起始日期", widget=DateWidget())
    term_years = Field(
        attribute="term_years", column_name="期限（年）", widget=IntWidget(default=1, min_value=1)
    )
    enterprise_min_wage = Field(
        attribute="enterprise_min_wage", column_name="企业最低工资（元/月）", widget=DecimalTextWidget()
    )
    average_rise = Field(
        attribute="average_rise", column_name="职工平均工资增长幅度（%）", widget=DecimalTextWidget()
    )
    signed_on = Field(attribute="signed_on", column_name="签订日期", widget=DateWidget())
    filed_on = Field(attribute="filed_on", column_name="报送日期", widget=DateWidget())
    filing_authority = Field(
        attribute="filing_authority", column_name="报送的劳动保障行政部门", widget=TextWidget()
    )

    optional_columns = (
        "协议类型",
        "协议名称",
        "起始日期",
        "期限（年）",
        "企业最低工资（元/月）",
        "职工平均工资增长幅度（%）",
        "签订日期",
        "报送日期",
        "报送的劳动保障行政部门",
    )
    preview_columns = (CODE_COLUMN, "签订日期")
    example_row = {
        CODE_COLUMN: "91420684MA4K0001XA",
        "协议类型": "企业工资专项集体合同",
        "协议名称": "",
        "起始日期": "2026-01-01",
        "期限（年）": 1,
        "企业最低工资（元/月）": "1900",
        "职工平均工资增长幅度（%）": "5.5",
        "签订日期": "2026-01-10",
        "报送日期": "2026-01-15",
        "报送的劳动保障行政部门": "宜城市人力资源和社会保障局",
    }

    class Meta:
        model = Agreement
        fields = (
            "credit_code",
            "kind_field",
            "title",
            "start_on",
            "term_years",
            "enterprise_min_wage",
            "average_rise",
            "signed_on",
            "filed_on",
            "filing_authority",
        )
        force_init_instance = True

    def prepare(self, dataset):
        super().prepare(dataset)
        self._rows_by_key = {}

    def validate_row(self, instance, row, errors):
        enterprise = self.resolve_enterprise(instance, errors)
        if instance.kind and instance.kind != AgreementKind.ENTERPRISE and "kind" not in errors:
            self.add_error(
                errors,
                "kind",
                _("只能导入企业工资专项集体合同；行业性、区域性协议请在协议页面录入覆盖企业。"),
            )
        instance.kind = AgreementKind.ENTERPRISE
        top = conf.figure("TERM_MAX_YEARS")
        if (
            instance.term_years is not None
            and not 1 <= instance.term_years <= top
            and "term_years" not in errors
        ):
            self.add_error(
                errors,
                "term_years",
                _("协议期限为 1 至 %(top)s 年，现为 %(n)s 年。") % {"top": top, "n": instance.term_years},
            )
        rise = instance.average_rise
        if rise is not None and not -100 < rise < 1000:
            self.add_error(errors, "average_rise", _("平均工资增长幅度不在合理范围内。"))
        self.no_later_than_today(instance, errors, "signed_on", "filed_on")
        signed, filed = instance.signed_on, instance.filed_on
        if filed is not None and signed is None:
            self.add_error(errors, "filed_on", _("协议尚未签订，不能填写报送日期。"))
        elif filed is not None and filed < signed and "filed_on" not in errors:
            self.add_error(
                errors, "filed_on", _("报送日期不能早于签订日期 %(date)s。") % {"date": signed.isoformat()}
            )
        if filed is not None and not (instance.filing_authority or "").strip():
            self.add_error(errors, "filing_authority", _("请填写受理的劳动保障行政部门。"))
        if signed is not None:
            if instance.start_on is None:
                self.add_error(errors, "start_on", _("已签订的协议须填写起始日期。"))
            if instance.enterprise_min_wage is None and "enterprise_min_wage" not in errors:
                self.add_error(errors, "enterprise_min_wage", _("已签订的协议须填写企业最低工资。"))
        if enterprise is not None and instance.start_on and instance.enterprise_min_wage is not None:
            standard = minimum_wage_for(enterprise, instance.start_on)
            if standard is None:
                self.add_error(
                    errors,
                    "enterprise_min_wage",
                    _("%(name)s 所在地区在 %(date)s 没有有效的最低工资标准，请先在后台录入。")
                    % {"name": enterprise.name, "date": instance.start_on.isoformat()},
                )
            elif instance.enterprise_min_wage < standard.monthly:
                self.add_error(
                    errors,
                    "enterprise_min_wage",
                    _(
                        "企业最低工资 %(wage)s 元低于%(region)s %(date)s 执行的最低工资标准 %(standard)s 元/月（%(tier)s）。"
                    )
                    % {
                        "wage": instance.enterprise_min_wage,
                        "region": standard.region_name,
                        "date": instance.start_on.isoformat(),
                        "standard": standard.monthly,
                        "tier": standard.get_tier_display(),
                    },
                )
        if enterprise is not None and not errors:
            key = (enterprise.pk, instance.start_on)
            earlier = self._rows_by_key.get(key)
            if earlier is not None:
                self.add_error(
                    errors,
                    "credit_code",
                    _("与第 %(row)d 行是同一企业、同一起始日期的协议。") % {"row": earlier},
                )
            else:
                self._rows_by_key[key] = self._sheet_row
        if enterprise is not None:
            if not (instance.title or "").strip():
                year = (instance.start_on or signed or self.today).year
                instance.title = _("%(name)s %(year)s 年度工资专项集体合同") % {
                    "name": enterprise.name,
                    "year": year,
                }
            instance.employer_party = enterprise.name
        instance.filing_authority = (instance.filing_authority or "").strip()
        instance.state = AgreementState.NEGOTIATING
        if signed is not None:
            instance.state = AgreementState.SIGNED
        if filed is not None:
            period = timedelta(days=conf.figure("REVIEW_DAYS"))
            instance.state = AgreementState.FILED
            if filed < self.today - period:
                instance.state = AgreementState.IN_EFFECT
                instance.effective_on = filed + period + timedelta(days=1)
        instance.created_by = self.user

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        try:
            if not dry_run and self.create_instances:
                created = Agreement.objects.bulk_create(self.create_instances, batch_size=500)
                Coverage.objects.bulk_create(
                    Coverage(
                        agreement=a,
                        enterprise=a.enterprise,
                        workers=a.enterprise.employees,
                        org_path=a.org_path,
                    )
                    for a in created
                )
                for agreement in created:
                    audit.record(
                        actor=self.user,
                        action="bargaining.agreement.import",
                        obj=agreement,
                        to_state=agreement.state,
                    )
                fragments.bump(BARGAINING_TOPIC, *{a.org_path for a in created})
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()
