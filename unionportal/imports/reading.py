"""Reading an uploaded table (xlsx or CSV) so that no file can exhaust the server or smuggle data in.

Every import reads its file here, the one-table imports (``services.read_rows``) and the household
import alike:

* what a file is goes by its content (``uploads.spreadsheets.sniff_table``), and a file named .xlsx
  must hold a workbook;
* a cell, a row and the whole file have a character limit (``IMPORT_MAX_CELL_CHARS``,
  ``IMPORT_MAX_ROW_CHARS``, ``IMPORT_MAX_FILE_CHARS``). In a workbook the limits are enforced on the
  XML while openpyxl reads it, before a cell's text is built: a workbook of a few hundred kilobytes
  can hold a cell that inflates to hundreds of megabytes, and openpyxl would otherwise build it whole
  (and its shared-strings table is read in full when the workbook is opened). Each XML part openpyxl
  opens passes through an expat scanner that counts characters and elements per cell, shared string
  and row, and refuses a DOCTYPE, so the memory a file can take is bounded by these limits;
* the rows are read one at a time (openpyxl's read-only mode, ``csv.reader``), never as a whole
  workbook;
* the header may not name a column twice, text may not carry bidirectional controls (which make a
  name display differently from what it is), and the apostrophe our exports put before a cell that
  a spreadsheet would take for a formula is removed again, so re-importing an export changes nothing.

Errors are ``TableRejected`` with the spreadsheet row (1 for the header, 0 when no row can be named)
and a message without the row; callers put the row (and the sheet) in front.
"""

import csv
import io
import re
import zipfile
from array import array
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from unionportal.uploads.spreadsheets import SpreadsheetError, sniff_table

from .masking import FORMULA_TRIGGERS

# Defaults of the settings of the same name.
IMPORT_MAX_CELL_CHARS = 4000  # the longest text a form takes (主要事迹, 2,000 characters) twice over
IMPORT_MAX_ROW_CHARS = 20000
IMPORT_MAX_FILE_CHARS = 64_000_000  # about 200,000 households with their members
# A spreadsheet has at most 16,384 columns; a cell is a handful of elements, more with rich text runs.
MAX_CELLS_PER_ROW = 16384
MAX_ELEMENTS_PER_CELL = 1000
# Parts openpyxl reads whole (styles, theme, workbook, relationships) are small in any real workbook.
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_PART_ELEMENTS = 1_000_000
MAX_TEXT_OUTSIDE_CELLS = 65536  # e.g. a data validation's list or a conditional format's formula
CHUNK = 64 * 1024

# Embeddings, overrides and isolates reorder the text after them on screen: "abc\u202edcba" shows as
# "abcabcd". Refused. The two marks (LRM, RLM) only set the direction of neighbouring punctuation and
# come along invisibly with text pasted from web pages: removed.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
DIRECTION_MARKS = re.compile("[\u200e\u200f]")
_SUSPECT = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_GUARDED = (*FORMULA_TRIGGERS, "'")


@dataclass(frozen=True)
class Limits:
    cell: int
    row: int
    file: int


def limits() -> Limits:
    return Limits(
        cell=getattr(settings, "IMPORT_MAX_CELL_CHARS", IMPORT_MAX_CELL_CHARS),
        row=getattr(settings, "IMPORT_MAX_ROW_CHARS", IMPORT_MAX_ROW_CHARS),
        file=getattr(settings, "IMPORT_MAX_FILE_CHARS", IMPORT_MAX_FILE_CHARS),
    )


