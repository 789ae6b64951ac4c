"""Bulk import of hardship households with their members: one xlsx workbook with two sheets (家庭, 成员)
or two CSV files, previewed with row-numbered errors, then written all or nothing.

This module reads: cells into typed values, with a message for each cell it cannot read. Whether a
household may be filed is the filing rule's to say (``services.FilingRule``, the rule of the household
form and ``services.household_create``): one rule per file, so its lookups (scope, thresholds, active
files by ID number) are fetched once and 100,000 households validate in seconds. The write is
``services.households_file``, in one transaction (COPY on PostgreSQL, bulk_create elsewhere), with one
summary audit event for the whole import rather than one per household.

The job itself is a shared ``ImportJob`` (resource key ``KEY``) run by the ``imports.assistance_households``
task, with its progress in the shared cache like the one-table imports.
"""

import io
import logging
import struct
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from unionportal.accounts.validators import mask_id_number, normalise_id_number
from unionportal.audit import services as audit
from unionportal.imports import reading
from unionportal.imports import services as imports
from unionportal.imports.enums import JobStatus
from unionportal.imports.models import ImportJob
from unionportal.imports.resources import MAX_MESSAGE_CHARS, row_message, shorten
from unionportal.imports.selectors import access_job as access_any_job
from unionportal.imports.widgets import ChoiceWidget, DateWidget
from unionportal.orgs.models import Enterprise
from unionportal.uploads import limits
from unionportal.uploads.spreadsheets import SpreadsheetError, sniff_table

from . import bulk, rollups, services
from .enums import Category, Gender, Health, Relation, Schooling
from .enums import JobStatus as WorkStatus
from .resources import CausesWidget, EnterpriseCodeWidget, HouseholdResource, MoneyWidget, _example_id

logger = logging.getLogger(__name__)

KEY = "assistance.household_members"
IMPORT_ACTION = "assistance.household.import"
HOUSEHOLD_SHEET = "家庭"
MEMBER_SHEET = "成员"
MAX_HOUSEHOLDS = 200_000
MAX_MEMBERS = services.MAX_MEMBERS  # per household
MAX_ERRORS_KEPT = 1000
PREVIEW_HOUSEHOLDS = 50
PROGRESS_EVERY = 2000
# How many times its upload size a household workbook may declare when inflated. The shared limit
# (UPLOAD_MAX_UNCOMPRESSED, 100 MB) is sized for one-table imports of 20,000 rows; a household workbook
# holds up to MAX_HOUSEHOLDS households and their members, and 100,000 households with 300,000 members
# are a 14 MB file of ~175 MB sheet XML (about 13 times). Twenty times the sheet upload limit (400 MB
# by default) admits every genuine workbook that fits the upload limit while still refusing a zip bomb,
# which inflates hundreds of times; the row limits bound what is then read, sheet XML being streamed.
INFLATE_RATIO = 20
# Uploads up to this size are previewed within the request; larger ones by the task.
INLINE_PREVIEW_BYTES = 256 * 1024
_CSV_PAIR_MAGIC = b"UPHM1\n"  # how a stored job holds two CSV files in one content field

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


class ImportFileError(imports.ImportFileError):
    """The upload as a whole cannot be imported (not a table, a sheet or columns missing)."""


def sheet_label(sheet: str) -> str:
    return _("家庭表") if sheet == HOUSEHOLD_SHEET else _("成员表")


@dataclass(frozen=True)
class RowError:
    sheet: str  # HOUSEHOLD_SHEET or MEMBER_SHEET
    row: int  # the spreadsheet row (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("%(sheet)s第 %(row)d 行，%(column)s：%(message)s") % {
                "sheet": sheet_label(self.sheet),
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("%(sheet)s第 %(row)d 行：%(message)s") % {
            "sheet": sheet_label(self.sheet),
            "row": self.row,
            "message": self.message,
        }


@dataclass
class Sheet:
    name: str  # HOUSEHOLD_SHEET or MEMBER_SHEET
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row, cells), blank rows left out


