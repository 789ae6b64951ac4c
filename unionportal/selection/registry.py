"""What the domain apps tell the shared pipeline: where a candidacy's own page is, and the facts of its
nominee that the shared pages (an expert's file, a public vote) show beside the shared fields.

A candidacy's page shows the app's nominee details (awards, craftsmen, ...), which the shared pipeline
cannot import; each app registers the URL name of its page, taking the candidacy's pk, and may register
a ``facts`` provider: ``facts(candidacy_ids, *, public, anonymous) -> {candidacy id: [Fact, ...]}``, a
fixed number of queries whatever the number of ids. ``public``: the facts go on a public page (a vote),
so only what a nominee puts forward publicly, never an ID number or a phone; ``anonymous``: the expert
review hides identities, so nothing that names the person or the unit.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

_detail_url_names: dict[str, str] = {}
_facts: dict[str, Callable[..., dict[int, list["Fact"]]]] = {}


@dataclass(frozen=True)
class Fact:
    """One line of a nominee's details: a label and a value, or a label and a list (``items``)."""

    label: str
    value: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)


def register_app(app: str, *, detail_url_name: str, facts: Callable | None = None) -> None:
    _detail_url_names[app] = detail_url_name
    if facts is not None:
        _facts[app] = facts


def detail_url(app: str, pk: int) -> str | None:
    name = _detail_url_names.get(app)
    return reverse(name, args=[pk]) if name else None


def candidate_facts(app: str, candidacy_ids, *, public: bool = False, anonymous: bool = False):
    """The app's facts of each candidacy ({id: [Fact]}); an empty dict for an app without a provider."""
    provider = _facts.get(app)
    ids = list(candidacy_ids)
    if provider is None or not ids:
        return {}
    return provider(ids, public=public, anonymous=anonymous)


# What an app writes beside the public row (PublicEntry) of its candidacy: a craftsman's trade, skills,
# patents and films. Called with the row when the candidacy goes on notice or is published, with the
# revoked row when revoked, and with None when struck (its row deleted).
_public_extras: dict[str, Callable] = {}


def register_public_extras(app: str, hook: Callable) -> None:
    _public_extras[app] = hook


def public_extras_write(candidacy, entry) -> None:
    hook = _public_extras.get(candidacy.programme.app)
    if hook is not None:
        hook(candidacy=candidacy, entry=entry)


# What an app adds to the province's approval: the 荆楚工匠 batch has a size of its own, below the
# programme's quota. Called with the programme and how many are about to be approved, under the
# programme's lock; returns why not (in the user's language), or None.
_approval_checks: dict[str, Callable] = {}


def register_approval_check(app: str, check: Callable) -> None:
    _approval_checks[app] = check


def approval_problem(programme, adding: int) -> str | None:
    check = _approval_checks.get(programme.app)
    return check(programme, adding) if check is not None else None
