"""Writes: milestone completion and reminders, activity reports and their transitions.

The working-day calendar lives in ``workdays.py`` (``add_working_days``, ``is_workday``).
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.audit.transitions import transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message, queue
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Membership, Organisation
from unionportal.uploads.services import UploadRejected, stored_file_delete, upload_store

from .enums import ReminderKind, ReportState
from .models import ActivityReport, Milestone, MilestoneCompletion, MilestoneReminder
from .selectors import access_report, current_campaign, reporting_organisations, responsible_organisations
from .workdays import add_working_days, working_days_between
from .workflows import ACTIVITY_REPORT_WORKFLOW

logger = logging.getLogger(__name__)

__all__ = ["CampaignError", "UploadRejected"]  # views catch both from here

MAX_PHOTOS = 9


class CampaignError(Exception):
    """A request the user can fix or should know about; ``message`` is in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- milestones -----------------------------------------------------------------------------------------


def milestone_mark_done(
    *, actor, milestone_id, organisation_id, note: str = "", now=None
) -> MilestoneCompletion:
    """Record that ``organisation_id`` has done ``milestone_id``.

    The organisation must lie in the actor's scope through a staff role, and the milestone must exist
    (Http404 otherwise); the organisation must be responsible for the milestone (CampaignError).
    Marking a milestone that is already done returns the existing record and writes nothing.
    """
    organisation = (
        Organisation.objects.filter(permissions.scope_q(actor, "milestone", "change", "path"))
        .filter(pk=organisation_id)
        .first()
    )
    milestone = Milestone.objects.filter(pk=milestone_id).first()
    if organisation is None or milestone is None:
        raise Http404
    if not responsible_organisations(milestone).filter(pk=organisation.pk).exists():
        raise CampaignError(
            _("%(org)s不是工作节点“%(title)s”的责任单位。")
            % {"org": organisation.name, "title": milestone.title}
        )
    with transaction.atomic():
        completion, created = MilestoneCompletion.objects.get_or_create(
            milestone=milestone,
            organisation=organisation,
            defaults={"done_at": now or timezone.now(), "done_by": actor, "note": note.strip()[:200]},
        )
        if created:
            audit.record(
                actor=actor,
                action="campaigns.milestone.done",
                obj=completion,
                comment=completion.note,
                changes={"milestone": [str(milestone.pk), milestone.title]},
            )
    return completion


# Reminders, rendered in each recipient's language; the milestone title and union name stay as stored.
OVERDUE_REMINDER = register(
    f"campaigns.milestone.{ReminderKind.OVERDUE.value}",
    subject=gettext_lazy("工作节点已逾期：“%(title)s”（截止日期 %(due)s）"),
    body=gettext_lazy(
        "%(org)s尚未完成工作节点“%(title)s”，截止日期 %(due)s 已过。完成后请在平台上标记完成。"
    ),
)
BEFORE_DUE_REMINDER = register(
    f"campaigns.milestone.{ReminderKind.BEFORE_DUE.value}",
    subject=gettext_lazy("工作节点提醒：“%(title)s”将于 %(due)s 到期"),
    body=gettext_lazy(
        "%(org)s尚未完成工作节点“%(title)s”，距截止日期 %(due)s 还有 %(n)s 个工作日。"
        "完成后请在平台上标记完成。"
    ),
)


def _reminder_message(
    milestone: Milestone, organisation: Organisation, kind: str, today, recipients
) -> Message:
    params = {"title": milestone.title, "due": milestone.due_on.isoformat(), "org": organisation.name}
    if kind == ReminderKind.OVERDUE:
        event = OVERDUE_REMINDER
    else:
        event = BEFORE_DUE_REMINDER
        params["n"] = working_days_between(today, milestone.due_on)
    return Message(
        recipients=tuple(recipients),
        event=event,
        params=params,
        url=milestone.get_absolute_url(),
    )


def milestone_reminders(*, now) -> int:
    """Periodic: remind the staff of each responsible organisation that has not done a milestone of the
    current campaign, ``remind_days_before`` working days before it is due and once when it is overdue.

    Each (milestone, organisation, kind) is sent once (MilestoneReminder rows, unique), so running the job
    again sends nothing new; an organisation that has done the milestone is never reminded. Returns the
    number of organisations reminded.
    """
    today = timezone.localdate(now)
    campaign = current_campaign()
    if campaign is None:
        return 0
    reminded = 0
    for milestone in campaign.milestones.order_by("due_on", "id"):
        if today > milestone.due_on:
            kind = ReminderKind.OVERDUE
        elif today >= add_working_days(milestone.due_on, -milestone.remind_days_before):
            kind = ReminderKind.BEFORE_DUE
        else:
            continue
        reminded += _remind(milestone, kind, today=today, now=now)
    return reminded


