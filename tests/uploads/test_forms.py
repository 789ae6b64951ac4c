"""The form fields: a refused file's reason shows beside the field, as any other form error."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils.datastructures import MultiValueDict

from unionportal.uploads.forms import CheckedFileField, CheckedMultipleFileField

from . import files
from .test_hostile import NOT_AN_IMAGE


class PhotoForm(forms.Form):
    photo = CheckedFileField(kind="image", label="照片")
    material = CheckedFileField(kind="pdf", label="材料", required=False)


class GalleryForm(forms.Form):
    photos = CheckedMultipleFileField(kind="image", max_files=3, label="活动照片")


def photo_form(**uploads):
    return PhotoForm(data={}, files=uploads)


def test_refused_file_is_a_field_error_with_the_reason():
    form = photo_form(photo=files.upload("photo.jpg", files.HTML))

    assert not form.is_valid()
    assert form.errors == {"photo": [NOT_AN_IMAGE]}
    assert form.errors.as_data()["photo"][0].code == "upload_rejected"


def test_refused_file_is_shown_beside_the_field_by_crispy():
    form = photo_form(photo=files.upload("logo.png", files.SVG))
    form.is_valid()

    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))

    assert NOT_AN_IMAGE in html
    assert 'class="invalid-feedback' in html


def test_accepted_file_carries_what_the_check_found():
    form = photo_form(
        photo=files.upload("p.jpg", files.camera_jpeg(size=(600, 300))),
        material=files.upload("m.pdf", files.pdf_bytes()),
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["photo"].checked_upload.format == "JPEG"
    assert (
        form.cleaned_data["photo"].checked_upload.width,
        form.cleaned_data["photo"].checked_upload.height,
    ) == (
        600,
        300,
    )
    assert form.cleaned_data["material"].checked_upload.content_type == "application/pdf"


def test_optional_field_may_stay_empty_and_required_field_may_not():
    form = photo_form()

    assert not form.is_valid()
    assert form.errors == {"photo": ["这个字段是必填项。"]}


def test_wrong_kind_for_the_field_is_refused():
    form = photo_form(
        photo=files.upload("p.jpg", files.camera_jpeg()), material=files.upload("m.pdf", files.ELF)
    )

    assert form.errors == {"material": ["该文件是可执行程序，不能上传。"]}


def test_file_input_accepts_only_the_kind():
    html = str(photo_form()["photo"])

    assert 'accept="image/jpeg,image/png,image/webp"' in html


def gallery(*uploads):
    return GalleryForm(data={}, files=MultiValueDict({"photos": list(uploads)}))


def test_gallery_accepts_several_images():
    form = gallery(files.upload("a.jpg", files.camera_jpeg()), files.upload("b.png", files.image_bytes()))

    assert form.is_valid(), form.errors
    assert [f.checked_upload.format for f in form.cleaned_data["photos"]] == ["JPEG", "PNG"]
    assert "multiple" in str(form["photos"])


def test_gallery_names_each_refused_file():
    form = gallery(
        files.upload("a.jpg", files.camera_jpeg()),
        files.upload("evil.jpg", files.HTML),
        files.upload("cut.jpg", files.camera_jpeg()[:2500]),
    )

    assert form.errors == {
        "photos": [
            f"“evil.jpg”：{NOT_AN_IMAGE}",
            "“cut.jpg”：图片已损坏或不完整，请重新保存或导出后再上传。",
        ]
    }


def test_gallery_refuses_too_many_files():
    form = gallery(*(files.upload(f"{n}.png", files.image_bytes()) for n in range(4)))

    assert form.errors == {"photos": ["一次最多上传 3 个文件，您选择了 4 个。"]}


@pytest.mark.parametrize("required", [True, False])
def test_gallery_empty(required):
    class Form(forms.Form):
        photos = CheckedMultipleFileField(kind="image", required=required)

    form = Form(data={}, files=MultiValueDict())

    assert form.is_valid() is not required
    if not required:
        assert form.cleaned_data["photos"] == []
