"""Reports per level of the union tree: province → cities → counties → townships → grassroots unions.

The rows of a report are the children of one organisation; each row aggregates its child's whole
subtree by path prefix (``Substr(path, 1, depth_of_children × steplen)``), so that the figures are
grouped in the database and the number of queries does not depend on the number of rows or records:

* households in the four states after filing, by (row, category, state), with "helped" (≥ 1 measure)
  counted through an ``EXISTS`` on the measure's household index;
* measures by (row, type, fund source): count and sum of the amount;
* drive enterprises by row (enterprises covered, distinct paired cadres), and once more without grouping
  for the total (a cadre paired in two rows is one cadre sent).

These are the live aggregates (``live=True``). A report reads them as of the last refresh of the rollups
(rollups.py) instead: the level rollups cut at the depth of its rows hold a few rows per child (and the
drive rollup holds the total at the report's own depth), so what a report reads is bounded by its
children, not by the households, enterprises or unions below them.

Python only adds up the few grouped rows into columns and totals. Records of the organisation itself
(an enterprise without a union of its own belongs to its township) form an extra "own" row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from unionportal import permissions
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import get_scope, scope_q
from unionportal.reports.registry import ReportSection

from .enums import Category, FundSource, HouseholdState, MeasureType
from .models import (
    DriveEnterprise,
    DriveLevelRollup,
    Household,
    HouseholdLevelRollup,
    HouseholdRollup,
    Measure,
    MeasureLevelRollup,
    MeasureRollup,
)

# The states a report counts: in the file (filed, assisted) and closed after filing (escaped, exited).
# The roles that read the level reports, and over their subtree (the matrix's "household_report" row).
REPORT_ROLES = permissions.roles_for("household_report", "list")

REPORT_STATES = (
    HouseholdState.FILED,
    HouseholdState.ASSISTED,
    HouseholdState.ESCAPED,
    HouseholdState.EXITED,
)
IN_FILE_STATES = (HouseholdState.FILED, HouseholdState.ASSISTED)
# "Does not qualify" only appears among filed households after a change of the county's lines.
MAIN_CATEGORIES = (Category.DEEP, Category.RELATIVE, Category.ACCIDENT)

# Households carry a copy of their organisation's path (indexed with varchar_pattern_ops), so a subtree is
# one index range scan on the household table, with no join to the organisations.
HOUSEHOLD_PATH = "org_path"
MEASURE_PATH = "household__org_path"
# A drive enterprise answers to its own union, else to the township it sits in (as its households do).
DRIVE_PATH = "responsible_path"
# The rollups (rollups.py) keep the households' and measures' figures per organisation path.
ROLLUP_PATH = "org_path"
# ... and per path cut to city (2), county (3), township (4) and grassroots union (5) depth in the level
# rollups: the rows of the province, city, county and township reports.
LEVEL_DEPTHS = (2, 3, 4, 5)
# The drive rollup also holds each report's total: its own path, one depth up from its rows.
DRIVE_DEPTHS = (1, *LEVEL_DEPTHS)


@dataclass
class Money:
    count: int = 0
    amount: Decimal = Decimal("0")

    def add(self, count: int, amount: Decimal | None) -> None:
        self.count += count
        self.amount += amount or Decimal("0")

    @property
    def display(self) -> str:
        return f"{self.amount:,.2f}"

    @property
    def count_label(self) -> str:
        """ "12 项" (12 measures), as the report's cells show it beside the amount."""
        return ngettext("%(n)s 项", "%(n)s 项", self.count) % {"n": self.count}


@dataclass
class ReportRow:
    key: str  # the path prefix the row aggregates
    label: str
    organisation: Organisation | None = None
    own: bool = False  # the current organisation's own records, not a child's subtree
    filed: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # by category
    assisted: int = 0
    escaped: int = 0
    exited: int = 0
    helped: int = 0
    by_type: dict[str, Money] = field(default_factory=lambda: defaultdict(Money))
    by_fund: dict[str, Money] = field(default_factory=lambda: defaultdict(Money))
    measures: Money = field(default_factory=Money)
    enterprises: int = 0
    cadres: int = 0
    # The same figures lined up with the report's columns, for the template and the export.
    category_cells: list = field(default_factory=list)
    type_cells: list = field(default_factory=list)
    fund_cells: list = field(default_factory=list)

    def line_up(self, categories, types, funds) -> None:
        self.category_cells = [(c, self.filed.get(c.value, 0)) for c in categories]
        self.type_cells = [(t, self.by_type.get(t.value, Money())) for t in types]
        self.fund_cells = [(f, self.by_fund.get(f.value, Money())) for f in funds]

    def columns(self, cells, labels: dict) -> list[tuple[str, str, object]]:
        """(column label, choice value, figure) for each of ``cells``: what the page's cells show, with
        each column's label (repeated in every cell for the stacked phone layout) translated once."""
        return [(labels[choice.value], choice.value, figure) for choice, figure in cells]

    @property
    def filed_total(self) -> int:
        return sum(self.filed.values())

    @property
    def can_drill(self) -> bool:
        return self.organisation is not None and not self.own and self.organisation.numchild > 0

    @property
    def is_empty(self) -> bool:
        return not (
            self.filed_total or self.escaped or self.exited or self.measures.count or self.enterprises
        )


