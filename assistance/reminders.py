"""Periodic services of the ledger: the verification deadline, plan follow-ups and the yearly review.
Each takes ``now`` and sends each reminder once."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from unionportal.notifications.registry import register
from unionportal.notifications.services import Message, queue

from .enums import FILED_STATES, HouseholdState
from .models import Household, PlanItem, YearlyReview

# Rendered in the cadre's language; the worker's name and the planned action stay as typed.
VERIFY_DUE = register("assistance.verify_due", subject=_("请于 %(date)s 前入户核实 %(name)s 家"))
PLAN_DUE = register("assistance.plan_due", subject=_("帮扶计划到期：%(name)s 家——%(action)s"))
YEARLY_REVIEW = register("assistance.yearly_review", subject=_("请完成 %(name)s 家的 %(year)d 年度复核"))


def verification_reminders(*, now) -> int:
    """Households still waiting for the home visit on the last day (or after) of their 5 working days."""
    today = now.date() if hasattr(now, "date") else now
    due = Household.objects.filter(
        state=HouseholdState.APPLIED, verify_due_on__lte=today, verify_reminded_on__isnull=True
    ).select_related("cadre")
    sent = 0
    for household in due:
        with transaction.atomic():
            if not Household.objects.filter(pk=household.pk, verify_reminded_on__isnull=True).update(
                verify_reminded_on=today
            ):
                continue
            queue(
                Message(
                    recipients=(household.cadre,),
                    event=VERIFY_DUE,
                    params={"date": household.verify_due_on.isoformat(), "name": household.worker_name},
                    url=f"/assistance/households/{household.pk}/",
                )
            )
        sent += 1
    return sent


def plan_follow_up_reminders(*, now) -> int:
    today = now.date() if hasattr(now, "date") else now
    items = PlanItem.objects.filter(
        done_on__isnull=True,
        reminded_on__isnull=True,
        follow_up_on__lte=today,
        household__state__in=[str(s) for s in FILED_STATES],
    ).select_related("household__cadre")
    sent = 0
    for item in items:
        with transaction.atomic():
            if not PlanItem.objects.filter(pk=item.pk, reminded_on__isnull=True).update(reminded_on=today):
                continue
            queue(
                Message(
                    recipients=(item.household.cadre,),
                    event=PLAN_DUE,
                    params={"name": item.household.worker_name, "action": item.action},
                    url=f"/assistance/households/{item.household_id}/",
                )
            )
        sent += 1
    return sent


def yearly_reviews(*, now) -> int:
    """Each filed household gets one review a year: its cadre confirms or changes the category."""
    today = now.date() if hasattr(now, "date") else now
    households = Household.objects.filter(state__in=[str(s) for s in FILED_STATES], filed_on__isnull=False)
    households = households.exclude(reviews__year=today.year).select_related("cadre")
    sent = 0
    for household in households:
        last = household.last_reviewed_on or household.filed_on
        if (today - last).days < 365:
            continue
        with transaction.atomic():
            _review, created = YearlyReview.objects.get_or_create(
                household=household,
                year=today.year,
                defaults={"requested_on": today, "category_before": household.category},
            )
            if not created:
                continue
            queue(
                Message(
                    recipients=(household.cadre,),
                    event=YEARLY_REVIEW,
                    params={"name": household.worker_name, "year": today.year},
                    url=f"/assistance/households/{household.pk}/",
                )
            )
        sent += 1
    return sent
