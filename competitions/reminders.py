"""Periodic: remind a union of an approved entrant whose report for a period is late (once per period)."""

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.notifications.registry import register
from unionportal.notifications.services import Message, queue

from .enums import EntrantState, ReportState
from .models import Entrant, LateReminder, Period, ScoreReport
from .workflows import union_people

LATE = register(
    "competitions.report.late",
    subject=_("“%(name)s”第%(number)s期成绩逾期未报"),
    body=_("报送截止日期为 %(due)s，请尽快报送。"),
)


def late_report_reminders(*, now) -> int:
    """Entrants approved in a competition whose period's due date has passed without a submitted (or
    checked) report: one message to the union's submitters and staff. Safe to run again."""
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    sent = 0
    periods = Period.objects.filter(
        due_on__lt=today, competition__ends_on__gte=today - timezone.timedelta(days=60)
    )
    for period in periods.select_related("competition"):
        filed = ScoreReport.objects.filter(
            entrant=OuterRef("pk"), period=period, state__in=[ReportState.SUBMITTED, ReportState.CHECKED]
        )
        reminded = LateReminder.objects.filter(entrant=OuterRef("pk"), period=period)
        late = (
            Entrant.objects.filter(competition=period.competition, state=EntrantState.APPROVED)
            .filter(~Exists(filed), ~Exists(reminded))
            .order_by("id")
        )
        for entrant in late:
            try:
                with transaction.atomic():
                    LateReminder.objects.create(entrant=entrant, period=period, sent_at=now)
                    queue(
                        Message(
                            recipients=tuple(union_people(entrant.organisation_id)),
                            event=LATE,
                            params={
                                "name": entrant.name,
                                "number": period.number,
                                "due": period.due_on.isoformat(),
                            },
                            url=entrant.get_absolute_url(),
                        )
                    )
            except IntegrityError:
                continue  # another run sent it meanwhile
            sent += 1
    return sent
