"""Writing export files and templates: formulas neutralised, the exporting user and time carried along."""

import csv
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .masking import neutralise
from .widgets import ChoiceWidget, DateWidget, IntWidget, OrgCodeWidget

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# A CSV export ends with one line starting with this marker (who exported it and when); an import of
# the same file drops it again.
FOOTER_MARKER = "# "


@dataclass
class ExportInfo:
    key: str
    label: str
    user_label: str
    username: str
    at: datetime
    rows: int = 0
    masked_columns: list[str] = field(default_factory=list)
    revealed: bool = False
    reason: str = ""

    @property
    def local_at(self) -> str:
        return timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S")

    def filename(self, extension: str) -> str:
        stamp = timezone.localtime(self.at).strftime("%Y%m%d-%H%M%S")
        return f"{self.key}-{self.username}-{stamp}.{extension}"

    def masking_note(self) -> str:
        if not self.masked_columns:
            return ""
        columns = pgettext("list separator", "、").join(self.masked_columns)
        if self.revealed:
            return _("完整显示：%(columns)s（理由：%(reason)s）") % {
                "columns": columns,
                "reason": self.reason,
            }
        return _("已脱敏：%(columns)s") % {"columns": columns}

    def lines(self) -> list[tuple[str, object]]:
        lines = [
            (_("导出人"), self.user_label),
            (_("导出时间"), self.local_at),
            (_("数据"), self.label),
            (_("行数"), self.rows),
        ]
        if self.masked_columns:
            lines.append((_("个人信息"), self.masking_note()))
        return lines


@dataclass(frozen=True)
class Block:
    """One titled table of an export that holds several (a report's tables, one under the other): given
    among an export's rows, it is written as a blank line, its title and its column headers (in bold in a
    workbook), then its rows. The export's own headers are its first line; its row count is the blocks'
    rows."""

    title: str
    headers: Sequence
    rows: Sequence[Sequence]


def _lines(headers, rows):
    """(values, strong) for every line of an export: the headers, then each row or Block."""
    yield headers, False
    for row in rows:
        if isinstance(row, Block):
            yield (), False
            yield (row.title,), True
            yield row.headers, True
            for values in row.rows:
                yield values, False
        else:
            yield row, False


def _counted(rows, info: ExportInfo) -> tuple[list, ExportInfo]:
    rows = list(rows)
    blocks = [row for row in rows if isinstance(row, Block)]
    if blocks:
        info = dataclasses.replace(info, rows=sum(len(b.rows) for b in blocks) + len(rows) - len(blocks))
    return rows, info


def _cell(value):
    if isinstance(value, Promise):
        value = str(value)
    value = neutralise(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


def _sheet_title(label: str) -> str:
    title = "".join(ch for ch in str(label) if ch not in "[]:*?/\\")
    return title[:31] or "data"


def write_xlsx(headers, rows, info: ExportInfo) -> bytes:
    rows, info = _counted(rows, info)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(info.label))
    bold = Font(bold=True)
    for values, strong in _lines(headers, rows):
        cells = [_cell(v) for v in values]
        if strong:
            cells = [WriteOnlyCell(sheet, value=v) for v in cells]
            for cell in cells:
                cell.font = bold
        sheet.append(cells)
    about = workbook.create_sheet(_sheet_title(_("导出信息")))
    for label, value in info.lines():
        about.append([_cell(label), _cell(value)])
    properties = workbook.properties
    properties.creator = info.user_label[:255]
    properties.lastModifiedBy = info.user_label[:255]
    properties.title = str(info.label)
    properties.description = _("导出人：%(user)s；导出时间：%(at)s") % {
        "user": info.user_label,
        "at": info.local_at,
    }
    created = info.at.astimezone(UTC).replace(tzinfo=None)
    properties.created = properties.modified = created
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(headers, rows, info: ExportInfo) -> bytes:
    rows, info = _counted(rows, info)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for values, _strong in _lines(headers, rows):
        writer.writerow(["" if v is None else _cell(v) for v in values])
    footer = _("导出人：%(user)s；导出时间：%(at)s；共 %(rows)d 行") % {
        "user": info.user_label,
        "at": info.local_at,
        "rows": info.rows,
    }
    if info.masked_columns:
        footer += pgettext("list separator", "；") + info.masking_note()
    writer.writerow([FOOTER_MARKER + footer])
    # A byte-order mark so that Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _column_help(f) -> str:
    widget = f.widget
    if isinstance(widget, ChoiceWidget):
        allowed = pgettext("list separator", "、").join(str(m.label) for m in widget.choices)
        return _("可选：%(allowed)s") % {"allowed": allowed}
    if isinstance(widget, OrgCodeWidget):
        return _("组织代码（必填）") if widget.required else _("组织代码（可留空）")
    if isinstance(widget, IntWidget):
        return _("整数")
    if isinstance(widget, DateWidget):
        return _("日期，例如 2020-05-01")
    return ""


def template_xlsx(resource, label: str) -> bytes:
    """A workbook with the header row, one example row and a sheet explaining each column."""
    import_fields = [f for f in resource.get_import_fields() if not f.readonly]
    return import_sheet_xlsx(
        label,
        [f.column_name for f in import_fields],
        [[_cell(resource.example_row.get(f.column_name, "")) for f in import_fields]],
        [(f.column_name, _column_help(f)) for f in import_fields],
        footer=_("第一行为列名，请勿修改；示例行请删除或替换。任何一行有误时，整个文件都不会导入。"),
    )


def import_sheet_xlsx(title, headers, rows, notes, *, footer="") -> bytes:
    """An import's workbook: the header row (bold) and ``rows`` on a sheet named ``title``, and a sheet
    explaining each column (``notes``: (column, text) pairs), ending with ``footer``. The templates and
    the pre-filled files of every import are drawn by this one function."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(str(title))
    sheet.append([str(h) for h in headers])
    for row in rows:
        sheet.append(row)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) * 2 + 4)
    explained = workbook.create_sheet(_sheet_title(_("填写说明")))
    explained.append([_("列名"), _("说明")])
    for column, text in notes:
        explained.append([str(column), str(text)])
    if footer:
        explained.append([])
        explained.append([str(footer)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
