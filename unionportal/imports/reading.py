"""Reading an uploaded table (xlsx or CSV) so that no file can exhaust the server or smuggle data in.

Every import reads its file here, the one-table imports (``services.read_rows``) and the household
import alike:

* what a file is goes by its content (``uploads.spreadsheets.sniff_table``), and a file named .xlsx
  must hold a workbook;
* a cell, a row and the whole file have a character limit (``IMPORT_MAX_CELL_CHARS``,
  ``IMPORT_MAX_ROW_CHARS``, ``IMPORT_MAX_FILE_CHARS``), enforced on the values read;
* a workbook is read by python-calamine (Rust, several times openpyxl's speed), and checked before it
  reads it (the workbook guard below): a workbook of a few hundred kilobytes can hold a cell that
  inflates to hundreds of megabytes, or a cell far down a sheet that makes the reader build every
  cell before it, and zip members can inflate beyond what they declare. CSV is read line by line;
* the header may not name a column twice, text may not carry bidirectional controls (which make a
  name display differently from what it is), and the apostrophe our exports put before a cell that
  a spreadsheet would take for a formula is removed again, so re-importing an export changes nothing.

Errors are ``TableRejected`` with the spreadsheet row (1 for the header, 0 when no row can be named)
and a message without the row; callers put the row (and the sheet) in front.
"""

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from operator import itemgetter

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from unionportal.uploads.spreadsheets import SpreadsheetError, sniff_table

from .masking import FORMULA_TRIGGERS

# Defaults of the settings of the same name.
IMPORT_MAX_CELL_CHARS = 4000  # the longest text a form takes (主要事迹, 2,000 characters) twice over
IMPORT_MAX_ROW_CHARS = 20000
IMPORT_MAX_FILE_CHARS = 64_000_000  # about 200,000 households with their members
MAX_CELLS_PER_ROW = 16384  # a spreadsheet's columns; bounds a CSV line before csv parses it
# Parts other than the tables (styles, theme, workbook, relationships) are small in any real workbook.
MAX_PART_BYTES = 8 * 1024 * 1024
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


def _not_a_workbook() -> TableRejected:
    return TableRejected(_("该文件不是 Excel 工作簿（.xlsx）。"))


# --- the workbook guard -------------------------------------------------------------------------------
#
# python-calamine reads a worksheet whole into a dense grid, in Rust, at a multiple of openpyxl's speed.
# What it is given is checked first, at the speed of zlib and of byte searches, so that no workbook can
# make it build more than the limits allow:
#
# * every zip member is inflated here from its own compressed bytes and must come to the size the zip
#   declares (which the upload check bounded in sum): a member that inflates further is refused, so
#   the reader cannot be handed more than was counted; other parts than the tables are small;
# * no part declares a DOCTYPE (entity expansion starts there);
# * in a worksheet, no cell's XML (from one ``<c`` to the next) and no text outside the cells is longer
#   than ``_longest_run`` bytes, nor any string of the shared-strings table: a cell of a few hundred
#   kilobytes zipped can hold hundreds of megabytes, as one text or as many rich-text runs;
# * the grid a sheet spans (its last row and column, from the cells' references) stays within the rows
#   the import reads and ``MAX_COLUMNS``, and within ``MAX_GRID_CELLS``: a cell far down or far right
#   would otherwise make every cell before it a cell of the grid.
#
# The exact character limits of a cell, a row and the file are then enforced on the values read
# (``Table.rows``).

MAX_COLUMNS = 256
MAX_GRID_CELLS = 10_000_000  # ≈ 320 MB of grid in the reader; a 20 MB upload holds ≈ 3 million cells
_READ_CHUNK = 1024 * 1024


def _longest_run(lim: Limits) -> int:
    """The most bytes a cell's XML may take: its text at four bytes a character, and the markup."""
    return 4 * lim.cell + 64 * 1024


