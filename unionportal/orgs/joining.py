"""Joining a union online (网上入会) and the membership card.

A worker with a real-name profile applies to the union of their employer; where the employer has none (or
the worker has no employer: flexible employment), to the township or street union (工会联合会) the
workplace lies in, or to an industry union for new forms of employment in that county. The union (its
submitters, its staff or staff above it) accepts, which enters the worker in the registry, or refuses with
a reason; both through the shared transition service. The workflow::

    submitted ──accept──▶ accepted      (a registry row; the card)
        │ └────refuse───▶ refused       (with a reason)
        └──────withdraw─▶ withdrawn     (by the applicant)

The card page shows a QR code of a signed verification URL: it names the registry row, never the ID
number, and expires (``CARD_MAX_AGE``); the public check page says only "valid member of <union>" or
"not valid".
"""

from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.audit.transitions import ACTOR, COMMENT, NOW, Edge, TransitionError, Workflow, transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message, queue

from .enums import JoinRoute, JoinState, Level, MemberStatus, OrgKind, Role
from .members import conflict_message, current_membership, member_add
from .models import JoinApplication, Member, Membership, Organisation, WorkerProfile

WORKFLOW_NAME = "orgs.join_application"
CARD_SALT = "orgs.member_card"
CARD_MAX_AGE = 30 * 24 * 3600  # a card's QR code stays valid for 30 days; the card page draws a new one


class JoinRefused(Exception):
    """An application that cannot be made; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    union: Organisation
    route: str

    @property
    def route_label(self) -> str:
        return str(JoinRoute(self.route).label)


# --- where a worker may apply ------------------------------------------------------------------------------


def _county_path(township: Organisation) -> str:
    return (
        township.path[: (Level.COUNTY - 1) * Organisation.steplen]
        if township.depth >= Level.COUNTY
        else township.path
    )


def joining_targets(profile: WorkerProfile | None) -> list[Target]:
    """The unions ``profile``'s worker may apply to: the employer's union when it has one; otherwise the
    township union of the workplace and the industry unions of its county."""
    if profile is None:
        return []
    employer = profile.employer
    if employer is not None and employer.union_id and employer.union.is_active:
        return [Target(employer.union, JoinRoute.EMPLOYER)]
    township = employer.township if employer is not None else profile.work_township
    if township is None:
        return []
    targets = [Target(township, JoinRoute.TOWNSHIP)] if township.is_active else []
    industry = Organisation.objects.filter(
        kind=OrgKind.INDUSTRY, is_active=True, path__startswith=_county_path(township)
    ).exclude(pk=township.pk)
    targets += [Target(union, JoinRoute.INDUSTRY) for union in industry.order_by("path")]
    return targets


def profile_of(user) -> WorkerProfile | None:
    return (
        WorkerProfile.objects.filter(user=user)
        .select_related("employer__union", "employer__township", "work_township")
        .first()
    )


def own_applications(user):
    return (
        JoinApplication.objects.filter(applicant=user).select_related("union").order_by("-created_at", "-id")
    )


def own_membership(user) -> Member | None:
    return Member.objects.current().filter(user=user).select_related("organisation").first()


# --- who is told ------------------------------------------------------------------------------------------

SUBMITTED = register(
    "orgs.join_application.submitted",
    subject=gettext_lazy("新的入会申请：%(name)s"),
    body=gettext_lazy("%(name)s申请加入%(union)s，请审核。"),
)
ACCEPTED = register(
    "orgs.join_application.accepted",
    subject=gettext_lazy("您已加入%(union)s"),
    body=gettext_lazy("您的入会申请已通过，可在“我的会员卡”查看电子会员卡。"),
)
REFUSED = register(
    "orgs.join_application.refused",
    subject=gettext_lazy("%(union)s未同意您的入会申请"),
    body=gettext_lazy("理由：%(reason)s"),
)


def reviewers_of(application: JoinApplication) -> list:
    """The union's submitters and staff; without any, the staff of its nearest ancestor with staff."""
    union = application.union
    own = Membership.objects.active().filter(organisation=union, role__in=[Role.SUBMITTER, Role.STAFF])
    users = [m.user for m in own.select_related("user").order_by("user_id")]
    if users:
        return users
    prefixes = [union.path[:i] for i in range(union.steplen, len(union.path), union.steplen)]
    by_path: dict[str, list] = {}
    rows = Membership.objects.active().filter(role=Role.STAFF, organisation__path__in=prefixes)
    for m in rows.select_related("user", "organisation").order_by("user_id"):
        by_path.setdefault(m.organisation.path, []).append(m.user)
    for path in sorted(by_path, key=len, reverse=True):
        return by_path[path]
    return []


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _notify_accepted(application, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=(application.applicant,),
            event=ACCEPTED,
            params={"union": application.union.name},
            url=_url("orgs:my_card"),
        )
    ]


