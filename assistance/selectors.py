"""Reads of the assistance ledger, always scoped: staff see their subtree, cadres their enterprises."""

from django.db.models import F, Q
from django.shortcuts import get_object_or_404

from unionportal import permissions
from unionportal.orgs.enums import Level, OrgKind
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.orgs.scoping import get_scope, scope_q

from .models import DriveEnterprise, Household, InSubquery, Threshold, Visit, paired_enterprise_ids

# Subtrees rooted this deep (a county: province → city → county) or deeper are listed organisation by
# organisation (pagination.NewestPerGroup): a few dozen to a few hundred organisations, each one index
# descent per page. A city or the province holds thousands of organisations but also a large share of all
# households, so walking the newest-first index and skipping other subtrees' rows finds a page sooner.
PER_ORGANISATION_FROM_DEPTH = 3

# The roles that list households over a subtree (the matrix's "household" row; cadres reach pairings).
STAFF_ROLES = permissions.roles_for("household", "list", permissions.SUBTREE, permissions.PROVINCE)


def households_for(user, action: str = "list"):
    return Household.objects.visible_to(user, action)


def household_list_groups(user):
    """The organisations whose households make up ``user``'s list, when the list is best read
    organisation by organisation (see PER_ORGANISATION_FROM_DEPTH), else None.

    None too for everyone who sees the whole tree, and for cadres: their paired enterprises' households
    lie outside any subtree (and are few: the list is bounded by the pairings, not the data size)."""
    scope = get_scope(user, STAFF_ROLES)
    if not user.is_authenticated or scope.everything or paired_enterprise_ids(user):
        return None
    if any(len(path) // Organisation.steplen < PER_ORGANISATION_FROM_DEPTH for path in scope.subtree_paths):
        return None
    return Organisation.objects.filter(scope_q(user, "path", roles=STAFF_ROLES))


def access_household(user, pk, *, action: str = "open", for_update: bool = False) -> Household:
    """The household if ``user`` may take ``action`` on it, else Http404 (a guessed URL tells nothing)."""
    rows = households_for(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("organisation", "enterprise"), pk=pk)


def enterprises_for_filing(user):
    """Enterprises a user may file households for: drive enterprises they see (paired, or in their subtree)."""
    drives = DriveEnterprise.objects.visible_to(user).order_by().values("enterprise_id")
    # (As an array of keys, looked up in the primary key index, not hashed against every enterprise.)
    return Enterprise.objects.filter(InSubquery(F("pk"), drives))


def cadre_enterprises(user):
    return (
        DriveEnterprise.objects.filter(Q(cadres=user) | Q(responsible_cadre=user))
        .distinct()
        .select_related("enterprise")
    )


def visits_for(user):
    return Visit.objects.filter(drive_enterprise__in=DriveEnterprise.objects.visible_to(user)).select_related(
        "drive_enterprise__enterprise", "cadre"
    )


def threshold_for(organisation) -> Threshold | None:
    """The hardship lines that apply to ``organisation``: its own, else the nearest ancestor's."""
    prefixes = [
        organisation.path[:i]
        for i in range(organisation.steplen, len(organisation.path) + 1, organisation.steplen)
    ]
    return (
        Threshold.objects.filter(organisation__path__in=prefixes)
        .select_related("organisation")
        .order_by("-organisation__depth")
        .first()
    )


def threshold_organisations(user):
    """Organisations whose lines ``user`` may set: regional unions down to county level in their subtree
    (and any organisation there that already has lines of its own)."""
    return Organisation.objects.filter(
        scope_q(user, "path", roles=STAFF_ROLES),
        Q(kind=OrgKind.REGIONAL) | Q(assistance_threshold__isnull=False),
        level__lte=Level.COUNTY,
    ).order_by("path")