# The figures of the households table after the categories: (key, column label).
FIGURES = [
    ("filed", _lazy("在档合计")),
    ("assisted", _lazy("帮扶中")),
    ("escaped", _lazy("已脱困")),
    ("exited", _lazy("已退档")),
    ("helped", _lazy("受助家庭")),
    ("enterprises", _lazy("帮扶企业")),
    ("cadres", _lazy("结对干部")),
]


@dataclass
class LevelReport:
    current: Organisation | None  # None: a user with several subtrees, whose roots are the rows
    trail: list[Organisation]  # the in-scope ancestors of ``current`` and itself, for the level selector
    several_roots: bool  # the user is staff in separate subtrees: the level selector offers them all
    capacity: bool
    rows: list[ReportRow]
    total: ReportRow
    categories: list[Category]
    types: list[MeasureType]
    funds: list[FundSource]
    crosstab: dict[tuple[str, str], Money]  # (type, fund source) → money, over the whole level

    def page_tables(self) -> None:
        """The cells of the page's tables with their column labels, translated once per report rather
        than in every cell (a county's report has a few hundred)."""
        categories = {c.value: _("在档·%(category)s") % {"category": c.label} for c in self.categories}
        types = {t.value: str(t.label) for t in self.types}
        funds = {f.value: str(f.label) for f in self.funds}
        self.figure_labels = [(key, str(label)) for key, label in FIGURES]
        for row in [*self.rows, self.total]:
            row.category_columns = row.columns(row.category_cells, categories)
            row.figure_columns = [
                (label, key, row.filed_total if key == "filed" else getattr(row, key))
                for key, label in self.figure_labels
            ]
            row.type_columns = row.columns(row.type_cells, types)
            row.fund_columns = row.columns(row.fund_cells, funds)
        # The two measures tables (by type, by fund source): each row with its cells.
        self.type_table = [(row, row.type_columns) for row in self.rows]
        self.fund_table = [(row, row.fund_columns) for row in self.rows]

    def crosstab_rows(self):
        """[(type, [(fund, Money)...], row total Money)] for the template and the export."""
        rows = []
        for t in self.types:
            cells = [(f, self.crosstab.get((t.value, f.value), Money())) for f in self.funds]
            rows.append((t, cells, self.total.by_type.get(t.value, Money())))
        return rows


# --- where a report stands ------------------------------------------------------------------------------


def report_scope(user, org_pk=None) -> tuple[Organisation | None, tuple[str, ...]]:
    """The organisation whose children are the rows, and the user's subtree roots.

    Default: the user's top organisation (the root for a superuser); ``org_pk`` drills to any organisation
    in the user's subtree. Raises Http404 outside it, so a guessed URL tells nothing. A user staff in
    several separate subtrees starts with those subtrees as rows (``None``).
    """
    scope = get_scope(user, REPORT_ROLES)
    if org_pk is not None:
        try:
            org = Organisation.objects.get(pk=int(org_pk))
        except (Organisation.DoesNotExist, TypeError, ValueError) as exc:
            raise Http404 from exc
        if not permissions.covers(user, "household_report", "list", org.path):
            raise Http404
        return org, scope.subtree_paths
    if scope.everything:
        return Organisation.objects.filter(depth=1).order_by("path").first(), ()
    if len(scope.subtree_paths) == 1:
        return Organisation.objects.get(path=scope.subtree_paths[0]), scope.subtree_paths
    return None, scope.subtree_paths


def _trail(user, current, roots) -> list[Organisation]:
    if current is None:
        return []
    return [
        org
        for org in current.ancestors_and_self()
        if permissions.covers(user, "household_report", "list", org.path)
    ]


