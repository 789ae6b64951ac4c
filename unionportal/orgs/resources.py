"""Import and export of the union tree and of enterprises (registered by unionportal.imports)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext as _
from import_export.fields import Field

from unionportal.imports.masking import mask_mobile
from unionportal.imports.resources import ScopedResource
from unionportal.imports.widgets import (
    ChoiceWidget,
    CreditCodeWidget,
    DateWidget,
    IntWidget,
    OrgCodeWidget,
    TextWidget,
    shown,
)

from .enums import Industry, Level, OrgKind, Ownership
from .models import Enterprise, Organisation, check_parent_level
from .services import organisation_create

PARENT_COLUMN = "上级组织代码"


@dataclass
class _FileOrg:
    """An organisation defined by an earlier row of the file being imported."""

    row: int
    ok: bool
    instance: Organisation
    anchor: Organisation | None  # its nearest ancestor already in the database (for the scope check)


class OrganisationResource(ScopedResource):
    """Union tree rows; each names its parent by code. Rows are always new and created in file order,
    through ``organisation_create`` (the tree's one way in), so a parent may be defined earlier in the file.
    """

    code = Field(attribute="code", column_name="组织代码", widget=TextWidget())
    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    level = Field(attribute="level", column_name="层级", widget=ChoiceWidget(Level))
    kind = Field(attribute="kind", column_name="类型", widget=ChoiceWidget(OrgKind, default=OrgKind.REGIONAL))
    parent_code = Field(attribute="parent_code", column_name=PARENT_COLUMN, widget=TextWidget())
    member_count = Field(attribute="member_count", column_name="会员人数", widget=IntWidget(default=0))
    contact_person = Field(attribute="contact_person", column_name="联系人", widget=TextWidget())
    contact_phone = Field(attribute="contact_phone", column_name="联系电话", widget=TextWidget())
    address = Field(attribute="address", column_name="地址", widget=TextWidget())
    founded_on = Field(attribute="founded_on", column_name="成立日期", widget=DateWidget())

    masked_fields = {"contact_phone": mask_mobile}
    org_code_columns = (PARENT_COLUMN,)
    unique_fields = ("code",)
    clean_exclude = ("path", "depth", "numchild")
    error_columns = {"parent": PARENT_COLUMN}
    example_row = {
        "组织代码": "420684101001",
        "名称": "宜城市鄢城街道示例企业工会",
        "层级": "基层工会",
        "类型": "企业工会",
        PARENT_COLUMN: "420684101",
        "会员人数": 120,
        "联系人": "张三",
        "联系电话": "13800000000",
        "地址": "宜城市鄢城街道",
        "成立日期": "2020-05-01",
    }

    class Meta:
        model = Organisation
        fields = (
            "code",
            "name",
            "level",
            "kind",
            "parent_code",
            "member_count",
            "contact_person",
            "contact_phone",
            "address",
            "founded_on",
        )
        import_id_fields = ("code",)
        force_init_instance = True

    def prepare(self, dataset):
        super().prepare(dataset)
        self._file_orgs: dict[str, _FileOrg] = {}

    def validate_row(self, instance, row, errors):
        instance._import_parent = None
        self._anchor = None
        parent_code = (getattr(instance, "parent_code", "") or "").strip()
        level_known = "level" not in errors and instance.level is not None
        if not parent_code:
            if not self.imports_anywhere:
                self.add_error(errors, "parent", _("请填写上级组织代码。"))
                return
            parent = None
        else:
            parent = self._resolve_parent(parent_code, errors)
            if parent is None:
                return
        if level_known:
            try:
                check_parent_level(parent, instance.level)
            except ValidationError as error:
                for message in error.message_dict.get("parent", error.messages):
                    self.add_error(errors, "parent", message)
        instance._import_parent = parent

    def _resolve_parent(self, code: str, errors) -> Organisation | None:
        earlier = self._file_orgs.get(code)
        if earlier is not None:
            if not earlier.ok:
                self.add_error(
                    errors,
                    "parent",
                    _("“%(code)s”所在的第 %(row)d 行有误，本行无法导入。")
                    % {"code": shown(code), "row": earlier.row},
                )
                return None
            self._anchor = earlier.anchor
            return earlier.instance
        parent = self.organisations_by_code.get(code)
        if parent is None:
            self.add_error(
                errors, "parent", _("“%(code)s”不存在，也未在本文件前面的行中出现。") % {"code": shown(code)}
            )
            return None
        self._anchor = parent
        return parent

    def row_orgs(self, instance, row):
        return [("parent", self._anchor)]

    def after_validate_row(self, instance, row, errors):
        code = instance.code
        if code and code not in self._file_orgs and "code" not in errors:
            self._file_orgs[code] = _FileOrg(
                row=self._sheet_row, ok=not errors, instance=instance, anchor=self._anchor
            )

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # Each batched node goes through organisation_create, in file order (a parent before the rows
        # under it), because treebeard computes its path; batching only spares a savepoint per row.
        try:
            if not dry_run:
                for node in self.create_instances:
                    organisation_create(parent=node._import_parent, instance=node)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            self.create_instances.clear()

    def export_queryset(self):
        steplen = Organisation.steplen
        parent_code = Organisation.objects.filter(
            path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - steplen)
        ).values("code")[:1]
        return self.get_queryset().annotate(parent_code=Subquery(parent_code))


class EnterpriseResource(ScopedResource):
    """Enterprises keyed by their credit code: a known code (in scope) updates, a new one adds."""

    name = Field(attribute="name", column_name="名称", widget=TextWidget())
    credit_code = Field(attribute="credit_code", column_name="统一社会信用代码", widget=CreditCodeWidget())
    industry = Field(attribute="industry", column_name="行业", widget=ChoiceWidget(Industry))
    ownership = Field(attribute="ownership", column_name="经济类型", widget=ChoiceWidget(Ownership))
    employees = Field(attribute="employees", column_name="职工人数", widget=IntWidget(default=0))
    address = Field(attribute="address", column_name="地址", widget=TextWidget())
    township = Field(attribute="township", column_name="所在乡镇代码", widget=OrgCodeWidget(required=True))
    union = Field(attribute="union", column_name="基层工会代码", widget=OrgCodeWidget(required=False))

    org_code_columns = ("所在乡镇代码", "基层工会代码")
    unique_fields = ("credit_code",)
    example_row = {
        "名称": "宜城市示例机械有限公司",
        "统一社会信用代码": "91420684MA4F1234X3",
        "行业": "制造业",
        "经济类型": "民营",
        "职工人数": 230,
        "地址": "宜城市鄢城街道工业园",
        "所在乡镇代码": "420684101",
        "基层工会代码": "420684101001",
    }

    class Meta:
        model = Enterprise
        fields = ("name", "credit_code", "industry", "ownership", "employees", "address", "township", "union")
        import_id_fields = ("credit_code",)

    def row_orgs(self, instance, row):
        return [
            ("township", instance.township if instance.township_id else None),
            ("union", instance.union if instance.union_id else None),
        ]

    def export_queryset(self):
        return self.get_queryset().select_related("township", "union")
