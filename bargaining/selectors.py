"""Reads of the bargaining drive, always scoped (``visible_to``; ``access_*`` answers 404 outside)."""

from datetime import date

from django.db.models import Q
from django.shortcuts import get_object_or_404

from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Organisation

from .models import Agreement, BargainingProfile, MinimumWage, Offer


def access_offer(user, pk, *, action: str = "open", for_update: bool = False) -> Offer:
    """The offer if ``user`` may take ``action`` on it, else Http404. ``user`` None: the periodic clock."""
    rows = Offer.objects.all() if user is None else Offer.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("enterprise", "union", "supervisor"), pk=pk)


def access_agreement(user, pk, *, action: str = "open", for_update: bool = False) -> Agreement:
    rows = Agreement.objects.all() if user is None else Agreement.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("union", "enterprise", "offer"), pk=pk)


def access_agreement_for_change(user, pk, *, for_update: bool = False) -> Agreement:
    return access_agreement(user, pk, action="change", for_update=for_update)


def offers_for(user, action: str = "list"):
    return Offer.objects.visible_to(user, action)


def agreements_for(user, action: str = "list"):
    return Agreement.objects.visible_to(user, action)


def targets_for(user, action: str = "list"):
    return BargainingProfile.objects.visible_to(user, action)


def minimum_wage_for(enterprise: Enterprise, day: date) -> MinimumWage | None:
    """The local standard in force on ``day`` where the enterprise sits: the row of the nearest region
    (its township's county, then city, then the province) with a standard in force that day."""
    township = enterprise.township
    steplen = Organisation.steplen
    prefixes = [township.path[:i] for i in range(steplen, len(township.path) + 1, steplen)]
    depth_of = dict(Organisation.objects.filter(path__in=prefixes).values_list("code", "depth"))
    rows = MinimumWage.objects.filter(region_code__in=list(depth_of), effective_from__lte=day)
    best = None
    for row in rows:
        key = (depth_of[row.region_code], row.effective_from)
        if best is None or key > best[0]:
            best = (key, row)
    return best[1] if best else None


def people_of(organisation: Organisation, roles=(Role.STAFF,)):
    """The active accounts holding one of ``roles`` in ``organisation`` (who a notice goes to)."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=[str(r) for r in roles],
            memberships__is_active=True,
        )
        .distinct()
    )


def enterprises_for_offer(user):
    """Enterprises whose responsible union the user may send offers for (their grassroots union, else
    their township union, inside the user's reach)."""
    from unionportal import permissions

    return Enterprise.objects.filter(
        (Q(union__isnull=False) & permissions.scope_q(user, "bargaining_offer", "change", "union__path"))
        | (Q(union__isnull=True) & permissions.scope_q(user, "bargaining_offer", "change", "township__path"))
    )
