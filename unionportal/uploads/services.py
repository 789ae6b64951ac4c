"""The one checked path for uploaded images, PDFs and spreadsheets.

``check_upload`` decides by content what a file is and refuses anything else (pure: no writes);
``upload_store`` stores what passed: images re-encoded without metadata, every file under a random name.
Both raise ``UploadRejected`` with a message for the user; views and forms show it, never a 500.
"""

import hashlib
import io
import math
import os
import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import limits
from .models import UPLOADS_DIR, StoredFile
from .spreadsheets import SpreadsheetError, sniff_table

Kind = StoredFile.Kind

# Pillow format → (stored extension, content type, extensions a user's file name may already carry).
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg", {"jpg", "jpeg", "jpe", "jfif"}),
    "PNG": ("png", "image/png", {"png"}),
    "WEBP": ("webp", "image/webp", {"webp"}),
}
PDF = ("pdf", "application/pdf", {"pdf"})
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"})
CSV = ("csv", "text/csv", {"csv", "txt"})

THUMBNAIL_SIZE = 400
JPEG_QUALITY = WEBP_QUALITY = 85
MAX_NAME_LENGTH = 200
ORPHAN_GRACE = timedelta(hours=24)

_EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bit, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # a script with an interpreter line
)
_PILLOW_PIXELS = re.compile(r"\((\d+) pixels\)")
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_STARTXREF = re.compile(rb"startxref\s+\d+\s+%%EOF")
_NAME_UNSAFE = re.compile(r'[<>:"|?*]')


