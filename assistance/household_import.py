"""Bulk import of hardship households with their members: one xlsx workbook with two sheets (家庭, 成员)
or two CSV files, through the shared import jobs (``unionportal.imports``: upload, row-numbered preview,
confirm, all-or-nothing import, progress).

This module is the importer (``HouseholdImporter``): it reads cells into typed values, with a message
for each cell it cannot read. Whether a household may be filed is the filing rule's to say
(``services.FilingRule``, the rule of the household form and ``services.household_create``): one rule
per file, so its lookups (scope, thresholds, active files by ID number) are fetched once and 100,000
households validate in seconds. The write is ``services.households_file``, in the job's transaction
(COPY on PostgreSQL, bulk_create elsewhere), with the shared job's one audit event for the whole import
rather than one per household. The rows go through the filing rule in batch rather than through
django-import-export's row pipeline, which takes one row at a time at a fraction of the speed.
"""

import io
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from unionportal.accounts.validators import mask_id_number, normalise_id_number
from unionportal.imports.enums import RowStatus
from unionportal.imports.importers import Importer, Rows, Sheet
from unionportal.imports.resources import ImportRejected, Outcome, column_message
from unionportal.imports.widgets import ChoiceWidget, DateWidget
from unionportal.orgs.models import Enterprise
from unionportal.uploads import limits

from . import bulk, rollups, services
from .enums import Category, Gender, Health, Relation, Schooling
from .enums import JobStatus as WorkStatus
from .resources import CausesWidget, EnterpriseCodeWidget, HouseholdResource, MoneyWidget, _example_id

logger = logging.getLogger(__name__)

KEY = "assistance.household_members"
HOUSEHOLD_SHEET = "家庭"
MEMBER_SHEET = "成员"
MAX_HOUSEHOLDS = 200_000
MAX_MEMBERS = services.MAX_MEMBERS  # per household
PROGRESS_EVERY = 2000
# How many times its upload size a household workbook may declare when inflated. The shared limit
# (UPLOAD_MAX_UNCOMPRESSED, 100 MB) is sized for one-table imports of 20,000 rows; a household workbook
# holds up to MAX_HOUSEHOLDS households and their members, and 100,000 households with 300,000 members
# are a 14 MB file of ~175 MB sheet XML (about 13 times). Twenty times the sheet upload limit (400 MB
# by default) admits every genuine workbook that fits the upload limit while still refusing a zip bomb,
# which inflates hundreds of times; the row limits bound what is then read, sheet XML being streamed.
INFLATE_RATIO = 20

HOUSEHOLDS = Sheet("households", HOUSEHOLD_SHEET, gettext_lazy("家庭表"), MAX_HOUSEHOLDS)
MEMBERS = Sheet("members", MEMBER_SHEET, gettext_lazy("成员表"), MAX_HOUSEHOLDS * MAX_MEMBERS)

# Columns: (key, header, required)
HOUSEHOLD_COLUMNS = [
    ("enterprise", "企业信用代码", True),
    ("worker_name", "职工姓名", True),
    ("id_number", "身份证号", True),
    ("gender", "性别", False),
    ("phone", "手机号", False),
    ("job_status", "就业状态", True),
    ("worker_income", "本人月收入", False),
    ("causes", "致困原因", False),
    ("sudden_cause_on", "突发致困日期", False),
    ("category", "困难类别", False),
]
MEMBER_COLUMNS = [
    ("worker_id", "职工身份证号", True),
    ("name", "姓名", True),
    ("relation", "与职工关系", True),
    ("age", "年龄", True),
    ("health", "健康状况", False),
    ("schooling", "就学情况", False),
    ("monthly_income", "月收入", False),
]
COLUMNS = {HOUSEHOLDS.key: HOUSEHOLD_COLUMNS, MEMBERS.key: MEMBER_COLUMNS}
HOUSEHOLD_EXAMPLE = [
    "91420684MA4F1234X3",
    "张三",
    _example_id(),
    "男",
    "13800000000",
    "去产能分流安置",
    "1200",
    "重病、子女就学",
    "",
    "",
]
MEMBER_EXAMPLE = [_example_id(), "李四", "配偶", "45", "重大疾病", "不在学", "0"]

