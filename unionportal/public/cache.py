"""Whole-page cache for the public read pages (``PublicPageMiddleware``, views marked ``public_page``).

Only requests that carry no session or message cookie are served from (and stored in) the cache, so a
cached page can never hold anything personal. Publishing bumps a version number that each stored page
carries, which invalidates all public pages at once (a page of an older version is a miss); with Redis
the version and the page are read in one round trip.

Every process must see the same version, or a revoked honouree stays on the pages another process has
cached. With Redis the version lives in the shared cache. The local-memory cache (no REDIS_URL) is one
per process — gunicorn's workers, the `run_periodic` cron that puts scheduled news live, a management
command — so there the version lives in a small file (``PUBLIC_CACHE_VERSION_DIR``, default ``var/``)
that all of them read: one read of a few bytes per public request. Processes on several hosts need
REDIS_URL (they need it for the broker and the rate limits anyway).
"""

import fcntl
import logging
import os
import re
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from unionportal import permissions

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
TIMEOUT = 300
_PROCESS_LOCAL = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _version_file() -> Path | None:
    """The file holding the version when the cache is this process's own; None when it is shared."""
    conf = settings.CACHES["default"]
    if conf["BACKEND"] not in _PROCESS_LOCAL:
        return None
    # One file per key prefix: two sites (or test runs) with their own prefix keep their own version.
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", conf.get("KEY_PREFIX", "")) or "default"
    return Path(settings.PUBLIC_CACHE_VERSION_DIR) / f"public-cache-version.{prefix}"


def _read(path: Path) -> int:
    try:
        return int(path.read_text() or 1)
    except FileNotFoundError:
        return 1
    except (OSError, ValueError):
        logger.warning("the public cache version in %s could not be read", path, exc_info=True)
        return 1


def _bump(path: Path) -> None:
    """Add one under a lock; the new value replaces the file whole, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f"{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        written = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        written.write_text(str(_read(path) + 1))
        os.replace(written, path)


def _version() -> int:
    path = _version_file()
    if path is not None:
        return _read(path)
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
    path = _version_file()
    if path is not None:
        try:
            _bump(path)
        except OSError:
            # What was published stands; other processes serve their cached pages until they expire.
            logger.error("the public cache version in %s could not be written", path, exc_info=True)
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _version_and_page(key: str):
    """The current version and what is stored under ``key`` (None, or (version, content, type)): with
    Redis in one round trip."""
    if _version_file() is not None:
        return _version(), cache.get(key)
    found = cache.get_many([VERSION_KEY, key])
    if VERSION_KEY not in found:
        return _version(), found.get(key)
    return found[VERSION_KEY], found.get(key)


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


class PublicPageMiddleware:
    """Answers an anonymous GET with its stored public page before the rest of the stack runs.

    Placed right under the security and static-file middleware: a stored page is the whole answer the
    stack below made (content and headers: the content security policy, the frame and cache rules, the
    language), so nothing below has anything left to do for it, and a visitor's request costs one cache
    round trip. A page is stored only when its view was marked ``public_page`` and the answer is a 200
    that sets no cookie. The language is in the path (the default language's pages have no prefix), so
    the path names the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable(request):
            return self.get_response(request)
        key = f"public:page:{request.get_full_path()}"
        current, hit = _version_and_page(key)
        if hit is not None and hit[0] == current:
            _stored_version, content, headers = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        storable = (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
        )
        if storable:
            # Stored with the version it was made under: once the version moves on, it is a miss.
            cache.set(key, (current, response.content, list(response.items())), TIMEOUT)
        return response


def public_page(view):
    """A page every anonymous visitor gets the same: marked for ``PublicPageMiddleware`` to store, and
    for browsers and proxies to keep a minute."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _cacheable(request):
            response.public_page = True
        patch_cache_control(response, public=True, max_age=60)
        return response

    return permissions.public(wrapped)
