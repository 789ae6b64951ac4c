"""The candidacy path, one table of edges for the shared transition service.

    draft ─submit→ reviewN ─forward→ … ─forward→ review1 ─approve→ approved ─notice→ notice ─publish→ published ─revoke→ revoked
      ↑  returned ─resubmit┘  │ (withdraw while at the first level: back to draft)        └─objection upheld→ struck
      └───────── return ←─────┤
                 reject ←─────┘ (any reviewing level)

A review state names the level holding the candidacy; the reviewer is that level's ancestor of the
submitting union, and only its own staff act. Forwarding takes a quota slot of that union (guarded
under a lock of its allocation by ``within_quota``; ``services.forward`` asks the same ``quota_use``
for a whole batch first); the rules are checked on the whole list by ``services.forward``.
Submitting stamps ``submitted_at`` and closing an objection records its findings, handler and time,
in the same write as the state (the edges' ``sets``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import ACTOR, COMMENT, NOW, Edge, Workflow
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message
from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Membership

from .enums import REVIEW_STATES, ObjectionState
from .enums import State as S
from .models import Allocation, Candidacy, Objection, Programme
from .selectors import (
    access_candidacy,
    first_review_state,
    is_staff_of,
    next_state,
    quota_use,
    reviewer_for,
)

WORKFLOW_NAME = "selection.candidacy"
OBJECTION_WORKFLOW_NAME = "selection.objection"
REVIEWS = tuple(REVIEW_STATES.values())


# --- who may take an edge -------------------------------------------------------------------------


def is_submitter(actor, candidacy: Candidacy) -> bool:
    """A submitter, admin or staff member of the nominating union itself (the matrix's "change" row)."""
    return permissions.allows(actor, "candidacy", "change", candidacy)


def is_editable(candidacy: Candidacy) -> bool:
    return candidacy.state in (S.DRAFT, S.RETURNED)


@dataclass(frozen=True)
class SubmitterActions:
    """What the nominating union may do with a candidacy now (reviewers act on /selection/review/)."""

    edit: bool = False
    submit: bool = False
    withdraw: bool = False
    delete: bool = False


def submitter_actions(user, candidacy: Candidacy) -> SubmitterActions:
    """The buttons a programme's own page shows its submitter (an award nomination, a craftsman)."""
    if not is_submitter(user, candidacy):
        return SubmitterActions()
    editable = is_editable(candidacy)
    return SubmitterActions(
        edit=editable,
        submit=editable,
        withdraw=candidacy.state in REVIEW_STATES.values()
        and candidacy.state == first_review_state(candidacy),
        delete=candidacy.state == S.DRAFT and candidacy.submitted_at is None,
    )


def is_reviewer(actor, candidacy: Candidacy) -> bool:
    org = reviewer_for(candidacy)
    return org is not None and is_staff_of(actor, org)


def is_province_staff(actor, candidacy: Candidacy) -> bool:
    return permissions.is_province_staff(actor)


# --- guards ---------------------------------------------------------------------------------------


def lock_quota(programme: Programme, organisation) -> None:
    """Serialise forwards of one union: lock its allocation row (the programme row for the province)."""
    if organisation.level == Level.PROVINCE:
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
    else:
        Allocation.objects.select_for_update().filter(programme=programme, organisation=organisation).first()


def within_quota(candidacy: Candidacy, actor) -> str | None:
    """The quota guard of a single move; ``services.forward`` asks ``quota_use`` the same for a batch."""
    org = reviewer_for(candidacy)
    lock_quota(candidacy.programme, org)
    return quota_use(candidacy.programme, org, adding=1).problem


def is_first_level(candidacy: Candidacy, actor) -> str | None:
    if candidacy.state != first_review_state(candidacy):
        return _("审核已经开始，不能撤回。")
    return None


def is_next_level(target: str):
    def guard(candidacy: Candidacy, actor) -> str | None:
        if next_state(candidacy) != target:
            return _("该推荐不经此层级审核。")
        return None

    return guard


def is_first_review(target: str):
    def guard(candidacy: Candidacy, actor) -> str | None:
        if first_review_state(candidacy) != target:
            return _("该推荐不经此层级审核。")
        return None

    return guard


def no_open_objections(candidacy: Candidacy, actor) -> str | None:
    if Objection.objects.filter(candidacy=candidacy, state=ObjectionState.OPEN).exists():
        return _("“%(name)s”尚有未办结的异议，办结后才能公布。") % {"name": candidacy.name}
    return None


# --- who is told ----------------------------------------------------------------------------------


def _submitters(candidacy: Candidacy) -> tuple:
    users = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=candidacy.organisation_id, role=Role.SUBMITTER)
        .select_related("user")
    ]
    if candidacy.created_by is not None:
        users.append(candidacy.created_by)
    return tuple(users)


def _staff_of_holder(candidacy: Candidacy) -> tuple:
    org = reviewer_for(candidacy)
    if org is None:
        return ()
    return tuple(
        m.user
        for m in Membership.objects.active().filter(organisation=org, role=Role.STAFF).select_related("user")
    )


