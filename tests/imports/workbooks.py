"""Workbooks crafted for the import tests: one small cell of a normal workbook inflated into a huge one.

Built streaming (the huge part is written to the zip in chunks), so building one costs no memory.
"""

import io
import re
import zipfile

from openpyxl import Workbook

PLACEHOLDER = "PLACEHOLDERCELL"
MB = 1024 * 1024


def workbook(sheets: dict[str, list[list]], *, shared: bool = False) -> bytes:
    """An xlsx with ``sheets`` ({title: rows}). openpyxl writes strings into the cells; ``shared``
    moves them to a shared-strings table, as Excel and WPS write them."""
    book = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return _shared(buffer.getvalue()) if shared else buffer.getvalue()


_INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t>(.*?)</t></is></c>')


def _shared(content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    strings: dict[bytes, int] = {}

    def to_index(match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), index)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = _INLINE.sub(to_index, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/'
                    b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
                )
            target.writestr(info.filename, data)
        table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" '
            b'uniqueCount="%d">%s</sst>' % (len(strings), len(strings), table),
        )
    return buffer.getvalue()


def inflate(content: bytes, *, size: int, runs: bool = False, count: int = 0) -> bytes:
    """``content`` with every cell holding PLACEHOLDER made ``size`` bytes of text long (``runs``: as
    rich-text runs of 1,000 characters, none of them long on its own). ``count``: how many of the
    placeholders to inflate (all by default)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    target_buffer = io.BytesIO()
    inflated = 0
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = source.read(info)
            marker = f"<t>{PLACEHOLDER}</t>".encode()
            if marker not in data:
                target.writestr(info.filename, data)
                continue
            with target.open(info.filename, "w", force_zip64=True) as out:
                parts = data.split(marker)
                out.write(parts[0])
                for part in parts[1:]:
                    if count and inflated >= count:
                        out.write(marker)
                    else:
                        _write_text(out, size, runs)
                        inflated += 1
                    out.write(part)
    return target_buffer.getvalue()


def _write_text(out, size: int, runs: bool) -> None:
    if runs:
        run = b"<r><t>" + b"A" * 1000 + b"</t></r>"
        for _ in range(size // 1000):
            out.write(run)
        return
    out.write(b"<t>")
    chunk = b"A" * MB
    for _ in range(size // MB):
        out.write(chunk)
    out.write(b"A" * (size % MB))
    out.write(b"</t>")