@dataclass
class Report:
    households: list[services.Filing] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    household_rows: int = 0
    member_rows: int = 0
    member_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_messages(self, limit: int = MAX_ERRORS_KEPT) -> list[str]:
        ordered = sorted(self.errors, key=lambda e: (e.sheet != HOUSEHOLD_SHEET, e.row))
        return [shorten(str(e), MAX_MESSAGE_CHARS) for e in ordered[:limit]]

    def category_counts(self) -> dict[str, int]:
        counts = {str(c): 0 for c in Category}
        for h in self.households:
            if h.assessment is not None:
                counts[str(h.assessment.category)] += 1
        return counts

    def as_preview(self, *, file_format: str) -> dict:
        labels = dict(Category.choices)
        return {
            "format": file_format,
            "counts": {
                "households": self.household_rows,
                "members": self.member_rows,
                "errors": len(self.errors),
                "categories": {str(labels[k]): v for k, v in self.category_counts().items() if v},
            },
            "errors": self.error_messages(),
            "file_errors": [],
            "truncated": len(self.errors) > MAX_ERRORS_KEPT,
            # Personal data stays masked in what is kept on the job.
            "rows": [
                {
                    "row": h.row,
                    "worker": h.values["worker_name"],
                    "id_number": mask_id_number(h.values["id_number"]),
                    "members": len(h.members),
                    "category": str(labels[h.assessment.category]) if h.assessment else "",
                }
                for h in self.households[:PREVIEW_HOUSEHOLDS]
            ],
        }


# --- reading ------------------------------------------------------------------------------------------


def _rejected(error: reading.TableRejected, sheet: str) -> ImportFileError:
    """``error`` as the user reads it: with the sheet (HOUSEHOLD_SHEET or MEMBER_SHEET, or "" when it
    is neither) and the row."""
    if not sheet:
        return ImportFileError(row_message(error.row, error.message) if error.row else error.message)
    if error.row:
        return ImportFileError(str(RowError(sheet, error.row, "", error.message)))
    return ImportFileError(f"{sheet_label(sheet)}：{error.message}")


def _read_sheet(table: reading.Table, name: str, max_rows: int, sheet: str | None = None) -> Sheet:
    """One sheet of the upload, read row by row (blank rows left out); ``sheet``: its title."""
    try:
        rows = table.rows(sheet)
        _number, header = next(rows, (1, []))
        if not any(header):
            raise ImportFileError(_("%(sheet)s的第一行须为列名。") % {"sheet": sheet_label(name)})
        data = []
        for number, cells in rows:
            if not any(cells):
                continue
            if len(data) >= max_rows:
                raise ImportFileError(
                    _("%(sheet)s超过 %(n)d 行。") % {"sheet": sheet_label(name), "n": max_rows}
                )
            data.append((number, cells))
    except reading.TableRejected as error:
        raise _rejected(error, name) from error
    return Sheet(name, header, data)


def _check_columns(sheet: Sheet, columns) -> None:
    missing = [header for _key, header, _required in columns if header not in sheet.header]
    if missing:
        raise ImportFileError(
            _("%(sheet)s缺少以下列：%(columns)s。请使用下载的模板。")
            % {"sheet": sheet_label(sheet.name), "columns": "、".join(missing)}
        )


def _read_csv(raw: bytes, name: str, max_rows: int) -> Sheet:
    if not raw.strip():
        raise ImportFileError(_("%(sheet)s文件为空。") % {"sheet": sheet_label(name)})
    try:
        table = reading.open_table(raw, max_uncompressed=max_uncompressed())
    except reading.TableRejected as error:
        raise _rejected(error, name) from error
    if table.format != "CSV":
        raise ImportFileError(
            _("%(sheet)s应为 CSV 文件；Excel 工作簿请作为一个文件上传。") % {"sheet": sheet_label(name)}
        )
    return _read_sheet(table, name, max_rows)


def _sheet_of(title: str, titles: list[str]) -> str:
    """Which of the two sheets the workbook's sheet ``title`` is read as (see ``_read_xlsx``)."""
    if title in (HOUSEHOLD_SHEET, MEMBER_SHEET) and HOUSEHOLD_SHEET in titles and MEMBER_SHEET in titles:
        return title
    position = titles.index(title) if title in titles else -1
    return {0: HOUSEHOLD_SHEET, 1: MEMBER_SHEET}.get(position, "")


