"""Reads for the awards pages: the user's nominations, the programmes open to them, what they may do."""

from django.http import Http404
from django.utils import timezone

from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.selectors import access_candidacy

APP = "awards"


def nominations_for(user):
    """The award nominations ``user`` may list (their union's; staff: their subtree's)."""
    return (
        Candidacy.objects.visible_to(user, "list")
        .filter(programme__app=APP)
        .select_related("programme__campaign", "organisation")
    )


def award_programmes():
    return Programme.objects.filter(app=APP).select_related("campaign")


def open_award_programmes(now=None):
    return award_programmes().open_for_intake(now or timezone.now()).order_by("intake_closes_at", "code")


def access_nomination(user, pk, *, action: str = "open", for_update: bool = False) -> Candidacy:
    """An award nomination ``user`` may take ``action`` on, else Http404."""
    candidacy = access_candidacy(user, pk, action=action, for_update=for_update)
    if candidacy.programme.app != APP:
        raise Http404
    return candidacy


def nomination_of(candidacy: Candidacy):
    from .models import Nomination

    return (
        Nomination.objects.filter(candidacy=candidacy)
        .select_related("employer", "enterprise", "unit_organisation")
        .first()
    )
