"""The request a service runs under, so audit events carry the client address without threading
``request`` through every service signature."""

from contextvars import ContextVar

from unionportal.http import client_ip

_client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip(request) or None)
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
