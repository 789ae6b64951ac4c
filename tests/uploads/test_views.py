"""Serving stored files: only to those who may see them, with headers that keep browsers from guessing."""

import uuid
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import override_settings

from tests.factories import Role, make_tree, make_user
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import upload_store

from . import files

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """One MEDIA_ROOT for the module's shared files (overrides the per-test one in conftest)."""
    root = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=root):
        yield root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """Built once per module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world():
    tree = make_tree()
    owner = make_user("owner", org=tree["grassroots_a"], role=Role.SUBMITTER)
    users = {
        "owner": owner,
        "city_a_staff": make_user("city_a_staff", org=tree["city_a"], role=Role.STAFF),
        "township_a_staff": make_user("township_a_staff", org=tree["township_a"], role=Role.STAFF),
        "city_b_staff": make_user("city_b_staff", org=tree["city_b"], role=Role.STAFF),
        # Not a subtree role: sees the township's own records, not those of the unions below it.
        "township_a_submitter": make_user(
            "township_a_submitter", org=tree["township_a"], role=Role.SUBMITTER
        ),
        "other_submitter": make_user("other_submitter", org=tree["grassroots_b"], role=Role.SUBMITTER),
        "superuser": make_user("root", is_superuser=True, is_staff=True),
    }
    stored = {
        "photo": upload_store(
            file=files.upload("先进事迹照片.jpg", files.camera_jpeg()),
            kind="image",
            actor=owner,
            organisation=tree["grassroots_a"],
        ),
        "pdf": upload_store(
            file=files.upload("申报材料.pdf", files.pdf_bytes()),
            kind="pdf",
            actor=owner,
            organisation=tree["grassroots_a"],
        ),
        "public": upload_store(
            file=files.upload("honouree.png", files.image_bytes()),
            kind="image",
            actor=users["city_b_staff"],
            organisation=tree["city_b"],
            public=True,
        ),
        # Uploaded by the owner without an organisation: only the owner (and superusers) see it.
        "loose": upload_store(file=files.upload("名单.csv", b"a,b\n1,2\n"), kind="sheet", actor=owner),
    }
    return tree, users, stored


def fetch(client, url, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    # Read the stream to the end so the test client closes the file.
    response.body = b"".join(response.streaming_content) if response.streaming else response.content
    return response


VISIBLE = {
    "owner": {"photo", "pdf", "public", "loose"},
    "city_a_staff": {"photo", "pdf", "public"},
    "township_a_staff": {"photo", "pdf", "public"},
    "city_b_staff": {"public"},
    "township_a_submitter": {"public"},
    "other_submitter": {"public"},
    "superuser": {"photo", "pdf", "public", "loose"},
    None: {"public"},
}


@pytest.mark.parametrize("who", VISIBLE, ids=[str(k) for k in VISIBLE])
def test_visible_to(world, who):
    _tree, users, stored = world
    user = users[who] if who else None
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()

    visible = set(StoredFile.objects.visible_to(user).values_list("pk", flat=True))

    assert visible == {stored[name].pk for name in VISIBLE[who]}


@pytest.mark.parametrize("who", VISIBLE, ids=[str(k) for k in VISIBLE])
@pytest.mark.parametrize("name", ["photo", "pdf", "public", "loose"])
def test_file_is_served_only_to_those_who_may_see_it(client, world, who, name):
    _tree, users, stored = world

    response = fetch(client, stored[name].get_absolute_url(), users[who] if who else None)

    assert response.status_code == (200 if name in VISIBLE[who] else 404)


def test_image_is_served_inline_with_its_stored_bytes(client, world):
    _tree, users, stored = world
    photo = stored["photo"]

    response = fetch(client, photo.get_absolute_url(), users["city_a_staff"])

    assert response.status_code == 200
    with photo.file.open("rb") as handle:
        assert response.body == handle.read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        "inline; filename=\"______.jpg\"; filename*=UTF-8''" + quote("先进事迹照片.jpg")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_pdf_is_an_attachment(client, world):
    _tree, users, stored = world

    response = fetch(client, stored["pdf"].get_absolute_url(), users["owner"])

    assert response.status_code == 200
    assert response.body == files.pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E6%9D%90%E6%96%99.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_csv_is_an_attachment_with_its_charset(client, world):
    _tree, users, stored = world

    response = fetch(client, stored["loose"].get_absolute_url(), users["owner"])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; ")


def test_public_file_is_served_to_anonymous_visitors_and_may_be_cached(client, world):
    _tree, _users, stored = world

    response = fetch(client, stored["public"].get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=3600"


def test_thumbnail_follows_the_same_rule(client, world):
    _tree, users, stored = world
    url = stored["photo"].thumbnail_url

    assert fetch(client, url).status_code == 404
    assert fetch(client, url, users["city_b_staff"]).status_code == 404
    response = fetch(client, url, users["township_a_staff"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    with stored["photo"].thumbnail.open("rb") as handle:
        assert response.body == handle.read()


def test_a_file_without_a_thumbnail_has_no_thumbnail_url(client, world):
    _tree, users, stored = world

    response = fetch(client, f"/files/{stored['pdf'].pk}/thumb/", users["owner"])

    assert response.status_code == 404


def test_unknown_file_is_404(client, world):
    _tree, users, _stored = world

    assert fetch(client, f"/files/{uuid.uuid4()}/", users["superuser"]).status_code == 404


def test_file_missing_from_storage_is_404_not_500(client, world):
    _tree, users, _stored = world
    pdf = upload_store(file=files.upload("a.pdf", files.pdf_bytes()), kind="pdf", actor=users["owner"])
    pdf.file.storage.delete(pdf.file.name)

    assert fetch(client, pdf.get_absolute_url(), users["owner"]).status_code == 404


def test_only_get_and_head(client, world):
    _tree, users, stored = world
    client.force_login(users["owner"])

    assert client.post(stored["pdf"].get_absolute_url()).status_code == 405
    head = client.head(stored["pdf"].get_absolute_url())
    assert head.status_code == 200
    head.close()


def test_english_prefix_does_not_apply(client, world):
    _tree, _users, stored = world

    assert fetch(client, f"/en/files/{stored['public'].pk}/").status_code == 404