# The messages, rendered in each recipient's language; the name and the comment stay as typed.
TO_REVIEW = register(
    f"{WORKFLOW_NAME}.to_review", subject=gettext_lazy("待审核推荐：%(name)s"), body="%(comment)s"
)
RETURNED = register(
    f"{WORKFLOW_NAME}.returned",
    subject=gettext_lazy("“%(name)s”被退回修改"),
    body=gettext_lazy("退回理由：%(comment)s"),
)
REJECTED = register(
    f"{WORKFLOW_NAME}.rejected",
    subject=gettext_lazy("“%(name)s”未通过审核"),
    body=gettext_lazy("理由：%(comment)s"),
)
APPROVED = register(
    f"{WORKFLOW_NAME}.approved",
    subject=gettext_lazy("“%(name)s”已获省级批准，即将公示"),
    body="%(comment)s",
)
STRUCK = register(
    f"{WORKFLOW_NAME}.struck",
    subject=gettext_lazy("“%(name)s”因公示异议成立被撤下"),
    body=gettext_lazy("理由：%(comment)s"),
)
PUBLISHED = register(
    f"{WORKFLOW_NAME}.published", subject=gettext_lazy("“%(name)s”已正式表彰"), body="%(comment)s"
)
REVOKED = register(
    f"{WORKFLOW_NAME}.revoked",
    subject=gettext_lazy("“%(name)s”的荣誉已被撤销"),
    body=gettext_lazy("理由：%(comment)s"),
)


def tell_submitters(event: str):
    def notify(candidacy: Candidacy, actor, comment: str):
        return [
            Message(
                recipients=_submitters(candidacy),
                event=event,
                params={"name": candidacy.name, "comment": comment},
                url=candidacy.get_absolute_url(),
            )
        ]

    return notify


def tell_next_reviewer(candidacy: Candidacy, actor, comment: str):
    # The transition has set the new state on ``candidacy``: its holder is the next reviewer.
    return [
        Message(
            recipients=_staff_of_holder(candidacy),
            event=TO_REVIEW,
            params={"name": candidacy.name, "comment": comment},
            url=candidacy.get_absolute_url(),
        )
    ]


def _edges() -> list[Edge]:
    edges = []
    for review in REVIEWS:
        edges += [
            Edge(
                S.DRAFT,
                review,
                allowed=is_submitter,
                guards=(is_first_review(review),),
                notify=tell_next_reviewer,
                sets={"submitted_at": NOW},
            ),
            Edge(
                S.RETURNED,
                review,
                allowed=is_submitter,
                guards=(is_first_review(review),),
                notify=tell_next_reviewer,
                sets={"submitted_at": NOW},
            ),
            Edge(review, S.DRAFT, allowed=is_submitter, guards=(is_first_level,)),
            Edge(
                review,
                S.RETURNED,
                allowed=is_reviewer,
                needs_comment=True,
                notify=tell_submitters(RETURNED),
            ),
            Edge(
                review,
                S.REJECTED,
                allowed=is_reviewer,
                needs_comment=True,
                notify=tell_submitters(REJECTED),
            ),
        ]
        for higher in REVIEWS:
            if REVIEWS.index(higher) > REVIEWS.index(review):
                edges.append(
                    Edge(
                        review,
                        higher,
                        allowed=is_reviewer,
                        guards=(is_next_level(higher), within_quota),
                        notify=tell_next_reviewer,
                    )
                )
    edges += [
        Edge(
            S.REVIEW1,
            S.APPROVED,
            allowed=is_reviewer,
            guards=(is_next_level(S.APPROVED), within_quota),
            notify=tell_submitters(APPROVED),
        ),
        Edge(S.APPROVED, S.REVIEW1, allowed=is_province_staff, needs_comment=True),
        Edge(S.APPROVED, S.NOTICE, allowed=is_province_staff),
        Edge(
            S.NOTICE,
            S.STRUCK,
            allowed=is_province_staff,
            needs_comment=True,
            notify=tell_submitters(STRUCK),
        ),
        Edge(
            S.NOTICE,
            S.PUBLISHED,
            allowed=is_province_staff,
            guards=(no_open_objections,),
            notify=tell_submitters(PUBLISHED),
        ),
        Edge(
            S.PUBLISHED,
            S.REVOKED,
            allowed=is_province_staff,
            needs_comment=True,
            notify=tell_submitters(REVOKED),
        ),
    ]
    return edges


CANDIDACY_WORKFLOW = Workflow(name=WORKFLOW_NAME, model=Candidacy, access=access_candidacy, edges=_edges())


def access_objection(user, pk, *, action: str = "open", for_update: bool = False) -> Objection:
    from django.shortcuts import get_object_or_404

    rows = Objection.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return get_object_or_404(rows.select_related("candidacy__organisation", "notice__programme"), pk=pk)


def objection_handler(actor, objection: Objection) -> bool:
    return permissions.allows(actor, "objection", "change", objection)


# Closing a case records the findings (the comment of the move), who closed it and when.
CASE_CLOSED = {"findings": COMMENT, "handled_by": ACTOR, "handled_at": NOW}


OBJECTION_WORKFLOW = Workflow(
    name=OBJECTION_WORKFLOW_NAME,
    model=Objection,
    access=access_objection,
    edges=[
        Edge(ObjectionState.OPEN, outcome, allowed=objection_handler, needs_comment=True, sets=CASE_CLOSED)
        for outcome in (ObjectionState.UPHELD, ObjectionState.DISMISSED)
    ],
)
