"""Reads of rights protection, always scoped (``visible_to``; ``access_*`` answers 404 outside)."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Enterprise, Organisation

from .models import EnterpriseFlag, RightsRequest

UNION_PEOPLE = (Role.STAFF, Role.SUBMITTER)


def access_request(user, pk, *, action: str = "open", for_update: bool = False) -> RightsRequest:
    """The request if ``user`` may take ``action`` on it as a handler, else Http404. ``user`` None: the
    periodic clock."""
    rows = RightsRequest.objects.all() if user is None else RightsRequest.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("union", "enterprise", "worker"), pk=pk)


def access_request_for_change(user, pk, *, for_update: bool = False) -> RightsRequest:
    return access_request(user, pk, action="change", for_update=for_update)


def access_own_request(user, pk, *, for_update: bool = False) -> RightsRequest:
    """The worker's own request, else Http404 (another worker's, a tip, anything else)."""
    rows = RightsRequest.objects.filter(worker=user, worker__isnull=False, anonymous=False)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("union", "enterprise"), pk=pk)


def requests_for(user, action: str = "list"):
    return RightsRequest.objects.visible_to(user, action)


def own_requests(user):
    return RightsRequest.objects.filter(worker=user, anonymous=False).select_related("union")


def flags_for(user, action: str = "list"):
    return EnterpriseFlag.objects.visible_to(user, action)


def responsible_union(enterprise: Enterprise | None, county: Organisation | None) -> Organisation | None:
    """Where a request goes: the employer's union, else its township union, else the county union
    chosen by the worker (an employer not in the registry)."""
    if enterprise is not None:
        return enterprise.union if enterprise.union_id else enterprise.township
    return county


def counties():
    """The county-level unions a worker may choose for an employer not in the registry."""
    return Organisation.objects.filter(level=Level.COUNTY, is_active=True).order_by("path")


def people_of(organisation: Organisation, roles=(Role.STAFF,)) -> list:
    """The active accounts holding one of ``roles`` in ``organisation`` (who a notice goes to)."""
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
