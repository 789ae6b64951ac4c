"""Every write of inclusive services. Keyword-only functions; each checks the user's reach (Http404
outside it), checks every rule before writing, and raises ``BenefitsError`` (a message in the user's
language) or ``TransitionError`` when it may not proceed, having changed nothing.

Places: an offer's ``taken`` counts the sign-ups holding a place. Signing up, cancelling, refusing and
moving up from the waiting list all take the offer's row lock first (then the sign-up's), so concurrent
sign-ups queue on that row and the last place goes to exactly one of them; the database's check
constraint (``taken <= capacity``) and the conditional UPDATE below are the backstop where no row lock
exists (SQLite, whose write lock the settings take at the start of the transaction instead).
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments, permissions
from unionportal.audit import services as audit
from unionportal.audit.transitions import transition
from unionportal.notifications.services import queue
from unionportal.orgs.enums import MemberStatus
from unionportal.orgs.models import Member, Organisation

from .enums import ACTIVE, HOLDING, OfferKind, OfferState, SignupState
from .models import BENEFITS_TOPIC, Offer, Signup
from .selectors import access_offer, access_signup, eligible_member, waiting_queue
from .workflows import OFFER_WORKFLOW, SIGNUP_PROMOTED, SIGNUP_WORKFLOW, signup_message


class BenefitsError(Exception):
    """Input the user can fix; ``message`` says what, in the user's language. ``code`` lets a page
    offer the next step (``full``: join the waiting list)."""

    def __init__(self, message: str, field: str | None = None, code: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


EDITABLE = ("kind", "title", "description", "place", "capacity", "signup_from", "signup_until", "service_on")


def unions_for(user):
    """The unions the user may publish offers for: those where one of their roles grants it."""
    paths = [path for _reach, path in permissions.holdings(user, "benefit_offer", "change") if path]
    if getattr(user, "is_superuser", False):
        return Organisation.objects.filter(depth=1)
    return Organisation.objects.filter(path__in=paths).order_by("path")


def _check(fields: dict, *, taken: int = 0) -> None:
    if fields.get("kind") not in OfferKind.values:
        raise BenefitsError(_("请选择服务类别。"), "kind")
    for name, message in (("title", _("请填写服务名称。")), ("place", _("请填写服务地点。"))):
        if not (fields.get(name) or "").strip():
            raise BenefitsError(message, name)
    capacity = fields.get("capacity")
    if capacity is None or capacity < 1:
        raise BenefitsError(_("名额至少为 1 个。"), "capacity")
    if capacity < taken:
        raise BenefitsError(
            _("已有 %(taken)s 人占用名额，名额不能少于 %(taken)s 个。") % {"taken": taken}, "capacity"
        )
    start, end, service = fields.get("signup_from"), fields.get("signup_until"), fields.get("service_on")
    if not (start and end and service):
        raise BenefitsError(_("请填写报名开始、截止日期和服务日期。"))
    if end < start:
        raise BenefitsError(_("报名截止日期不能早于开始日期。"), "signup_until")
    if service < start:
        raise BenefitsError(_("服务日期不能早于报名开始日期。"), "service_on")


def offer_create(*, actor, union: Organisation, needs_confirmation: bool = False, **fields) -> Offer:
    """A draft offer of ``union`` (one the actor may publish for; Http404 otherwise)."""
    if actor is not None and not permissions.covers(actor, "benefit_offer", "change", union.path):
        raise Http404
    fields = {name: fields.get(name) for name in EDITABLE}
    _check(fields)
    fields["title"], fields["place"] = fields["title"].strip(), fields["place"].strip()
    fields["description"] = (fields["description"] or "").strip()
    with transaction.atomic():
        offer = Offer.objects.create(
            union=union,
            org_path=union.path,
            needs_confirmation=needs_confirmation,
            created_by=actor,
            **fields,
        )
        audit.record(actor=actor, action="benefits.offer.create", obj=offer)
    return offer


def offer_update(*, actor, offer_id: int, needs_confirmation: bool, **fields) -> Offer:
    """Edit a draft or published offer; the capacity never below the places already taken. A closed
    offer is not edited."""
    with transaction.atomic():
        offer = access_offer(actor, offer_id, action="change", for_update=True)
        if offer.state == OfferState.CLOSED:
            raise BenefitsError(_("这项服务已结束，不能再修改。"))
        fields = {name: fields.get(name) for name in EDITABLE}
        _check(fields, taken=offer.taken)
        fields["title"], fields["place"] = fields["title"].strip(), fields["place"].strip()
        fields["description"] = (fields["description"] or "").strip()
        fields["needs_confirmation"] = needs_confirmation
        before = {name: str(getattr(offer, name)) for name in fields}
        for name, value in fields.items():
            setattr(offer, name, value)
        offer.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor=actor,
            action="benefits.offer.update",
            obj=offer,
            changes=audit.field_changes(before, {name: str(v) for name, v in fields.items()}),
        )
    return offer


def offer_publish(*, actor, offer_id: int) -> Offer:
    return transition(
        workflow=OFFER_WORKFLOW,
        pk=offer_id,
        to=OfferState.PUBLISHED,
        actor=actor,
        expected_from=OfferState.DRAFT,
    )


def offer_close(*, actor, offer_id: int) -> Offer:
    """End the offer: no more sign-ups or cancellations; the list stays for the record and export."""
    return transition(
        workflow=OFFER_WORKFLOW,
        pk=offer_id,
        to=OfferState.CLOSED,
        actor=actor,
        expected_from=OfferState.PUBLISHED,
    )


# --- sign-ups ---------------------------------------------------------------------------------------------


def _window_problem(offer: Offer, today: date) -> str | None:
    if offer.state != OfferState.PUBLISHED:
        return _("这项服务已结束报名。")
    if today < offer.signup_from:
        return _("报名尚未开始，将于 %(date)s 开始。") % {"date": offer.signup_from.isoformat()}
    if today > offer.signup_until:
        return _("报名已于 %(date)s 截止。") % {"date": offer.signup_until.isoformat()}
    return None


def signup_apply(*, user, offer_id: int, waitlist: bool = False, note: str = "", now=None) -> Signup:
    """The signed-in worker signs up for a published offer. Refused with a message, nothing written:
    not a current member of the offer's union's subtree; outside the sign-up window; already signed up
    (or waiting); the offer full, unless ``waitlist`` (then the sign-up waits its turn)."""
    offer = Offer.objects.filter(pk=offer_id, state__in=(OfferState.PUBLISHED, OfferState.CLOSED)).first()
    if offer is None:
        raise Http404
    member = eligible_member(user, offer)
    if member is None:
        raise BenefitsError(
            _("这项服务只面向%(union)s及所属工会的在册会员，您不在报名范围内。")
            % {"union": offer.union.name},
            code="outside",
        )
    return signup_for_member(
        member=member, user=user, offer_id=offer.pk, waitlist=waitlist, note=note, now=now
    )


def signup_for_member(
    *, member: Member, user, offer_id: int, waitlist: bool = False, note: str = "", now=None
):
    """The sign-up itself, for a member the caller has found eligible (``signup_apply``, the demo)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            problem = _window_problem(offer, today)
            if problem:
                raise BenefitsError(problem, code="window")
            if not member.org_path.startswith(offer.org_path) or member.status != MemberStatus.MEMBER:
                raise BenefitsError(_("您不在这项服务的报名范围内。"), code="outside")
            existing = Signup.objects.filter(offer=offer, member=member, state__in=ACTIVE).first()
            if existing is not None:
                raise BenefitsError(
                    _("您已报名这项服务（%(state)s），不能重复报名。")
                    % {"state": existing.get_state_display()},
                    code="twice",
                )
            if offer.taken < offer.capacity:
                state = SignupState.PENDING if offer.needs_confirmation else SignupState.CONFIRMED
                # The count moves only where it is still below the capacity: never an overbooking.
                if not Offer.objects.filter(pk=offer.pk, taken__lt=F("capacity")).update(
                    taken=F("taken") + 1
                ):
                    raise BenefitsError(_("名额已满。"), code="full")
            elif waitlist:
                state = SignupState.WAITING
            else:
                raise BenefitsError(
                    _("名额已满（共 %(n)s 个）。您可以加入候补名单，有人取消时按报名先后递补。")
                    % {"n": offer.capacity},
                    code="full",
                )
            signup = Signup.objects.create(
                offer=offer,
                member=member,
                user=user,
                org_path=offer.org_path,
                member_path=member.org_path,
                state=state,
                note=(note or "").strip()[:200],
                created_at=now,
                decided_at=now if state == SignupState.CONFIRMED else None,
            )
            audit.record(actor=user, action="benefits.signup.create", obj=signup, to_state=state, at=now)
    except IntegrityError as error:  # the same member twice at the same moment: the constraint holds
        raise BenefitsError(_("您已报名这项服务，不能重复报名。"), code="twice") from error
    return signup