class TableRejected(Exception):
    """The file cannot be read as a table; ``row`` is the spreadsheet row (0: none in particular)."""

    def __init__(self, message: str, *, row: int = 0, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.sheet = sheet  # the sheet's title, where the refusal came before its rows were read
        self.part = ""  # the worksheet's zip member, when a scanner of one refused it


def unguard(text: str) -> str:
    """Undo ``masking.neutralise``: drop the apostrophe it puts before a formula-like cell."""
    if text.startswith("'") and text[1:].startswith(_GUARDED):
        return text[1:]
    return text


def bidi_control(text: str) -> str:
    """The first bidirectional control in ``text`` as "U+202E", or ""."""
    found = BIDI_CONTROLS.search(text)
    return f"U+{ord(found.group()):04X}" if found else ""


def cell_too_long(cell: str, limit: int) -> str:
    return _("单元格 %(cell)s 超过 %(limit)d 个字，请缩短后重新上传。") % {"cell": cell, "limit": limit}


def row_too_long(limit: int) -> str:
    return _("这一行的内容超过 %(limit)d 个字，请缩短后重新上传。") % {"limit": limit}


def file_too_long(limit: int) -> TableRejected:
    return TableRejected(_("文件中的文字超过 %(limit)d 个字，请拆分成较小的文件。") % {"limit": limit})


def _too_complex(row: int, cell: str) -> TableRejected:
    return TableRejected(
        _("单元格 %(cell)s 的格式过于复杂，无法读取。请用 Excel 另存后重试。") % {"cell": cell}, row=row
    )


def _not_a_workbook() -> TableRejected:
    return TableRejected(_("该文件不是 Excel 工作簿（.xlsx）。"))


# --- the XML guard ------------------------------------------------------------------------------------


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _PartScanner:
    """Counts what one XML part of a workbook holds, as expat reads it, and refuses it past the limits.

    The rules follow the part's root element: a worksheet is counted per cell and row, the shared
    strings table per string (and records each string's length, so a cell referring to one is counted
    too), any other part by its elements.
    """

    def __init__(self, book: "_BookGuard", name: str):
        self.book = book
        self.name = name
        self.kind = ""
        self.depth = 0
        self.elements = 0
        self.text = 0  # characters in the current cell, shared string or (other parts) element
        self.unit_depth = 0  # depth of the cell or shared string being counted; 0 outside one
        self.unit_elements = 0
        self.row = 0
        self.row_text = 0
        self.row_cells = 0
        self.cell = ""
        self.cell_shared = False
        self.in_value = False
        self.value = ""
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        parser.StartDoctypeDeclHandler = self._doctype
        parser.buffer_text = False
        self.parser = parser

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as error:
            raise TableRejected(_("无法读取该工作簿，请用 Excel 另存后重试。")) from error
        except TableRejected as error:
            if self.kind == "sheet" and not error.part:
                error.part = self.name
            raise

    def _doctype(self, *args):
        raise _not_a_workbook()  # no workbook declares one; entity expansion starts there

    def _start(self, name, attrs):
        self.depth += 1
        local = _local(name)
        if self.depth == 1:
            self.kind = {"worksheet": "sheet", "sst": "strings"}.get(local, "other")
            return
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > MAX_ELEMENTS_PER_CELL:
                raise _too_complex(self.row, self.cell)
            if local == "v" and self.cell_shared:
                self.in_value, self.value = True, ""
            return
        if self.kind == "sheet":
            if local == "row":
                number = attrs.get("r", "")
                self.row = int(number) if number.isdigit() else self.row + 1
                self.row_text = self.row_cells = 0
                return
            if local == "c":
                self.row_cells += 1
                if self.row_cells > MAX_CELLS_PER_ROW:
                    raise _too_complex(self.row, attrs.get("r", ""))
                self.unit_depth, self.unit_elements, self.text = self.depth, 0, 0
                self.cell = attrs.get("r", "") or f"{get_column_letter(self.row_cells)}{self.row}"
                self.cell_shared = attrs.get("t") == "s"
                return
        elif self.kind == "strings" and local == "si":
            self.unit_depth, self.unit_elements, self.text = self.depth, 0, 0
            self.cell = ""
            return
        self.elements += 1
        if self.elements > MAX_PART_ELEMENTS:
            raise _not_a_workbook()
        self.text = 0

    def _end(self, name):
        if self.depth == self.unit_depth:
            self.unit_depth = 0
            if self.kind == "strings":
                self.book.string_lengths.append(self.text)
                self.book.count(self.text)  # checked again per cell; this bounds the table itself
            else:
                if self.cell_shared:
                    self.text = self.book.shared_length(self.value)
                    self._check_cell()
                self.row_text += self.text
                if self.row_text > self.book.limits.row:
                    raise TableRejected(row_too_long(self.book.limits.row), row=self.row)
                self.book.count(self.text)
            self.text = 0
        elif self.in_value:
            self.in_value = False
        self.depth -= 1

    def _check_cell(self):
        if self.text > self.book.limits.cell:
            if self.kind == "strings":
                raise self.book.overlong_string(len(self.book.string_lengths))
            raise TableRejected(cell_too_long(self.cell, self.book.limits.cell), row=self.row)

    def _chars(self, data):
        if self.in_value:
            if len(self.value) < 20:
                self.value += data
            return
        self.text += len(data)
        if self.unit_depth:
            if not self.cell_shared or self.kind == "strings":
                self._check_cell()
        elif self.text > MAX_TEXT_OUTSIDE_CELLS:
            raise TableRejected(_("无法读取该工作簿，请用 Excel 另存后重试。"))


class _Scanned:
    """A member of the workbook's zip as openpyxl reads it, each chunk scanned before it is handed on."""

    def __init__(self, stream, scanner: _PartScanner):
        self.stream = stream
        self.scanner = scanner
        self.done = False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK), b""))
        data = self.stream.read(size)
        if not self.done:
            self.scanner.feed(data, final=not data)
            self.done = not data
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _BookGuard:
    """What the scanners of one workbook share: the limits, the shared strings' lengths, the total."""

    def __init__(self, raw: bytes, lim: Limits):
        self.raw = raw
        self.limits = lim
        self.string_lengths = array("L")
        self.total = 0

    def count(self, n: int) -> None:
        self.total += n
        if self.total > self.limits.file:
            raise file_too_long(self.limits.file)

    def shared_length(self, value: str) -> int:
        value = value.strip()
        if value.isdigit() and int(value) < len(self.string_lengths):
            return self.string_lengths[int(value)]
        return 0

    def overlong_string(self, index: int) -> TableRejected:
        """The refusal of shared string ``index`` (0-based), naming the first cell that shows it."""
        sheet, row, cell = _find_shared_string(self.raw, index, self.sheets())
        return TableRejected(cell_too_long(cell or "?", self.limits.cell), row=row, sheet=sheet)

    def sheets(self) -> list[tuple[str, str]]:
        return worksheet_parts(self.raw)


