"""Registries that domain apps fill, so shared pages never import a domain app.

* To-do providers: ``provider(user) -> list[Todo]``, shown as "waiting for you" on each user's home page.
* Report sections: ``section(user) -> ReportSection | None``, gathered by the cross-app report pages.
* Dashboard providers: ``provider(paths) -> {path: [Figure]}`` (and an optional weekly trend), the figures
  of the six-function dashboard for many subtrees at once.

Apps register in ``AppConfig.ready``.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

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


# --- the six-function dashboard ---------------------------------------------------------------------------
#
# The platform's six basic functions, in the campaign plan's order. Each figure of the dashboard belongs to
# one; a provider (one per app) answers for many organisations at once.

FUNCTIONS = (
    ("inclusive", _("普惠服务")),
    ("relief", _("帮扶救助")),
    ("rights", _("职工维权")),
    ("founding", _("工会组建")),
    ("publicity", _("宣传教育")),
    ("management", _("业务管理")),
)
FUNCTION_CODES = tuple(code for code, _label in FUNCTIONS)


@dataclass(frozen=True)
class Figure:
    """One figure of one organisation's subtree.

    ``key`` is unique across providers (``"rights.open"``) and stable: the trend and the export name the
    figure by it. ``as_of`` is when a rollup computed the value (the page says how old it is); None for a
    value counted on this request."""

    function: str
    key: str
    label: str
    value: int
    as_of: datetime | None = None
    url: str = ""


@dataclass(frozen=True)
class Series:
    """A figure's weekly values over a period: ``points`` are ``(week's first day, value)`` in order."""

    key: str
    label: str
    points: tuple[tuple[date, int], ...]


# provider(paths) -> {path: [Figure, ...]}: for each organisation path given, the figures of its subtree.
# It must run the same number of queries for one path as for a hundred (``subtree_counts``), since the
# dashboard asks once for the organisation and its children together.
DashboardProvider = Callable[[Sequence[str]], dict[str, list[Figure]]]
# series(path, start, end) -> [Series, ...]: the subtree's weekly trend over [start, end] (optional).
TrendProvider = Callable[[str, date, date], list[Series]]

_dashboard_providers: dict[str, DashboardProvider] = {}
_trend_providers: dict[str, TrendProvider] = {}


def register_dashboard_provider(
    name: str, provider: DashboardProvider, *, trend: TrendProvider | None = None
) -> None:
    _dashboard_providers[name] = provider
    if trend is not None:
        _trend_providers[name] = trend
    else:
        _trend_providers.pop(name, None)


def unregister_dashboard_provider(name: str) -> None:
    _dashboard_providers.pop(name, None)
    _trend_providers.pop(name, None)


def dashboard_figures(paths: Sequence[str]) -> dict[str, list[Figure]]:
    """Every provider's figures for each path, in FUNCTIONS' order then registration order. A provider
    that fails is logged and left out (one broken app must not take the dashboard down)."""
    found: dict[str, list[Figure]] = {path: [] for path in paths}
    for name, provider in _dashboard_providers.items():
        try:
            answered = provider(list(paths))
        except Exception:
            logger.exception("dashboard provider %s failed", name)
            continue
        for path in paths:
            found[path].extend(answered.get(path, ()))
    order = {code: i for i, code in enumerate(FUNCTION_CODES)}
    for figures in found.values():
        figures.sort(key=lambda f: order.get(f.function, len(order)))  # stable: registration order kept
    return found


def dashboard_trends(path: str, start: date, end: date) -> list[Series]:
    series: list[Series] = []
    for name, trend in _trend_providers.items():
        try:
            series.extend(trend(path, start, end))
        except Exception:
            logger.exception("dashboard trend %s failed", name)
    return series


def subtree_counts(queryset, paths: Sequence[str], *, field: str = "org_path", total=None) -> dict[str, int]:
    """For each path, how many rows of ``queryset`` lie in its subtree (``field`` starts with it), in one
    grouped query whatever the number of paths (one per distinct path length: siblings share one).

    ``total`` is the aggregate to take instead of a row count (``Sum("households")``)."""
    counts = dict.fromkeys(paths, 0)
    by_length: dict[int, list[str]] = {}
    for path in paths:
        by_length.setdefault(len(path), []).append(path)
    for length, group in by_length.items():
        rows = (
            queryset.filter(Q.create([(f"{field}__startswith", p) for p in group], connector=Q.OR))
            .annotate(_subtree=Substr(field, 1, length))
            .values("_subtree")
            .annotate(_n=total if total is not None else Count("pk"))
            .order_by()
            .values_list("_subtree", "_n")
        )
        for prefix, n in rows:
            if prefix in counts:
                counts[prefix] = n or 0
    return counts
