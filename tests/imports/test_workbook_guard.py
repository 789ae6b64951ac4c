"""The workbook guard: what python-calamine is given has been checked first (unionportal.imports.reading)."""

import io
import re
import struct
import zipfile

import pytest

from tests.imports.workbooks import PLACEHOLDER, inflate, workbook
from unionportal.imports import reading

HEADERS = ["代码", "名称"]


def rows_of(content: bytes, max_rows: int | None = None) -> list[list[str]]:
    table = reading.open_table(content)
    try:
        return [cells for _number, cells in table.rows(max_rows=max_rows)]
    finally:
        table.close()


def rewritten(content: bytes, member: str, change) -> bytes:
    """``content`` with zip member ``member`` passed through ``change(bytes) -> bytes``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == member else data)
    return buffer.getvalue()


def refused(content: bytes, **kwargs) -> reading.TableRejected:
    with pytest.raises(reading.TableRejected) as caught:
        rows_of(content, **kwargs)
    return caught.value


SHEET = "xl/worksheets/sheet1.xml"


def test_a_genuine_workbook_reads_with_numbers_dates_and_offsets_as_text():
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["代码", "名称", "日期", "人数"])
    sheet.append(["A1", "甲", datetime.date(2020, 5, 1), 12])
    sheet["B4"] = "只在 B 列"  # a row that starts in the second column
    buffer = io.BytesIO()
    book.save(buffer)
    assert rows_of(buffer.getvalue()) == [
        ["代码", "名称", "日期", "人数"],
        ["A1", "甲", "2020-05-01", "12"],
        ["", "", "", ""],
        ["", "只在 B 列", "", ""],
    ]


def test_a_worksheet_written_with_a_namespace_prefix_reads():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})

    def prefixed(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)(?!\?)(\w+)", rb"<\1x:\2", xml)
        return xml.replace(b"xmlns=", b"xmlns:x=", 1)

    assert rows_of(rewritten(content, SHEET, prefixed)) == [HEADERS, ["N1", "甲"]]


def test_a_member_inflating_beyond_its_declared_size_is_refused():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo(SHEET)
    lied = bytearray(content)
    # The local header and the central directory both declare one byte fewer than the member holds.
    struct.pack_into("<I", lied, info.header_offset + 22, info.file_size - 1)
    for match in re.finditer(rb"PK\x01\x02", bytes(lied)):
        name_length = struct.unpack_from("<H", lied, match.start() + 28)[0]
        if bytes(lied[match.start() + 46 : match.start() + 46 + name_length]) == SHEET.encode():
            struct.pack_into("<I", lied, match.start() + 24, info.file_size - 1)
    error = refused(bytes(lied))
    assert error.message == "无法读取该工作簿，请用 Excel 另存后重试。"


def test_a_doctype_in_any_part_is_refused():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    error = refused(rewritten(content, "xl/styles.xml", lambda xml: doctype + xml.split(b"?>", 1)[-1]))
    assert error.message == "该文件不是 Excel 工作簿（.xlsx）。"


def test_a_cell_far_to_the_right_is_refused_before_the_grid_is_built():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})
    far = rewritten(content, SHEET, lambda xml: xml.replace(b'r="B2"', b'r="XFD2"'))
    error = refused(far)
    assert error.message == "工作表的数据区域过大（2 行 × 16384 列），请删除多余的行列或拆分成较小的文件。"


def test_a_cell_far_down_is_refused_as_too_many_rows_before_it_is_read():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})
    far = rewritten(content, SHEET, lambda xml: xml.replace(b'r="B2"', b'r="B900000"'))
    assert isinstance(refused(far, max_rows=20000), reading.RowsExceeded)


def test_a_cell_without_its_reference_is_refused():
    content = workbook({"组织": [HEADERS, ["N1", "甲"]]})
    error = refused(rewritten(content, SHEET, lambda xml: xml.replace(b' r="B2"', b"")))
    assert error.message == "无法读取该工作簿，请用 Excel 另存后重试。"


def test_a_long_cell_inside_the_guard_is_refused_by_the_character_limit(settings):
    settings.IMPORT_MAX_CELL_CHARS = 10
    error = refused(workbook({"组织": [HEADERS, ["N1", "甲" * 11]]}))
    assert (error.row, error.message) == (2, "单元格 B2 超过 10 个字，请缩短后重新上传。")


def test_an_overlong_shared_string_is_refused_naming_the_first_cell_that_shows_it(settings):
    settings.IMPORT_MAX_CELL_CHARS = 10  # the guard then stops strings over 4 × 10 bytes + 64 KiB
    content = inflate(
        workbook({"组织": [HEADERS, ["N1", "短"], ["N2", PLACEHOLDER]]}, shared=True), size=70_000
    )
    # Attributes in another order than openpyxl writes them.
    content = rewritten(content, SHEET, lambda xml: re.sub(rb'<c r="(B3)" t="s"', rb'<c t="s" r="\1"', xml))
    assert b't="s" r="B3"' in zipfile.ZipFile(io.BytesIO(content)).read(SHEET)
    with pytest.raises(reading.TableRejected) as caught:
        reading.open_table(content).sheet_names  # noqa: B018 - opening it refuses it, before a cell is read
    error = caught.value
    assert (error.sheet, error.row, error.message) == (
        "组织",
        3,
        "单元格 B3 超过 10 个字，请缩短后重新上传。",
    )