_GENDER = ChoiceWidget(Gender)
_WORK_STATUS = ChoiceWidget(WorkStatus)
_CATEGORY = ChoiceWidget(Category)
_RELATION = ChoiceWidget(Relation)
_HEALTH = ChoiceWidget(Health, default=Health.HEALTHY)
_SCHOOLING = ChoiceWidget(Schooling, default=Schooling.NONE)
_MONEY = MoneyWidget()
_CAUSES = CausesWidget()
_DATE = DateWidget()


@dataclass(frozen=True)
class RowError:
    sheet: Sheet  # HOUSEHOLDS or MEMBERS
    row: int  # the spreadsheet row (the header is row 1)
    column: str
    message: str


@dataclass
class Report:
    """What checking a file found: the households ready to file, or the errors."""

    households: list[services.Filing] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    household_rows: int = 0
    member_rows: int = 0
    member_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def category_counts(self) -> dict[str, int]:
        counts = {str(c): 0 for c in Category}
        for h in self.households:
            if h.assessment is not None:
                counts[str(h.assessment.category)] += 1
        return counts

    def outcome(self) -> Outcome:
        """The shared import's outcome: one row per household (a sample of them kept, masked), every
        error with its sheet and row, and the members and categories as totals."""
        outcome = Outcome(total=self.household_rows)
        by_row: dict[tuple, list[str]] = {}
        for error in self.errors:
            key = (error.sheet is not HOUSEHOLDS, error.row)
            by_row.setdefault(key, []).append(column_message(error.column, error.message))
        for (is_member, row), messages in sorted(by_row.items()):
            sheet = MEMBERS if is_member else HOUSEHOLDS
            outcome.add_row(row=row, status=RowStatus.ERROR, summary="", messages=messages, sheet=sheet.label)
        if self.errors:
            return outcome
        labels = dict(Category.choices)
        for h in self.households:
            # Personal data stays masked in what is kept on the job.
            summary = " · ".join(
                part
                for part in (
                    h.values["worker_name"],
                    mask_id_number(h.values["id_number"]),
                    _("成员 %(n)d 人") % {"n": len(h.members)},
                    str(labels[h.assessment.category]) if h.assessment else "",
                )
                if part
            )
            outcome.add_row(
                row=h.row, status=RowStatus.NEW, summary=summary, messages=[], sheet=HOUSEHOLDS.label
            )
        outcome.totals = {str(_("家庭成员")): self.member_count}
        outcome.totals.update({str(labels[k]): v for k, v in self.category_counts().items() if v})
        return outcome


def max_uncompressed() -> int:
    """What a household workbook may declare as its inflated size: never less than the shared limit."""
    return max(limits.max_uncompressed(), INFLATE_RATIO * limits.max_bytes("sheet"))


# --- validating ---------------------------------------------------------------------------------------


def _layout(table: Rows, columns, widgets: dict) -> list[tuple]:
    """Each column's (key, header, required, position in the sheet, widget or None); an optional
    column the file leaves out is read as empty (position -1)."""
    position = {h: i for i, h in enumerate(table.headers)}
    return [
        (key, header, required, position.get(header, -1), widgets.get(key))
        for key, header, required in columns
    ]


def _required_message(header: str) -> str:
    return _("请填写%(column)s。") % {"column": header}


# Cells repeat (choices, causes, amounts): within one validation each distinct cell is cleaned once,
# remembered per widget.
_MEMO: ContextVar[dict | None] = ContextVar("household_import_memo", default=None)


def _cleaned(widget, value, memo: dict):
    """(value, None) or (None, message), the widget's clean of ``value`` once per validation."""
    try:
        found = (widget.clean(value), None)
    except ValueError as error:
        found = (None, str(error))
    memo[value] = found
    return found