def _read_xlsx(raw: bytes) -> tuple[Sheet, Sheet]:
    try:
        table = reading.open_table(raw, expect="XLSX", max_uncompressed=max_uncompressed())
        names = table.sheet_names
    except reading.TableRejected as error:
        raise _rejected(
            error, _sheet_of(error.sheet, [t for t, _part in reading.worksheet_parts(raw)])
        ) from error
    try:
        if HOUSEHOLD_SHEET in names and MEMBER_SHEET in names:
            titles = [HOUSEHOLD_SHEET, MEMBER_SHEET]
        elif len(names) >= 2:
            titles = names[:2]
        else:
            raise ImportFileError(
                _("工作簿须有两张表：“%(households)s”和“%(members)s”。请使用下载的模板。")
                % {"households": HOUSEHOLD_SHEET, "members": MEMBER_SHEET}
            )
        households = _read_sheet(table, HOUSEHOLD_SHEET, MAX_HOUSEHOLDS, titles[0])
        members = _read_sheet(table, MEMBER_SHEET, MAX_HOUSEHOLDS * MAX_MEMBERS, titles[1])
    finally:
        table.close()
    return households, members


def pack_csv_pair(households: bytes, members: bytes) -> bytes:
    """Two CSV files in the one content field of an ImportJob."""
    return _CSV_PAIR_MAGIC + struct.pack(">Q", len(households)) + households + members


def parse_workbook(content: bytes, members_csv: bytes | None = None) -> tuple[Sheet, Sheet]:
    """The households and members sheets of an xlsx workbook, or of two CSV files.

    ``content`` is the workbook, a packed CSV pair (``pack_csv_pair``), or the households CSV with
    ``members_csv`` beside it. The type is decided by content, never by the file name. Raises
    ImportFileError with a message for the user.
    """
    if members_csv is None and content.startswith(_CSV_PAIR_MAGIC):
        offset = len(_CSV_PAIR_MAGIC)
        (length,) = struct.unpack(">Q", content[offset : offset + 8])
        content, members_csv = content[offset + 8 : offset + 8 + length], content[offset + 8 + length :]
    if members_csv is not None:
        households = _read_csv(content, HOUSEHOLD_SHEET, MAX_HOUSEHOLDS)
        members = _read_csv(members_csv, MEMBER_SHEET, MAX_HOUSEHOLDS * MAX_MEMBERS)
    else:
        if not content.strip():
            raise ImportFileError(_("文件为空。"))
        try:
            table_format = sniff_table(content, max_uncompressed=max_uncompressed())
        except SpreadsheetError as error:
            raise ImportFileError(error.message) from error
        if table_format.format != "XLSX":
            raise ImportFileError(
                _("该文件不是 Excel 工作簿（.xlsx）。用 CSV 导入时，请分别上传家庭和成员两个 CSV 文件。")
            )
        households, members = _read_xlsx(content)
    _check_columns(households, HOUSEHOLD_COLUMNS)
    _check_columns(members, MEMBER_COLUMNS)
    if not households.rows:
        raise ImportFileError(_("家庭表中没有数据行。"))
    return households, members


def max_uncompressed() -> int:
    """What a household workbook may declare as its inflated size: never less than the shared limit."""
    return max(limits.max_uncompressed(), INFLATE_RATIO * limits.max_bytes("sheet"))


def file_format(content: bytes) -> str:
    return "csv" if content.startswith(_CSV_PAIR_MAGIC) else "xlsx"


# --- validating ---------------------------------------------------------------------------------------


def _layout(sheet: Sheet, columns, widgets: dict) -> list[tuple]:
    """Each column's (key, header, required, position in the sheet, widget or None)."""
    position = {h: i for i, h in enumerate(sheet.header)}
    return [(key, header, required, position[header], widgets.get(key)) for key, header, required in columns]


def _required_message(header: str) -> str:
    return _("请填写%(column)s。") % {"column": header}


# Cells repeat (choices, causes, amounts): within one validation each distinct cell is cleaned once.
_MEMO: ContextVar[dict | None] = ContextVar("household_import_memo", default=None)


