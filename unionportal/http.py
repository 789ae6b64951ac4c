"""Client addresses: X-Forwarded-For is believed only from a peer listed in TRUSTED_PROXIES."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The address of the client, for lockout, throttles and audit.

    Walks X-Forwarded-For from the right while the hop is a trusted proxy; the first untrusted hop is
    the client. From an untrusted peer the header is ignored, so it cannot be spoofed.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else peer


def ratelimited(request, exception=None, *, retry_after: int | None = None):
    """The answer to a client over a rate limit (settings.RATELIMIT_VIEW, and the 403 handler's answer to
    django-ratelimit's Ratelimited): 429 with the portal's 429.html, in the user's language.

    ``retry_after`` (seconds, or the exception's ``retry_after`` when it carries one) is shown on the page
    and sent as Retry-After; without it the page says "try again later".
    """
    from django.shortcuts import render

    if retry_after is None:
        retry_after = getattr(exception, "retry_after", None)
    seconds = max(1, int(retry_after)) if retry_after else None
    response = render(request, "429.html", {"retry_after": seconds}, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def address_not_logged(view):
    """Mark a view whose requests must leave no trace of who sent them (an anonymous tip): the request
    log writes no client address for it. (The proxy in front keeps its own access log: see README.)"""
    view.address_not_logged = True
    return view
