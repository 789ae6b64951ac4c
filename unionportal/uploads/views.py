"""Serving stored files: only through here, only to users who may see them (404 otherwise)."""

from urllib.parse import quote

from csp.constants import NONE, SELF
from csp.decorators import csp
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from unionportal.permissions import records

from .selectors import access_stored_file

# Opened directly, a stored file is a document of its own: no script, no plugin, no form may run in it.
FILE_CSP = {
    "default-src": [NONE],
    "img-src": [SELF],
    "style-src": ["'unsafe-inline'"],  # the browser's own image viewer styles the page it builds
    "frame-ancestors": [NONE],
    "sandbox": True,
}
PUBLIC_MAX_AGE = 3600  # a withdrawn public file stops being served from shared caches within the hour


def content_disposition(disposition: str, name: str) -> str:
    """RFC 6266: an ASCII fallback, then the real name in UTF-8 for every current browser."""
    fallback = "".join(ch if ch.isascii() and ch.isprintable() and ch not in '"\\;%' else "_" for ch in name)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _serve(request, pk, *, thumbnail: bool):
    stored = access_stored_file(request.user, pk)
    field = stored.thumbnail if thumbnail else stored.file
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(
        "inline" if stored.is_image else "attachment", stored.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}" if stored.is_public else "private"
    return response


@records("stored_file", "open")
@require_safe
@csp(FILE_CSP)
def file_serve(request, pk):
    return _serve(request, pk, thumbnail=False)


@records("stored_file", "open")
@require_safe
@csp(FILE_CSP)
def thumbnail_serve(request, pk):
    return _serve(request, pk, thumbnail=True)
