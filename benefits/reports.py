"""The six-function dashboard's figures of inclusive services (function "inclusive"), counted live.

Per subtree: offers published (published or since closed) by its unions; the places used on them
(confirmed sign-ups); and the services its members received (confirmed sign-ups of members of the
subtree, whoever published the offer). The trend: sign-ups per week, and those confirmed."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Figure, Series, subtree_counts

from .enums import OfferState, SignupState
from .models import Offer, Signup

FUNCTION = "inclusive"


def dashboard(paths) -> dict[str, list[Figure]]:
    offers = subtree_counts(
        Offer.objects.filter(state__in=(OfferState.PUBLISHED, OfferState.CLOSED)), paths, field="org_path"
    )
    confirmed = Signup.objects.filter(state=SignupState.CONFIRMED)
    places = subtree_counts(confirmed, paths, field="org_path")
    served = subtree_counts(confirmed, paths, field="member_path")
    return {
        path: [
            Figure(FUNCTION, "benefits.offers", _("发布普惠服务"), offers[path], url="/services/manage/"),
            Figure(FUNCTION, "benefits.places_used", _("已确认名额"), places[path], url="/services/manage/"),
            Figure(FUNCTION, "benefits.members_served", _("会员享受服务人次"), served[path]),
        ]
        for path in paths
    }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def trend(path: str, start: date, end: date) -> list[Series]:
    """Sign-ups to the subtree's offers per week over [start, end]: made, and confirmed (one query)."""
    tz = timezone.get_current_timezone()
    first, last = _monday(start), _monday(end)
    rows = (
        Signup.objects.filter(
            org_path__startswith=path,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .values("week")
        .annotate(made=Count("id"), confirmed=Count("id", filter=Q(state=SignupState.CONFIRMED)))
        .order_by("week")
    )
    made, confirmed = {}, {}
    for row in rows:
        week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        made[week], confirmed[week] = row["made"], row["confirmed"]
    weeks = []
    day = first
    while day <= last:
        weeks.append(day)
        day += timedelta(days=7)
    return [
        Series("benefits.signups", _("普惠服务报名"), tuple((w, made.get(w, 0)) for w in weeks)),
        Series("benefits.confirmed", _("报名成功"), tuple((w, confirmed.get(w, 0)) for w in weeks)),
    ]