def _remind(milestone: Milestone, kind: str, *, today, now) -> int:
    with transaction.atomic():
        # The milestone row lock serialises concurrent runs; the unique constraint backs it up.
        Milestone.objects.select_for_update().filter(pk=milestone.pk).first()
        pending = list(
            responsible_organisations(milestone)
            .exclude(
                Exists(MilestoneCompletion.objects.filter(milestone=milestone, organisation=OuterRef("pk")))
            )
            .exclude(
                Exists(
                    MilestoneReminder.objects.filter(
                        milestone=milestone, organisation=OuterRef("pk"), kind=kind
                    )
                )
            )
            .order_by("path")
        )
        if not pending:
            return 0
        staff: dict[int, list] = {}
        memberships = Membership.objects.active().filter(role=Role.STAFF, organisation__in=pending)
        for m in memberships.select_related("user").order_by("user_id"):
            staff.setdefault(m.organisation_id, []).append(m.user)
        MilestoneReminder.objects.bulk_create(
            [
                MilestoneReminder(
                    milestone=milestone,
                    organisation=org,
                    kind=kind,
                    sent_at=now,
                    recipients=len(staff.get(org.pk, [])),
                )
                for org in pending
            ]
        )
        for org in pending:
            if staff.get(org.pk):
                queue(_reminder_message(milestone, org, kind, today, staff[org.pk]))
    return len(pending)


# --- activity reports -----------------------------------------------------------------------------------

REPORT_FIELDS = ("title", "date", "place", "participants", "summary")


def _reporting_organisation(actor, organisation_id) -> Organisation:
    for org in reporting_organisations(actor):
        if org.pk == int(organisation_id):
            return org
    raise Http404


def _store_photos(actor, organisation, files) -> list:
    return [upload_store(file=f, kind="image", actor=actor, organisation=organisation) for f in files]


def activity_report_create(*, actor, organisation_id, photo_files=(), **fields) -> ActivityReport:
    """Create a draft report of the current campaign for a grassroots union in which ``actor`` is a
    submitter or staff (Http404 otherwise). ``photo_files`` are uploaded image files: each goes through
    the checked upload path (UploadRejected, and nothing saved, when one is refused); at most MAX_PHOTOS."""
    organisation = _reporting_organisation(actor, organisation_id)
    campaign = current_campaign()
    if campaign is None:
        raise CampaignError(_("当前没有进行中的活动，暂不能填报活动报告。"))
    photo_files = list(photo_files)
    if len(photo_files) > MAX_PHOTOS:
        raise CampaignError(_("每份报告最多 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    with transaction.atomic():
        report = ActivityReport.objects.create(
            organisation=organisation,
            campaign=campaign,
            created_by=actor,
            state=ReportState.DRAFT,
            **{name: fields[name] for name in REPORT_FIELDS},
        )
        photos = _store_photos(actor, organisation, photo_files)
        if photos:
            report.photos.set(photos)
        audit.record(
            actor=actor,
            action="campaigns.activity_report.create",
            obj=report,
            to_state=report.state,
            changes={"photos": ["0", str(len(photos))]} if photos else None,
        )
    return report


def activity_report_update(
    *, actor, report_id, photo_files=(), remove_photo_ids=(), **fields
) -> ActivityReport:
    """Edit a draft or returned report: fields, new photos (checked like on creation), photos removed.

    For submitters and staff of the reporting union; Http404 outside the actor's scope, CampaignError
    when the report is under review or accepted, or would have more than MAX_PHOTOS photos."""
    with transaction.atomic():
        report = access_report(actor, report_id, action="change", for_update=True)
        if not report.is_editable:
            raise CampaignError(
                _("活动报告处于“%(state)s”状态，不能修改。") % {"state": report.get_state_display()}
            )
        removed = {str(i) for i in remove_photo_ids}
        report_photos_before = list(report.photos.all())
        kept = [p for p in report_photos_before if str(p.pk) not in removed]
        photo_files = list(photo_files)
        if len(kept) + len(photo_files) > MAX_PHOTOS:
            raise CampaignError(_("每份报告最多 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        before = {name: getattr(report, name) for name in REPORT_FIELDS}
        for name in REPORT_FIELDS:
            if name in fields:
                setattr(report, name, fields[name])
        after = {name: getattr(report, name) for name in REPORT_FIELDS}
        changes = audit.field_changes(before, after)
        old_photos = {str(p.pk) for p in report_photos_before}
        report.save(update_fields=[*REPORT_FIELDS, "updated_at"])
        report.photos.set([*kept, *_store_photos(actor, report.organisation, photo_files)])
        new_photos = {str(p.pk) for p in report.photos.all()}
        if old_photos != new_photos:
            changes["photos"] = [str(len(old_photos)), str(len(new_photos))]
        for photo in report_photos_before:
            if str(photo.pk) in removed:
                stored_file_delete(stored_file=photo)  # the row now, the files after commit
        audit.record(actor=actor, action="campaigns.activity_report.update", obj=report, changes=changes)
    return report


def activity_report_transition(
    *, actor, report_id, to: str, comment: str = "", expected_from=None
) -> ActivityReport:
    """Submit, accept or return a report through the shared transition service (see workflows.py).

    Raises Http404 outside the actor's scope and TransitionError when the move is not allowed."""
    return transition(
        workflow=ACTIVITY_REPORT_WORKFLOW,
        pk=report_id,
        to=to,
        actor=actor,
        comment=comment.strip(),
        expected_from=expected_from,
    )
