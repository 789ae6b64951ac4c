"""The offline import of individual nominations (奖章) collected on paper, into the importer's own union.

Same validation as the form (``awards.services.nomination_problems``), plus what only a whole file can
show: a person twice in the file, or already nominated this campaign. All or nothing, through the shared
import base (preview, confirm, row-numbered errors); each row becomes a draft through
``nomination_save``, so photos and attachments are added later on the nomination's page.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field

from unionportal.accounts.validators import mask_id_number, normalise_id_number
from unionportal.imports.masking import mask_mobile
from unionportal.imports.resources import ScopedResource
from unionportal.imports.widgets import ChoiceWidget, DateWidget, TextWidget, shown
from unionportal.selection.enums import PERSON_FREEING_STATES, Flag, NomineeKind, RuleKind, Tag
from unionportal.selection.models import Candidacy, Programme

from .models import Education, Gender, PoliticalStatus
from .services import INDIVIDUAL_FIELDS, nomination_problems, nomination_save, submitting_organisations

PROGRAMME_COLUMN = "评选项目代码"
ORG_COLUMN = "推荐单位代码"
_TAG_SEPARATORS = re.compile(r"[、,，;；/\s]+")
_YES = {"是", "y", "yes", "1", "true", "√", "✓"}
_NO = {"否", "n", "no", "0", "false", ""}


class YesNoWidget(widgets.Widget):
    """是 / 否 (also Y/N, 1/0); an empty cell is 否."""

    def __init__(self):
        super().__init__(coerce_to_string=False)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip().casefold()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": shown(value)})

    def render(self, value, obj=None, **kwargs):
        return _("是") if value else _("否")


FLAG_COLUMNS = {
    Flag.FRONTLINE: "一线职工",
    Flag.MIGRANT: "农民工",
    Flag.ENTERPRISE_HEAD: "企业负责人",
    Flag.OFFICIAL: "县处级以上干部",
}


class NominationImportResource(ScopedResource):
    programme_code = Field(attribute="programme_code", column_name=PROGRAMME_COLUMN, widget=TextWidget())
    org_code = Field(attribute="org_code", column_name=ORG_COLUMN, widget=TextWidget())
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    gender = Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender, default=""))
    ethnicity = Field(attribute="ethnicity", column_name="民族", widget=TextWidget())
    birth_date = Field(attribute="birth_date", column_name="出生日期", widget=DateWidget())
    political_status = Field(
        attribute="political_status", column_name="政治面貌", widget=ChoiceWidget(PoliticalStatus, default="")
    )
    education = Field(attribute="education", column_name="学历", widget=ChoiceWidget(Education, default=""))
    job_title = Field(attribute="job_title", column_name="职称（技术等级）", widget=TextWidget())
    position = Field(attribute="position", column_name="职务", widget=TextWidget())
    phone = Field(attribute="phone", column_name="联系电话", widget=TextWidget())
    unit = Field(attribute="unit", column_name="工作单位", widget=TextWidget())
    flag_frontline = Field(attribute="flag_frontline", column_name="一线职工", widget=YesNoWidget())
    flag_migrant = Field(attribute="flag_migrant", column_name="农民工", widget=YesNoWidget())
    flag_enterprise_head = Field(
        attribute="flag_enterprise_head", column_name="企业负责人", widget=YesNoWidget()
    )
    flag_official = Field(attribute="flag_official", column_name="县处级以上干部", widget=YesNoWidget())
    tag_text = Field(attribute="tag_text", column_name="重点领域", widget=TextWidget())
    summary = Field(attribute="summary", column_name="事迹摘要", widget=TextWidget())
    deeds = Field(attribute="deeds", column_name="主要事迹", widget=TextWidget())
    declared = Field(attribute="declared", column_name="否决事项均已确认", widget=YesNoWidget())
    consent = Field(attribute="consent", column_name="本人同意", widget=YesNoWidget())

    masked_fields = {"id_number": mask_id_number, "phone": mask_mobile}
    # The service checks these (with the same messages as the form); full_clean would repeat them.
    clean_exclude = ("programme", "campaign", "organisation", "name", "id_number")
    error_columns = {"tags": "重点领域", "programme": PROGRAMME_COLUMN, "organisation": ORG_COLUMN}
    preview_columns = ("姓名", PROGRAMME_COLUMN)
    max_rows = 2000
    example_row = {
        PROGRAMME_COLUMN: "medal",
        ORG_COLUMN: "",
        "姓名": "张三",
        "身份证号": "420684198503150017",
        "性别": "男",
        "民族": "汉族",
        "出生日期": "1985-03-15",
        "政治面貌": "中共党员",
        "学历": "大专",
        "职称（技术等级）": "高级技师",
        "职务": "班组长",
        "联系电话": "13800000000",
        "工作单位": "宜城市示例机械有限公司",
        "一线职工": "是",
        "农民工": "否",
        "企业负责人": "否",
        "县处级以上干部": "否",
        "重点领域": "创新驱动、绿色发展",
        "事迹摘要": "扎根一线二十年，攻克多项技术难题。",
        "主要事迹": "……",
        "否决事项均已确认": "是",
        "本人同意": "是",
    }

    class Meta:
        model = Candidacy
        fields = (
            "programme_code",
            "org_code",
            "name",
            "id_number",
            "gender",
            "ethnicity",
            "birth_date",
            "political_status",
            "education",
            "job_title",
            "position",
            "phone",
            "unit",
            "flag_frontline",
            "flag_migrant",
            "flag_enterprise_head",
            "flag_official",
            "tag_text",
            "summary",
            "deeds",
            "declared",
            "consent",
        )
        import_id_fields = ("id_number",)
        force_init_instance = True

    # --- who may use it -------------------------------------------------------------------------

    @classmethod
    def can_import(cls, user) -> bool:
        return submitting_organisations(user).exists()

    @classmethod
    def can_export(cls, user) -> bool:
        return False  # the nominations are listed on /awards/; this resource only brings paper ones in

    def get_queryset(self):
        return Candidacy.objects.visible_to(self.user).filter(programme__app="awards")

    # --- lookups fetched once per file ------------------------------------------------------------

    def prepare(self, dataset):
        super().prepare(dataset)
        now = timezone.now()
        self._now = now
        self._programmes = {}
        for programme in (
            Programme.objects.filter(app="awards")
            .open_for_intake(now)
            .select_related("campaign")
            .prefetch_related("rules")
            .order_by("campaign__year")
        ):
            self._programmes[programme.code] = programme  # the latest campaign wins
        self._organisations = {o.code: o for o in submitting_organisations(self.user)}
        headers = dataset.headers or []
        ids = set()
        if "身份证号" in headers:
            ids = {normalise_id_number(str(v or "")) for v in dataset["身份证号"]} - {""}
        campaigns = {p.campaign_id for p in self._programmes.values()}
        self._taken = {}
        for candidacy in (
            Candidacy.objects.filter(campaign_id__in=campaigns, id_number__in=ids)
            .exclude(state__in=PERSON_FREEING_STATES)
            .select_related("organisation", "programme")
        ):
            self._taken[(candidacy.campaign_id, candidacy.id_number)] = candidacy
        self._rows_by_person = {}

    def row_orgs(self, instance, row):
        return []  # the union comes from the importer's own submitting unions

    # --- one row --------------------------------------------------------------------------------

    def _organisation(self, code: str, errors):
        if code:
            org = self._organisations.get(code)
            if org is None:
                self.add_error(
                    errors, "org_code", _("“%(code)s”不是您可以推荐的工会组织代码。") % {"code": shown(code)}
                )
            return org
        if len(self._organisations) == 1:
            return next(iter(self._organisations.values()))
        self.add_error(errors, "org_code", _("您可为多个工会推荐，请填写推荐单位代码。"))
        return None

    @staticmethod
    def _tags(text: str) -> list[str]:
        lookup = {str(t.label): t.value for t in Tag} | {t.value: t.value for t in Tag}
        return [lookup.get(part, part) for part in _TAG_SEPARATORS.split(text or "") if part]

    def validate_row(self, instance, row, errors):
        instance._award = None
        code = (instance.programme_code or "").strip()
        programme = self._programmes.get(code)
        if programme is None:
            self.add_error(
                errors, "programme_code", _("“%(code)s”不是正在申报的评选项目代码。") % {"code": shown(code)}
            )
        elif programme.nominee_kind != NomineeKind.INDIVIDUAL:
            self.add_error(errors, "programme_code", _("只能导入个人推荐（五一劳动奖章）。"))
            programme = None
        organisation = self._organisation((instance.org_code or "").strip(), errors)
        if programme is None:
            return
        fields = {
            "name": instance.name or "",
            "unit": instance.unit or "",
            "id_number": normalise_id_number(instance.id_number or ""),
            "summary": instance.summary or "",
            "deeds": instance.deeds or "",
            "tags": self._tags(instance.tag_text),
            "flags": {flag.value: bool(getattr(instance, f"flag_{flag.value}", False)) for flag in Flag},
            "declarations": {
                rule.code: bool(instance.declared)
                for rule in programme.rules.all()
                if rule.is_active and rule.kind == RuleKind.VETO
            },
        }
        details = {
            name: getattr(instance, name) or ("" if name != "birth_date" else None)
            # Every individual detail but the employer (the sheet names the unit in words).
            for name in INDIVIDUAL_FIELDS
            if name != "employer"
        }
        for key, message in nomination_problems(programme=programme, fields=fields, details=details).items():
            if key not in errors:
                self.add_error(errors, key, message)
        person = fields["id_number"]
        if person and "id_number" not in errors:
            earlier = self._rows_by_person.get(person)
            taken = self._taken.get((programme.campaign_id, person))
            if earlier is not None:
                self.add_error(
                    errors, "id_number", _("此人与第 %(row)d 行重复，同一人只能推荐一次。") % {"row": earlier}
                )
            elif taken is not None:
                self.add_error(
                    errors,
                    "id_number",
                    _("此人已由 %(org)s 推荐参加本年度“%(programme)s”，同一人每年只能被推荐一次。")
                    % {"org": taken.organisation.name, "programme": taken.programme.name_label},
                )
            else:
                self._rows_by_person[person] = self._sheet_row
        if organisation is not None:
            instance._award = {
                "programme": programme,
                "organisation": organisation,
                "fields": fields,
                "details": details,
                "consent": bool(instance.consent),
            }

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Each row is a draft made by the form's own service (candidacy, details, audit event).
        try:
            if not dry_run:
                for instance in self.create_instances:
                    nomination_save(actor=self.user, now=self._now, **instance._award)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()