def _read(cells: list[str], layout) -> tuple[dict, dict[str, list[str]]]:
    """One row's cells as typed values, by field, with what could not be read (an empty required cell,
    a value a widget refuses). Whether the values may be filed is the filing rule's to say."""
    memos = _MEMO.get()
    if memos is None:
        memos = {}
    errors: dict[str, list[str]] = {}
    values: dict = {}
    width = len(cells)
    for key, header, required, i, widget in layout:
        text = cells[i] if 0 <= i < width else ""
        if required and not text:
            errors[key] = [_required_message(header)]
        elif widget is None:
            values[key] = text
        else:
            memo = memos.get(id(widget))
            if memo is None:
                memo = memos[id(widget)] = {}
            found = memo.get(text)
            if found is None:
                found = _cleaned(widget, text, memo)
            values[key], message = found
            if message is not None:
                errors[key] = [message]
    return values, errors


_HOUSEHOLD_WIDGETS = {
    "gender": _GENDER,
    "job_status": _WORK_STATUS,
    "worker_income": _MONEY,
    "causes": _CAUSES,
    "sudden_cause_on": _DATE,
    "category": _CATEGORY,
}
_MEMBER_WIDGETS = {
    "relation": _RELATION,
    "health": _HEALTH,
    "schooling": _SCHOOLING,
    "monthly_income": _MONEY,
}


def _read_member(cells: list[str], layout) -> tuple[str, dict, dict[str, list[str]]]:
    """A member's worker (ID number), values and unreadable cells."""
    values, errors = _read(cells, layout)
    worker = normalise_id_number(values.pop("worker_id", ""))
    age = values.get("age")
    if age is not None:
        if age.isdigit():
            values["age"] = int(age)  # at most 120: the filing rule's to say
        else:
            errors["age"] = [_("年龄应为 0 到 120 之间的整数。")]
    return worker, values, errors


def validate(actor, households: Rows, members: Rows, *, on_progress=None) -> Report:
    """Check every row of both sheets by the filing rule (``services.FilingRule``), as the household
    form and ``household_create`` are checked.

    Nothing is written, and the sheets' rows are consumed as they are read (``Rows.consume``). The
    report lists each error with its sheet and row; when it has none,
    ``report.households`` holds what ``write`` needs. ``on_progress(n)`` is called with the number of
    households checked, every ``PROGRESS_EVERY`` rows.
    """
    token = _MEMO.set({})
    try:
        return _validate(actor, households, members, on_progress=on_progress)
    finally:
        _MEMO.reset(token)


def _enterprises_by_code(codes: set[str]) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for chunk in bulk.chunked(sorted(codes)):
        enterprises = Enterprise.objects.filter(credit_code__in=chunk).select_related("union", "township")
        found.update((e.credit_code, e) for e in enterprises)
    return found


