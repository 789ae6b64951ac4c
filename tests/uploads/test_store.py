"""What upload_store keeps: re-encoded images without metadata, thumbnails, random names, exact bytes."""

import hashlib
import io
import re
import warnings

import pytest
from django.db import IntegrityError
from PIL import ExifTags, Image

from tests.factories import make_tree, make_user
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import UploadRejected, check_upload, clean_name, upload_store

from . import files

pytestmark = pytest.mark.django_db

STORAGE_NAME = re.compile(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|pdf|xlsx|csv)")


def _stored_bytes(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def _reopen(field) -> Image.Image:
    return Image.open(io.BytesIO(_stored_bytes(field)))


def test_phone_photo_is_stored_upright_without_exif_gps_or_comment(media_root):
    photo = files.camera_jpeg(orientation=6, size=(600, 300))
    with Image.open(io.BytesIO(photo)) as original:  # the test file really carries what must go
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert original.info["comment"] == b"<script>alert(1)</script>"
    actor = make_user()

    stored = upload_store(file=files.upload("现场照片.jpg", photo), kind="image", actor=actor)

    stored.refresh_from_db()
    with _reopen(stored.file) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert "exif" not in image.info
        assert "comment" not in image.info
        # Orientation 6 means "rotate 90° clockwise to show": the red left half is now on top.
        assert image.size == (300, 600)
        assert (stored.width, stored.height) == (300, 600)
        red, _green, blue = image.getpixel((150, 100))
        assert red > 180 and blue < 60
    assert b"TestCam" not in _stored_bytes(stored.file)
    assert (stored.kind, stored.content_type, stored.original_name) == ("image", "image/jpeg", "现场照片.jpg")
    assert stored.uploaded_by == actor
    assert stored.is_public is False


def test_thumbnail_is_at_most_400_px(media_root):
    stored = upload_store(
        file=files.upload("p.jpg", files.camera_jpeg(size=(1200, 900))), kind="image", actor=None
    )

    with _reopen(stored.thumbnail) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert thumbnail.size == (300, 400)  # 1200×900 turned upright, then fitted into 400 px
        assert len(thumbnail.getexif()) == 0


def test_small_image_thumbnail_is_not_enlarged(media_root):
    stored = upload_store(
        file=files.upload("s.png", files.image_bytes("PNG", size=(40, 30))), kind="image", actor=None
    )

    with _reopen(stored.thumbnail) as thumbnail:
        assert thumbnail.size == (40, 30)


def test_jpeg_with_trailing_script_is_reencoded_without_it(media_root):
    data = files.image_bytes("JPEG", size=(80, 60)) + b"<script>alert(document.cookie)</script>"

    stored = upload_store(file=files.upload("tail.jpg", data), kind="image", actor=None)

    content = _stored_bytes(stored.file)
    assert b"<script" not in content
    assert content.endswith(b"\xff\xd9")
    assert content != data[: len(content)]


def test_stored_names_are_random_and_the_hash_is_of_the_stored_bytes(media_root):
    first = upload_store(
        file=files.upload("../../etc/passwd.png", files.image_bytes()), kind="image", actor=None
    )
    second = upload_store(file=files.upload("passwd.png", files.image_bytes()), kind="image", actor=None)

    for stored in (first, second):
        assert STORAGE_NAME.fullmatch(stored.file.name)
        assert STORAGE_NAME.fullmatch(stored.thumbnail.name)
        assert "passwd" not in stored.file.name
        assert hashlib.sha256(_stored_bytes(stored.file)).hexdigest() == stored.sha256
        assert stored.size == len(_stored_bytes(stored.file))
    assert first.file.name != second.file.name
    assert first.file.name.rsplit("/", 1)[1][:32] != first.pk.hex  # the storage name is not the URL's id
    assert first.original_name == "passwd.png"
    assert sorted(files.stored_paths(media_root)) == sorted(
        [first.file.name, first.thumbnail.name, second.file.name, second.thumbnail.name]
    )


@pytest.mark.parametrize(
    ("fmt", "mode", "content_type"),
    [
        ("PNG", "RGBA", "image/png"),
        ("PNG", "P", "image/png"),
        ("WEBP", "RGBA", "image/webp"),
        ("JPEG", "L", "image/jpeg"),
    ],
)
def test_image_keeps_its_format_and_transparency(media_root, fmt, mode, content_type):
    color = {"RGBA": (10, 20, 30, 0), "P": 1, "L": 128}[mode]
    save = {"transparency": 1} if mode == "P" else {}
    data = files.image_bytes(fmt, size=(500, 250), mode=mode, color=color, **save)

    stored = upload_store(file=files.upload(f"x.{fmt.lower()}", data), kind="image", actor=None)

    assert stored.content_type == content_type
    with _reopen(stored.file) as image:
        assert image.format == fmt
        assert image.mode == mode
        assert image.has_transparency_data is (mode != "L")
    with _reopen(stored.thumbnail) as thumbnail:
        assert thumbnail.format == fmt
        assert thumbnail.size == (400, 200)


def test_png_text_chunks_are_dropped(media_root):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    data = files.image_bytes("PNG", pnginfo=info)

    stored = upload_store(file=files.upload("t.png", data), kind="image", actor=None)

    assert b"<script" not in _stored_bytes(stored.file)


def test_pdf_is_stored_as_uploaded(media_root):
    data = files.pdf_bytes()

    stored = upload_store(file=files.upload("申报材料.PDF", data), kind="pdf", actor=None)

    assert _stored_bytes(stored.file) == data
    assert (stored.content_type, stored.original_name) == ("application/pdf", "申报材料.PDF")
    assert (stored.width, stored.height, stored.thumbnail.name, stored.thumbnail_url) == (None, None, "", "")
    assert STORAGE_NAME.fullmatch(stored.file.name)


def test_xlsx_is_stored_as_uploaded(media_root):
    data = files.xlsx_bytes()

    stored = upload_store(file=files.upload("名单.xlsx", data), kind="sheet", actor=None)

    assert _stored_bytes(stored.file) == data
    assert stored.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert stored.file.name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("encoding", "content_type"), [("utf-8", "text/csv; charset=utf-8"), ("gbk", "text/csv; charset=gb18030")]
)
def test_csv_named_xlsx_is_accepted_as_csv_for_a_sheet(media_root, encoding, content_type):
    data = "姓名,单位\n张三,襄阳市总工会\n".encode(encoding)

    stored = upload_store(file=files.upload("名单.xlsx", data), kind="sheet", actor=None)

    assert _stored_bytes(stored.file) == data
    assert stored.content_type == content_type
    assert stored.original_name == "名单.csv"  # the name now says what the file is
    assert stored.file.name.endswith(".csv")


