""" "One network, five levels covered": how much of the union network uses the platform."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Membership, Organisation

ACTIVE_DAYS = 30


@dataclass
class CoverageRow:
    label: str
    unions: int
    with_account: int
    active: int
    members: int = 0  # current members in the real-name registry, from its rollup (orgs.MemberCount)

    @property
    def account_pct(self) -> float:
        return round(100 * self.with_account / self.unions, 1) if self.unions else 0.0

    @property
    def active_pct(self) -> float:
        return round(100 * self.active / self.unions, 1) if self.unions else 0.0


def _annotated(user, now):
    cutoff = now - timedelta(days=ACTIVE_DAYS)
    members = Membership.objects.active().filter(organisation=OuterRef("pk"))
    recent_login = members.filter(user__last_login__gte=cutoff)
    recent_audit = AuditEvent.objects.filter(org_path=OuterRef("path"), at__gte=cutoff)
    return (
        Organisation.objects.visible_to(user)
        .filter(is_active=True)
        .annotate(
            has_account=Exists(members),
            recent_login=Exists(recent_login),
            recent_audit=Exists(recent_audit),
        )
    )


def _aggregate(rows):
    """The figures grouped by level and by city (the path cut to two levels; the root's is its own
    shorter path) at once: the subqueries run once per union, and the two tables are sums of these
    few rows."""
    return (
        rows.annotate(city=Substr("path", 1, 2 * Organisation.steplen))
        .values("level", "city")
        .annotate(
            unions=Count("pk"),
            with_account=Count("pk", filter=Q(has_account=True)),
            active=Count("pk", filter=Q(recent_login=True) | Q(recent_audit=True)),
            # The registry's rollup, one row per union (a LEFT JOIN on its key): the figure costs the
            # same at ten members and at a million.
            members=Coalesce(Sum("registry_count__current"), 0),
        )
        .order_by()
    )


def _summed(groups, label) -> list[CoverageRow]:
    rows: dict = {}
    for key, r in groups:
        row = rows.setdefault(key, CoverageRow(label(key), 0, 0, 0, 0))
        row.unions += r["unions"]
        row.with_account += r["with_account"]
        row.active += r["active"]
        row.members += r["members"]
    return [rows[key] for key in sorted(rows)]


def coverage(user, *, now=None) -> dict:
    """Per level and per city (level-2 subtree) in the user's scope: unions, with an active account,
    active in the last 30 days, and the current members of those unions (the registry's rollup,
    ``orgs.MemberCount``). One aggregate query plus one for the city names, whatever the registry
    holds."""
    now = now or timezone.now()
    groups = list(_aggregate(_annotated(user, now)))
    city_length = 2 * Organisation.steplen
    cities = [r for r in groups if len(r["city"]) == city_length]
    names = dict(
        Organisation.objects.filter(path__in={r["city"] for r in cities}).values_list("path", "name")
    )
    by_level = _summed(((r["level"], r) for r in groups), lambda level: str(Level(level).label))
    by_city = _summed(((r["city"], r) for r in cities), lambda city: names.get(city, city))
    total = CoverageRow(
        "",
        sum(r.unions for r in by_level),
        sum(r.with_account for r in by_level),
        sum(r.active for r in by_level),
        sum(r.members for r in by_level),
    )
    return {"by_level": by_level, "by_city": by_city, "total": total}