class UploadRejected(Exception):
    """A file the user must fix: ``message`` says what is wrong, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """What ``check_upload`` found a file to be."""

    kind: str
    format: str  # "JPEG", "PNG", "WEBP", "PDF", "XLSX" or "CSV"
    content_type: str
    extension: str  # what the stored file will be named with, from the content
    size: int  # bytes as uploaded
    original_name: str  # sanitised, its extension matching the content
    width: int | None = None
    height: int | None = None


# --- checking ------------------------------------------------------------------------------------------


def check_upload(file, *, kind: str) -> CheckedUpload:
    """Check an uploaded file (any file-like object with a name) as a ``kind`` upload; write nothing.

    Raises UploadRejected. The file is left at position 0 for whoever reads it next.
    """
    checked, _raw, image = _inspect(file, kind=kind)
    if image is not None:
        image.close()
    return checked


def _inspect(file, *, kind: str) -> tuple[CheckedUpload, bytes, Image.Image | None]:
    """``check_upload``, also handing back the bytes checked and the decoded image, so that storing keeps
    exactly what was checked and does not decode twice."""
    kind = Kind(kind)
    raw, size = _read(file, kind)
    if not raw.strip():
        raise UploadRejected(_("文件为空。"))
    if raw.startswith(_EXECUTABLE_MAGIC) or (raw.startswith(b"MZ") and b"\x00" in raw[:64]):
        raise UploadRejected(_("该文件是可执行程序，不能上传。"))
    image = None
    if kind == Kind.IMAGE:
        image = _open_image(raw)
        extension, content_type, aliases = IMAGE_FORMATS[image.format]
        found = {"format": image.format, "width": image.width, "height": image.height}
    elif kind == Kind.PDF:
        _check_pdf(raw)
        extension, content_type, aliases = PDF
        found = {"format": "PDF"}
    else:
        try:
            table = sniff_table(raw)
        except SpreadsheetError as error:
            raise UploadRejected(error.message) from error
        if table.format == "XLSX":
            extension, content_type, aliases = XLSX
        else:
            extension, content_type, aliases = CSV
            content_type += "; charset=gb18030" if table.encoding == "gb18030" else "; charset=utf-8"
        found = {"format": table.format}
    checked = CheckedUpload(
        kind=kind.value,
        content_type=content_type,
        extension=extension,
        size=size,
        original_name=clean_name(getattr(file, "name", ""), extension=extension, aliases=aliases),
        **found,
    )
    return checked, raw, image


def _read(file, kind) -> tuple[bytes, int]:
    limit = limits.max_bytes(kind)
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    raw = b""
    if size <= limit:
        file.seek(0)
        raw = file.read(limit + 1)
        file.seek(0)
        size = max(size, len(raw))  # a declared size is not trusted to be the real one
    if size > limit:
        raise UploadRejected(
            _("%(kind)s不能超过 %(limit)s，该文件为 %(actual)s，请缩小文件后再上传。")
            % {"actual": limits.format_size(size), "kind": kind.label, "limit": limits.format_size(limit)}
        )
    return raw, size


def _open_image(raw: bytes) -> Image.Image:
    """The image fully decoded, or UploadRejected: only JPEG, PNG and WebP, within the pixel limit."""
    limit = limits.max_pixels()
    # Pillow's own guard runs in open(), from the header, before a single pixel is allocated. The global
    # is restored afterwards, and _check_pixels repeats the test before any decoding, so a thread that
    # sees another's value in between is still held to the limit.
    previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, limit
    image = None
    try:
        with warnings.catch_warnings():
            # Between 1x and 2x MAX_IMAGE_PIXELS Pillow only warns: a bomb must be refused, not warned.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=list(IMAGE_FORMATS)) as probe:
                image_format = probe.format
                _check_pixels(probe.width * probe.height, limit)
                probe.verify()
            # verify() leaves the image unusable: open again and decode every pixel, so truncated data
            # fails here rather than when storing or serving.
            image = Image.open(io.BytesIO(raw), formats=[image_format])
            image.load()
    except Exception as exc:
        if image is not None:
            image.close()
        if isinstance(exc, UploadRejected):
            raise
        raise _image_refusal(exc, limit) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    return image


def _check_pixels(pixels: int, limit: int) -> None:
    if pixels > limit:
        raise _too_many_pixels(pixels, limit)


def _too_many_pixels(pixels: int | None, limit: int) -> UploadRejected:
    if pixels is None:
        return UploadRejected(
            _("图片像素过多，超过 %(limit)d 万像素的上限，请缩小后再上传。") % {"limit": limit // 10_000}
        )
    return UploadRejected(
        _("图片像素过多：约 %(actual)d 万像素，超过 %(limit)d 万像素的上限，请缩小后再上传。")
        % {"actual": math.ceil(pixels / 10_000), "limit": limit // 10_000}
    )


def _image_refusal(exc: Exception, limit: int) -> UploadRejected:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        # Pillow refused from the header; its message is the only place the pixel count is given.
        match = _PILLOW_PIXELS.search(str(exc))
        return _too_many_pixels(int(match.group(1)) if match else None, limit)
    if isinstance(exc, UnidentifiedImageError):
        return UploadRejected(_("文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。"))
    # Damaged data surfaces from Pillow as OSError, SyntaxError, ValueError, EOFError, struct.error...
    return UploadRejected(_("图片已损坏或不完整，请重新保存或导出后再上传。"))


def _check_pdf(raw: bytes) -> None:
    if not _PDF_HEADER.match(raw):
        raise UploadRejected(_("文件内容不是 PDF 文档。"))
    tail = raw[-1024:]
    if b"%%EOF" not in tail:
        raise UploadRejected(_("PDF 文档不完整（缺少文件结尾），可能未上传完整，请重新导出后再上传。"))
    has_xref = (b"xref" in raw and b"trailer" in raw) or b"/XRef" in raw
    if not (_PDF_STARTXREF.search(tail) and has_xref and _PDF_OBJECT.search(raw)):
        raise UploadRejected(_("PDF 文档结构无效，请用 PDF 软件重新导出后再上传。"))


def clean_name(name: str, *, extension: str, aliases=()) -> str:
    """A file name fit for display and download: no path, no control or direction characters, at most
    200 characters, and an extension that matches the content (a CSV named .xlsx becomes .csv)."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control, format (e.g. U+202E, which shows "gpj.exe" as "exe.jpg"), private, unassigned.
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(_NAME_UNSAFE.sub("_", name).split()).strip(" .")
    stem, dot_ext = os.path.splitext(name)
    if dot_ext.lower().lstrip(".") in aliases:
        suffix = dot_ext
    else:
        stem, suffix = (stem if dot_ext else name), f".{extension}"
    stem = stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") or "file"
    return stem + suffix


# --- storing -------------------------------------------------------------------------------------------