def _notify_refused(application, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=(application.applicant,),
            event=REFUSED,
            params={"union": application.union.name, "reason": comment},
            url=_url("orgs:my_joining"),
        )
    ]


# --- the workflow -----------------------------------------------------------------------------------------


def access_join_application(user, pk, *, action: str = "open", for_update: bool = False) -> JoinApplication:
    """The application ``pk`` if it is the user's own or the matrix's ``action`` row reaches it; else 404."""
    rows = JoinApplication.objects.filter(
        permissions.scope_q(user, "join_application", action, "org_path") | Q(applicant_id=user.pk)
        if getattr(user, "is_authenticated", False)
        else Q(pk__in=[])
    ).select_related("union", "applicant")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    application = rows.filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def is_reviewer(actor, application) -> bool:
    return permissions.allows(actor, "join_application", "review", application)


def is_applicant(actor, application) -> bool:
    return application.applicant_id == actor.pk


def _not_a_member_elsewhere(application, actor) -> str | None:
    holder = current_membership(application.id_number)
    return conflict_message(holder, actor) if holder is not None else None


JOIN_WORKFLOW = Workflow(
    name=WORKFLOW_NAME,
    model=JoinApplication,
    access=lambda actor, pk, for_update=False: access_join_application(actor, pk, for_update=for_update),
    edges=[
        Edge(
            JoinState.SUBMITTED,
            JoinState.ACCEPTED,
            allowed=is_reviewer,
            # The registry row is written by join_accept, which checks first that the person is no
            # member elsewhere (the database's constraint holds it too).
            notify=_notify_accepted,
            sets={"decided_by": ACTOR, "decided_at": NOW},
        ),
        Edge(
            JoinState.SUBMITTED,
            JoinState.REFUSED,
            allowed=is_reviewer,
            needs_comment=True,
            notify=_notify_refused,
            sets={"decided_by": ACTOR, "decided_at": NOW, "reason": COMMENT},
        ),
        Edge(JoinState.SUBMITTED, JoinState.WITHDRAWN, allowed=is_applicant),
    ],
)


# --- the services -----------------------------------------------------------------------------------------


def join_apply(*, applicant, union_id: int) -> JoinApplication:
    """The worker ``applicant`` applies to the union ``union_id``. Raises JoinRefused saying why when
    they have no profile, the union is not one of theirs (``joining_targets``), they are a member
    already, or an application of theirs is waiting. The union's reviewers are told."""
    profile = profile_of(applicant)
    if profile is None:
        raise JoinRefused(_("请先完善实名信息，再申请入会。"))
    targets = {t.union.pk: t for t in joining_targets(profile)}
    target = targets.get(union_id)
    if target is None:
        raise JoinRefused(
            _(
                "只能申请加入本单位的工会；单位未建会或灵活就业的，可申请加入所在乡镇（街道）工会或新就业形态行业工会。"
            )
        )
    holder = current_membership(profile.id_number)
    if holder is not None:
        raise JoinRefused(
            _("您已是“%(union)s”的会员，无需重复申请；如工作调动，请联系原工会办理转会。")
            % {"union": holder.organisation.name}
        )
    employer = profile.employer
    application = JoinApplication(
        applicant=applicant,
        union=target.union,
        route=target.route,
        name=profile.name,
        id_number=profile.id_number,
        phone=applicant.phone or "",
        employer_name=employer.name if employer is not None else "",
        occupation=profile.occupation,
        job=profile.job,
    )
    try:
        with transaction.atomic():
            application.save()
            audit.record(
                actor=applicant,
                action="orgs.join_application.submit",
                obj=application,
                to_state=JoinState.SUBMITTED,
            )
            queue(
                Message(
                    recipients=tuple(reviewers_of(application)),
                    event=SUBMITTED,
                    params={"name": application.name, "union": target.union.name},
                    url=_url("orgs:joining_detail", application.pk),
                )
            )
    except IntegrityError:
        raise JoinRefused(_("您已有一份待审核的入会申请，请等待工会处理或先撤回。")) from None
    return application