# --- the aggregates -------------------------------------------------------------------------------------


def _within(user, current, path_field: str) -> Q:
    if current is not None:
        return Q(**{f"{path_field}__startswith": current.path})
    return scope_q(user, path_field, roles=REPORT_ROLES)


def _row_key(current, roots, path_field: str):
    """The row a record falls in: its path cut to the children's length (or which root it is under)."""
    if current is not None:
        return Substr(path_field, 1, (current.depth + 1) * Organisation.steplen)
    return Case(
        *[When(**{f"{path_field}__startswith": root}, then=Value(root)) for root in roots],
        output_field=CharField(),
    )


def _households(user, current, capacity):
    rows = Household.objects.filter(_within(user, current, HOUSEHOLD_PATH), state__in=REPORT_STATES)
    if capacity:
        rows = rows.filter(enterprise__assistance_drive__capacity_cutting=True)
    return rows


def _measures(user, current, capacity):
    rows = Measure.objects.filter(_within(user, current, MEASURE_PATH))
    if capacity:
        rows = rows.filter(household__enterprise__assistance_drive__capacity_cutting=True)
    return rows


def _drives(user, current, capacity):
    rows = DriveEnterprise.objects.annotate(
        responsible_path=Coalesce("enterprise__union__path", "enterprise__township__path")
    ).filter(_within(user, current, DRIVE_PATH))
    if capacity:
        rows = rows.filter(capacity_cutting=True)
    return rows


def _level_depth(current) -> int | None:
    """The depth of the level rollup that holds the rows of ``current``'s report, if there is one."""
    if current is not None and current.depth + 1 in LEVEL_DEPTHS:
        return current.depth + 1
    return None


def household_counts(user, current, roots, *, capacity=False, live=False):
    """(key, category, state, households, helped) for each group: one query, on the rollup unless
    ``live`` (then on the households themselves)."""
    if live:
        helped = Exists(Measure.objects.filter(household=OuterRef("pk")))
        return (
            _households(user, current, capacity)
            .annotate(key=_row_key(current, roots, HOUSEHOLD_PATH), has_measure=helped)
            .values("key", "category", "state")
            .annotate(n=Count("pk"), helped=Count("pk", filter=Q(has_measure=True)))
            .order_by()
        )
    depth = _level_depth(current)
    if depth is not None:
        rows = HouseholdLevelRollup.objects.filter(depth=depth, key__startswith=current.path)
        if capacity:
            rows = rows.filter(capacity_cutting=True)
        return (
            rows.values("key", "category", "state")
            .annotate(n=Sum("households"), helped=Sum("helped"))
            .order_by()
        )
    rows = HouseholdRollup.objects.filter(_within(user, current, ROLLUP_PATH))
    if capacity:
        rows = rows.filter(capacity_cutting=True)
    return (
        rows.annotate(key=_row_key(current, roots, ROLLUP_PATH))
        .values("key", "category", "state")
        .annotate(n=Sum("households"), helped=Sum("helped"))
        .order_by()
    )


def measure_sums(user, current, roots, *, capacity=False, live=False):
    """(key, type, fund source, measures, amount) for each group: one query, on the rollup unless
    ``live``. From the level rollup (``_level_depth``), a group has a blank fund source (a row's sum by
    type), a blank type (a row's sum by fund source) or both (type × fund source over the level)."""
    if live:
        return (
            _measures(user, current, capacity)
            .annotate(key=_row_key(current, roots, MEASURE_PATH))
            .values("key", "type", "fund_source")
            .annotate(n=Count("pk"), amount=Sum("amount"))
            .order_by()
        )
    depth = _level_depth(current)
    if depth is not None:
        rows = MeasureLevelRollup.objects.filter(depth=depth, key__startswith=current.path)
        if capacity:
            rows = rows.filter(capacity_cutting=True)
        return (
            rows.values("key", "type", "fund_source")
            .annotate(n=Sum("measures"), amount=Sum("amount"))
            .order_by()
        )
    rows = MeasureRollup.objects.filter(_within(user, current, ROLLUP_PATH))
    if capacity:
        rows = rows.filter(capacity_cutting=True)
    return (
        rows.annotate(key=_row_key(current, roots, ROLLUP_PATH))
        .values("key", "type", "fund_source")
        .annotate(n=Sum("measures"), amount=Sum("amount"))
        .order_by()
    )