def _move_up(offer: Offer, *, actor, now) -> Signup | None:
    """A place of ``offer`` (locked) was freed: the first waiting sign-up takes it and is told; with
    nobody waiting the count goes down. Call inside the transaction that freed the place."""
    first = waiting_queue(offer.pk).select_for_update(of=("self",)).select_related("offer", "user").first()
    if first is None:
        Offer.objects.filter(pk=offer.pk).update(taken=F("taken") - 1)
        return None
    state = SignupState.PENDING if offer.needs_confirmation else SignupState.CONFIRMED
    Signup.objects.filter(pk=first.pk, state=SignupState.WAITING).update(
        state=state, decided_at=now if state == SignupState.CONFIRMED else None, updated_at=now
    )
    fragments.bump(BENEFITS_TOPIC, first.org_path)  # the update sends no signal
    first.state = state
    audit.record(
        actor=actor,
        action="benefits.signup.promote",
        obj=first,
        from_state=SignupState.WAITING,
        to_state=state,
        at=now,
    )
    for message in signup_message(SIGNUP_PROMOTED, first):
        queue(message)
    return first


def signup_cancel(*, user, signup_id: int, now=None) -> Signup:
    """The worker cancels their own sign-up (Http404 for anyone else's) while the offer runs; a place it
    held goes to the first on the waiting list."""
    now = now or timezone.now()
    signup = access_signup(user, signup_id, action="change")
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=signup.offer_id)
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.state not in ACTIVE:
            raise BenefitsError(
                _("这条报名已经是“%(state)s”，无需取消。") % {"state": signup.get_state_display()}
            )
        if offer.state != OfferState.PUBLISHED:
            raise BenefitsError(_("这项服务已结束，不能取消报名。"))
        held = signup.state in HOLDING
        before = signup.state
        Signup.objects.filter(pk=signup.pk).update(
            state=SignupState.CANCELLED, decided_at=now, updated_at=now
        )
        fragments.bump(BENEFITS_TOPIC, signup.org_path)  # the update sends no signal
        signup.state = SignupState.CANCELLED
        audit.record(
            actor=user,
            action="benefits.signup.cancel",
            obj=signup,
            from_state=before,
            to_state=signup.state,
            at=now,
        )
        if held:
            _move_up(offer, actor=user, now=now)
    return signup


def signup_confirm(*, actor, signup_id: int) -> Signup:
    return transition(
        workflow=SIGNUP_WORKFLOW,
        pk=signup_id,
        to=SignupState.CONFIRMED,
        actor=actor,
        expected_from=SignupState.PENDING,
    )


def signup_refuse(*, actor, signup_id: int, reason: str) -> Signup:
    """Refuse a sign-up waiting for confirmation (with the reason the worker is told); its place goes to
    the first on the waiting list."""
    signup = access_signup(actor, signup_id, action="review")
    now = timezone.now()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=signup.offer_id)
        refused = transition(
            workflow=SIGNUP_WORKFLOW,
            pk=signup_id,
            to=SignupState.REFUSED,
            actor=actor,
            comment=(reason or "").strip(),
            expected_from=SignupState.PENDING,
            now=now,
        )
        _move_up(offer, actor=actor, now=now)
    return refused