def _validate(actor, households: Rows, members: Rows, *, on_progress=None) -> Report:
    report = Report()
    h_layout = _layout(households, HOUSEHOLD_COLUMNS, _HOUSEHOLD_WIDGETS)
    m_layout = _layout(members, MEMBER_COLUMNS, _MEMBER_WIDGETS)
    h_headers = {key: header for key, header, _r in HOUSEHOLD_COLUMNS}
    h_headers["members"] = ""  # their number: said of the household row, under no column
    m_headers = {key: header for key, header, _r in MEMBER_COLUMNS}
    add = report.errors.append

    # Pass 1: the members, grouped by the worker's ID number; cells that cannot be read are reported here.
    members_of: dict[str, list[tuple[int, dict, bool]]] = {}
    for row, cells in members.consume():
        report.member_rows += 1
        worker, member, errors = _read_member(cells, m_layout)
        for key, messages in errors.items():
            report.errors.extend(RowError(MEMBERS, row, m_headers[key], m) for m in messages)
        if worker:
            members_of.setdefault(worker, []).append((row, member, not errors))

    # Pass 2: the households' cells, and the enterprises they name.
    read = []
    codes: set[str] = set()
    for row, cells in households.consume():
        values, errors = _read(cells, h_layout)
        text = values.pop("enterprise", "")
        try:
            code = EnterpriseCodeWidget.compact(text)
        except Exception:  # stdnum refuses characters it cannot clean; reported as unknown below
            code = text.upper()
        if code:
            codes.add(code)
        read.append((row, values, code, errors))
    report.household_rows = len(read)
    enterprises = _enterprises_by_code(codes)
    ids_in_file = {normalise_id_number(v.get("id_number")) for _r, v, _c, _e in read} - {""}
    rule = services.FilingRule(actor=actor, enterprises=enterprises.values(), id_numbers=ids_in_file)

    # Pass 3: each household and its members by the filing rule, in the file's order.
    for position, (row, values, code, errors) in enumerate(read, start=1):
        enterprise = enterprises.get(code) if code else None
        if code and enterprise is None:
            errors["enterprise"] = [_("信用代码为“%(code)s”的企业不存在。") % {"code": code}]
        worker = normalise_id_number(values.get("id_number"))
        group = [(r, member) for r, member, readable in members_of.get(worker, ()) if readable]
        if len(group) < len(members_of.get(worker, ())):
            errors.setdefault("members", [])  # the unreadable ones are reported on the members sheet
        filing = rule.check(
            services.Filing(
                enterprise,
                values,
                [member for _r, member in group],
                claimed_category=values.pop("category", "") or "",
                row=row,
                errors=errors,
            )
        )
        for key, messages in filing.errors.items():
            for message in messages:
                add(RowError(HOUSEHOLDS, row, h_headers[key], message))
        for index, key, message in filing.member_errors:
            add(RowError(MEMBERS, group[index][0], m_headers[key], message))
        if filing.ok:
            report.households.append(filing)
            report.member_count += len(filing.members)
        if on_progress is not None and position % PROGRESS_EVERY == 0:
            on_progress(position)

    # Members naming a worker the households sheet does not have.
    for worker in members_of.keys() - ids_in_file:
        for row, _member, _readable in members_of[worker]:
            add(
                RowError(
                    MEMBERS,
                    row,
                    "职工身份证号",
                    _("家庭表中没有身份证号为 %(id)s 的职工。") % {"id": mask_id_number(worker)},
                )
            )
    if report.errors:
        report.households = []
    return report


# --- writing ------------------------------------------------------------------------------------------


def write(actor, report: Report, *, on_progress=None) -> int:
    """File the households and members of an error-free report; returns the number of households.

    Through ``services.households_file`` (COPY on PostgreSQL, bulk_create elsewhere), in the caller's
    transaction (the import job's): either everything is written or nothing. An active file created by
    someone else since ``validate`` makes the database refuse the insert: IntegrityError, nothing
    written. ``on_progress(n)`` is called with the households written so far.
    """
    if not report.ok:
        raise ValueError("write() needs a report without errors")
    return services.households_file(
        actor=actor, filings=report.households, audit_each=False, on_progress=on_progress
    )


