"""Reading uploaded tables (xlsx or CSV), checked by content, with bounded size and rows."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class SpreadsheetError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _decode_csv(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("CSV 文件既不是 UTF-8 也不是 GBK 编码。"))


def _xlsx_rows(raw: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx）。"))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
            raise SpreadsheetError(_("该工作簿解压后超过 200 MB，请拆分成较小的文件。"))
    except zipfile.BadZipFile as exc:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx）。")) from exc
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise SpreadsheetError(_("无法读取该工作簿，请用 Excel 另存后重试。")) from exc
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if cell is None else str(cell).strip() for cell in row]
    workbook.close()


def read_table(upload, *, max_rows: int = 20000) -> list[dict[str, str]]:
    """The rows of the first sheet (xlsx) or of a CSV file as dicts keyed by the header row.

    The type is decided by the content, not the name: a zip with a workbook part is xlsx; text is CSV.
    Raises SpreadsheetError with a message for the user.
    """
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise SpreadsheetError(_("文件超过 20 MB。"))
    if not raw.strip():
        raise SpreadsheetError(_("文件为空。"))
    if raw.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(raw)
    else:
        if b"\x00" in raw[:4096]:
            raise SpreadsheetError(_("该文件既不是 Excel 工作簿（.xlsx）也不是 CSV 文件。"))
        rows = csv.reader(io.StringIO(_decode_csv(raw)))
    rows = iter(rows)
    header = [h.strip() for h in next(rows, [])]
    if not any(header):
        raise SpreadsheetError(_("第一行须为列名。"))
    table = []
    for values in rows:
        if not any(v.strip() for v in values):
            continue
        if len(table) >= max_rows:
            raise SpreadsheetError(_("文件超过 %(n)d 行。") % {"n": max_rows})
        table.append({h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h})
    return table
