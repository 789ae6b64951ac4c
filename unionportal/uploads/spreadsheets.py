"""Reading uploaded tables (xlsx or CSV), checked by content, with bounded size and rows.

``sniff_table`` decides what a file is and refuses what is not a table; ``check_upload`` (services)
and every import's reader (``unionportal.imports.reading``) go through it, so an import and a stored
attachment accept the same files.
"""

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import limits

XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy .xls (and encrypted Office files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK


class SpreadsheetError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TableFormat:
    format: str  # "XLSX" or "CSV"
    encoding: str = ""  # CSV only: the encoding the text decoded with


def _not_a_table() -> SpreadsheetError:
    return SpreadsheetError(_("该文件既不是 Excel 工作簿（.xlsx）也不是 CSV 文件。"))


def _decode_csv(raw: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("CSV 文件既不是 UTF-8 也不是 GBK 编码。"))


def inspect_xlsx(raw: bytes, *, max_uncompressed: int | None = None) -> None:
    """Refuse a zip that is not a plain workbook, or that would inflate beyond the limit.

    Only the zip's central directory is read: nothing is inflated here. The declared sizes are binding,
    because ``zipfile`` stops every member at its declared size (a member that lies fails its CRC), so
    whoever reads the workbook later reads at most what was checked. ``max_uncompressed`` overrides
    ``limits.max_uncompressed()`` for a caller whose files are legitimately larger.
    """
    # Counted before zipfile parses the directory: millions of entries would cost memory by themselves.
    if raw.count(b"PK\x01\x02") > limits.MAX_ZIP_MEMBERS:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx）。"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx）。")) from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise SpreadsheetError(_("该文件不是 Excel 工作簿（.xlsx）。"))
    inflated = sum(info.file_size for info in infos)
    limit = limits.max_uncompressed() if max_uncompressed is None else max_uncompressed
    if inflated > limit:
        raise SpreadsheetError(
            _("该工作簿解压后为 %(actual)s，超过 %(limit)s 的上限，请拆分成较小的文件。")
            % {"actual": limits.format_size(inflated), "limit": limits.format_size(limit)}
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise SpreadsheetError(_("该工作簿含有宏，请另存为不含宏的 Excel 工作簿（.xlsx）后再上传。"))


def sniff_table(raw: bytes, *, max_uncompressed: int | None = None) -> TableFormat:
    """What the bytes are: an xlsx workbook or CSV text (by content, never by name).

    ``max_uncompressed``: as for ``inspect_xlsx``."""
    if raw.startswith(XLSX_MAGIC):
        inspect_xlsx(raw, max_uncompressed=max_uncompressed)
        return TableFormat("XLSX")
    if raw.startswith(OLE2_MAGIC):
        raise SpreadsheetError(_("这是旧版 Excel 文件（.xls）或加密的文件，请另存为 .xlsx 后再上传。"))
    if b"\x00" in raw:
        raise _not_a_table()
    return TableFormat("CSV", _decode_csv(raw)[1])
