"""Import and export of the member registry through the shared base (``unionportal.imports``).

A row is a current member of the union named by its code, keyed by the ID number: a known ID number of
a member of that union (in the importer's scope) updates the name, phone and joining date; a new one is
entered. Gender and birth date may be left out (read from the ID number) or given, and must then agree
with it. An ID number already a member of another union is refused with that union's name (a move is a
transfer, on the member's page), so is an ID number twice in the file. All or nothing, row-numbered
errors: the job's lifecycle (``imports.services``). Exports mask the ID number and the phone.

``run`` checks and writes a file in batch (``member_import.MemberBatch``): a new person on a row every
check accepts is read straight from its cells; every other row takes the resource's own checks (the
widgets, ``full_clean``, ``validate_row``, scope; ``_check_row``), not django-import-export's row
pipeline, whose per-row bookkeeping capped a file at about 650 rows/s. Nothing is written until every
row has passed; then the new rows go in by COPY on PostgreSQL (bulk_create elsewhere), the changed ones
by bulk_update, and the unions' member counts move with them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from unionportal.imports.enums import RowStatus
from unionportal.imports.masking import mask_id_number, mask_mobile
from unionportal.imports.resources import Outcome, ScopedResource
from unionportal.imports.widgets import ChoiceWidget, DateWidget, OrgCodeWidget, TextWidget, shown

from .enums import Gender, MemberStatus
from .member_import import MemberBatch
from .members import accepts_members
from .models import Member

UNION_COLUMN = "工会组织代码"
ID_COLUMN = "身份证号"


class MemberResource(ScopedResource):
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name=ID_COLUMN, widget=TextWidget())
    phone = Field(attribute="phone", column_name="手机号", widget=TextWidget())
    gender = Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender, default=""))
    birth_date = Field(attribute="birth_date", column_name="出生日期", widget=DateWidget())
    joined_on = Field(attribute="joined_on", column_name="入会日期", widget=DateWidget())
    organisation = Field(
        attribute="organisation", column_name=UNION_COLUMN, widget=OrgCodeWidget(required=True)
    )

    # A grassroots union's or a township's registry in one file: Hubei's largest hold tens of thousands.
    max_rows = 200_000
    masked_fields = {"id_number": mask_id_number, "phone": mask_mobile}
    org_code_columns = (UNION_COLUMN,)
    clean_exclude = ("org_path", "user", "status", "left_on")
    optional_columns = ("手机号", "性别", "出生日期")
    preview_columns = ("姓名", UNION_COLUMN)
    example_row = {
        "姓名": "张三",
        ID_COLUMN: "420684199003071234",
        "手机号": "13800000000",
        "性别": "男",
        "出生日期": "1990-03-07",
        "入会日期": "2020-05-01",
        UNION_COLUMN: "420684001001",
    }

    class Meta:
        model = Member
        fields = ("name", "id_number", "phone", "gender", "birth_date", "joined_on", "organisation")
        import_id_fields = ("id_number",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._memo: dict = {}
        self._memo_scope: dict = {}

    @classmethod
    def access_kind(cls) -> str:
        return "member"

    def get_queryset(self):
        # Only current members are updated by a row (and exported): history rows stay as they are.
        return Member.objects.visible_to(self.user, "export").filter(status=MemberStatus.MEMBER)

    def export_queryset(self):
        return self.get_queryset().select_related("organisation").order_by("org_path", "name", "id")

    def validate_row(self, instance, row, errors):
        instance.id_number = (instance.id_number or "").strip().upper()
        instance.phone = (instance.phone or "").strip()
        if (
            instance.organisation_id
            and "organisation" not in errors
            and not accepts_members(instance.organisation)
        ):
            self.add_error(
                errors, "organisation", _("该组织不登记会员，请填写基层工会、工会联合会或行业工会的代码。")
            )
        number = instance.id_number
        if not number or "id_number" in errors:
            return
        earlier = self._rows_by_id.get(number)
        if earlier is not None:
            self.add_error(
                errors,
                "id_number",
                _("“%(value)s”与第 %(row)d 行重复。")
                % {"value": shown(mask_id_number(number)), "row": earlier},
            )
            return
        self._rows_by_id[number] = self._sheet_row
        holder = self._holders.get(number)
        if holder is not None and holder[0] != instance.pk:
            self.add_error(
                errors,
                "id_number",
                _("该身份证号已是“%(union)s”的会员，一人只能在一个工会登记会籍；如已调动，请办理转会。")
                % {"union": holder[1]},
            )
        elif (
            instance.pk
            and self._before_org.get(instance.pk, instance.organisation_id) != instance.organisation_id
        ):
            self.add_error(
                errors, "organisation", _("该会员属于另一个工会；如已调动，请在会员页面办理转会。")
            )

    def import_instance(self, instance, row, **kwargs):
        # Remember the union an existing member belongs to before the row overwrites it.
        if instance.pk:
            self._before_org.setdefault(instance.pk, instance.organisation_id)
        super().import_instance(instance, row, **kwargs)

    def get_bulk_update_fields(self):
        # bulk_update() skips save(): the search tails (set by Member.clean) are written with the row.
        return [*super().get_bulk_update_fields(), "id_tail", "phone_tail"]

    def row_orgs(self, instance, row):
        return [("organisation", instance.organisation if instance.organisation_id else None)]

    # --- the import, in batch ---------------------------------------------------------------------

    # Columns whose cells repeat across a file (dates, choices, union codes): each distinct cell is read
    # by its widget once per run. Errors are not remembered, so each bad cell is reported on its row.
    _memo_columns = ("性别", "出生日期", "入会日期", UNION_COLUMN)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name not in self._memo_columns or field.column_name not in row:
            return super().import_field(field, instance, row, is_m2m, **kwargs)
        raw = row[field.column_name]
        memo = self._memo.setdefault(field.column_name, {})
        try:
            cleaned = memo[raw]
        except KeyError:
            cleaned = memo[raw] = field.widget.clean(raw, row=row)
        except TypeError:  # an unhashable cell
            cleaned = field.widget.clean(raw, row=row)
        if cleaned is not None or field.saves_null_values:
            setattr(instance, field.attribute, cleaned)

    def in_scope(self, org) -> bool:
        try:
            return self._memo_scope[org.path]
        except KeyError:
            found = self._memo_scope[org.path] = super().in_scope(org)
            return found

    def run(self, headers: list[str], rows: list[list], *, dry_run: bool, on_progress=None) -> Outcome:
        """Check (``dry_run``) or import ``rows`` under ``headers``, as ``ScopedResource.run`` does:
        the same checks and row-numbered messages, and (not dry) ImportRejected with nothing written if
        any row fails. Call inside ``transaction.atomic()`` when not dry. In batch: ``member_import``."""
        return MemberBatch(self).run(headers, rows, dry_run=dry_run, on_progress=on_progress)

    def _check_row(self, outcome: Outcome, row: dict, number: int, new: list, changed: list) -> None:
        # The state the resource's hooks read, as ScopedResource.import_row sets it.
        self._row, self._sheet_row = row, number
        self._before, self._unchanged, self._changed = None, False, []
        summary = " · ".join(str(row.get(c) or "") for c in self.summary_columns() if row.get(c))
        instance = self.existing_instance(row)
        if instance is None:
            instance = self.init_instance(row)
        errors: dict = {}
        try:
            self.import_instance(instance, row)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.validate_instance(instance, errors)
        except ValidationError as error:
            outcome.add_row(
                row=number, status=RowStatus.ERROR, summary=summary, messages=self.error_messages(error)
            )
            return
        if instance.pk is None:
            new.append(instance)
            outcome.add_row(row=number, status=RowStatus.NEW, summary=summary, messages=[])
        elif self._unchanged:
            outcome.add_row(row=number, status=RowStatus.UNCHANGED, summary=summary, messages=[])
        else:
            changed.append(instance)
            message = _("将更新：%(columns)s") % {"columns": "、".join(self._changed)}
            outcome.add_row(row=number, status=RowStatus.CHANGED, summary=summary, messages=[message])
