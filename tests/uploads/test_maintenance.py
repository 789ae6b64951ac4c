"""Orphaned files (from rolled-back transactions), deleting a stored file, publishing one, and the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tests.factories import Role, make_tree, make_user
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import (
    stored_file_delete,
    stored_file_set_public,
    stored_files_purge_orphans,
    upload_store,
)

from . import files

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _store(name="a.jpg"):
    return upload_store(file=files.upload(name, files.camera_jpeg()), kind="image", actor=None)


def test_files_of_a_rolled_back_upload_are_purged_after_the_grace_period(media_root):
    kept = _store("kept.jpg")
    with pytest.raises(Rollback), transaction.atomic():
        orphan = _store("orphan.jpg")
        raise Rollback
    assert not StoredFile.objects.filter(pk=orphan.pk).exists()
    assert len(files.stored_paths(media_root)) == 4  # both images and both thumbnails are on disk

    assert stored_files_purge_orphans(now=timezone.now()) == []  # younger than a day: kept
    purged = stored_files_purge_orphans(now=timezone.now() + timedelta(hours=25))

    assert sorted(purged) == sorted([orphan.file.name, orphan.thumbnail.name])
    assert files.stored_paths(media_root) == sorted([kept.file.name, kept.thumbnail.name])


def test_purge_command(media_root):
    out = StringIO()

    call_command("uploads_purge_orphans", "--hours=0", stdout=out)

    assert out.getvalue() == "0 orphaned file(s) deleted.\n"


def test_delete_removes_the_files_after_commit(media_root, django_capture_on_commit_callbacks):
    stored = _store()

    with django_capture_on_commit_callbacks(execute=True):
        stored_file_delete(stored_file=stored)
        assert len(files.stored_paths(media_root)) == 2  # still there until the commit

    assert not StoredFile.objects.exists()
    assert files.stored_paths(media_root) == []


def test_set_public(client, media_root):
    stored = _store()
    url = stored.get_absolute_url()
    assert client.get(url).status_code == 404

    stored_file_set_public(stored_file=stored, public=True)

    response = client.get(url)
    assert response.status_code == 200
    response.close()


def test_admin_list_is_for_superusers_only(client, media_root):
    tree = make_tree()
    stored = _store("证书.jpg")
    staff = make_user("province_staff", org=tree["province"], role=Role.STAFF, is_staff=True)
    superuser = make_user("root", is_superuser=True, is_staff=True)

    client.force_login(superuser)
    listing = client.get("/admin/uploads/storedfile/")
    detail = client.get(f"/admin/uploads/storedfile/{stored.pk}/change/")
    client.force_login(staff)
    refused = client.get("/admin/uploads/storedfile/")

    assert listing.status_code == 200
    assert "证书.jpg" in listing.content.decode()
    assert detail.status_code == 200
    assert stored.get_absolute_url() in detail.content.decode()
    assert refused.status_code == 403
