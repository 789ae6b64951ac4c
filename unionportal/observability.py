"""What an operator sees: log lines, the request id that ties them together, and error reports.

- Every log line of web, worker and beat goes through one handler (``settings.LOGGING``): one JSON
  object per line (``LOG_FORMAT=json``, the default with DEBUG off) or a plain line (``text``).
  Timestamps are in the site's time zone (Asia/Shanghai) with their offset, e.g.
  ``2026-04-27T10:15:30.123+08:00``, so a line reads as local time and still sorts and converts exactly.
- A request id is taken from the proxy's ``X-Request-ID`` (only from a peer in TRUSTED_PROXIES, and only
  when it looks like an id) or made here, returned in the ``X-Request-ID`` response header and carried
  by every line logged while the request runs. Tasks queued during the request carry it in a message
  header, and every line the task logs on the worker carries it too.
- Each request is logged once (``unionportal.middleware.RequestLogMiddleware``).
- ``sentry_before_send`` strips request bodies, cookies and credentials from error reports.
"""

import contextlib
import contextvars
import json
import logging
import logging.config
import os
import re
import traceback
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from gunicorn import glogging

from unionportal.http import _is_trusted

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is believed only if it looks like one (a UUID, a hex or base64url token): no spaces, no
# quotes, nothing that could forge a second log field or line.
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:\-]{8,128}")
# The Celery message header that carries the request id to the worker.
TASK_HEADER = "request_id"

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)


def current_request_id() -> str | None:
    """The id of the request (or of the request that queued the task) this code runs for."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def request_context(rid: str | None):
    """Lines logged (and tasks queued) inside carry ``rid``."""
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)


def request_id_from(request) -> str:
    """The proxy's X-Request-ID when the peer is a trusted proxy and the value looks like an id; else a
    new one. An id sent by anyone else is ignored, so a client cannot choose what its lines are filed under."""
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    if offered and _REQUEST_ID_RE.fullmatch(offered) and _is_trusted(request.META.get("REMOTE_ADDR", "")):
        return offered
    return new_request_id()


# --- log records ------------------------------------------------------------------------------------------


class ContextFilter(logging.Filter):
    """Stamps each record with the request id and the running task (None outside either)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        task = _task.get()
        if task is not None and not hasattr(record, "task_id"):
            record.task_name, record.task_id = task
        return True


# The attributes every LogRecord has; anything else on a record came from ``extra=`` and is a field.
_RECORD_ATTRIBUTES = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (with offset), level, logger, message, request_id, then the
    fields passed as ``extra=`` (the request line's method, path, status...) and the exception."""

    def __init__(self, *args, time_zone: str = "Asia/Shanghai", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(time_zone)

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, self.zone).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain line of development: time, level, logger, the request id when there is one, message."""

    def format(self, record):
        rid = getattr(record, "request_id", None)
        record.request_tag = f" [{rid}]" if rid else ""
        try:
            return super().format(record)
        finally:
            del record.request_tag  # the record goes on to other handlers, a JSON one perhaps


# --- tasks ------------------------------------------------------------------------------------------------


def task_publishing(headers: dict) -> None:
    """Celery's before_task_publish: the task takes the current request id along (also from a task that
    queues another: the chain keeps the id of the request that started it)."""
    rid = _request_id.get()
    if rid is not None and headers is not None:
        headers.setdefault(TASK_HEADER, rid)


def task_starting(task) -> tuple:
    """Celery's task_prerun: the task's lines carry the id of the request that queued it (and the
    task's name and id). Eager tasks run inside the request and keep its id."""
    rid = getattr(task.request, TASK_HEADER, None) or _request_id.get()
    return (_request_id.set(rid), _task.set((task.name, task.request.id)))


def task_finished(tokens: tuple | None) -> None:
    """Celery's task_postrun: back to the context from before the task."""
    if tokens:
        rid_token, task_token = tokens
        _task.reset(task_token)
        _request_id.reset(rid_token)


# --- gunicorn ---------------------------------------------------------------------------------------------


class GunicornLogger(glogging.Logger):
    """gunicorn's logger (``--logger-class``), writing through the portal's handler: its master's and
    workers' lines come out in the same format as the application's. The access log is left off: the
    request line of RequestLogMiddleware is the one line per request (with the user and the id)."""

    def setup(self, cfg):
        super().setup(cfg)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True
        self.error_log.setLevel(self.loglevel)


# --- error reports ----------------------------------------------------------------------------------------

# Request headers that carry credentials or session state; dropped from every error report.
_SECRET_HEADERS = {"cookie", "authorization", "proxy-authorization", "x-csrftoken", "set-cookie"}


def sentry_before_send(event, hint):
    """Sentry's before_send: no request body, no cookies, no credentials, no query string (a search
    may hold a name or an ID number); the request id is attached so the report meets its log lines."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() not in _SECRET_HEADERS}
    rid = _request_id.get()
    if rid:
        event.setdefault("tags", {})["request_id"] = rid
    return event


def sentry_init(*, dsn: str, environment: str, release: str = "") -> None:
    """Error tracking for Django and Celery, without personal data (settings call this when SENTRY_DSN
    is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=sentry_before_send,
        # Errors only; performance tracing is Prometheus's job here.
        traces_sample_rate=0,
    )
