""" "One network, five levels covered": how much of the union network uses the platform."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from unionportal import permissions
from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level
from unionportal.orgs.members import member_counts
from unionportal.orgs.models import Membership, Organisation

ACTIVE_DAYS = 30


@dataclass
class CoverageRow:
    label: str
    unions: int
    with_account: int
    active: int
    members: int = 0  # current members in the real-name registry (orgs.Member)

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


def _aggregate(rows, key):
    return (
        rows.values(key)
        .annotate(
            unions=Count("pk"),
            with_account=Count("pk", filter=Q(has_account=True)),
            active=Count("pk", filter=Q(recent_login=True) | Q(recent_audit=True)),
        )
        .order_by(key)
    )


def coverage(user, *, now=None) -> dict:
    """Per level and per city (level-2 subtree) in the user's scope: unions, with an active account,
    active in the last 30 days, and their current members (the registry). Four aggregate queries plus one
    for the city names."""
    now = now or timezone.now()
    rows = _annotated(user, now)
    steplen = Organisation.steplen
    # Member counts come from the registry: current members of the unions in the user's scope.
    registry = permissions.scope_q(user, "organisation", "list", "org_path")
    members_by_level = member_counts(registry, F("organisation__level"))
    members_by_city = member_counts(registry, Substr("org_path", 1, 2 * steplen))
    by_level = [
        CoverageRow(
            str(Level(r["level"]).label),
            r["unions"],
            r["with_account"],
            r["active"],
            members_by_level.get(r["level"], 0),
        )
        for r in _aggregate(rows, "level")
    ]
    city_rows = list(
        _aggregate(rows.filter(depth__gte=2).annotate(city=Substr("path", 1, 2 * steplen)), "city")
    )
    names = dict(
        Organisation.objects.filter(path__in=[r["city"] for r in city_rows]).values_list("path", "name")
    )
    by_city = [
        CoverageRow(
            names.get(r["city"], r["city"]),
            r["unions"],
            r["with_account"],
            r["active"],
            members_by_city.get(r["city"], 0),
        )
        for r in city_rows
    ]
    total = CoverageRow(
        "",
        sum(r.unions for r in by_level),
        sum(r.with_account for r in by_level),
        sum(r.active for r in by_level),
        sum(r.members for r in by_level),
    )
    return {"by_level": by_level, "by_city": by_city, "total": total}
