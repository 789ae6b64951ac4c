"""The portal's error pages: handler400, handler403, handler404 and handler500 (wired in unionportal.urls).

429 is ``unionportal.http.ratelimited`` (settings.RATELIMIT_VIEW); django-ratelimit's ``Ratelimited`` is a
PermissionDenied, and without its middleware it arrives here, so the 403 handler hands it over.

Each page speaks the language of the URL (the ``/en/`` prefix), as LocaleMiddleware would choose it: the
handlers set it again from the path because an error raised before that middleware ran (or, for the 500,
after its state was torn down) would otherwise answer in the default language. The 4xx pages extend
base.html like every page; for an anonymous visitor they set no cookie and carry no CSRF token (a 404
under a public path must be as cacheable as the page it stands for). Exception messages are shown only
for 403, whose PermissionDenied messages are written for the user ("您的角色不能使用此页面。"); a 404's
message is for developers and would tell a guessed URL something.

The 500 page cannot count on anything: the database may be down, the session unreadable, a context
processor the cause. So ``500.html`` is a standalone page rendered without the request (no context
processors, no query, no URL reversing), given only the hotline from settings; and if even that fails
(e.g. a static manifest entry is missing), a fixed bilingual text answers, so a 500 never turns into a
crash of the handler itself.
"""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.csrf import requires_csrf_token
from django_ratelimit.exceptions import Ratelimited

logger = logging.getLogger(__name__)

_FALLBACK_500 = (
    '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>500</title>'
    "<h1>服务器出错了</h1><p>错误已被记录，请稍后再试。</p>"
    '<p lang="en">Something went wrong on our side. It has been logged; please try again later.</p></html>'
)


def _language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _back_url(request) -> str | None:
    """The page the visitor came from, if it is on this site (for "go back and try again")."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except Exception:  # the 400 for a disallowed Host header: no safe host to compare with
        return None
    if referer and url_has_allowed_host_and_scheme(referer, {host}, require_https=request.is_secure()):
        return referer
    return None


@requires_csrf_token
def bad_request(request, exception):
    with translation.override(_language(request)):
        return render(request, "400.html", {"back_url": _back_url(request)}, status=400)


@requires_csrf_token
def permission_denied(request, exception):
    if isinstance(exception, Ratelimited):
        return import_string(settings.RATELIMIT_VIEW)(request, exception)
    with translation.override(_language(request)):
        return render(
            request, "403.html", {"message": str(exception) if exception is not None else ""}, status=403
        )


@requires_csrf_token
def page_not_found(request, exception):
    with translation.override(_language(request)):
        return render(request, "404.html", status=404)


def server_error(request):
    try:
        with translation.override(_language(request)):
            html = render_to_string("500.html", {"SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE})
    except Exception:
        logger.exception("the 500 page could not be rendered; answered with the fixed text")
        html = _FALLBACK_500
    return HttpResponseServerError(html)


@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token (most often: the page sat open past its session). It is
    a refusal (403, as Django answers), told like the 400 page: go back, reload, send again."""
    with translation.override(_language(request)):
        return render(request, "400.html", {"back_url": _back_url(request), "csrf": True}, status=403)
