"""The request a service runs under, so audit events carry the client address without threading
``request`` through every service signature."""

from contextvars import ContextVar

from unionportal.http import client_ip

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)
_request: ContextVar = ContextVar("current_request", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


def current_request():
    """The request being served, or None (a task, a command); for code Django calls without it (the
    admin's read-only fields)."""
    return _request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request) or None)
        request_token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(request_token)
            _client_ip.reset(token)
