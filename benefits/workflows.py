"""The offer's and the sign-up's paths, as tables of edges for the shared transition service.

Offer:   draft ─publish→ published ─close→ closed
Sign-up: pending ─confirm→ confirmed;  pending ─refuse (with a reason)→ refused
         (signing up, cancelling and moving up from the waiting list change the offer's count of places
         too, so ``services`` writes them under the offer's row lock; they are audited there.)
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import NOW, Edge, Workflow, param
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message

from .enums import OfferState as O
from .enums import SignupState as S
from .models import Offer, Signup
from .selectors import access_offer, access_signup

OFFER_WORKFLOW_NAME = "benefits.offer"
SIGNUP_WORKFLOW_NAME = "benefits.signup"

# Rendered in each recipient's language; the offer's title and place stay as typed.
SIGNUP_CONFIRMED = register(
    f"{SIGNUP_WORKFLOW_NAME}.confirmed",
    subject=gettext_lazy("“%(title)s”报名已确认"),
    body=gettext_lazy("服务日期：%(date)s；地点：%(place)s。"),
)
SIGNUP_REFUSED = register(
    f"{SIGNUP_WORKFLOW_NAME}.refused",
    subject=gettext_lazy("“%(title)s”报名未通过"),
    body=gettext_lazy("原因：%(comment)s"),
)
SIGNUP_PROMOTED = register(
    f"{SIGNUP_WORKFLOW_NAME}.promoted",
    subject=gettext_lazy("候补递补成功：您已获得“%(title)s”的名额"),
    body=gettext_lazy("服务日期：%(date)s；地点：%(place)s。如不能参加，请在“我的普惠服务”中取消。"),
)


def signup_message(event, signup: Signup, comment: str = "") -> list[Message]:
    """The message to the worker who signed up (none for a sign-up entered without an account)."""
    if not signup.user_id:
        return []
    offer = signup.offer
    return [
        Message(
            recipients=(signup.user,),
            event=event,
            params={
                "title": offer.title,
                "date": offer.service_on.isoformat(),
                "place": offer.place,
                "comment": comment,
            },
            url="/services/me/",
        )
    ]


def may_change_offer(actor, offer: Offer) -> bool:
    return actor is not None and permissions.allows(actor, "benefit_offer", "change", offer)


def may_review_signup(actor, signup: Signup) -> bool:
    return actor is not None and permissions.allows(actor, "benefit_signup", "review", signup)


def window_not_over(offer: Offer, actor) -> str | None:
    if offer.signup_until < timezone.localdate():
        return _("报名截止日期 %(date)s 已过，请先修改报名时间再发布。") % {
            "date": offer.signup_until.isoformat()
        }
    return None


def offer_still_open(signup: Signup, actor) -> str | None:
    if signup.offer.state != O.PUBLISHED:
        return _("这项服务已结束，不能再处理报名。")
    return None


def _access_offer_for_change(actor, pk, *, for_update: bool = False):
    return access_offer(actor, pk, action="change", for_update=for_update)


def _access_signup_for_review(actor, pk, *, for_update: bool = False):
    return access_signup(actor, pk, action="review", for_update=for_update)


OFFER_WORKFLOW = Workflow(
    name=OFFER_WORKFLOW_NAME,
    model=Offer,
    access=_access_offer_for_change,
    edges=[
        Edge(
            O.DRAFT,
            O.PUBLISHED,
            allowed=may_change_offer,
            guards=(window_not_over,),
            sets={"published_at": NOW},
        ),
        Edge(O.PUBLISHED, O.CLOSED, allowed=may_change_offer, sets={"closed_at": NOW}),
    ],
)

SIGNUP_WORKFLOW = Workflow(
    name=SIGNUP_WORKFLOW_NAME,
    model=Signup,
    access=_access_signup_for_review,
    edges=[
        Edge(
            S.PENDING,
            S.CONFIRMED,
            allowed=may_review_signup,
            guards=(offer_still_open,),
            sets={"decided_at": NOW},
            notify=lambda signup, actor, comment: signup_message(SIGNUP_CONFIRMED, signup),
        ),
        Edge(
            S.PENDING,
            S.REFUSED,
            allowed=may_review_signup,
            guards=(offer_still_open,),
            needs_comment=True,
            sets={"decided_at": NOW, "refusal_reason": param("comment", limit=200)},
            notify=lambda signup, actor, comment: signup_message(SIGNUP_REFUSED, signup, comment),
        ),
    ],
)
