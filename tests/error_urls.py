"""A test-only URL conf: the project's URLs and error handlers, plus views that fail on purpose, at
unprefixed and /en/ paths (used with ``override_settings(ROOT_URLCONF="tests.error_urls")``)."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import BadRequest, PermissionDenied
from django.urls import path
from django_ratelimit.decorators import ratelimit

from unionportal import urls as project
from unionportal.http import ratelimited


def bad_request(request):
    raise BadRequest("malformed")


def forbidden(request):
    raise PermissionDenied


def throttled(request):
    return ratelimited(request, None, retry_after=42)


@ratelimit(key="ip", rate="0/m", block=True)
def blocked(request):
    raise AssertionError("a rate of 0/m lets nothing through")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    *project.urlpatterns,
    *i18n_patterns(
        path("test-errors/400/", bad_request),
        path("test-errors/403/", forbidden),
        path("test-errors/429/", throttled),
        path("test-errors/429-blocked/", blocked),
        path("test-errors/500/", broken),
        prefix_default_language=False,
    ),
]

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500
