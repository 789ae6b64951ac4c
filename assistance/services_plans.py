"""Writes of a household's plan and yearly review that must happen once: a second click, or a second
person on the same record, finds the row locked and then done, and writes nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services, workflows
from .models import Household, PlanItem, YearlyReview


def plan_item_mark_done(*, actor, household: Household, item_id: int) -> tuple[PlanItem, bool]:
    """Mark one of ``household``'s plan items done (the caller has checked the actor may change the
    household). Returns the item and whether this call marked it: False when it was already done, and
    then nothing is written. Http404 when the item is not the household's."""
    with transaction.atomic():
        item = get_object_or_404(PlanItem.objects.select_for_update(), pk=item_id, household=household)
        if item.done_on is not None:
            return item, False
        services.plan_item_done(actor=actor, item=item)
    return item, True


def yearly_review_complete(
    *, actor, household: Household, review_id: int, claimed_category: str, today=None
) -> YearlyReview:
    """Complete the open yearly review ``review_id`` of a filed household: the category is derived again
    through ``services.household_update`` (ValidationError when ``claimed_category`` contradicts it) and
    the review records the outcome, who and when. For the household's cadre or staff over it
    (PermissionDenied otherwise); ValidationError when someone completed the review meanwhile."""
    if not workflows.is_cadre_or_staff(actor, household):
        raise PermissionDenied(_("年度复核由责任干部或上级工会工作人员完成。"))
    today = today or timezone.localdate()
    with transaction.atomic():
        review = get_object_or_404(
            YearlyReview.objects.select_for_update(), pk=review_id, household=household
        )
        if review.done_on is not None:
            raise ValidationError(_("本年度复核已由他人完成，请刷新页面。"))
        services.household_update(
            actor=actor, household=household, claimed_category=claimed_category, last_reviewed_on=today
        )
        review.done_on = today
        review.category_after = household.category
        review.reviewed_by = actor
        review.save(update_fields=["done_on", "category_after", "reviewed_by"])
    return review