def drive_counts(user, current, roots, *, capacity=False):
    """(key, enterprises, distinct paired cadres) for each row, live: one query."""
    return (
        _drives(user, current, capacity)
        .annotate(key=_row_key(current, roots, DRIVE_PATH))
        .values("key")
        .annotate(enterprises=Count("pk", distinct=True), cadres=Count("cadres", distinct=True))
        .order_by()
    )


def drive_totals(user, current, *, capacity=False) -> dict:
    """Enterprises and distinct paired cadres over the whole level, live: one query (cadres do not add up)."""
    return _drives(user, current, capacity).aggregate(
        enterprises=Count("pk", distinct=True), cadres=Count("cadres", distinct=True)
    )


def drive_figures(user, current, roots, *, capacity=False, live=False) -> tuple[list[dict], dict]:
    """([{key, enterprises, cadres} per row], {enterprises, cadres} over the level). From the drive
    rollup in one query (the rows' keys one depth below ``current`` and its own key for the total) when
    it holds the report's rows; live (two queries) if asked, or for a user with several subtrees (whose
    total is not any one key's)."""
    depth = _level_depth(current)
    if live or depth is None:
        return list(drive_counts(user, current, roots, capacity=capacity)), drive_totals(
            user, current, capacity=capacity
        )
    enterprises, cadres = (
        ("capacity_enterprises", "capacity_cadres") if capacity else ("enterprises", "cadres")
    )
    found = DriveLevelRollup.objects.filter(
        Q(depth=depth, key__startswith=current.path) | Q(depth=depth - 1, key=current.path),
        **{f"{enterprises}__gt": 0},  # as live: no group without a drive enterprise
    ).values_list("depth", "key", enterprises, cadres)
    rows, total = [], {"enterprises": 0, "cadres": 0}
    for level, key, n, m in found:
        if level == depth:
            rows.append({"key": key, "enterprises": n, "cadres": m})
        else:
            total = {"enterprises": n, "cadres": m}
    return rows, total


def _row_organisations(current, roots) -> list[Organisation]:
    if current is None:
        return list(Organisation.objects.filter(path__in=roots).order_by("path"))
    return list(
        Organisation.objects.filter(path__startswith=current.path, depth=current.depth + 1).order_by("path")
    )


def level_report(user, org_pk=None, *, capacity: bool = False, live: bool = False) -> LevelReport:
    """The report for ``user`` at one level of their subtree (see ``report_scope``; Http404 outside it).

    A constant number of queries: the user's scope, the organisation, its ancestors, its children, and
    the aggregates above. The figures come from the rollups (as of their last refresh) unless ``live``:
    the level rollups for a report whose rows are at a depth they are cut at (province to township
    reports), else the per-organisation ones and the drive enterprises live (users with several
    subtrees, reports below the township).
    """
    current, roots = report_scope(user, org_pk)
    trail = _trail(user, current, roots)
    if current is None and not roots:  # a superuser with no tree yet
        rows: dict[str, ReportRow] = {}
        children = []
    else:
        children = _row_organisations(current, roots)
        rows = {org.path: ReportRow(key=org.path, label=org.name, organisation=org) for org in children}

    def row_for(key) -> ReportRow:
        if key not in rows:  # only the current organisation's own records have no child row
            rows[key] = ReportRow(
                key=key,
                label=_("%(name)s（本级）") % {"name": current.name} if current else key,
                organisation=current,
                own=True,
            )
        return rows[key]

    total = ReportRow(key="", label=_("合计"))
    if current is not None or roots:
        for g in household_counts(user, current, roots, capacity=capacity, live=live):
            for target in (row_for(g["key"]), total):
                target.helped += g["helped"]
                state = g["state"]
                if state in IN_FILE_STATES:
                    target.filed[g["category"]] += g["n"]
                if state == HouseholdState.ASSISTED:
                    target.assisted += g["n"]
                elif state == HouseholdState.ESCAPED:
                    target.escaped += g["n"]
                elif state == HouseholdState.EXITED:
                    target.exited += g["n"]
        crosstab: dict[tuple[str, str], Money] = defaultdict(Money)
        split = not live and _level_depth(current) is not None
        for g in measure_sums(user, current, roots, capacity=capacity, live=live):
            kind, fund = g["type"], g["fund_source"]
            if not split or (kind and fund):
                crosstab[(kind, fund)].add(g["n"], g["amount"])
            if split and kind and fund:
                continue  # the level's type × fund source, in no row
            for target in (row_for(g["key"]), total):
                if kind:
                    target.by_type[kind].add(g["n"], g["amount"])
                if fund:  # (split: each measure is in one fund source row and one type row)
                    target.by_fund[fund].add(g["n"], g["amount"])
                    target.measures.add(g["n"], g["amount"])
        drives, totals = drive_figures(user, current, roots, capacity=capacity, live=live)
        for g in drives:
            target = row_for(g["key"])
            target.enterprises, target.cadres = g["enterprises"], g["cadres"]
        total.enterprises, total.cadres = totals["enterprises"], totals["cadres"]
    else:
        crosstab = {}

    ordered = [rows[org.path] for org in children]
    ordered += [row for row in rows.values() if row.own]  # the own row last, and only when it has data
    categories = list(MAIN_CATEGORIES)
    if total.filed.get(Category.NONE):
        categories.append(Category.NONE)
    types, funds = list(MeasureType), list(FundSource)
    for row in [*ordered, total]:
        row.line_up(categories, types, funds)
    return LevelReport(
        current=current,
        trail=trail,
        several_roots=len(roots) > 1,
        capacity=capacity,
        rows=ordered,
        total=total,
        categories=categories,
        types=types,
        funds=funds,
        crosstab=dict(crosstab),
    )


