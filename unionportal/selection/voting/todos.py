"""The public evaluation's "waiting for you" items (province staff): the votes running now (with their
live counts a click away) and quarantined votes to decide on."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .enums import VoteStatus
from .models import Vote, VoteStage


def voting_todos(user) -> list[Todo]:
    if not permissions.is_province_staff(user):
        return []
    waiting = dict(
        Vote.objects.filter(status=VoteStatus.QUARANTINED)
        .values("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    items = []
    now = timezone.now()
    running = VoteStage.objects.filter(
        opened_at__isnull=False, opens_at__lte=now, closes_at__gt=now, closed_at__isnull=True
    ).select_related("programme__campaign")
    for stage in running:
        items.append(
            Todo(
                _("社会评议投票中：%(programme)s") % {"programme": stage.programme.label},
                1,
                reverse("voting_staff:stage", args=[stage.programme_id]),
                "info",
            )
        )
    for stage in VoteStage.objects.filter(pk__in=list(waiting)).select_related("programme__campaign"):
        items.append(
            Todo(
                _("待核查的社会评议投票：%(programme)s") % {"programme": stage.programme.label},
                waiting[stage.pk],
                reverse("voting_staff:quarantine", args=[stage.pk]),
                "warning",
            )
        )
    return items