# --- the template -------------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    """A workbook with the two sheets (header and one example row each) and notes on filling them in."""
    workbook = Workbook()
    households = workbook.active
    households.title = HOUSEHOLD_SHEET
    households.append([header for _k, header, _r in HOUSEHOLD_COLUMNS])
    households.append(HOUSEHOLD_EXAMPLE)
    members = workbook.create_sheet(MEMBER_SHEET)
    members.append([header for _k, header, _r in MEMBER_COLUMNS])
    members.append(MEMBER_EXAMPLE)
    bold = Font(bold=True)
    for sheet in (households, members):
        for cell in sheet[1]:
            cell.font = bold
            sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) * 2 + 4)
        for cell in sheet[2]:
            cell.number_format = "@"  # ID numbers and codes stay text
    notes = workbook.create_sheet(_("填写说明"))
    notes.append([_("表"), _("列名"), _("说明")])

    def choices(enum):
        return _("可选：%(allowed)s") % {"allowed": "、".join(str(m.label) for m in enum)}

    help_texts = {
        "企业信用代码": _("统一社会信用代码（必填），须为您辖区内的帮扶企业"),
        "身份证号": _("18 位（必填），请设为文本格式"),
        "性别": _("可留空，按身份证号判断"),
        "就业状态": choices(WorkStatus),
        "本人月收入": _("元，可留空（按 0 计）"),
        "致困原因": _("可填多项，用顿号分隔；") + choices_text(),
        "突发致困日期": _("日期，例如 2020-05-01"),
        "困难类别": _("可留空，按收入和认定标准自动认定；填写时须与认定结果一致"),
        "职工身份证号": _("该成员所在家庭的职工身份证号，须在家庭表中"),
        "与职工关系": choices(Relation),
        "年龄": _("0 到 120 的整数"),
        "健康状况": choices(Health),
        "就学情况": choices(Schooling),
        "月收入": _("元，可留空（按 0 计）"),
    }
    for sheet, columns in ((HOUSEHOLD_SHEET, HOUSEHOLD_COLUMNS), (MEMBER_SHEET, MEMBER_COLUMNS)):
        for _key, header, required in columns:
            notes.append([sheet, header, help_texts.get(header, _("必填") if required else "")])
    notes.append([])
    notes.append([_("第一行为列名，请勿修改；示例行请删除或替换。任何一行有误时，整个文件都不会导入。")])
    notes.append([_("也可以分别上传家庭和成员两个 CSV 文件（UTF-8 或 GBK 编码），列名与本模板相同。")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def choices_text() -> str:
    from .enums import Cause

    return _("可选：%(allowed)s") % {"allowed": "、".join(str(m.label) for m in Cause)}


# --- the importer the shared jobs run -------------------------------------------------------------------


class HouseholdImporter(Importer):
    """Households (家庭) and their members (成员), as one workbook or two CSV files."""

    sheets = (HOUSEHOLDS, MEMBERS)
    description = gettext_lazy(
        "成员按职工身份证号对应到家庭表中的职工。系统先按建档表单的规则逐行校验并显示预览；导入要么全部成功，要么一行也不写入。"
    )

    @classmethod
    def can_import(cls, user) -> bool:
        return HouseholdResource.can_import(user)

    def max_uncompressed(self) -> int:
        return max_uncompressed()

    def columns(self, sheet: Sheet) -> list[str]:
        return [header for _k, header, _r in COLUMNS[sheet.key]]

    def missing_columns(self, sheet: Sheet, headers: list[str]) -> list[str]:
        present = set(headers)
        return [header for _k, header, required in COLUMNS[sheet.key] if required and header not in present]

    def total(self, tables: dict[str, Rows]) -> int:
        """Progress counts households."""
        return sum(1 for _row in tables[HOUSEHOLDS.key].numbered()) if HOUSEHOLDS.key in tables else 0

    def _report(self, tables, on_progress) -> Report:
        return validate(self.user, tables[HOUSEHOLDS.key], tables[MEMBERS.key], on_progress=on_progress)

    def check(self, tables, *, on_progress=None) -> Outcome:
        outcome = self._report(tables, on_progress).outcome()
        if not outcome.counts:
            outcome.file_errors.append(_("家庭表中没有数据行。"))
        return outcome

    def write(self, tables, *, on_progress=None) -> Outcome:
        total = self.total(tables)
        half = (lambda n: on_progress(n // 2)) if on_progress else None
        report = self._report(tables, half)
        if not report.ok or not report.households:
            outcome = report.outcome()
            if not outcome.counts:
                outcome.file_errors.append(_("家庭表中没有数据行。"))
            raise ImportRejected(outcome)
        rest = (lambda n: on_progress(total // 2 + n // 2)) if on_progress else None
        write(self.user, report, on_progress=rest)
        return report.outcome()

    def after_commit(self, outcome: Outcome) -> None:
        # Imported households are filed later (they start "applied"), but a report read now should not
        # wait for the periodic rebuild to show whatever the import changed.
        rollups.rollup_refresh()

    def template_xlsx(self) -> bytes:
        return template_xlsx()
