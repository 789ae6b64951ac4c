"""Registries that domain apps fill, so shared pages never import a domain app.

* To-do providers: ``provider(user) -> list[Todo]``, shown as "waiting for you" on each user's home page.
* Report sections: ``section(user) -> ReportSection | None``, gathered by the cross-app report pages.

Apps register in ``AppConfig.ready``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str = ""
    kind: str = "info"  # a Bootstrap contextual class: info, warning, danger
    # Data the label names as typed (a union's name): the page marks it as user content.
    user_data: tuple[str, ...] = ()


@dataclass
class ReportSection:
    title: str
    rows: list[tuple[str, object]] = field(default_factory=list)
    url: str = ""


_todo_providers: dict[str, Callable[..., list[Todo]]] = {}
_todo_topics: dict[str, tuple[str, ...]] = {}
_report_sections: dict[str, Callable[..., ReportSection | None]] = {}


def register_todo_provider(
    name: str, provider: Callable[..., list[Todo]], *, topics: tuple[str, ...] = ()
) -> None:
    """``topics``: the cached-fragment topics (``unionportal.fragments``) whose writes change the counts.
    A provider naming them is counted again on the home page once one moved in the user's scope, once
    the user changed anything, and at least every minute (counts that move with the date); a provider
    naming none is counted on every request."""
    _todo_providers[name] = provider
    _todo_topics[name] = tuple(topics)


def unregister_todo_provider(name: str) -> None:
    _todo_providers.pop(name, None)
    _todo_topics.pop(name, None)


def register_report_section(name: str, section: Callable[..., ReportSection | None]) -> None:
    _report_sections[name] = section


def todos_for(user, *, keep=None) -> list[Todo]:
    """Every provider's items for ``user`` with a non-zero count, in registration order.

    ``keep(entries)``, when given, answers for the providers that named topics, all at once: ``entries``
    are ``(name, topics, provide)``, the answer each one's items in that order (the home page keeps them
    in the fragment cache); the others are asked on every call."""
    found: dict[str, list[Todo]] = {}
    kept = [(name, topics) for name, topics in _todo_topics.items() if topics and name in _todo_providers]
    if keep is not None and kept:
        entries = [(name, topics, _asked(name, user)) for name, topics in kept]
        found.update(zip((name for name, _t in kept), keep(entries), strict=True))
    items: list[Todo] = []
    for name in _todo_providers:
        items.extend(todo for todo in (found[name] if name in found else _asked(name, user)()) if todo.count)
    return items


def _asked(name: str, user):
    """A function asking provider ``name`` for ``user``'s items: none when it fails (logged), since one
    broken provider must not take everyone's home page down."""

    def ask() -> list[Todo]:
        try:
            return list(_todo_providers[name](user))
        except Exception:
            logger.exception("to-do provider %s failed", name)
            return []

    return ask


def report_sections_for(user) -> list[ReportSection]:
    sections = (section(user) for section in _report_sections.values())
    return [s for s in sections if s is not None]