# --- the summary in the report registry -----------------------------------------------------------------


def scope_summary(user, *, live: bool = False) -> dict:
    """Filed and assisted households and the measures' count and sum in the user's subtree, from the
    rollups (as of their last refresh, like the reports) unless ``live``: two queries. A user whose
    subtrees all start at a depth the level rollups are cut at, or above, reads the coarsest cut at or
    below its deepest subtree root, others the per-organisation one."""
    if live:
        return _live_summary(user)
    scope = get_scope(user, REPORT_ROLES)
    deepest = max((len(path) // Organisation.steplen for path in scope.subtree_paths), default=0)
    depth = next((d for d in LEVEL_DEPTHS if d >= deepest), None)
    if scope.everything or (scope.subtree_paths and not scope.own_paths and depth is not None):
        depth = LEVEL_DEPTHS[0] if scope.everything else depth
        within = scope_q(user, "key", roles=REPORT_ROLES)
        households = HouseholdLevelRollup.objects.filter(within, depth=depth)
        # The rows by fund source (type blank) hold every measure once.
        measures = MeasureLevelRollup.objects.filter(within, depth=depth, type="")
    else:
        households = HouseholdRollup.objects.filter(scope_q(user, ROLLUP_PATH, roles=REPORT_ROLES))
        measures = MeasureRollup.objects.filter(scope_q(user, ROLLUP_PATH, roles=REPORT_ROLES))
    counted = households.filter(state__in=IN_FILE_STATES).aggregate(
        filed=Sum("households"), assisted=Sum("households", filter=Q(state=HouseholdState.ASSISTED))
    )
    summed = measures.aggregate(n=Sum("measures"), amount=Sum("amount"))
    return {
        "filed": counted["filed"] or 0,
        "assisted": counted["assisted"] or 0,
        "measures": Money(summed["n"] or 0, summed["amount"] or Decimal("0")),
    }


def _live_summary(user) -> dict:
    households = Household.objects.filter(
        scope_q(user, HOUSEHOLD_PATH, roles=REPORT_ROLES), state__in=IN_FILE_STATES
    ).aggregate(filed=Count("pk"), assisted=Count("pk", filter=Q(state=HouseholdState.ASSISTED)))
    measures = Measure.objects.filter(scope_q(user, MEASURE_PATH, roles=REPORT_ROLES)).aggregate(
        n=Count("pk"), amount=Sum("amount")
    )
    return {
        "filed": households["filed"],
        "assisted": households["assisted"],
        "measures": Money(measures["n"], measures["amount"] or Decimal("0")),
    }


def report_section(user) -> ReportSection | None:
    """The ledger's part of the cross-app report pages: staff only, their subtree."""
    if not permissions.may(user, "household_report", "list"):
        return None
    from django.urls import reverse

    summary = scope_summary(user)
    return ReportSection(
        title=_("困难职工帮扶"),
        rows=[
            (_("在档困难职工家庭"), summary["filed"]),
            (_("其中帮扶中"), summary["assisted"]),
            (_("帮扶措施（项）"), summary["measures"].count),
            (_("帮扶金额（元）"), summary["measures"].display),
        ],
        url=reverse("assistance:report"),
    )
