"""Where uploaded files live: the local volume by default, a private S3-compatible bucket as an option,
and in either case served only through /files/<uuid>/ by the storage's own API."""

import hashlib
import posixpath
from datetime import timedelta

import pytest
from django.core.files.storage import InMemoryStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from storages.backends.s3 import S3Storage

from tests.factories import make_user
from tests.ops.conftest import settings_for
from unionportal.uploads.services import stored_files_purge_orphans, upload_store

S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "portal-media",
    "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    "AWS_ACCESS_KEY_ID": "portal-key",
    "AWS_SECRET_ACCESS_KEY": "portal-secret",
}


def test_media_is_the_local_volume_by_default():
    conf = settings_for()
    assert conf["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_media_storage_s3_is_a_private_bucket_with_the_keys_from_the_environment():
    conf = settings_for(**S3_ENV)
    assert conf["STORAGES"]["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "portal-media",
            "endpoint_url": "http://127.0.0.1:9000",
            "region_name": None,
            "location": "",
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "access_key": "portal-key",
            "secret_key": "portal-secret",
        },
    }
    assert conf["STORAGES"]["staticfiles"] == settings_for()["STORAGES"]["staticfiles"]
    # The storage builds from these options without reaching the network.
    storage = S3Storage(**conf["STORAGES"]["default"]["OPTIONS"])
    assert (storage.bucket_name, storage.endpoint_url, storage.default_acl) == (
        "portal-media",
        "http://127.0.0.1:9000",
        "private",
    )
    assert storage.querystring_auth is True
    assert storage.file_overwrite is False


def test_without_keys_boto3_finds_its_own():
    env = {
        k: v for k, v in S3_ENV.items() if not k.startswith("AWS_ACCESS") and not k.startswith("AWS_SECRET")
    }
    options = settings_for(**env)["STORAGES"]["default"]["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options


def test_s3_without_a_bucket_or_an_unknown_storage_is_refused():
    with pytest.raises(Exception, match="MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"):
        settings_for(MEDIA_STORAGE="s3")
    with pytest.raises(Exception, match="MEDIA_STORAGE must be local or s3"):
        settings_for(MEDIA_STORAGE="nfs")


class ObjectStore(InMemoryStorage):
    """A storage without a file system, like a bucket: no path(), and no "directory" ever exists."""

    def path(self, name):
        raise NotImplementedError("an object store has no file system")

    def _relative_path(self, name):
        return posixpath.normpath(name)

    def exists(self, name):
        return super().exists(name) and not self._is_dir(name)

    def _is_dir(self, name):
        parent, base = posixpath.split(name.rstrip("/"))
        try:
            return base in self.listdir(parent)[0]
        except FileNotFoundError:
            return False


@pytest.fixture
def object_store(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.ObjectStore"}}
    return storages["default"]


def jpeg() -> SimpleUploadedFile:
    from tests.uploads import files

    return files.upload("photo.jpg", files.camera_jpeg())


@pytest.mark.django_db
def test_files_are_served_from_a_storage_without_a_file_system(client, object_store):
    owner = make_user("file-owner")
    stored = upload_store(file=jpeg(), kind="image", actor=owner)
    with pytest.raises(NotImplementedError):
        object_store.path(stored.file.name)  # nothing may read it by path
    client.force_login(owner)
    response = client.get(f"/files/{stored.pk}/")
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == stored.sha256
    assert client.get(f"/files/{stored.pk}/thumb/").status_code == 200
    object_store.delete(stored.file.name)
    assert client.get(f"/files/{stored.pk}/").status_code == 404


@pytest.mark.django_db
def test_orphans_are_purged_from_a_storage_without_directories(object_store):
    kept = upload_store(file=jpeg(), kind="image", actor=None)
    orphan = object_store.save("uploads/2020/01/orphan.jpg", SimpleUploadedFile("o.jpg", b"x"))
    assert not object_store.exists("uploads")  # as in a bucket: a prefix is no object
    purged = stored_files_purge_orphans(now=timezone.now() + timedelta(days=2))
    assert purged == [orphan]
    assert object_store.exists(kept.file.name)
    assert not object_store.exists(orphan)
