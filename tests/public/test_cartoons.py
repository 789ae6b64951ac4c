"""Model-worker cartoons (劳模漫画): province staff attach one to a published honouree through the upload
check; it shows on the honouree's page and in the paginated gallery while the honouree is published."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import Role, make_org, make_user
from unionportal.public.models import Cartoon, PublicEntry
from unionportal.uploads.models import StoredFile

pytestmark = pytest.mark.django_db


def png(name="cartoon.png", size=(300, 200), colour=(200, 60, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def entry(n, stage=PublicEntry.Stage.PUBLISHED):
    return PublicEntry.objects.create(
        year=2025,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name=f"王{n}",
        unit=f"单位{n}",
        stage=stage,
        source=f"test:cartoon:{n}",
    )


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    province = make_org(name="省总工会")
    city = make_org(province, name="襄阳市总工会")
    return {
        "province": make_user(org=province, role=Role.STAFF),
        "city": make_user(org=city, role=Role.STAFF),
    }


def attach(client, user, target, file, title="匠心传承"):
    client.force_login(user)
    return client.post(
        f"/staff/cartoons/{target.pk}/", {"title": title, "caption": "两格漫画", "image": file}
    )


def test_province_staff_attach_a_cartoon_shown_on_the_page_and_in_the_gallery(client, people):
    shown = entry(1)
    response = attach(client, people["province"], shown, png())
    assert response.status_code == 302 and response["Location"] == "/staff/cartoons/"
    cartoon = Cartoon.objects.get(entry=shown)
    assert cartoon.image.is_image and cartoon.image.thumbnail and not cartoon.image.is_public
    client.logout()
    page = client.get(f"/honourees/{shown.pk}/").content.decode()
    assert 'id="honouree-cartoon"' in page and f'src="/honourees/{shown.pk}/cartoon.img"' in page
    image = client.get(f"/honourees/{shown.pk}/cartoon.img")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/honourees/{shown.pk}/cartoon-thumb.img").status_code == 200
    gallery = client.get("/cartoons/").content.decode()
    assert "匠心传承" in gallery and f'href="/honourees/{shown.pk}/"' in gallery


def test_a_new_upload_replaces_the_cartoon_and_its_file(client, people):
    shown = entry(2)
    attach(client, people["province"], shown, png())
    first = Cartoon.objects.get(entry=shown).image_id
    attach(client, people["province"], shown, png(colour=(10, 10, 200)), title="第二幅")
    cartoon = Cartoon.objects.get(entry=shown)
    assert cartoon.title == "第二幅" and cartoon.image_id != first
    assert not StoredFile.objects.filter(pk=first).exists()


@pytest.mark.parametrize(
    "hostile",
    [
        SimpleUploadedFile(
            "cartoon.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
        ),
        SimpleUploadedFile("cartoon.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"),
        SimpleUploadedFile(
            "cartoon.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
        ),
    ],
    ids=["html-named-png", "truncated-png", "svg"],
)
def test_a_hostile_cartoon_file_is_refused_and_nothing_is_saved(client, people, hostile):
    shown = entry(3)
    files = StoredFile.objects.count()
    response = attach(client, people["province"], shown, hostile)
    assert response.status_code == 400
    assert response.context["form"].errors["image"]
    assert not Cartoon.objects.exists() and StoredFile.objects.count() == files


def test_a_decompression_bomb_is_refused(client, people, settings):
    shown = entry(4)
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, "PNG")
    response = attach(client, people["province"], shown, SimpleUploadedFile("big.png", buffer.getvalue()))
    assert response.status_code == 400 and not Cartoon.objects.exists()


def test_an_honouree_not_published_takes_no_cartoon(client, people):
    noticed = entry(5, stage=PublicEntry.Stage.NOTICE)
    response = attach(client, people["province"], noticed, png())
    assert response.status_code == 400
    assert "只能为已公布的获奖者添加劳模漫画。" in response.content.decode()
    assert not Cartoon.objects.exists()


def test_city_staff_may_not_attach_cartoons(client, people):
    shown = entry(6)
    response = attach(client, people["city"], shown, png())
    assert response.status_code == 404
    assert client.get("/staff/cartoons/").status_code == 403
    assert not Cartoon.objects.exists()


def test_a_revoked_honourees_cartoon_leaves_the_gallery_and_its_image(client, people):
    shown = entry(7)
    attach(client, people["province"], shown, png())
    client.logout()
    assert "匠心传承" in client.get("/cartoons/").content.decode()
    shown.stage = PublicEntry.Stage.REVOKED
    shown.save()
    assert "匠心传承" not in client.get("/cartoons/").content.decode()
    assert client.get(f"/honourees/{shown.pk}/cartoon.img").status_code == 404
    assert client.get(f"/honourees/{shown.pk}/cartoon-thumb.img").status_code == 404


def test_the_gallery_is_paginated_with_constant_queries(client, people, django_assert_max_num_queries):
    def add(n):
        target = entry(100 + n)
        stored = StoredFile.objects.create(
            kind="image",
            file="c.png",
            original_name="c.png",
            size=1,
            content_type="image/png",
            sha256="0" * 64,
        )
        Cartoon.objects.create(entry=target, image=stored, title=f"漫画{n}")

    add(0)
    with django_assert_max_num_queries(4) as one:
        client.get("/cartoons/")
    for n in range(1, 15):
        add(n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/cartoons/")
    assert len(response.context["page"].object_list) == 12
    assert response.context["page"].paginator.num_pages == 2


def test_the_staff_list_queries_do_not_grow(client, people, django_assert_max_num_queries):
    client.force_login(people["province"])
    entry(200)
    with django_assert_max_num_queries(40) as one:
        client.get("/staff/cartoons/")
    for n in range(10):
        entry(201 + n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/staff/cartoons/?q=王")
    assert response.status_code == 200 and len(response.context["page"].object_list) == 11
