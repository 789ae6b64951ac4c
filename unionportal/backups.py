"""Backups of the database and the uploaded files, taken together, and their restore with a check.

    python -m unionportal.backups backup             (bin/backup)
    python -m unionportal.backups restore FOLDER     (bin/restore)
    python -m unionportal.backups check FOLDER       (bin/restore --check: compare only)

A backup is one folder ``BACKUP_DIR/unionportal-<time>``: ``database.dump`` (pg_dump -Fc),
``media.tar.gz`` (every file of the default storage: the local volume or the S3 bucket) and
``manifest.json`` (rows per table, media files and bytes, the two files' SHA-256). The row counts are
taken in the very snapshot pg_dump dumps (an exported snapshot), so a restore of a busy site still
matches them exactly. The database comes first, then the files: a file uploaded in between is an
orphan in the backup (the daily purge removes it after a restore); every row's file is in it.

After writing, folders older than BACKUP_KEEP_DAYS (200 by default, never under AUDIT_RETENTION_DAYS:
audit events must outlive six months in the backups too) are deleted, newest first kept.

A restore goes into an empty database (and an empty media storage): pg_restore, the files put back
through the storage, then the check: rows per table and media files against the manifest, printed as
a table; any difference exits 1. PostgreSQL only (the embedded SQLite database is one file to copy).
"""

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

FOLDER_PREFIX = "unionportal-"
STAMP = "%Y%m%dT%H%M%S%z"
DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"


class BackupError(Exception):
    pass


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()


def _libpq_env() -> dict[str, str]:
    """pg_dump's and pg_restore's connection, from DATABASES (the one place it is configured)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise BackupError(
            "backups need PostgreSQL (DATABASE_URL=postgres://...); copy the SQLite file instead"
        )
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 - pg_dump/pg_restore, fixed arguments
    if done.returncode:
        raise BackupError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _row_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names from pg_tables, quoted
        counts[table.strip('"')] = cursor.fetchone()[0]
    return counts


def _media_files(storage, directory: str = ""):
    """Every file name of the storage (through listdir, as an object store has no folders)."""
    try:
        subdirectories, names = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield f"{directory}/{name}" if directory else name
    for subdirectory in sorted(subdirectories):
        yield from _media_files(storage, f"{directory}/{subdirectory}" if directory else subdirectory)


def _media_figures(storage) -> dict[str, int]:
    names = list(_media_files(storage))
    return {"files": len(names), "bytes": sum(storage.size(name) for name in names)}


def _archive_media(storage, path: Path) -> dict[str, int]:
    files = size = 0
    with tarfile.open(path, "w:gz") as archive:
        for name in _media_files(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(storage.get_modified_time(name).timestamp())
            archive.addfile(info, io.BytesIO(data))
            files += 1
            size += len(data)
    return {"files": files, "bytes": size}


def backup(*, directory: Path, keep_days: int, now: datetime) -> Path:
    """Write a backup folder and prune old ones; returns the new folder."""
    from django.core.files.storage import storages
    from django.db import connection

    env = _libpq_env()
    folder = directory / f"{FOLDER_PREFIX}{now.strftime(STAMP)}"
    partial = directory / f".{folder.name}.partial"
    partial.mkdir(parents=True)
    try:
        # One snapshot for the counts and the dump: the transaction holds it while pg_dump reads it.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                tables = _row_counts(cursor)
                _run(
                    ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(partial / DUMP)], env
                )
            finally:
                cursor.execute("ROLLBACK")
        media = _archive_media(storages["default"], partial / MEDIA)
        manifest = {
            "format": 1,
            "created_at": now.isoformat(),
            "database": {"name": env["PGDATABASE"], "tables": tables},
            "media": media,
            "files": {DUMP: _sha256(partial / DUMP), MEDIA: _sha256(partial / MEDIA)},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    prune(directory=directory, keep_days=keep_days, now=now)
    return folder


def prune(*, directory: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete backup folders (only ours: named by their time, with a manifest) older than keep_days."""
    removed = []
    for folder in sorted(directory.glob(f"{FOLDER_PREFIX}*")):
        try:
            taken = datetime.strptime(folder.name.removeprefix(FOLDER_PREFIX), STAMP)
        except ValueError:
            continue
        if (folder / MANIFEST).is_file() and taken < now - timedelta(days=keep_days):
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder / MANIFEST}: {exc}") from exc


def check(folder: Path, out=sys.stdout) -> int:
    """Compare the database and media with the manifest; prints a table, returns the differences."""
    from django.core.files.storage import storages
    from django.db import connection

    manifest = _manifest(folder)
    with connection.cursor() as cursor:
        restored = _row_counts(cursor)
    media = _media_figures(storages["default"])
    wanted = manifest["database"]["tables"]
    rows = [(f"table {t}", wanted.get(t), restored.get(t)) for t in sorted(set(wanted) | set(restored))]
    rows += [(f"media {k}", manifest["media"][k], media[k]) for k in ("files", "bytes")]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'':<{width}} {'backup':>10} {'restored':>10}", file=out)
    differences = 0
    for name, expected, found in rows:
        same = expected == found
        differences += not same
        shown = ["—" if v is None else str(v) for v in (expected, found)]
        print(f"{name:<{width}} {shown[0]:>10} {shown[1]:>10}  {'ok' if same else 'DIFFERS'}", file=out)
    tables = sum(1 for name, _, _ in rows if name.startswith("table "))
    print(f"restore check: {tables} tables, {differences} difference(s)", file=out)
    return differences


def restore(folder: Path, out=sys.stdout) -> int:
    """Restore a backup folder into an empty database and media storage, then check it."""
    from django.core.files.base import File
    from django.core.files.storage import storages
    from django.db import connection

    manifest = _manifest(folder)
    for name, digest in manifest["files"].items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{folder / name} is not the file the backup wrote (SHA-256 differs)")
    env = _libpq_env()
    with connection.cursor() as cursor:
        if _tables(cursor):
            raise BackupError(f"database {env['PGDATABASE']} is not empty; restore into a new one")
    connection.close()
    storage = storages["default"]
    if next(_media_files(storage), None) is not None:
        raise BackupError("the media storage is not empty; restore into an empty one")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            env["PGDATABASE"],
            str(folder / DUMP),
        ],
        env,
    )
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            name = os.path.normpath(member.name)
            if name.startswith(("/", "..")):
                raise BackupError(f"{member.name}: a name outside the media storage")
            with archive.extractfile(member) as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
    return check(folder, out=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="unionportal.backups", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write a backup folder into BACKUP_DIR and prune old ones")
    for name in ("restore", "check"):
        sub = commands.add_parser(name, help=f"{name} a backup folder")
        sub.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.utils import timezone

    try:
        if args.command == "backup":
            keep = settings.BACKUP_KEEP_DAYS
            if keep < settings.AUDIT_RETENTION_DAYS:
                raise BackupError(
                    f"BACKUP_KEEP_DAYS={keep} is under the {settings.AUDIT_RETENTION_DAYS} days audit events are kept"
                )
            now = timezone.localtime()
            folder = backup(directory=Path(settings.BACKUP_DIR), keep_days=keep, now=now)
            manifest = _manifest(folder)
            print(
                f"backup: {folder} ({len(manifest['database']['tables'])} tables,"
                f" {manifest['media']['files']} media files, {manifest['media']['bytes']} bytes)"
            )
            return 0
        if args.command == "restore":
            return 1 if restore(args.folder) else 0
        return 1 if check(args.folder) else 0
    except BackupError as exc:
        print(f"{args.command} FAILED: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
