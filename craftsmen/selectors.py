"""Reads for the craftsman pages: the user's recommendations, the programmes open to them, what they may do."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.selectors import access_candidacy

from .models import APP, Craftsman, Patent


def recommendations_for(user):
    """The craftsman recommendations ``user`` may list (their union's; staff: their subtree's)."""
    return (
        Candidacy.objects.visible_to(user, "list")
        .filter(programme__app=APP)
        .select_related("programme__campaign", "organisation", "craftsman__trade", "craftsman__enterprise")
    )


def craftsman_programmes():
    return Programme.objects.filter(app=APP).select_related("campaign", "craftsman_settings")


def open_craftsman_programmes(now=None):
    return craftsman_programmes().open_for_intake(now or timezone.now()).order_by("intake_closes_at", "code")


def access_recommendation(user, pk, *, action: str = "open", for_update: bool = False) -> Candidacy:
    """A craftsman recommendation ``user`` may take ``action`` on, else Http404."""
    candidacy = access_candidacy(user, pk, action=action, for_update=for_update)
    if candidacy.programme.app != APP:
        raise Http404
    return candidacy


def craftsman_of(candidacy: Candidacy) -> Craftsman | None:
    return (
        Craftsman.objects.filter(candidacy=candidacy)
        .select_related("trade", "enterprise")
        .prefetch_related(Prefetch("patents", queryset=Patent.objects.order_by("position", "id")))
        .first()
    )
