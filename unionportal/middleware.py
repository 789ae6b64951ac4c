"""Site-wide middleware: the response headers every answer needs, and the request's id and log line."""

import logging
import time

from django.utils.cache import patch_cache_control

from unionportal import observability
from unionportal.http import client_ip

request_log = logging.getLogger("unionportal.request")

FILES_PREFIX = "/files/"


def _directives(response) -> set[str]:
    return {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}


def _private(response) -> None:
    for header in ("Cache-Control", "Expires"):
        if header in response:
            del response[header]
    patch_cache_control(response, private=True, no_store=True)


class PrivateCacheControlMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user and on stored files.

    A page a signed-in user sees may show their name, their records or a CSRF token, even under a public
    URL (the public page cache marks those pages public, since anonymous visitors get the same page), so
    neither a shared cache nor the browser's disk may keep it. Stored files are private unless the file
    view marks one as public (a published honouree's photo), which only an anonymous request keeps.
    Answers to anonymous visitors are left as the views made them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        private_file = request.path_info.startswith(FILES_PREFIX) and "public" not in _directives(response)
        if signed_in or private_file:
            _private(response)
        return response


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _logged_path(request) -> str:
    """The path as logged: a URL's secret part (a password-reset link's token) is masked."""
    match = request.resolver_match
    token = match.kwargs.get("token") if match is not None else None
    if token and str(token) in request.path:
        return request.path.replace(str(token), "…")
    return request.path


def _address_not_logged(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and getattr(match.func, "address_not_logged", False)


class RequestLogMiddleware:
    """The request's id and its one log line. Outermost, so that every line logged while the request
    runs (by any middleware below or the view) carries the id, and the duration counts the whole stack.

    The id is the proxy's ``X-Request-ID`` when the peer is a trusted proxy, else a new one; it is sent
    back in ``X-Request-ID``. The line: method, path (without the query string, where searches put names
    and phone numbers), status, duration in ms, the client's address (``client_ip``: X-Forwarded-For only
    from TRUSTED_PROXIES) and the user's id, never a name.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = observability.request_id_from(request)
        request.request_id = rid
        with observability.request_context(rid):
            started = time.perf_counter()
            response = self.get_response(request)
            duration = (time.perf_counter() - started) * 1000
            response[observability.REQUEST_ID_HEADER] = rid
            path = _logged_path(request)
            request_log.info(
                "%s %s %s %.1f ms",
                request.method,
                path,
                response.status_code,
                duration,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round(duration, 1),
                    "client_ip": None if _address_not_logged(request) else client_ip(request),
                    "user_id": _user_id(request),
                },
            )
        return response