def worksheet_parts(raw: bytes) -> list[tuple[str, str]]:
    """(title, zip member) of each worksheet in the workbook's order, as openpyxl finds them; read
    through the guard, without reading any sheet. Empty when the workbook cannot tell."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(io.BytesIO(raw), read_only=True)
        reader.archive.close()
        reader.archive = _GuardedZip(raw, _BookGuard(raw, limits()))
        reader.read_manifest()
        reader.read_workbook()
        return [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()]
    except Exception:  # only used to name a sheet in a message
        return []


def _find_shared_string(raw: bytes, index: int, sheets: list[tuple[str, str]]) -> tuple[str, int, str]:
    """The sheet title, row and cell of the first cell showing shared string ``index``."""
    target = str(index)
    found: list[tuple[int, str]] = []
    state = {"row": 0, "cell": "", "shared": False, "value": None}

    def start(name, attrs):
        local = _local(name)
        if local == "row":
            number = attrs.get("r", "")
            state["row"] = int(number) if number.isdigit() else state["row"] + 1
        elif local == "c":
            state["cell"], state["shared"] = attrs.get("r", ""), attrs.get("t") == "s"
        elif local == "v" and state["shared"]:
            state["value"] = ""

    def end(name):
        if _local(name) == "v" and state["value"] is not None:
            if state["value"].strip() == target:
                found.append((state["row"], state["cell"]))
                raise StopIteration
            state["value"] = None

    def chars(data):
        if state["value"] is not None and len(state["value"]) < 20:
            state["value"] += data

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        members = sheets or [("", n) for n in archive.namelist() if n.lower().startswith("xl/worksheets/")]
        for title, member in members:
            state.update(row=0, cell="", shared=False, value=None)
            parser = expat.ParserCreate()
            parser.StartElementHandler, parser.EndElementHandler = start, end
            parser.CharacterDataHandler = chars
            try:
                with archive.open(member) as stream:
                    for chunk in iter(lambda s=stream: s.read(CHUNK), b""):
                        parser.Parse(chunk, False)
            except StopIteration:
                return (title, *found[0])
            except (expat.ExpatError, KeyError):
                continue
    return "", 0, ""


class _GuardedZip(zipfile.ZipFile):
    """The workbook's zip as openpyxl sees it: every member it opens goes through a scanner."""

    def __init__(self, raw: bytes, guard: _BookGuard):
        super().__init__(io.BytesIO(raw))
        self.guard = guard

    def open(self, name, mode="r", pwd=None, **kwargs):
        stream = super().open(name, mode, pwd, **kwargs)
        if mode != "r":
            return stream
        filename = name.filename if isinstance(name, zipfile.ZipInfo) else name
        info = self.getinfo(filename)
        is_table = filename.lower().startswith("xl/worksheets/") or filename.lower().endswith(
            "sharedstrings.xml"
        )
        if not is_table and info.file_size > MAX_PART_BYTES:
            stream.close()
            raise _not_a_workbook()
        return _Scanned(stream, _PartScanner(self.guard, filename))