def test_organisation_and_public_flag_are_recorded(media_root):
    tree = make_tree()

    stored = upload_store(
        file=files.upload("a.png", files.image_bytes()),
        kind="image",
        actor=None,
        organisation=tree["county_a"],
        public=True,
    )

    stored.refresh_from_db()
    assert (stored.organisation, stored.uploaded_by, stored.is_public) == (tree["county_a"], None, True)
    assert stored.get_absolute_url() == f"/files/{stored.pk}/"
    assert stored.thumbnail_url == f"/files/{stored.pk}/thumb/"


def test_files_are_removed_when_the_row_cannot_be_saved(media_root, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(StoredFile, "save", fail)

    with pytest.raises(IntegrityError):
        upload_store(file=files.upload("a.jpg", files.camera_jpeg()), kind="image", actor=None)

    assert files.stored_paths(media_root) == []


def test_check_upload_writes_nothing_and_rewinds(media_root):
    upload = files.upload("相片.jpeg", files.camera_jpeg(size=(600, 300)))

    checked = check_upload(upload, kind="image")

    assert (checked.kind, checked.format, checked.content_type, checked.extension) == (
        "image",
        "JPEG",
        "image/jpeg",
        "jpg",
    )
    assert (checked.width, checked.height, checked.original_name) == (600, 300, "相片.jpeg")
    assert checked.size == upload.size
    assert upload.tell() == 0
    assert StoredFile.objects.count() == 0
    assert files.stored_paths(media_root) == []


def test_pixel_limit_holds_even_when_warnings_are_ignored():
    # Pillow only *warns* between one and two times its limit; the check must not depend on the
    # process's warning filters (pytest turns warnings into errors, production does not).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(UploadRejected, match="约 4200 万像素"):
            check_upload(files.upload("big.png", files.huge_png(7000, 6000)), kind="image")


def test_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_PIXELS = 20_000
    pillow_limit = Image.MAX_IMAGE_PIXELS

    with pytest.raises(UploadRejected) as refused:
        check_upload(files.upload("a.png", files.image_bytes(size=(200, 150))), kind="image")

    assert refused.value.message == "图片像素过多：约 3 万像素，超过 2 万像素的上限，请缩小后再上传。"
    assert pillow_limit == Image.MAX_IMAGE_PIXELS  # Pillow's global is left as it was found


@pytest.mark.parametrize(
    ("name", "extension", "aliases", "expected"),
    [
        ("../../etc/passwd.png", "png", {"png"}, "passwd.png"),
        ("C:\\fakepath\\照片.JPG", "jpg", {"jpg", "jpeg"}, "照片.JPG"),
        ("photo.png", "jpg", {"jpg", "jpeg"}, "photo.jpg"),
        ("名单.xlsx", "csv", {"csv"}, "名单.csv"),
        ("invoice\u202egnp.exe", "png", {"png"}, "invoicegnp.png"),
        ("line\nbreak\x00.pdf", "pdf", {"pdf"}, "linebreak.pdf"),
        ('<b>"x"|?.png', "png", {"png"}, "_b__x___.png"),
        ("  .hidden  ", "pdf", {"pdf"}, "hidden.pdf"),
        ("", "jpg", {"jpg"}, "file.jpg"),
        ("noextension", "pdf", {"pdf"}, "noextension.pdf"),
    ],
)
def test_clean_name(name, extension, aliases, expected):
    assert clean_name(name, extension=extension, aliases=aliases) == expected


def test_clean_name_is_at_most_200_characters_and_keeps_the_extension():
    cleaned = clean_name("长" * 300 + ".pdf", extension="pdf", aliases={"pdf"})

    assert len(cleaned) == 200
    assert cleaned.endswith("长.pdf")
