"""What an operator sees: one JSON line per request with its id, the id carried into queued tasks, and
error reports without personal data."""

import gzip
import json
import logging
import os
import re
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from celery import Celery
from celery.worker.request import Request as TaskRequest
from django.http import HttpResponse
from django.test import RequestFactory

from tests.factories import make_user
from tests.ops.conftest import settings_for
from unionportal import observability
from unionportal.middleware import RequestLogMiddleware

ROOT = Path(__file__).resolve().parents[2]
# Local time of the site with its offset, to the millisecond.
SHANGHAI_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00")


class Lines(logging.Handler):
    """The JSON lines the deployed handler would write, parsed back."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.addFilter(observability.ContextFilter())
        self.setFormatter(observability.JsonFormatter(time_zone="Asia/Shanghai"))
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.lines if line["logger"] == logger]


@pytest.fixture
def log_lines():
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_is_logged_once_as_json_with_the_proxys_id_address_and_the_user_id(
    client, settings, log_lines
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    user = make_user("logged-user", phone="13800000099")
    client.force_login(user)
    response = client.get(
        "/inbox/?q=13800000099",
        HTTP_X_REQUEST_ID="proxy-id-0123456789",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "proxy-id-0123456789"
    [line] = log_lines.of("unionportal.request")
    assert SHANGHAI_TIME.fullmatch(line.pop("time")), line
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and duration >= 0
    line.pop("pid")
    assert line == {
        "level": "INFO",
        "logger": "unionportal.request",
        "message": f"GET /inbox/ 200 {duration:.1f} ms",
        "request_id": "proxy-id-0123456789",
        "method": "GET",
        "path": "/inbox/",
        "status": 200,
        "client_ip": "203.0.113.9",
        "user_id": user.pk,
    }
    # No name, no phone number, no query string anywhere in what the request logged.
    everything = json.dumps(log_lines.lines, ensure_ascii=False)
    assert "logged-user" not in everything
    assert "13800000099" not in everything


@pytest.mark.django_db
def test_an_id_from_an_untrusted_peer_or_not_shaped_like_an_id_is_replaced(client, settings, log_lines):
    settings.TRUSTED_PROXIES = []
    response = client.get("/ping", HTTP_X_REQUEST_ID="chosen-by-the-client")
    made = response["X-Request-ID"]
    assert made != "chosen-by-the-client"
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    forged = client.get("/ping", HTTP_X_REQUEST_ID='x" "status": 200')["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)
    assert [line["request_id"] for line in log_lines.of("unionportal.request")] == [made, forged]
    assert [line["client_ip"] for line in log_lines.of("unionportal.request")] == ["127.0.0.1"] * 2


@pytest.mark.django_db
def test_a_password_reset_token_is_not_logged(client, log_lines):
    client.get("/accounts/password/reset/MQ/abc123-0123456789abcdef/")
    [line] = log_lines.of("unionportal.request")
    assert line["path"] == "/accounts/password/reset/MQ/…/"
    assert "0123456789abcdef" not in json.dumps(log_lines.lines)


def test_every_line_logged_during_the_request_carries_its_id(log_lines):
    def view(request):
        logging.getLogger("unionportal.somewhere").warning("inside the view")
        return HttpResponse("ok")

    response = RequestLogMiddleware(view)(RequestFactory().get("/somewhere/"))
    rid = response["X-Request-ID"]
    logging.getLogger("unionportal.somewhere").warning("after the request")
    assert [(line["message"], line["request_id"]) for line in log_lines.lines] == [
        ("inside the view", rid),
        ("GET /somewhere/ 200 " + log_lines.lines[1]["message"].split()[3] + " ms", rid),
        ("after the request", None),
    ]


def test_log_format_is_json_without_debug_and_text_with_it():
    deployed = settings_for(DEBUG="0", SECRET_KEY="x" * 50)["LOGGING"]
    assert deployed["handlers"]["console"]["formatter"] == "json"
    assert deployed["formatters"]["json"]["time_zone"] == "Asia/Shanghai"
    assert settings_for(DEBUG="1")["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert settings_for(DEBUG="1", LOG_FORMAT="json")["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(Exception, match="LOG_FORMAT must be json or text"):
        settings_for(LOG_FORMAT="xml")


# --- tasks: the id travels in the message, not in the process ------------------------------------------------

# A Celery app of its own on the in-memory broker: the project's signal handlers (connected when
# unionportal.celery is imported) apply to every app, and nothing here touches the project's broker.
broker = Celery("observability-test", broker="memory://", set_as_current=False)
broker.conf.update(task_serializer="json", accept_content=["json"], task_default_queue="observability")


@broker.task(name="tests.observability.say")
def say(words):
    logging.getLogger("tests.observability").info(words)


def run_queued_task_elsewhere() -> None:
    """Take the message off the queue and run it as a worker does, in a thread of its own (which shares
    no context with the request's)."""
    with broker.connection_for_read() as conn:
        message = conn.default_channel.basic_get("observability")
        assert message is not None

        def work():
            TaskRequest(message, app=broker, task=broker.tasks["tests.observability.say"]).execute()

        worker = threading.Thread(target=work)
        worker.start()
        worker.join(10)


def test_a_task_queued_during_a_request_logs_under_the_requests_id(log_lines):
    def view(request):
        say.delay("the task ran")
        return HttpResponse("ok")

    rid = RequestLogMiddleware(view)(RequestFactory().get("/queue/"))["X-Request-ID"]
    run_queued_task_elsewhere()
    [line] = log_lines.of("tests.observability")
    assert line["message"] == "the task ran"
    assert line["request_id"] == rid
    assert line["task_name"] == "tests.observability.say"
    assert re.fullmatch(r"[0-9a-f-]{36}", line["task_id"])


def test_a_task_queued_outside_a_request_logs_without_an_id(log_lines):
    say.delay("from beat")
    run_queued_task_elsewhere()
    [line] = log_lines.of("tests.observability")
    assert line["request_id"] is None
    assert line["task_name"] == "tests.observability.say"


# --- error reports -------------------------------------------------------------------------------------------


class Envelopes(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        Envelopes.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


SENTRY_SCRIPT = """
import django
from django.test import Client
from django.test.utils import override_settings
import sentry_sdk

django.setup()
with override_settings(ROOT_URLCONF="tests.error_urls", ALLOWED_HOSTS=["testserver"]):
    client = Client(raise_request_exception=False)
    client.cookies["preferences"] = "secret-cookie-value"
    answer = client.post(
        "/test-errors/500/?name=%E5%BC%A0%E4%B8%89",
        {"id_number": "420106199001011234"},
        HTTP_AUTHORIZATION="Bearer secret-token",
        HTTP_X_REQUEST_ID="sentry-test-request-1",
        REMOTE_ADDR="127.0.0.1",
    )
    assert answer.status_code == 500, answer.status_code
sentry_sdk.flush(5)
"""


def test_an_error_report_carries_no_body_cookie_credential_or_query(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), Envelopes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Envelopes.received = []
    try:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "DJANGO_SETTINGS_MODULE": "unionportal.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/1",
            "TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "CRITICAL",
        }
        done = subprocess.run(
            [sys.executable, "-c", SENTRY_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    finally:
        server.shutdown()
        server.server_close()
    events = []
    for envelope in Envelopes.received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    [event] = [e for e in events if e.get("exception")]
    assert event["exception"]["values"][-1]["value"] == "a bug"
    request = event["request"]
    assert "data" not in request
    assert "cookies" not in request
    assert "query_string" not in request
    assert {k.lower() for k in request.get("headers", {})} & {"cookie", "authorization"} == set()
    assert event["tags"]["request_id"] == "sentry-test-request-1"
    assert "user" not in event or "ip_address" not in event["user"]
    sent = json.dumps(event, ensure_ascii=False)
    for secret in ("420106199001011234", "secret-cookie-value", "secret-token", "张三"):
        assert secret not in sent


def test_before_send_strips_a_full_request():
    event = {
        "request": {
            "url": "https://portal.example.org/honourees/",
            "method": "POST",
            "query_string": "q=%E5%BC%A0%E4%B8%89",
            "data": {"id_number": "420106199001011234"},
            "cookies": {"sessionid": "s"},
            "headers": {
                "Cookie": "sessionid=s",
                "Authorization": "Bearer t",
                "X-Csrftoken": "c",
                "User-Agent": "Mozilla/5.0",
            },
        }
    }
    with observability.request_context("abc-request-id"):
        sent = observability.sentry_before_send(event, {})
    assert sent == {
        "request": {
            "url": "https://portal.example.org/honourees/",
            "method": "POST",
            "headers": {"User-Agent": "Mozilla/5.0"},
        },
        "tags": {"request_id": "abc-request-id"},
    }
