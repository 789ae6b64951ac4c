from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .enums import OfferState, SignupState
from .models import Offer, Signup


def benefits_todos(user) -> list[Todo]:
    """Sign-ups waiting for the union's confirmation, and drafts not yet published, in the user's reach."""
    if not permissions.may(user, "benefit_signup", "review"):
        return []
    url = reverse("benefits:offers")
    pending = Signup.objects.visible_to(user, "review").filter(
        state=SignupState.PENDING, offer__state=OfferState.PUBLISHED
    )
    return [
        Todo(_("待确认的普惠服务报名"), pending.count(), url + "?state=published", "warning"),
        Todo(
            _("待发布的普惠服务"),
            Offer.objects.visible_to(user, "change").filter(state=OfferState.DRAFT).count(),
            url + "?state=draft",
            "info",
        ),
    ]
