"""The hostile upload set: each file is refused with its exact message, and nothing is written."""

import io
import random
import zipfile

import pytest

from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import UploadRejected, check_upload, upload_store

from . import files

NOT_AN_IMAGE = "文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。"
DAMAGED_IMAGE = "图片已损坏或不完整，请重新保存或导出后再上传。"
EXECUTABLE = "该文件是可执行程序，不能上传。"
NOT_A_PDF = "文件内容不是 PDF 文档。"
PDF_INCOMPLETE = "PDF 文档不完整（缺少文件结尾），可能未上传完整，请重新导出后再上传。"
PDF_INVALID = "PDF 文档结构无效，请用 PDF 软件重新导出后再上传。"
NOT_XLSX = "该文件不是 Excel 工作簿（.xlsx）。"

pytestmark = pytest.mark.django_db


def _noisy_png() -> bytes:
    # Random pixels, so the compressed data is long enough to cut in the middle of it.
    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (256, 256), random.Random(4).randbytes(256 * 256 * 3)).save(buffer, "PNG")
    assert len(buffer.getvalue()) > 150_000
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


HOSTILE = {
    "html named .jpg": ("image", "photo.jpg", lambda: files.HTML, NOT_AN_IMAGE),
    "svg named .png": ("image", "logo.png", lambda: files.SVG, NOT_AN_IMAGE),
    "gif named .jpg": ("image", "anim.jpg", lambda: files.image_bytes("GIF"), NOT_AN_IMAGE),
    "pdf as an image": ("image", "scan.jpg", files.pdf_bytes, NOT_AN_IMAGE),
    "csv named .xlsx as an image": (
        "image",
        "名单.xlsx",
        lambda: "姓名,单位\n张三,工会\n".encode(),
        NOT_AN_IMAGE,
    ),
    "truncated jpeg": ("image", "cut.jpg", lambda: files.camera_jpeg()[:2500], DAMAGED_IMAGE),
    "truncated png": ("image", "cut.png", lambda: _noisy_png()[:100_000], DAMAGED_IMAGE),
    "40000x40000 png": (
        "image",
        "huge.png",
        lambda: files.huge_png(40_000, 40_000),
        "图片像素过多：约 160000 万像素，超过 4000 万像素的上限，请缩小后再上传。",
    ),
    # Between one and two times the limit Pillow only warns: the warning must be an error.
    "7000x6000 png": (
        "image",
        "big.png",
        lambda: files.huge_png(7000, 6000),
        "图片像素过多：约 4200 万像素，超过 4000 万像素的上限，请缩小后再上传。",
    ),
    "elf named .pdf": ("pdf", "材料.pdf", lambda: files.ELF, EXECUTABLE),
    "windows exe named .pdf": ("pdf", "材料.pdf", lambda: files.PE, EXECUTABLE),
    "windows exe named .jpg": ("image", "photo.jpg", lambda: files.PE, EXECUTABLE),
    "script named .csv": ("sheet", "data.csv", lambda: b"#!/bin/sh\nrm -rf ~\n", EXECUTABLE),
    "html named .pdf": ("pdf", "材料.pdf", lambda: files.HTML, NOT_A_PDF),
    "jpeg named .pdf": ("pdf", "材料.pdf", files.camera_jpeg, NOT_A_PDF),
    "pdf without its end": ("pdf", "材料.pdf", lambda: files.pdf_bytes()[:200], PDF_INCOMPLETE),
    "pdf header over html": (
        "pdf",
        "材料.pdf",
        lambda: b"%PDF-1.7\n" + files.HTML + b"\n%%EOF\n",
        PDF_INVALID,
    ),
    "xlsx inflating to 300 MB": (
        "sheet",
        "名单.xlsx",
        files.xlsx_bomb,
        "该工作簿解压后为 300 MB，超过 100 MB 的上限，请拆分成较小的文件。",
    ),
    "zip without a workbook": ("sheet", "名单.xlsx", lambda: _zip({"word/document.xml": b"<w/>"}), NOT_XLSX),
    "xlsx with macros": (
        "sheet",
        "名单.xlsx",
        lambda: _zip(
            {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"x"}
        ),
        "该工作簿含有宏，请另存为不含宏的 Excel 工作簿（.xlsx）后再上传。",
    ),
    "legacy xls": (
        "sheet",
        "名单.xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
        "这是旧版 Excel 文件（.xls）或加密的文件，请另存为 .xlsx 后再上传。",
    ),
    "binary named .csv": (
        "sheet",
        "data.csv",
        lambda: b"a,b\n\x00\x01\x02",
        "该文件既不是 Excel 工作簿（.xlsx）也不是 CSV 文件。",
    ),
    "empty image": ("image", "empty.jpg", lambda: b"", "文件为空。"),
}


