"""The report rollups: ``HouseholdRollup`` and ``MeasureRollup`` rebuilt from the ledger.

The level reports group households and measures by a prefix of the organisation path; at a million
households that aggregate takes seconds. The rollups hold the same figures grouped by the full
organisation path (a few thousand rows), so a report sums those instead. They are rebuilt whole, in one
transaction (readers see the old or the new set, never half), by a periodic job at most every
``REFRESH_EVERY`` and at once after an import; the report says when they were taken.

Per organisation is still tens of thousands of rows at a million households (every grassroots union ×
category × state, every union × type × fund source), too many for a report to sum on each view. The level
rollups (``HouseholdLevelRollup``, ``MeasureLevelRollup``) sum them once more per path cut at the depth of
each report's rows (city, county, township, grassroots union), by only the dimensions the report shows, so
a report reads a few rows per child organisation whatever lies below them. ``DriveLevelRollup`` counts the
drive enterprises and their distinct cadres per cut (province to grassroots union) from the drive tables.
Per organisation remains for users with several separate subtrees.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from unionportal import fragments
from unionportal.orgs.models import Organisation

from .models import (
    ROLLUP_TOPIC,
    DriveEnterprise,
    DriveLevelRollup,
    Household,
    HouseholdLevelRollup,
    HouseholdRollup,
    Measure,
    MeasureLevelRollup,
    MeasureRollup,
)
from .reports import DRIVE_DEPTHS, IN_FILE_STATES, LEVEL_DEPTHS, REPORT_STATES

REFRESH_EVERY = timedelta(minutes=10)


def _insert_select(model, columns: list[str], queryset) -> None:
    """``INSERT INTO model (columns) SELECT …``: the grouped rows never pass through Python."""
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    # Table and column names come from the models, not from input.
    statement = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _households(now):
    helped = Exists(Measure.objects.filter(household=OuterRef("pk")))
    cutting = Coalesce(F("enterprise__assistance_drive__capacity_cutting"), Value(False))
    return (
        Household.objects.filter(state__in=REPORT_STATES)
        .annotate(cutting=cutting, has_measure=helped)
        .values("org_path", "category", "state", "cutting")
        .annotate(
            n=Count("pk"),
            helped=Count("pk", filter=Q(has_measure=True)),
            at=Value(now, output_field=DateTimeField()),
        )
        .values_list("org_path", "category", "state", "cutting", "n", "helped", "at")
        .order_by()
    )


def _measures(now):
    cutting = Coalesce(
        F("household__enterprise__assistance_drive__capacity_cutting"),
        Value(False),
        output_field=BooleanField(),
    )
    return (
        Measure.objects.annotate(path=F("household__org_path"), cutting=cutting)
        .values("path", "type", "fund_source", "cutting")
        .annotate(n=Count("pk"), total=Sum("amount"), at=Value(now, output_field=DateTimeField()))
        .values_list("path", "type", "fund_source", "cutting", "n", "total", "at")
        .order_by()
    )


def _cut(depth: int, path: str = "org_path"):
    return Substr(path, 1, depth * Organisation.steplen)


def _household_levels(depth: int, now):
    # The report splits filed and assisted households by category, the closed ones only by state.
    category = Case(
        When(state__in=IN_FILE_STATES, then=F("category")), default=Value(""), output_field=CharField()
    )
    return (
        HouseholdRollup.objects.annotate(
            level=Value(depth, output_field=PositiveSmallIntegerField()), key=_cut(depth), shown=category
        )
        .values("level", "key", "shown", "state", "capacity_cutting")
        .annotate(n=Sum("households"), h=Sum("helped"), at=Value(now, output_field=DateTimeField()))
        .values_list("level", "key", "shown", "state", "capacity_cutting", "n", "h", "at")
        .order_by()
    )


def _measure_levels(depth: int, now):
    """Three groupings of MeasureRollup for the reports at ``depth - 1``: per row by type, per row by fund
    source, and type × fund source over the level (keyed by the level's path)."""
    level = Value(depth, output_field=PositiveSmallIntegerField())
    blank = Value("", output_field=CharField())
    at = Value(now, output_field=DateTimeField())
    columns = ("level", "key", "t", "f", "capacity_cutting", "n", "total", "at")
    for key, t, f in (
        (_cut(depth), F("type"), blank),
        (_cut(depth), blank, F("fund_source")),
        (_cut(depth - 1), F("type"), F("fund_source")),
    ):
        yield (
            MeasureRollup.objects.annotate(level=level, key=key, t=t, f=f)
            .values("level", "key", "t", "f", "capacity_cutting")
            .annotate(n=Sum("measures"), total=Sum("amount"), at=at)
            .values_list(*columns)
            .order_by()
        )


def _drive_levels(depth: int, now):
    """Drive enterprises and distinct paired cadres per path cut to ``depth``, all and capacity-cutting
    only: counted from the drive tables at this depth, since distinct cadres do not add up."""
    cutting = Q(capacity_cutting=True)
    responsible = Coalesce("enterprise__union__path", "enterprise__township__path")
    return (
        DriveEnterprise.objects.annotate(responsible_path=responsible)
        .annotate(
            level=Value(depth, output_field=PositiveSmallIntegerField()), key=_cut(depth, "responsible_path")
        )
        .values("level", "key")
        .annotate(
            e=Count("pk", distinct=True),
            c=Count("cadres", distinct=True),
            ce=Count("pk", distinct=True, filter=cutting),
            cc=Count("cadres", distinct=True, filter=cutting),
            at=Value(now, output_field=DateTimeField()),
        )
        .values_list("level", "key", "e", "c", "ce", "cc", "at")
        .order_by()
    )


def rollup_refresh(*, now=None) -> int:
    """Rebuild the rollups from the ledger; returns the number of household rollup rows. Anyone may
    call it (it reads everything and shows nothing); safe to run again."""
    now = now or timezone.now()
    with transaction.atomic():
        HouseholdRollup.objects.all().delete()
        MeasureRollup.objects.all().delete()
        _insert_select(
            HouseholdRollup,
            ["org_path", "category", "state", "capacity_cutting", "households", "helped", "refreshed_at"],
            _households(now),
        )
        _insert_select(
            MeasureRollup,
            ["org_path", "type", "fund_source", "capacity_cutting", "measures", "amount", "refreshed_at"],
            _measures(now),
        )
        HouseholdLevelRollup.objects.all().delete()
        MeasureLevelRollup.objects.all().delete()
        for depth in LEVEL_DEPTHS:
            _insert_select(
                HouseholdLevelRollup,
                [
                    "depth",
                    "key",
                    "category",
                    "state",
                    "capacity_cutting",
                    "households",
                    "helped",
                    "refreshed_at",
                ],
                _household_levels(depth, now),
            )
            for grouped in _measure_levels(depth, now):
                _insert_select(
                    MeasureLevelRollup,
                    [
                        "depth",
                        "key",
                        "type",
                        "fund_source",
                        "capacity_cutting",
                        "measures",
                        "amount",
                        "refreshed_at",
                    ],
                    grouped,
                )
        DriveLevelRollup.objects.all().delete()
        for depth in DRIVE_DEPTHS:
            _insert_select(
                DriveLevelRollup,
                [
                    "depth",
                    "key",
                    "enterprises",
                    "cadres",
                    "capacity_enterprises",
                    "capacity_cadres",
                    "refreshed_at",
                ],
                _drive_levels(depth, now),
            )
        # Every cached report shows the figures as of a refresh: after this one commits, they are redrawn.
        fragments.bump_all(ROLLUP_TOPIC)
    return HouseholdRollup.objects.count()


def refreshed_at():
    """When the rollups were last rebuilt (None: never, or the ledger had no filed household)."""
    return HouseholdRollup.objects.aggregate(at=Max("refreshed_at"))["at"]


def refresh_if_stale(*, now) -> str:
    """The periodic job: rebuild when the rollups are older than REFRESH_EVERY."""
    last = refreshed_at()
    if last is not None and now - last < REFRESH_EVERY:
        return "fresh"
    return f"{rollup_refresh(now=now)} rows"