# --- reading a table ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Table:
    """An uploaded xlsx workbook or CSV file, read one row at a time. Use ``open_table``."""

    def __init__(self, raw: bytes, table_format: str, encoding: str = ""):
        self.raw = raw
        self.format = table_format
        self.encoding = encoding
        self.limits = limits()
        self._workbook = None

    # --- the workbook ---

    def _book(self):
        if self._workbook is None:
            from openpyxl.reader.excel import ExcelReader

            guard = _BookGuard(self.raw, self.limits)
            try:
                reader = ExcelReader(io.BytesIO(self.raw), read_only=True, data_only=True)
                reader.archive.close()
                reader.archive = _GuardedZip(self.raw, guard)
                reader.read()
            except TableRejected as error:
                if error.part and not error.sheet:  # openpyxl peeks into each sheet when it opens one
                    error.sheet = {part: title for title, part in worksheet_parts(self.raw)}.get(
                        error.part, ""
                    )
                raise
            except Exception as exc:  # openpyxl raises many types on damaged files
                raise TableRejected(_("无法读取该工作簿，请用 Excel 另存后重试。")) from exc
            self._workbook = reader.wb
        return self._workbook

    @property
    def sheet_names(self) -> list[str]:
        return self._book().sheetnames if self.format == "XLSX" else []

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def _xlsx_rows(self, sheet: str | None):
        book = self._book()
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        # A declared dimension would pad every row to its width (up to 16,384 cells); rows are read
        # as they are and cut to the header's width below.
        worksheet.reset_dimensions()
        try:
            yield from worksheet.iter_rows(values_only=True)
        except TableRejected:
            raise
        except Exception as exc:
            raise TableRejected(_("无法读取该工作簿，请用 Excel 另存后重试。")) from exc

    def _csv_rows(self):
        text = self.raw.decode(self.encoding)
        # csv.reader builds a whole row before it is seen: a line of millions of separators is refused
        # before it is parsed.
        line_limit = self.limits.row + 2 * MAX_CELLS_PER_ROW
        state = {"rows": 0}

        def lines():
            # One line at a time, cut from the decoded text (a StringIO would hold it again, four
            # bytes a character).
            start, end = 0, len(text)
            while start < end:
                stop = text.find("\n", start, start + line_limit + 1)
                if stop < 0:
                    stop = min(end, start + line_limit + 1) - 1
                    if stop - start + 1 > line_limit:
                        raise TableRejected(row_too_long(self.limits.row), row=state["rows"] + 1)
                yield text[start : stop + 1]
                start = stop + 1

        reader = csv.reader(lines())
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                message = (
                    _("这一行有单元格超过 %(limit)d 个字，请缩短后重新上传。") % {"limit": self.limits.cell}
                    if "field limit" in str(exc)
                    else _("这一行无法按 CSV 格式读取，请检查引号是否成对。")
                )
                raise TableRejected(message, row=state["rows"] + 1) from exc
            state["rows"] += 1
            yield values

    def rows(self, sheet: str | None = None):
        """(row number, cells as text) for every row of ``sheet`` (default: the first), the header
        first. Cells are stripped, unguarded and checked; rows are cut to the header's width."""
        raw_rows = self._xlsx_rows(sheet) if self.format == "XLSX" else self._csv_rows()
        lim = self.limits
        total = 0
        header: list[str] | None = None
        for number, values in enumerate(raw_rows, start=1):
            cells = [_text(v) for v in (values if header is None else values[: len(header)])]
            row_chars = 0
            for i, cell in enumerate(cells):
                if len(cell) > lim.cell:
                    raise TableRejected(
                        cell_too_long(f"{get_column_letter(i + 1)}{number}", lim.cell), row=number
                    )
                row_chars += len(cell)
                if cell.startswith("'") or _SUSPECT.search(cell):
                    column = header[i] if header and i < len(header) else ""
                    cells[i] = _clean(cell, number, column or get_column_letter(i + 1))
            if row_chars > lim.row:
                raise TableRejected(row_too_long(lim.row), row=number)
            total += row_chars
            if total > lim.file:
                raise file_too_long(lim.file)
            if header is None:
                while cells and not cells[-1]:
                    cells.pop()
                check_header(cells)
                header = cells
            yield number, cells


