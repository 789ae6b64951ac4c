"""What the domain apps tell the shared pipeline: where a candidacy's own page is.

A candidacy's page shows the app's nominee details (awards, craftsmen, ...), which the shared pipeline
cannot import; each app registers the URL name of its page, taking the candidacy's pk.
"""

from django.urls import reverse

_detail_url_names: dict[str, str] = {}


def register_app(app: str, *, detail_url_name: str) -> None:
    _detail_url_names[app] = detail_url_name


def detail_url(app: str, pk: int) -> str | None:
    name = _detail_url_names.get(app)
    return reverse(name, args=[pk]) if name else None