def join_accept(*, actor, application_id: int, joined_on=None) -> JoinApplication:
    """Accept: the applicant enters the union's registry (joined today) and the application is accepted,
    in one transaction. Raises TransitionError (not theirs to decide, decided already, a member
    elsewhere) or Http404 outside the actor's scope; nothing is written then."""
    joined_on = joined_on or timezone.localdate()
    with transaction.atomic():
        application = access_join_application(actor, application_id, for_update=True)
        if application.state != JoinState.SUBMITTED or not is_reviewer(actor, application):
            # Let the transition service say why, in its words.
            return transition(workflow=JOIN_WORKFLOW, pk=application_id, to=JoinState.ACCEPTED, actor=actor)
        problem = _not_a_member_elsewhere(application, actor)
        if problem:
            raise TransitionError(problem)
        member = member_add(
            actor=actor,
            organisation=application.union,
            name=application.name,
            id_number=application.id_number,
            phone=application.phone,
            joined_on=joined_on,
            user=application.applicant,
            check_scope=False,
        )
        return transition(
            workflow=JOIN_WORKFLOW,
            pk=application_id,
            to=JoinState.ACCEPTED,
            actor=actor,
            expected_from=JoinState.SUBMITTED,
            sets={"member": member},
        )


def join_refuse(*, actor, application_id: int, reason: str) -> JoinApplication:
    return transition(
        workflow=JOIN_WORKFLOW,
        pk=application_id,
        to=JoinState.REFUSED,
        actor=actor,
        comment=(reason or "").strip()[:300],
    )


def join_withdraw(*, actor, application_id: int) -> JoinApplication:
    return transition(workflow=JOIN_WORKFLOW, pk=application_id, to=JoinState.WITHDRAWN, actor=actor)


def review_queue(user):
    """The applications waiting for ``user`` to decide."""
    return (
        JoinApplication.objects.visible_to(user, "review")
        .filter(state=JoinState.SUBMITTED)
        .select_related("union")
        .order_by("created_at", "id")
    )


# --- the card ---------------------------------------------------------------------------------------------


def card_token(member: Member) -> str:
    """A signed, timestamped token naming the registry row (never the ID number)."""
    return signing.dumps({"m": member.pk}, salt=CARD_SALT, compress=True)


@dataclass(frozen=True)
class CardCheck:
    valid: bool
    union_name: str = ""


def card_check(token: str, *, max_age: int = CARD_MAX_AGE) -> CardCheck:
    """Whether ``token`` is a genuine, unexpired card of a current member, and of which union."""
    try:
        payload = signing.loads(token, salt=CARD_SALT, max_age=max_age)
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired is a BadSignature)
        return CardCheck(False)
    member_pk = payload.get("m") if isinstance(payload, dict) else None
    if not isinstance(member_pk, int):
        return CardCheck(False)
    member = (
        Member.objects.filter(pk=member_pk, status=MemberStatus.MEMBER).select_related("organisation").first()
    )
    if member is None or not member.organisation.is_active:
        return CardCheck(False)
    return CardCheck(True, member.organisation.name)


def card_qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (the page's CSP allows data: images)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)