def _clean(widget, value, memo: dict):
    """(value, None) or (None, message), from ``memo`` when the widget has seen the cell before."""
    key = (id(widget), value)
    found = memo.get(key)
    if found is None:
        try:
            found = (widget.clean(value), None)
        except ValueError as error:
            found = (None, str(error))
        memo[key] = found
    return found


def _read(cells: list[str], layout) -> tuple[dict, dict[str, list[str]]]:
    """One row's cells as typed values, by field, with what could not be read (an empty required cell,
    a value a widget refuses). Whether the values may be filed is the filing rule's to say."""
    memo = _MEMO.get()
    if memo is None:
        memo = {}
    errors: dict[str, list[str]] = {}
    values: dict = {}
    width = len(cells)
    for key, header, required, i, widget in layout:
        text = cells[i] if i < width else ""
        if required and not text:
            errors[key] = [_required_message(header)]
        elif widget is None:
            values[key] = text
        else:
            values[key], message = _clean(widget, text, memo)
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


def validate(actor, households: Sheet, members: Sheet, *, on_progress=None) -> Report:
    """Check every row of both sheets by the filing rule (``services.FilingRule``), as the household
    form and ``household_create`` are checked.

    Nothing is written. The report lists each error with its sheet and row; when it has none,
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


def _validate(actor, households: Sheet, members: Sheet, *, on_progress=None) -> Report:
    report = Report(household_rows=len(households.rows), member_rows=len(members.rows))
    h_layout = _layout(households, HOUSEHOLD_COLUMNS, _HOUSEHOLD_WIDGETS)
    m_layout = _layout(members, MEMBER_COLUMNS, _MEMBER_WIDGETS)
    h_headers = {key: header for key, header, _r in HOUSEHOLD_COLUMNS}
    h_headers["members"] = ""  # their number: said of the household row, under no column
    m_headers = {key: header for key, header, _r in MEMBER_COLUMNS}
    add = report.errors.append

    # Pass 1: the members, grouped by the worker's ID number; cells that cannot be read are reported here.
    members_of: dict[str, list[tuple[int, dict, bool]]] = {}
    for row, cells in members.rows:
        worker, member, errors = _read_member(cells, m_layout)
        for key, messages in errors.items():
            report.errors.extend(RowError(MEMBER_SHEET, row, m_headers[key], m) for m in messages)
        if worker:
            members_of.setdefault(worker, []).append((row, member, not errors))

    # Pass 2: the households' cells, and the enterprises they name.
    read = []
    codes: set[str] = set()
    for row, cells in households.rows:
        values, errors = _read(cells, h_layout)
        text = values.pop("enterprise", "")
        try:
            code = EnterpriseCodeWidget.compact(text)
        except Exception:  # stdnum refuses characters it cannot clean; reported as unknown below
            code = text.upper()
        if code:
            codes.add(code)
        read.append((row, values, code, errors))
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
                add(RowError(HOUSEHOLD_SHEET, row, h_headers[key], message))
        for index, key, message in filing.member_errors:
            add(RowError(MEMBER_SHEET, group[index][0], m_headers[key], message))
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
                    MEMBER_SHEET,
                    row,
                    "职工身份证号",
                    _("家庭表中没有身份证号为 %(id)s 的职工。") % {"id": mask_id_number(worker)},
                )
            )
    if report.errors:
        report.households = []
    return report


# --- writing ------------------------------------------------------------------------------------------


def write(actor, report: Report, *, on_progress=None, job_id: int | None = None, file_name: str = "") -> int:
    """File the households and members of an error-free report; returns the number of households.

    Through ``services.households_file`` (COPY on PostgreSQL, bulk_create elsewhere), in one
    transaction: either everything is written or nothing. One audit event summarises the import
    (households, members, categories) rather than one event per household. An active file created
    by someone else since ``validate`` makes the database refuse the insert: IntegrityError, nothing
    written. ``on_progress(n)`` is called with the households written so far.
    """
    if not report.ok:
        raise ValueError("write() needs a report without errors")
    with transaction.atomic():
        done = services.households_file(
            actor=actor, filings=report.households, audit_each=False, on_progress=on_progress
        )
        audit.record(
            actor=actor,
            action=IMPORT_ACTION,
            comment=_("批量导入困难职工家庭 %(households)d 户、家庭成员 %(members)d 人（%(file)s）")
            % {"households": done, "members": report.member_count, "file": file_name},
            changes={
                "resource": KEY,
                "job": job_id,
                "households": done,
                "members": report.member_count,
                "categories": report.category_counts(),
            },
            org_path=imports.actor_org_path(actor),
        )
    return done


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


# --- jobs: upload → preview → confirm → import ----------------------------------------------------------


def can_import(user) -> bool:
    return HouseholdResource.can_import(user)


def _read_upload(upload) -> bytes:
    limit = limits.max_bytes("sheet")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ImportFileError(
            _("文件“%(name)s”超过 %(limit)s。")
            % {"name": getattr(upload, "name", ""), "limit": limits.format_size(limit)}
        )
    return content


def _check_kind(content: bytes, expected: str, label: str, file_name: str = "") -> None:
    """Refuse early what is not the kind of table expected (by content, not by its name); a file named
    .xlsx must also hold a workbook."""
    if not content.strip():
        raise ImportFileError(_("%(label)s为空。") % {"label": label})
    try:
        found = sniff_table(content, max_uncompressed=max_uncompressed()).format
    except SpreadsheetError as error:
        raise ImportFileError(f"{label}：{error.message}") from error
    if found != expected:
        if expected == "XLSX":
            raise ImportFileError(
                _("%(label)s不是 Excel 工作簿（.xlsx）。用 CSV 导入时，请分别上传家庭和成员两个 CSV 文件。")
                % {"label": label}
            )
        raise ImportFileError(_("%(label)s不是 CSV 文件。") % {"label": label})
    if found != "XLSX" and file_name.lower().endswith(".xlsx"):
        raise ImportFileError(f"{label}：" + _("该文件不是 Excel 工作簿（.xlsx）。"))


def job_create(
    *, actor, workbook=None, households_csv=None, members_csv=None, language: str = "zh-hans"
) -> ImportJob:
    """Store an upload (one workbook, or the two CSV files) as a job and preview it.

    Small files are previewed within the request (a file error is raised then and no job is made);
    larger ones by the task. Raises PermissionDenied or ImportFileError.
    """
    if not can_import(actor):
        raise PermissionDenied(_("您没有导入该数据的权限。"))
    if workbook is not None:
        content = _read_upload(workbook)
        _check_kind(content, "XLSX", _("上传的文件"), getattr(workbook, "name", ""))
        file_name = getattr(workbook, "name", "") or "upload.xlsx"
    else:
        first, second = _read_upload(households_csv), _read_upload(members_csv)
        _check_kind(first, "CSV", _("家庭文件"), getattr(households_csv, "name", ""))
        _check_kind(second, "CSV", _("成员文件"), getattr(members_csv, "name", ""))
        content = pack_csv_pair(first, second)
        file_name = f"{getattr(households_csv, 'name', '')} + {getattr(members_csv, 'name', '')}"
    sheets = None
    if len(content) <= INLINE_PREVIEW_BYTES:
        sheets = parse_workbook(content)
    job = ImportJob.objects.create(
        resource_key=KEY,
        file_name=file_name[:200],
        content=content,
        actor=actor,
        language=language or "zh-hans",
        total=len(sheets[0].rows) if sheets else 0,
    )
    if sheets is not None:
        _preview(job, *sheets)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def access_job(user, pk: int) -> ImportJob:
    """The user's own household import job; Http404 for any other."""
    from django.http import Http404

    job = access_any_job(user, pk)
    if job.resource_key != KEY:
        raise Http404
    return job


