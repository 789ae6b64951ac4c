"""The pipeline's "waiting for you" items: each reviewer's queue per programme; for the province, open
objections and notices that have ended and wait to be published."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from unionportal.reports.registry import Todo

from .enums import State
from .models import Candidacy, Notice, Objection
from .selectors import is_staff_of, queue_counts, review_assignments


def selection_todos(user, *, today=None) -> list[Todo]:
    items = []
    province = None
    pairs = [(programme, org) for programme, orgs in review_assignments(user) for org in orgs]
    for (programme, org), count in zip(pairs, queue_counts(pairs), strict=True):
        if org.depth == 1:
            province = org
        items.append(
            Todo(
                _("待审核推荐：%(programme)s（%(org)s）") % {"programme": programme.label, "org": org.name},
                count,
                reverse("selection:review") + "?" + urlencode({"programme": programme.pk, "org": org.pk}),
                "warning",
                user_data=(org.name,),
            )
        )
    if province is None or not is_staff_of(user, province):
        return items
    items.append(
        Todo(
            _("未办结的公示异议"),
            Objection.objects.open().count(),
            reverse("selection:objections") + "?state=open",
            "danger",
        )
    )
    today = today or timezone.localdate()
    ended = Notice.objects.filter(ends_on__lt=today).select_related("programme__campaign")
    waiting = set(
        Candidacy.objects.filter(state=State.NOTICE, programme__notices__ends_on__lt=today).values_list(
            "programme_id", flat=True
        )
    )
    seen = set()
    for notice in ended:
        programme = notice.programme
        if programme.pk in waiting and programme.pk not in seen:
            seen.add(programme.pk)
            items.append(
                Todo(
                    _("公示期满待公布：%(programme)s") % {"programme": programme.label},
                    1,
                    reverse("selection:final", args=[programme.pk]),
                    "info",
                )
            )
    return items