def _inflated(raw: bytes, info: zipfile.ZipInfo):
    """The member's bytes in chunks, inflated from its compressed data; refused (TableRejected) if they
    come to more, or less, than its declared size."""
    offset = info.header_offset
    header = raw[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    data = memoryview(raw)[start : start + info.compress_size]
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(data), _READ_CHUNK):
            chunk = bytes(data[i : i + _READ_CHUNK])
            produced += len(chunk)
            yield chunk
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        for i in range(0, len(data), CHUNK):
            pending = bytes(data[i : i + CHUNK])
            while pending:
                chunk = inflater.decompress(pending, _READ_CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(chunk)
                if produced > info.file_size:
                    raise _damaged()
                if chunk:
                    yield chunk
        if not inflater.eof:
            raise _damaged()
    else:
        raise _damaged()
    if produced != info.file_size:
        raise _damaged()


def _damaged() -> TableRejected:
    return TableRejected(_("无法读取该工作簿，请用 Excel 另存后重试。"))


def _is_table_part(name: str) -> bool:
    name = name.lower()
    return name.startswith("xl/worksheets/") or name.endswith("sharedstrings.xml")


def _pieces(chunks, limit: int):
    """The part's bytes in pieces that end before a ``<``, so that no tag is cut; where more than
    ``limit`` bytes come without one (a huge text), they go on as a piece of their own, for the
    scanner to refuse."""
    tail = b""
    for chunk in chunks:
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            tail = buffer
            if len(tail) > limit:
                yield tail
                tail = b""
            continue
        tail = buffer[cut:]
        yield buffer[:cut]
    if tail:
        yield tail


def _prefix(head: bytes, root: bytes) -> bytes:
    """The namespace prefix the part writes its elements with ("" or e.g. "x:")."""
    found = re.search(rb"<([A-Za-z_][\w.-]*:)?" + root + rb"[\s>]", head)
    return found.group(1) or b"" if found else b""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _SheetScan:
    """What the guard reads of one worksheet part: the longest cell, the grid the cells span."""

    def __init__(self, lim: Limits):
        self.lim = lim
        self.limit = _longest_run(lim)
        self.max_row = 0
        self.max_column = 0
        self.cells = 0
        self.prefix = None
        self.in_data = False
        self.done_data = False
        self.open_span = 0  # bytes of the cell being read, carried from the piece before
        self.open_ref = None  # and its reference (column, row), if it has one

    def feed(self, piece: bytes) -> None:
        if self.prefix is None:
            self.prefix = _prefix(piece[:4096], b"worksheet")
            p = self.prefix
            self.cell_start = b"<" + p + b"c"
            self.data_start = b"<" + p + b"sheetData"
            self.data_end = b"</" + p + b"sheetData>"
            self.fast_refs = re.compile(rb"<" + re.escape(p) + rb'c r="([A-Z]{1,3})([0-9]{1,7})"')
            self.any_refs = re.compile(rb"<" + re.escape(p) + rb'c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')
            self.cell_tags = [b"<" + p + b"c ", b"<" + p + b"c>", b"<" + p + b"c/>"]
        if b"<!DOCTYPE" in piece:
            raise _not_a_workbook()
        if self.done_data:
            self._outside(piece)
            return
        if not self.in_data:
            at = piece.find(self.data_start)
            if at < 0:
                self._outside(piece)
                return
            self._outside(piece[:at])
            self.in_data, piece = True, piece[at:]
            if piece.startswith(b"/>", len(self.data_start)):  # <sheetData/>: no cells
                self.done_data = True
                self._outside(piece)
                return
        end = piece.find(self.data_end)
        if end >= 0:
            self._cells(piece[:end])
            self.done_data, self.open_span = True, 0
            self._outside(piece[end:])
        else:
            self._cells(piece)

    def _outside(self, piece: bytes) -> None:
        if piece and max(map(len, piece.split(b"<"))) > self.limit:
            raise _damaged()

    def _cells(self, piece: bytes) -> None:
        spans = piece.split(self.cell_start)
        first = self.open_span + len(spans[0])
        if first > self.limit:
            self._too_long(self.open_ref)
        for span in spans[1:]:
            if len(span) > self.limit:
                self._too_long(_reference(span))
        if len(spans) > 1:
            self.open_span, self.open_ref = len(spans[-1]), _reference(spans[-1])
        else:
            self.open_span = first
        # The cells' references: the grid the reader will build.
        cells = sum(piece.count(tag) for tag in self.cell_tags)
        refs = self.fast_refs.findall(piece)
        if len(refs) != cells:
            refs = self.any_refs.findall(piece)
            if len(refs) != cells:  # a cell without its reference: where it lies is the reader's guess
                raise _damaged()
        if not refs:
            return
        self.cells += cells
        self.max_row = max(self.max_row, max(map(int, map(itemgetter(1), refs))))
        columns = set(map(itemgetter(0), refs))
        self.max_column = max(self.max_column, max(map(_column_number, columns)))

    def _too_long(self, reference) -> None:
        if reference is None:
            raise _damaged()
        column, row = reference
        raise TableRejected(cell_too_long(f"{column}{row}", self.lim.cell), row=row)


def _reference(span: bytes) -> tuple[str, int] | None:
    """The (column, row) a cell's XML (after its ``<c``) gives as its reference."""
    found = re.match(rb'[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"', span[:512])
    return (found.group(1).decode(), int(found.group(2))) if found else None


class _StringsScan:
    """The shared-strings table: no string longer than the longest cell; its index if one is."""

    def __init__(self, lim: Limits):
        self.limit = _longest_run(lim)
        self.lim = lim
        self.prefix = None
        self.index = -1  # of the string being read
        self.open_span = 0

    def feed(self, piece: bytes) -> None:
        if self.prefix is None:
            self.prefix = _prefix(piece[:4096], b"sst")
            self.start = b"<" + self.prefix + b"si"
        if b"<!DOCTYPE" in piece:
            raise _not_a_workbook()
        spans = piece.split(self.start)
        first = self.open_span + len(spans[0])
        if first > self.limit and self.index >= 0:
            raise OverlongString(self.index)
        for i, span in enumerate(spans[1:], start=1):
            if len(span) > self.limit and i < len(spans) - 1:
                raise OverlongString(self.index + i)
        self.index += len(spans) - 1
        self.open_span = len(spans[-1]) if len(spans) > 1 else first
        if self.open_span > self.limit and self.index >= 0:
            raise OverlongString(self.index)


class OverlongString(Exception):
    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class _Workbook:
    """An uploaded workbook: its parts checked (``check``) before python-calamine reads any of it,
    each worksheet checked before it is read (``sheet_rows``)."""

    def __init__(self, raw: bytes, lim: Limits):
        self.raw = raw
        self.limits = lim
        self.archive = zipfile.ZipFile(io.BytesIO(raw))
        self.parts = dict(worksheet_parts(raw))
        self.book = None

    def check(self) -> None:
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            if _is_table_part(info.filename):
                if info.filename.lower().endswith("sharedstrings.xml"):
                    self._check_strings(info)
                continue  # a worksheet is checked when it is read
            if info.file_size > MAX_PART_BYTES:
                raise _not_a_workbook()
            for piece in _pieces(_inflated(self.raw, info), MAX_PART_BYTES):
                if b"<!DOCTYPE" in piece:
                    raise _not_a_workbook()
        from python_calamine import CalamineWorkbook

        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(self.raw))
        except Exception as exc:  # the reader's errors on damaged files are of several kinds
            raise _damaged() from exc

    def _check_strings(self, info) -> None:
        scan = _StringsScan(self.limits)
        try:
            for piece in _pieces(_inflated(self.raw, info), _longest_run(self.limits)):
                scan.feed(piece)
        except OverlongString as overlong:
            sheet, row, cell = _find_shared_string(self.raw, overlong.index, list(self.parts.items()))
            raise TableRejected(cell_too_long(cell or "?", self.limits.cell), row=row, sheet=sheet) from None

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def sheet_rows(self, title: str | None, max_rows: int | None):
        title = title if title is not None else self.book.sheet_names[0]
        part = self.parts.get(title)
        if part is None:
            raise _damaged()
        scan = _SheetScan(self.limits)
        try:
            for piece in _pieces(_inflated(self.raw, self.archive.getinfo(part)), _longest_run(self.limits)):
                scan.feed(piece)
        except TableRejected as error:
            error.sheet = title
            raise
        if max_rows is not None and scan.max_row > max_rows + 1:
            raise RowsExceeded(max_rows)
        if scan.max_column > MAX_COLUMNS or scan.max_row * scan.max_column > MAX_GRID_CELLS:
            raise TableRejected(
                _(
                    "工作表的数据区域过大（%(rows)d 行 × %(columns)d 列），请删除多余的行列或拆分成较小的文件。"
                )
                % {"rows": scan.max_row, "columns": scan.max_column},
                sheet=title,
            )
        try:
            sheet = self.book.get_sheet_by_name(title)
            start = sheet.start
            pad = [""] * (start[1] if start else 0)
            for values in sheet.iter_rows():
                yield pad + values if pad else values
        except TableRejected:
            raise
        except Exception as exc:
            raise _damaged() from exc

    def close(self) -> None:
        self.archive.close()
        if self.book is not None:
            self.book.close()
            self.book = None


