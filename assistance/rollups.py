"""The report rollups: ``HouseholdRollup`` and ``MeasureRollup`` rebuilt from the ledger.

The level reports group households and measures by a prefix of the organisation path; at a million
households that aggregate takes seconds. The rollups hold the same figures grouped by the full
organisation path (a few thousand rows), so a report sums those instead. They are rebuilt whole, in one
transaction (readers see the old or the new set, never half), by a periodic job at most every
``REFRESH_EVERY`` and at once after an import; the report says when they were taken.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.db.models import BooleanField, Count, DateTimeField, Exists, F, Max, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Household, HouseholdRollup, Measure, MeasureRollup
from .reports import REPORT_STATES

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


def rollup_refresh(*, now=None) -> int:
    """Rebuild both rollups from the ledger; returns the number of household rollup rows. Anyone may
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