job_can_confirm = imports.job_can_confirm


def job_confirm(*, actor, job_id: int) -> ImportJob:
    """Start the import of a previewed job without errors; only its uploader may (else Http404)."""
    return imports.job_confirm(actor=actor, job_id=job_id, access=access_job)


def enqueue(job_id: int) -> None:
    imports.enqueue(job_id, key=KEY)


def _progress(job_id: int, *, offset: int = 0, scale: float = 1.0):
    return lambda n: imports.job_progress_save(job_id=job_id, processed=offset + int(n * scale))


def _preview(job: ImportJob, households: Sheet, members: Sheet) -> Report:
    with translation.override(job.language):
        report = validate(job.actor, households, members, on_progress=_progress(job.pk))
        preview = report.as_preview(file_format=file_format(bytes(job.content or b"")))
    fields = {
        "status": JobStatus.PREVIEWED,
        "total": report.household_rows,
        "processed": report.household_rows,
        "error_count": len(report.errors),
        "preview": preview,
    }
    if report.errors:
        fields["content"] = b""  # nothing can be imported from it: personal data is not kept
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    return report


def _fail(job: ImportJob, message: str, **extra) -> None:
    ImportJob.objects.filter(pk=job.pk, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).update(
        status=JobStatus.FAILED, error_message=message, finished_at=timezone.now(), content=b"", **extra
    )


