"""The six-function dashboard (六大功能): an organisation's subtree in figures, its children side by side.

The figures come from the providers the apps register (``registry.register_dashboard_provider``); this
module never names an app. One call asks every provider for the organisation and all its children at
once (the providers answer many paths in a constant number of queries), and the whole set, with the
weekly trends over the campaign, is kept in the cache for ``CACHE_SECONDS`` keyed by the organisation's
path and the language: a figure is the same for everyone who may see the subtree, so a leader's
refreshes, and every other leader of the same organisation, read one cached entry. The page says how old
the set is, and for a figure read from a rollup, how old the rollup is.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from unionportal import permissions
from unionportal.orgs.models import Organisation

from .registry import FUNCTIONS, Figure, Series, dashboard_figures, dashboard_trends

CACHE_SECONDS = 60
_CACHE_VERSION = 1


# --- the campaign period and weekly points, for the providers ---------------------------------------------


def campaign_period(today: date | None = None) -> tuple[date, date]:
    """[start, end] of the dashboard's "since the campaign began": the current campaign's start to today
    (to its end once it is over); with no current campaign, the calendar year so far."""
    from unionportal.campaigns.models import Campaign

    today = today or timezone.localdate()
    campaign = Campaign.objects.filter(is_current=True).only("starts_on", "ends_on").first()
    if campaign is None:
        return date(today.year, 1, 1), today
    end = min(today, campaign.ends_on)
    return campaign.starts_on, max(end, campaign.starts_on)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks(start: date, end: date) -> list[date]:
    """The first days (Mondays) of the weeks that [start, end] touches."""
    first, last = monday(start), monday(end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def weekly_points(rows, start: date, end: date) -> tuple[tuple[date, int], ...]:
    """``rows`` of (day or datetime, n), e.g. a ``TruncWeek`` grouping, as one point per week of
    [start, end], weeks without rows counting 0."""
    counts: dict[date, int] = {}
    for day, n in rows:
        if day is None:
            continue
        if isinstance(day, datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        week = monday(day)
        counts[week] = counts.get(week, 0) + (n or 0)
    return tuple((week, counts.get(week, 0)) for week in weeks(start, end))


# --- whose dashboard --------------------------------------------------------------------------------------


def home_organisation(user) -> Organisation | None:
    """The organisation whose dashboard a user opens first: the highest one their dashboard role is held
    in (a province staff sees the province); the root for a superuser; None without such a role."""
    if getattr(user, "is_superuser", False):
        return Organisation.objects.filter(depth=1).order_by("path").first()
    paths = [path for reach, path in permissions.holdings(user, "dashboard", "list") if path]
    if not paths:
        return None
    return Organisation.objects.filter(path=min(paths, key=lambda p: (len(p), p))).first()


def access_dashboard(user, pk: int) -> Organisation:
    """The organisation ``pk`` if its dashboard is in ``user``'s scope; Http404 otherwise (unknown or out of
    scope alike: a guessed number tells nothing)."""
    org = Organisation.objects.filter(pk=pk, is_active=True).first()
    if org is None or not permissions.covers(user, "dashboard", "list", org.path):
        raise Http404
    return org


def ancestors_in_scope(user, org: Organisation) -> list[Organisation]:
    """The organisations above ``org`` whose dashboards ``user`` may open, top first (one query)."""
    step = Organisation.steplen
    prefixes = [org.path[:n] for n in range(step, len(org.path), step)]
    if not prefixes:  # the root: nothing above it to read
        return []
    above = Organisation.objects.filter(path__in=prefixes).order_by("path").only("pk", "name", "path")
    return [a for a in above if permissions.covers(user, "dashboard", "list", a.path)]


# --- the figure set ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Child:
    pk: int
    name: str
    path: str
    figures: dict[str, Figure]  # by key


@dataclass(frozen=True)
class Panel:
    code: str
    label: str
    figures: list[Figure]


@dataclass
class FigureSet:
    """What the page shows of one organisation, as it was at ``computed_at``."""

    path: str
    computed_at: datetime
    start: date
    end: date
    figures: list[Figure]  # the organisation's own subtree, in FUNCTIONS order
    children: list[Child]
    trends: list[Series]
    columns: list[tuple[str, str]] = field(default_factory=list)  # (key, label) of the children table

    def panels(self) -> list[Panel]:
        by_function: dict[str, list[Figure]] = {}
        for figure in self.figures:
            by_function.setdefault(figure.function, []).append(figure)
        return [Panel(code, str(label), by_function.get(code, [])) for code, label in FUNCTIONS]

    def age_seconds(self, now: datetime | None = None) -> int:
        return max(0, int(((now or timezone.now()) - self.computed_at).total_seconds()))


def _plain(figure: Figure) -> Figure:
    """The figure with its label as a plain string (the cache pickles it; lazy labels are per language)."""
    return dataclasses.replace(figure, label=str(figure.label), value=int(figure.value or 0))


def _cache_key(path: str) -> str:
    return f"dashboard:{_CACHE_VERSION}:{get_language() or ''}:{path}"


def compute(org: Organisation, *, today: date | None = None) -> FigureSet:
    """Ask every provider for ``org`` and its active children (one call), and every trend for ``org``."""
    children = list(
        Organisation.objects.filter(path__startswith=org.path, depth=org.depth + 1, is_active=True)
        .order_by("path")
        .values_list("pk", "name", "path")
    )
    found = dashboard_figures([org.path, *(path for _pk, _name, path in children)])
    own = [_plain(f) for f in found[org.path]]
    start, end = campaign_period(today)
    trends = [
        Series(key=s.key, label=str(s.label), points=tuple((d, int(n or 0)) for d, n in s.points))
        for s in dashboard_trends(org.path, start, end)
    ]
    return FigureSet(
        path=org.path,
        computed_at=timezone.now(),
        start=start,
        end=end,
        figures=own,
        children=[
            Child(pk, name, path, {f.key: _plain(f) for f in found[path]}) for pk, name, path in children
        ],
        trends=trends,
        columns=[(f.key, f.label) for f in own],
    )


def figure_set(org: Organisation, *, fresh: bool = False) -> FigureSet:
    """``org``'s figure set from the cache, computed (and kept for CACHE_SECONDS) when missing or asked
    ``fresh``."""
    key = _cache_key(org.path)
    if not fresh:
        kept = cache.get(key)
        if isinstance(kept, FigureSet):
            return kept
    computed = compute(org)
    cache.set(key, computed, CACHE_SECONDS)
    return computed


def _context(data: FigureSet) -> dict:
    trends = [
        {
            "key": series.key,
            "label": series.label,
            "labels": [f"{day:%m-%d}" for day, _n in series.points],
            "values": [n for _day, n in series.points],
        }
        for series in data.trends
    ]
    rows = [(child, [child.figures.get(key) for key, _label in data.columns]) for child in data.children]
    return {"data": data, "panels": data.panels(), "trends": trends, "rows": rows}


def figures_html(data: FigureSet) -> SafeString:
    """The panels, trend charts and children table of ``data`` as HTML, rendered once per figure set (the
    same for everyone who may see the organisation) and kept as long as the set."""
    key = f"{_cache_key(data.path)}:html:{data.computed_at.timestamp()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("reports/dashboard_figures.html", _context(data))
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped as it rendered


def export_rows(data: FigureSet, org: Organisation) -> tuple[list[str], list[list]]:
    """The children table as headers and rows (the organisation's own subtree last, as the total)."""
    headers = [pgettext("dashboard column", "组织"), *(label for _key, label in data.columns)]
    rows = [
        [child.name, *(_value(child.figures.get(key)) for key, _l in data.columns)] for child in data.children
    ]
    own = {f.key: f for f in data.figures}
    rows.append(
        [
            str(gettext("%(name)s（合计）") % {"name": org.name}),
            *(_value(own.get(k)) for k, _l in data.columns),
        ]
    )
    return headers, rows


def _value(figure: Figure | None):
    return "" if figure is None else figure.value
