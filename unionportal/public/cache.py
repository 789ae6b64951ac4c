"""Whole-page cache for the public read pages.

Only requests that carry no session or message cookie are served from (and stored in) the cache, so a
cached page can never hold anything personal. Publishing bumps a version number that is part of every
key, which invalidates all public pages at once.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from unionportal import permissions

VERSION_KEY = "public:version"
TIMEOUT = 300


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def version() -> int:
    """The current public version: part of every public cache key (of pages and share images)."""
    return _version()


def invalidate() -> None:
    """Drop every cached public page (call after publishing, revoking or editing public content)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def public_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = f"public:{_version()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            storable = response.status_code == 200 and not response.cookies
            if storable and not getattr(response, "streaming", False):
                cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
        patch_cache_control(response, public=True, max_age=60)
        return response

    return permissions.public(wrapped)
