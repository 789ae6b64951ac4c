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


def ratelimited(request, exception):
    """The answer to a client over a rate limit (settings.RATELIMIT_VIEW): 429, in the user's language."""
    from django.shortcuts import render

    return render(request, "public/ratelimited.html", status=429)
