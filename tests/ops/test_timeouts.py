"""Every network call has a deadline: a hung database fails the request fast, /ping still answers."""

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import skip_unless_ci
from tests.ops.conftest import get, serve, settings_for

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://portal:secret@db.example.org:5432/unionportal"


def test_postgresql_gets_a_connect_timeout_and_no_statement_timeout_by_default():
    options = settings_for(DATABASE_URL=PG)["DATABASES"]["default"]["OPTIONS"]
    assert options == {"connect_timeout": 5}


def test_connect_and_statement_timeouts_come_from_the_environment():
    options = settings_for(DATABASE_URL=PG, DATABASE_CONNECT_TIMEOUT="3", DATABASE_STATEMENT_TIMEOUT="2.5")[
        "DATABASES"
    ]["default"]["OPTIONS"]
    assert options == {"connect_timeout": 3, "options": "-c statement_timeout=2500"}


def test_statement_timeout_keeps_options_given_in_the_url():
    url = f"{PG}?options=-c%20search_path%3Dportal"
    options = settings_for(DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT="30")["DATABASES"]["default"][
        "OPTIONS"
    ]
    assert options["options"] == "-c search_path=portal -c statement_timeout=30000"


def test_sqlite_gets_no_postgresql_options():
    options = settings_for()["DATABASES"]["default"]["OPTIONS"]
    assert "connect_timeout" not in options
    assert "options" not in options


def test_mail_and_redis_timeouts():
    values = settings_for(REDIS_URL="redis://127.0.0.1:6379/0")
    assert values["EMAIL_TIMEOUT"] == 10
    assert values["CACHES"]["default"]["OPTIONS"] == {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}
    values = settings_for(
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_TIMEOUT="4",
        REDIS_SOCKET_CONNECT_TIMEOUT="0.5",
        REDIS_SOCKET_TIMEOUT="1.5",
    )
    assert values["EMAIL_TIMEOUT"] == 4
    assert values["CACHES"]["default"]["OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 1.5}


class SilentServer:
    """Accepts TCP connections and never says a word: a database that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with contextlib.suppress(OSError):
            while True:
                self.accepted.append(self.sock.accept()[0])

    def close(self):
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def web_on_a_hung_database(tmp_path):
    database = SilentServer()
    try:
        with serve(
            tmp_path,
            DATABASE_URL=f"postgres://portal@127.0.0.1:{database.port}/unionportal",
            DATABASE_CONNECT_TIMEOUT="2",
            MIGRATE_ON_START="0",
        ) as base:
            yield base
    finally:
        database.close()


def test_a_hung_database_fails_the_page_fast_while_ping_answers(web_on_a_hung_database):
    base = web_on_a_hung_database
    answers = {}

    def page():
        started = time.monotonic()
        answers["page"] = (*get(f"{base}/honourees/"), time.monotonic() - started)

    thread = threading.Thread(target=page)
    thread.start()
    time.sleep(0.5)  # the page's thread is now waiting on the database
    started = time.monotonic()
    assert get(f"{base}/ping", timeout=5) == (200, "ok")
    assert time.monotonic() - started < 1
    thread.join(timeout=30)
    status, body, elapsed = answers["page"]
    assert status == 500
    assert "服务器出错了" in body
    print(f"the page failed after {elapsed:.2f} s")
    assert elapsed < 2 + 3  # the connect timeout, and a margin for a loaded machine


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_cancels_a_statement_past_the_statement_timeout():
    import psycopg
    from django.db import connection
    from psycopg import errors

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        skip_unless_ci("needs DATABASE_URL on PostgreSQL")
        pytest.fail("CI must run on PostgreSQL")
    options = settings_for(DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT="0.5")["DATABASES"]["default"][
        "OPTIONS"
    ]
    db = connection.settings_dict  # the test database
    started = time.monotonic()
    with (
        psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], **options
        ) as conn,
        pytest.raises(errors.QueryCanceled, match="statement timeout"),
    ):
        conn.execute("SELECT pg_sleep(5)")
    assert time.monotonic() - started < 3


def test_gunicorn_runs_with_timeouts_for_a_proxy_in_front():
    script = (ROOT / "bin" / "web").read_text()
    for flag in ('--timeout "${WEB_TIMEOUT:-60}"', '--graceful-timeout "${WEB_GRACEFUL_TIMEOUT:-25}"'):
        assert flag in script
    # Longer than the 60 s idle timeout of nginx's upstream keep-alive and of common load balancers.
    assert '--keep-alive "${WEB_KEEP_ALIVE:-75}"' in script
    assert 'DATABASE_STATEMENT_TIMEOUT="${DATABASE_STATEMENT_TIMEOUT:-30}"' in script