def upload_store(*, file, kind: str, actor, organisation=None, public: bool = False) -> StoredFile:
    """Check ``file`` as a ``kind`` upload and store it; any caller that accepts a file from a user.

    Images are re-encoded in their own format (JPEG, PNG or WebP) with the EXIF orientation applied and
    all metadata (EXIF with GPS, XMP, ICC kept, comments, text chunks) dropped, and get a thumbnail of at
    most 400 px; PDFs and spreadsheets are stored as uploaded. ``organisation`` decides who besides the
    uploader sees the file (staff of that organisation's ancestors); ``public`` lets everyone see it.
    Raises UploadRejected, having written nothing.
    """
    checked, payload, image = _inspect(file, kind=kind)
    thumbnail = b""
    width = height = None
    if image is not None:
        try:
            payload, thumbnail, width, height = _reencode(image)
        finally:
            image.close()
    stored = StoredFile(
        kind=checked.kind,
        original_name=checked.original_name,
        size=len(payload),
        content_type=checked.content_type,
        width=width,
        height=height,
        sha256=hashlib.sha256(payload).hexdigest(),
        organisation=organisation,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_public=public,
    )
    # The names given here only carry the extension: stored_file_path makes the random storage name.
    stored.file.save(f"upload.{checked.extension}", ContentFile(payload), save=False)
    try:
        if thumbnail:
            stored.thumbnail.save(f"thumbnail.{checked.extension}", ContentFile(thumbnail), save=False)
        with transaction.atomic():
            stored.save(force_insert=True)
    except BaseException:
        _delete_files(stored)
        raise
    return stored


def _reencode(image: Image.Image) -> tuple[bytes, bytes, int, int]:
    """(image bytes, thumbnail bytes, width, height), re-encoded in the image's own format."""
    image_format = image.format
    try:
        _apply_orientation(image)
        icc_profile = image.info.get("icc_profile")
        transparency = image.info.get("transparency")
        # Saving writes only what it is given: with info emptied, EXIF (GPS), XMP, JPEG comments and PNG
        # text chunks stay behind. The ICC profile is kept so colours do not shift.
        image.info = {} if transparency is None else {"transparency": transparency}
        image = _saveable(image, image_format)
        payload = _encode(image, image_format, icc_profile)
        # Plain Pillow rather than easy-thumbnails: the image is already decoded and oriented here, and a
        # thumbnail made once at upload needs none of that library's on-demand aliases or source tables.
        scale = THUMBNAIL_SIZE / max(image.width, image.height)
        if scale < 1:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            source = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
            small = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        else:
            small = image.copy()
        thumbnail = _encode(_saveable(small, image_format), image_format, icc_profile)
    except (OSError, ValueError) as exc:
        raise UploadRejected(_("图片无法重新编码，请另存为常见的 JPEG 或 PNG 后再上传。")) from exc
    return payload, thumbnail, image.width, image.height


def _apply_orientation(image: Image.Image) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns about odd EXIF; the EXIF is dropped anyway
            ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # noqa: S110 - a malformed EXIF block costs the orientation, never the upload
        pass


def _saveable(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        return image.convert("RGB")
    if image_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image_format == "PNG" and image.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
        return image.convert("RGBA")
    return image


def _encode(image: Image.Image, image_format: str, icc_profile) -> bytes:
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if image_format == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif image_format == "WEBP":
        options.update(quality=WEBP_QUALITY)
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def _delete_files(stored: StoredFile) -> None:
    for field in (stored.file, stored.thumbnail):
        if field:
            field.storage.delete(field.name)


def stored_file_set_public(*, stored_file: StoredFile, public: bool) -> StoredFile:
    """Make a file visible to everyone (when what it belongs to is published) or withdraw it."""
    stored_file.is_public = public
    stored_file.save(update_fields=["is_public"])
    return stored_file


def stored_file_delete(*, stored_file: StoredFile) -> None:
    """Delete the row now and its files once the transaction commits (a rollback keeps both)."""
    stored_file.delete()
    transaction.on_commit(lambda: _delete_files(stored_file))


def stored_files_purge_orphans(*, now, older_than: timedelta = ORPHAN_GRACE) -> list[str]:
    """Delete stored files that no StoredFile row refers to; returns their names.

    They are left behind when the transaction around ``upload_store`` rolls back (Django has no
    on-rollback hook). Only files older than ``older_than`` go, so an upload still in flight is kept.
    """
    storage = storages["default"]
    referenced = set(StoredFile.objects.values_list("file", flat=True))
    referenced |= set(StoredFile.objects.exclude(thumbnail="").values_list("thumbnail", flat=True))
    purged = []
    for name in _walk(storage, UPLOADS_DIR):
        if name not in referenced and storage.get_modified_time(name) < now - older_than:
            storage.delete(name)
            purged.append(name)
    return purged


def _walk(storage, directory: str):
    # Through listdir alone: an object store has no directories, so exists() is False for every prefix.
    try:
        subdirectories, names = storage.listdir(directory)
    except FileNotFoundError:  # the file system's storage, before the first upload
        return
    for name in names:
        yield f"{directory}/{name}"
    for subdirectory in subdirectories:
        yield from _walk(storage, f"{directory}/{subdirectory}")