class _Rejected(Exception):
    def __init__(self, report: Report):
        super().__init__(report.error_messages(5))
        self.report = report


def job_run(*, job_id: int) -> str:
    """The task's work: preview a pending job, or import a confirmed one. Safe to run twice."""
    job = ImportJob.objects.select_related("actor").filter(pk=job_id, resource_key=KEY).first()
    if job is None:
        return "missing"
    if job.status == JobStatus.PENDING or (job.status == JobStatus.RUNNING and job.confirmed_at is None):
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
        with translation.override(job.language):
            try:
                _preview(job, *parse_workbook(bytes(job.content)))
            except ImportFileError as error:
                _fail(job, error.message)
                return "failed"
            except Exception:
                logger.exception("previewing household import job %s failed", job.pk)
                _fail(job, _("校验文件时发生系统错误。请稍后重试或联系管理员。"))
                return "failed"
        return "previewed"
    if job.status == JobStatus.RUNNING:
        return _run_import(job)
    return "nothing to do"


def _run_import(job: ImportJob) -> str:
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now(), attempts=F("attempts") + 1)
    with translation.override(job.language):
        try:
            households, members = parse_workbook(bytes(job.content))
            total = len(households.rows)
            with transaction.atomic():
                locked = (
                    ImportJob.objects.select_for_update()
                    .filter(pk=job.pk, status=JobStatus.RUNNING)
                    .values_list("pk", flat=True)
                    .first()
                )
                if locked is None:
                    return "nothing to do"  # another run finished it
                # Checked again: the database may have changed since the preview.
                report = validate(job.actor, households, members, on_progress=_progress(job.pk, scale=0.5))
                del households, members
                if not report.ok:
                    raise _Rejected(report)
                created = write(
                    job.actor,
                    report,
                    on_progress=_progress(job.pk, offset=total // 2, scale=0.5),
                    job_id=job.pk,
                    file_name=job.file_name,
                )
                ImportJob.objects.filter(pk=job.pk).update(
                    status=JobStatus.DONE,
                    processed=total,
                    created_count=created,
                    updated_count=0,
                    finished_at=timezone.now(),
                    content=b"",
                )
        except _Rejected as rejected:
            _fail(
                job,
                _("数据在预览之后发生了变化，以下各行无法导入；未导入任何数据。"),
                preview=rejected.report.as_preview(file_format=file_format(bytes(job.content or b""))),
                error_count=len(rejected.report.errors),
            )
            return "rejected"
        except IntegrityError:
            _fail(job, _("导入时有职工已被他人建档，未导入任何数据。请重新上传以查看是哪些行。"))
            return "rejected"
        except ImportFileError as error:
            _fail(job, error.message)
            return "failed"
        except Exception:
            logger.exception("household import job %s failed", job.pk)
            _fail(job, _("导入时发生系统错误，未导入任何数据。请稍后重试或联系管理员。"))
            return "failed"
    cache.set(imports._progress_key(job.pk), total, timeout=6 * 3600)
    # Imported households are filed later (they start "applied"), but a report read now should not
    # wait for the periodic rebuild to show whatever the import changed.
    rollups.rollup_refresh()
    return "done"