class RowsExceeded(TableRejected):
    """A sheet holds more rows than the import reads (its last cell said so before it was read)."""

    def __init__(self, max_rows: int):
        super().__init__(_("文件超过 %(n)d 行。") % {"n": max_rows})
        self.max_rows = max_rows


def worksheet_parts(raw: bytes) -> list[tuple[str, str]]:
    """(title, zip member) of each worksheet in the workbook's order, from the workbook part and its
    relationships (both small, read after the size and DOCTYPE checks). Empty when it cannot tell."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = {n.lower(): n for n in archive.namelist()}
            book_name = names.get("xl/workbook.xml")
            rels_name = names.get("xl/_rels/workbook.xml.rels")
            if not book_name or not rels_name:
                return []
            parts = []
            for name in (book_name, rels_name):
                info = archive.getinfo(name)
                if info.file_size > MAX_PART_BYTES:
                    return []
                data = b"".join(_inflated(raw, info))
                if b"<!DOCTYPE" in data:
                    return []
                # No DOCTYPE (checked above), so no entity to expand; at most MAX_PART_BYTES.
                parts.append(ElementTree.fromstring(data))  # noqa: S314
        book, rels = parts
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        found = []
        for sheet in book.iter(f"{main}sheet"):
            target = targets.get(sheet.get(relationship), "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            found.append((sheet.get("name", ""), names.get(target.lower(), target)))
        return found
    except (ElementTree.ParseError, zipfile.BadZipFile, TableRejected, KeyError, ValueError):
        return []


def _find_shared_string(raw: bytes, index: int, sheets: list[tuple[str, str]]) -> tuple[str, int, str]:
    """The sheet title, row and cell of the first cell showing shared string ``index``."""
    value = re.compile(rb"<(?:\w+:)?v>\s*%d\s*</" % index)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for title, member in sheets:
            try:
                carry = b""
                for piece in _pieces(_inflated(raw, archive.getinfo(member)), _longest_run(limits())):
                    window = carry + piece
                    for found in value.finditer(window):
                        start = max(
                            window.rfind(b"<c ", 0, found.start()), window.rfind(b":c ", 0, found.start())
                        )
                        cell = window[start : found.start()]
                        if start >= 0 and re.search(rb'\st="s"', cell):
                            reference = _reference(cell[2:])
                            if reference:
                                return title, reference[1], f"{reference[0]}{reference[1]}"
                    carry = window[-512:]
            except (KeyError, TableRejected):
                continue
    return "", 0, ""


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

    def _book(self) -> _Workbook:
        if self._workbook is None:
            workbook = _Workbook(self.raw, self.limits)
            workbook.check()
            self._workbook = workbook
        return self._workbook

    @property
    def sheet_names(self) -> list[str]:
        return self._book().sheet_names if self.format == "XLSX" else []

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

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

    def rows(self, sheet: str | None = None, *, max_rows: int | None = None):
        """(row number, cells as text) for every row of ``sheet`` (default: the first), the header
        first. Cells are stripped, unguarded and checked; rows are cut to the header's width.
        ``max_rows``: the data rows the caller reads at most; a workbook's sheet whose cells reach
        further is refused (``RowsExceeded``) before it is read."""
        csv_text = self.format != "XLSX"
        raw_rows = self._csv_rows() if csv_text else self._book().sheet_rows(sheet, max_rows)
        lim = self.limits
        total = 0
        header: list[str] | None = None
        for number, values in enumerate(raw_rows, start=1):
            if header is not None:
                values = values[: len(header)]
            # A CSV row is text already; a workbook's cells are numbers, dates and None too.
            cells = [v.strip() for v in values] if csv_text else [_text(v) for v in values]
            # The row is checked as a whole (in C) and cell by cell only where that finds something.
            lengths = list(map(len, cells))
            if lengths and max(lengths) > lim.cell:
                i = next(i for i, n in enumerate(lengths) if n > lim.cell)
                raise TableRejected(
                    cell_too_long(f"{get_column_letter(i + 1)}{number}", lim.cell), row=number
                )
            row_chars = sum(lengths)
            joined = "\x00".join(cells)
            if "'" in joined or _SUSPECT.search(joined):
                for i, cell in enumerate(cells):
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
