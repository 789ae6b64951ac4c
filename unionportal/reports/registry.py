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
    """``topics``: the cached-fragment topics (``unionportal.fragments``) whose writes change the counts;
    the home page recounts once one moved (and at least every minute, for the counts of the rest)."""
    _todo_providers[name] = provider
    _todo_topics[name] = tuple(topics)


def unregister_todo_provider(name: str) -> None:
    _todo_providers.pop(name, None)
    _todo_topics.pop(name, None)


def todo_topics() -> tuple[str, ...]:
    """Every topic a to-do provider named, once each."""
    return tuple(dict.fromkeys(topic for topics in _todo_topics.values() for topic in topics))


def register_report_section(name: str, section: Callable[..., ReportSection | None]) -> None:
    _report_sections[name] = section


def todos_for(user) -> list[Todo]:
    """Every provider's items for ``user`` with a non-zero count, in registration order."""
    items: list[Todo] = []
    for name, provider in _todo_providers.items():
        try:
            items.extend(todo for todo in provider(user) if todo.count)
        except Exception:  # one broken provider must not take everyone's home page down
            logger.exception("to-do provider %s failed", name)
    return items


def report_sections_for(user) -> list[ReportSection]:
    sections = (section(user) for section in _report_sections.values())
    return [s for s in sections if s is not None]