def _clean(cell: str, number: int, column: str) -> str:
    control = bidi_control(cell)
    if control:
        raise TableRejected(
            _("“%(column)s”含有文字方向控制字符（%(char)s），显示的内容会与实际不同，请删除后重新上传。")
            % {"column": column, "char": control},
            row=number,
        )
    return unguard(DIRECTION_MARKS.sub("", cell))


def check_header(header: list[str]) -> None:
    """Refuse a header naming a column twice (the later one would silently win)."""
    seen = set()
    for name in header:
        if name and name in seen:
            raise TableRejected(_("列名“%(column)s”重复。") % {"column": name}, row=1)
        seen.add(name)


def open_table(
    raw: bytes, *, file_name: str = "", expect: str = "", max_uncompressed: int | None = None
) -> Table:
    """The table in ``raw``, by its content: an xlsx workbook or CSV text.

    A file whose name ends in .xlsx must be a workbook (a web page or CSV saved under that name would
    otherwise be read as CSV); ``expect`` ("XLSX" or "CSV") demands one kind. ``max_uncompressed``:
    as for ``sniff_table``. Raises TableRejected.
    """
    if not raw or raw.isspace():
        raise TableRejected(_("文件为空。"))
    try:
        found = sniff_table(raw, max_uncompressed=max_uncompressed)
    except SpreadsheetError as error:
        raise TableRejected(error.message) from error
    if found.format != "XLSX" and (expect == "XLSX" or file_name.lower().endswith(".xlsx")):
        raise _not_a_workbook()
    if expect and found.format != expect:
        raise TableRejected(_("该文件不是 CSV 文件。"))
    return Table(raw, found.format, found.encoding)
