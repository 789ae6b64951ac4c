"""The offer's and the agreement's paths, as tables of edges for the shared transition service.

Offer:      draft ─send→ sent ─reply→ accepted | refused
                            └─(the clock: 20 days after receipt)→ overdue ─reply→ accepted | refused
Agreement:  negotiating ─congress vote→ approved ─both chiefs sign→ signed ─file→ filed
            filed ─(15 days, no objection)→ in_effect;  filed ─objection→ negotiating

Recording a step is the responsible union's (and staff above it); the clock moves with no actor; the
authority's objection or confirmation is recorded by staff of the union or above.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import Edge, Workflow
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message
from unionportal.orgs.enums import Role

from .enums import SIGNED_STATES
from .enums import AgreementState as A
from .enums import OfferState as O
from .models import Agreement, Offer
from .selectors import access_agreement, access_offer, people_of

OFFER_WORKFLOW_NAME = "bargaining.offer"
AGREEMENT_WORKFLOW_NAME = "bargaining.agreement"
UNION_PEOPLE = (Role.STAFF, Role.SUBMITTER)


def may_change_offer(actor, offer: Offer) -> bool:
    return actor is not None and permissions.allows(actor, "bargaining_offer", "change", offer)


def system_only(actor, obj) -> bool:
    """Moves of the clock (a periodic service), never a person's."""
    return actor is None


def may_change_agreement(actor, agreement: Agreement) -> bool:
    return actor is not None and permissions.allows(actor, "bargaining_agreement", "change", agreement)


def may_review_agreement(actor, agreement: Agreement) -> bool:
    return actor is None or permissions.allows(actor, "bargaining_agreement", "review", agreement)


def not_after_signing(offer: Offer, actor) -> str | None:
    signed = Agreement.objects.filter(coverage__enterprise=offer.enterprise_id, state__in=SIGNED_STATES)
    if offer.sent_on:
        signed = signed.filter(signed_on__gte=offer.sent_on)
    if signed.exists():
        return _("该企业的工资专项集体合同已经签订，不能再登记对这份要约的答复。")
    return None


# Rendered in each recipient's language; the enterprise's name and the reason stay as typed.
OFFER_SENT = register(
    f"{OFFER_WORKFLOW_NAME}.sent",
    subject=gettext_lazy("%(name)s 收到工资集体协商要约，请于 %(date)s 前书面答复"),
)
OFFER_REFUSED = register(
    f"{OFFER_WORKFLOW_NAME}.refused",
    subject=gettext_lazy("%(name)s 拒绝工资集体协商要约"),
    body=gettext_lazy("拒绝理由：%(comment)s"),
)
OFFER_OVERDUE = register(
    f"{OFFER_WORKFLOW_NAME}.overdue",
    subject=gettext_lazy("%(name)s 逾期未答复工资集体协商要约（期限 %(date)s）"),
)
OFFER_ACCEPTED = register(
    f"{OFFER_WORKFLOW_NAME}.accepted", subject=gettext_lazy("%(name)s 同意进行工资集体协商")
)
AGREEMENT_OBJECTION = register(
    f"{AGREEMENT_WORKFLOW_NAME}.objection",
    subject=gettext_lazy("%(name)s：劳动保障行政部门提出审查意见，退回重新协商"),
    body=gettext_lazy("审查意见：%(comment)s"),
)
AGREEMENT_IN_EFFECT = register(
    f"{AGREEMENT_WORKFLOW_NAME}.in_effect", subject=gettext_lazy("%(name)s 已生效")
)


def _offer_message(event, recipients, offer: Offer, comment: str = "") -> Message:
    return Message(
        recipients=tuple(recipients),
        event=event,
        params={
            "name": offer.enterprise.name,
            "date": offer.reply_due_on.isoformat() if offer.reply_due_on else "",
            "comment": comment,
        },
        url=offer.get_absolute_url(),
    )


def offer_contacts(offer: Offer) -> list:
    return [offer.contact_user] if offer.contact_user_id else []


def tell_contact(offer: Offer, actor, comment: str):
    recipients = offer_contacts(offer)
    return [_offer_message(OFFER_SENT, recipients, offer)] if recipients else []


def tell_union(event):
    def notify(offer: Offer, actor, comment: str):
        recipients = people_of(offer.union, UNION_PEOPLE)
        return [_offer_message(event, recipients, offer, comment)] if recipients else []

    return notify


def escalate(event):
    """A refusal or an overdue offer goes up: the supervising union's staff, and the union itself."""

    def notify(offer: Offer, actor, comment: str):
        recipients = {u.pk: u for u in people_of(offer.supervisor) + people_of(offer.union, UNION_PEOPLE)}
        return [_offer_message(event, recipients.values(), offer, comment)] if recipients else []

    return notify


OFFER_WORKFLOW = Workflow(
    name=OFFER_WORKFLOW_NAME,
    model=Offer,
    access=access_offer,
    edges=[
        Edge(O.DRAFT, O.SENT, allowed=may_change_offer, notify=tell_contact),
        Edge(O.SENT, O.OVERDUE, allowed=system_only, notify=escalate(OFFER_OVERDUE)),
        *[
            edge
            for source in (O.SENT, O.OVERDUE)
            for edge in (
                Edge(
                    source,
                    O.ACCEPTED,
                    allowed=may_change_offer,
                    guards=(not_after_signing,),
                    notify=tell_union(OFFER_ACCEPTED),
                ),
                Edge(
                    source,
                    O.REFUSED,
                    allowed=may_change_offer,
                    guards=(not_after_signing,),
                    needs_comment=True,
                    notify=escalate(OFFER_REFUSED),
                ),
            )
        ],
    ],
)


def tell_signing_union(event):
    def notify(agreement: Agreement, actor, comment: str):
        recipients = people_of(agreement.union, UNION_PEOPLE)
        if not recipients:
            return []
        return [
            Message(
                recipients=tuple(recipients),
                event=event,
                params={"name": agreement.title, "comment": comment},
                url=agreement.get_absolute_url(),
            )
        ]

    return notify


AGREEMENT_WORKFLOW = Workflow(
    name=AGREEMENT_WORKFLOW_NAME,
    model=Agreement,
    access=access_agreement,
    edges=[
        Edge(A.NEGOTIATING, A.APPROVED, allowed=may_change_agreement),
        Edge(A.APPROVED, A.SIGNED, allowed=may_change_agreement),
        Edge(A.SIGNED, A.FILED, allowed=may_change_agreement),
        Edge(
            A.FILED, A.IN_EFFECT, allowed=may_review_agreement, notify=tell_signing_union(AGREEMENT_IN_EFFECT)
        ),
        Edge(
            A.FILED,
            A.NEGOTIATING,
            allowed=may_review_agreement,
            needs_comment=True,
            notify=tell_signing_union(AGREEMENT_OBJECTION),
            sets={
                "objection": lambda obj, now, actor, params: params["comment"],
                "filed_on": None,
                "signed_on": None,
            },
        ),
    ],
)
