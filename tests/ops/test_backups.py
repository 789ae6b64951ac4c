"""bin/backup and bin/restore: a backup restored into a fresh database passes the restore check, and a
tampered table fails it; old backups are pruned, never under the audit retention."""

import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.conftest import skip_unless_ci
from unionportal import backups

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def databases():
    """Two new PostgreSQL databases on the server of DATABASE_URL (a source and an empty target)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        skip_unless_ci("needs DATABASE_URL on PostgreSQL")
        pytest.fail("CI must run on PostgreSQL")
    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    names = [f"{parts.path.lstrip('/')}_{role}_{os.getpid()}" for role in ("backup_src", "backup_dst")]
    with psycopg.connect(server, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [urlunsplit(parts._replace(path=f"/{name}")) for name in names]
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, media: Path) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE honouree (id serial PRIMARY KEY, name text NOT NULL)")
        conn.execute("INSERT INTO honouree (name) SELECT '劳模' || n FROM generate_series(1, 25) n")
        conn.execute("CREATE TABLE audit_event (id bigserial PRIMARY KEY, action text)")
        conn.execute("INSERT INTO audit_event (action) SELECT 'a' FROM generate_series(1, 7)")
        conn.execute('CREATE TABLE "Mixed Case" (id int)')  # any table name survives quoting
        conn.execute('INSERT INTO "Mixed Case" VALUES (1), (2)')
    (media / "uploads" / "2026" / "04").mkdir(parents=True)
    (media / "uploads" / "2026" / "04" / "a.jpg").write_bytes(b"\xff\xd8" + b"a" * 1000)
    (media / "uploads" / "2026" / "04" / "b.pdf").write_bytes(b"%PDF-" + b"b" * 500)
    (media / "uploads" / "c.png").write_bytes(b"\x89PNG" + b"c" * 10)


def run(script: str, *args: str, database: str, media: Path, backup_dir: Path) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DATABASE_URL": database,
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(backup_dir),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run([f"bin/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.services
def test_a_backup_restores_into_a_fresh_database_and_a_tampered_table_fails_the_check(databases, tmp_path):
    source, target = databases
    media, restored_media, backup_dir = tmp_path / "media", tmp_path / "restored", tmp_path / "backups"
    seed(source, media)

    made = run("backup", database=source, media=media, backup_dir=backup_dir)
    assert made.returncode == 0, made.stderr
    [folder] = backup_dir.iterdir()
    assert folder.name.startswith("unionportal-") and folder.name.endswith("+0800")
    assert sorted(p.name for p in folder.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"] == {"Mixed Case": 2, "audit_event": 7, "honouree": 25}
    assert manifest["media"] == {"files": 3, "bytes": 1002 + 505 + 14}

    restored = run("restore", str(folder), database=target, media=restored_media, backup_dir=backup_dir)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restore check: 3 tables, 0 difference(s)" in restored.stdout
    assert "DIFFERS" not in restored.stdout
    assert (restored_media / "uploads" / "2026" / "04" / "a.jpg").read_bytes() == b"\xff\xd8" + b"a" * 1000

    # Restoring again over what is there now is refused: a restore goes into an empty database.
    again = run("restore", str(folder), database=target, media=restored_media, backup_dir=backup_dir)
    assert again.returncode == 2
    assert "is not empty" in again.stderr

    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("DELETE FROM audit_event WHERE id = 3")
    (restored_media / "uploads" / "c.png").unlink()
    checked = run(
        "restore", "--check", str(folder), database=target, media=restored_media, backup_dir=backup_dir
    )
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert [line.split() for line in lines if "DIFFERS" in line] == [
        ["table", "audit_event", "7", "6", "DIFFERS"],
        ["media", "files", "3", "2", "DIFFERS"],
        ["media", "bytes", "1521", "1507", "DIFFERS"],
    ]
    assert "restore check: 3 tables, 3 difference(s)" in checked.stdout


@pytest.mark.services
def test_a_damaged_dump_is_refused_before_restoring(databases, tmp_path):
    source, target = databases
    seed(source, tmp_path / "media")
    assert run("backup", database=source, media=tmp_path / "media", backup_dir=tmp_path / "b").returncode == 0
    [folder] = (tmp_path / "b").iterdir()
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"\0")
    done = run(
        "restore", str(folder), database=target, media=tmp_path / "restored", backup_dir=tmp_path / "b"
    )
    assert done.returncode == 2
    assert "SHA-256 differs" in done.stderr


def test_old_backups_are_pruned_and_others_left_alone(tmp_path):
    now = datetime(2026, 5, 1, 2, 0, tzinfo=SHANGHAI)

    def folder(age_days: int, manifest: bool = True) -> Path:
        path = tmp_path / f"unionportal-{(now - timedelta(days=age_days)).strftime(backups.STAMP)}"
        path.mkdir()
        if manifest:
            (path / "manifest.json").write_text("{}")
        return path

    old, kept, fresh = folder(201), folder(199), folder(0)
    not_ours = tmp_path / "unionportal-notes"
    not_ours.mkdir()
    unfinished = folder(300, manifest=False)
    assert backups.prune(directory=tmp_path, keep_days=200, now=now) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (kept, fresh, not_ours, unfinished)
    )


def test_a_retention_under_the_audit_retention_is_refused(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "BACKUP_DIR": str(tmp_path),
        "BACKUP_KEEP_DAYS": "90",
    }
    done = subprocess.run(["bin/backup"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "BACKUP_KEEP_DAYS=90 is under the 183 days audit events are kept" in done.stderr
    assert list(tmp_path.iterdir()) == []
