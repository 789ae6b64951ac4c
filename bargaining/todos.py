from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from . import conf
from .enums import AgreementState, OfferState
from .selectors import agreements_for, offers_for


def bargaining_todos(user) -> list[Todo]:
    """Offers waiting for a reply that is due soon or overdue, drafts to send, agreements to file."""
    if not permissions.may(user, "bargaining_offer", "list"):
        return []
    today = timezone.localdate()
    offers = offers_for(user)
    agreements = agreements_for(user)
    soon = today + timedelta(days=conf.figure("REMIND_DAYS_BEFORE"))
    url = reverse("bargaining:offers")
    return [
        Todo(
            _("逾期未答复的协商要约"),
            offers.filter(state=OfferState.OVERDUE).count(),
            url + "?state=overdue",
            "danger",
        ),
        Todo(
            _("即将到期、待对方答复的协商要约"),
            offers.filter(state=OfferState.SENT, reply_due_on__lte=soon).count(),
            url + "?state=sent",
            "warning",
        ),
        Todo(
            _("待发出的协商要约"), offers.filter(state=OfferState.DRAFT).count(), url + "?state=draft", "info"
        ),
        Todo(
            _("已签订、待报送审查的工资专项集体合同"),
            agreements.filter(state=AgreementState.SIGNED).count(),
            reverse("bargaining:agreements") + "?state=signed",
            "warning",
        ),
    ]