@pytest.mark.parametrize(("kind", "name", "build", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_file_is_refused_and_nothing_is_stored(kind, name, build, message, media_root):
    with pytest.raises(UploadRejected) as refused:
        upload_store(file=files.upload(name, build()), kind=kind, actor=None)

    assert refused.value.message == message
    assert StoredFile.objects.count() == 0
    assert files.stored_paths(media_root) == []


@pytest.mark.parametrize(("kind", "name", "build", "message"), HOSTILE.values(), ids=HOSTILE.keys())
def test_check_upload_refuses_the_same(kind, name, build, message):
    with pytest.raises(UploadRejected) as refused:
        check_upload(files.upload(name, build()), kind=kind)

    assert refused.value.message == message


def test_zip_bomb_is_refused_without_inflating(monkeypatch):
    def no_inflating(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)

    with pytest.raises(UploadRejected, match="超过 100 MB 的上限"):
        check_upload(files.upload("名单.xlsx", files.xlsx_bomb()), kind="sheet")


def test_huge_png_is_refused_before_pixels_are_allocated(monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    with pytest.raises(UploadRejected, match="约 160000 万像素"):
        check_upload(files.upload("huge.png", files.huge_png(40_000, 40_000)), kind="image")


def _padded(data: bytes, size: int) -> bytes:
    assert len(data) <= size
    return data + b" " * (size - len(data))


@pytest.mark.parametrize(
    ("kind", "limit", "data", "message"),
    [
        (
            "image",
            4096,
            _padded(files.camera_jpeg(), 6144),
            "图片不能超过 4 KB，该文件为 6 KB，请缩小文件后再上传。",
        ),
        (
            "pdf",
            1024,
            _padded(files.pdf_bytes(), 1536),
            "PDF 文档不能超过 1 KB，该文件为 1.5 KB，请缩小文件后再上传。",
        ),
        ("sheet", 2048, b"a,b\n" + b"1,2\n" * 1023, "表格不能超过 2 KB，该文件为 4 KB，请缩小文件后再上传。"),
    ],
    ids=["image", "pdf", "sheet"],
)
def test_file_over_the_size_limit_is_refused_with_both_sizes(
    settings, media_root, kind, limit, data, message
):
    settings.UPLOAD_MAX_BYTES = {kind: limit}

    with pytest.raises(UploadRejected) as refused:
        upload_store(file=files.upload("f", data), kind=kind, actor=None)

    assert refused.value.message == message
    assert StoredFile.objects.count() == 0
    assert files.stored_paths(media_root) == []


def test_default_size_limits():
    from unionportal.uploads import limits

    assert [limits.max_bytes(k) for k in ("image", "pdf", "sheet")] == [
        10 * files.MB,
        20 * files.MB,
        20 * files.MB,
    ]


def test_a_lying_declared_size_does_not_help():
    class Lying(io.BytesIO):
        name = "big.pdf"
        size = 10  # what the client claimed

    with pytest.raises(UploadRejected, match="PDF 文档不能超过 20 MB"):
        check_upload(Lying(files.pdf_bytes() + b" " * (20 * files.MB)), kind="pdf")
