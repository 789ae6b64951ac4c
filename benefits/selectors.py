"""Reads of inclusive services, always scoped (``visible_to``; ``access_*`` answers 404 outside)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from unionportal.orgs.models import Member, Organisation

from .enums import ACTIVE, OfferState
from .models import Offer, Signup


def access_offer(user, pk, *, action: str = "open", for_update: bool = False) -> Offer:
    """The offer if ``user`` may take ``action`` on it (staff side), else Http404."""
    rows = Offer.objects.all() if user is None else Offer.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("union"), pk=pk)


def access_signup(user, pk, *, action: str = "open", for_update: bool = False) -> Signup:
    """A sign-up the staff user may take ``action`` on (or the worker's own, for ``change``)."""
    rows = Signup.objects.all() if user is None else Signup.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("offer", "member", "user"), pk=pk)


def published_offer(pk) -> Offer:
    """A published offer anyone may read (its public fields)."""
    return get_object_or_404(Offer.objects.published().select_related("union"), pk=pk)


def public_offers():
    """Published offers whose sign-up has not ended, soonest closing first (the public list)."""
    today = timezone.localdate()
    return Offer.objects.published().filter(signup_until__gte=today).select_related("union")


def offers_for(user, action: str = "list"):
    return Offer.objects.visible_to(user, action)


def current_memberships(user) -> list[Member]:
    """The user's current rows in the member registry (one union at a time, by the registry's rule)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Member.objects.current().filter(user=user))


def eligibility_q(memberships) -> Q:
    """Offers whose union's subtree holds one of ``memberships``: the union's path is a prefix of the
    member's union path, i.e. one of the member's union's ancestors (or the union itself)."""
    paths = set()
    for member in memberships:
        step = Organisation.steplen
        paths.update(member.org_path[:i] for i in range(step, len(member.org_path) + 1, step))
    return Q(org_path__in=sorted(paths)) if paths else Q(pk__in=[])


def eligible_member(user, offer: Offer) -> Member | None:
    """The user's current member row in the offer's union's subtree, or None."""
    for member in current_memberships(user):
        if member.org_path.startswith(offer.org_path):
            return member
    return None


def offers_open_to(user):
    """Published offers the user may sign up for now (their union or an ancestor published them, the
    window is open), with the user's active sign-up, if any, alongside."""
    today = timezone.localdate()
    return (
        Offer.objects.published()
        .filter(eligibility_q(current_memberships(user)), signup_from__lte=today, signup_until__gte=today)
        .select_related("union")
        .order_by("signup_until", "id")
    )


def signups_of(user):
    """The user's own sign-ups, newest first."""
    return (
        Signup.objects.filter(user=user)
        .select_related("offer", "offer__union")
        .order_by("-created_at", "-id")
    )


def active_offer_ids(user) -> set[int]:
    return set(Signup.objects.filter(user=user, state__in=ACTIVE).values_list("offer_id", flat=True))


def signups_of_offer(offer: Offer):
    return offer.signups.select_related("member", "member__organisation")


def waiting_queue(offer_id: int):
    from .enums import SignupState

    return Signup.objects.filter(offer_id=offer_id, state=SignupState.WAITING).order_by("created_at", "id")


def is_open(offer: Offer) -> bool:
    return offer.state == OfferState.PUBLISHED and offer.window_open(timezone.localdate())


def active_signup(user, offer: Offer) -> Signup | None:
    return Signup.objects.filter(user=user, offer=offer, state__in=ACTIVE).first()


def pending_counts(offer_ids) -> dict[int, int]:
    """How many sign-ups wait for the union's decision, per offer (one query for a page of offers)."""
    from django.db.models import Count

    from .enums import SignupState

    rows = (
        Signup.objects.filter(offer_id__in=offer_ids, state=SignupState.PENDING)
        .values("offer_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("offer_id", "n")
    )
    return dict(rows)
