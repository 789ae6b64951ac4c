"""The activity-report workflow, declared once as a table of edges for the shared transition service.

    draft ──submit──▶ submitted ──accept──▶ accepted
                        │   ▲
                 return │   │ submit again
                        ▼   │
                      returned

Submitting is for a submitter or staff of the reporting union itself; accepting and returning are for
staff of one of its ancestors (returning needs a reason). Submitting tells the staff of the nearest
ancestor that has staff (normally the parent); accepting and returning tell the report's author and the
union's submitters.
"""

from django.utils.translation import gettext_lazy as _

from unionportal import permissions
from unionportal.audit.transitions import Edge, Workflow
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Membership

from .enums import ReportState
from .models import ActivityReport
from .selectors import access_report

WORKFLOW_NAME = "campaigns.activity_report"


# --- who may take an edge -------------------------------------------------------------------------------


def is_reporting_member(actor, report: ActivityReport) -> bool:
    """A submitter or staff of the reporting union itself (the matrix's "change" row)."""
    return permissions.allows(actor, "activity_report", "change", report)


def is_ancestor_staff(actor, report: ActivityReport) -> bool:
    """Staff of an organisation strictly above the reporting union (the matrix's "review" row)."""
    return permissions.allows(actor, "activity_report", "review", report)


# --- who is told ----------------------------------------------------------------------------------------


def reviewers_of(report: ActivityReport) -> list:
    """Staff of the nearest ancestor of the reporting union that has active staff (normally its parent)."""
    org = report.organisation
    prefixes = [org.path[:i] for i in range(org.steplen, len(org.path), org.steplen)]
    by_path: dict[str, list] = {}
    rows = Membership.objects.active().filter(role=Role.STAFF, organisation__path__in=prefixes)
    for m in rows.select_related("user", "organisation").order_by("user_id"):
        by_path.setdefault(m.organisation.path, []).append(m.user)
    for path in sorted(by_path, key=len, reverse=True):
        return by_path[path]
    return []


def authors_of(report: ActivityReport) -> list:
    """The report's author and the reporting union's submitters."""
    users = [
        m.user
        for m in Membership.objects.active()
        .filter(organisation_id=report.organisation_id, role=Role.SUBMITTER)
        .select_related("user")
        .order_by("user_id")
    ]
    if report.created_by is not None:
        users.append(report.created_by)
    return users


# The messages, rendered in each recipient's language; names, titles, places and reasons stay as typed.
SUBMITTED = register(
    "campaigns.activity_report.submitted",
    subject=_("待审核的基层活动报告：%(org)s《%(title)s》"),
    body=_("%(org)s提交了活动报告《%(title)s》（%(date)s，%(place)s，%(n)s人参与），请审核。"),
)
ACCEPTED = register(
    "campaigns.activity_report.accepted",
    subject=_("活动报告《%(title)s》已被采用"),
    body="%(comment)s",
)
RETURNED = register(
    "campaigns.activity_report.returned",
    subject=_("活动报告《%(title)s》被退回修改"),
    body=_("退回理由：%(reason)s"),
)


def _notify_submitted(report, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=tuple(reviewers_of(report)),
            event=SUBMITTED,
            params={
                "org": report.organisation.name,
                "title": report.title,
                "date": report.date.isoformat(),
                "place": report.place,
                "n": report.participants,
            },
            url=report.get_absolute_url(),
        )
    ]


def _notify_accepted(report, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=tuple(authors_of(report)),
            event=ACCEPTED,
            params={"title": report.title, "comment": comment},
            url=report.get_absolute_url(),
        )
    ]


def _notify_returned(report, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=tuple(authors_of(report)),
            event=RETURNED,
            params={"title": report.title, "reason": comment},
            url=report.get_absolute_url(),
        )
    ]


ACTIVITY_REPORT_WORKFLOW = Workflow(
    name=WORKFLOW_NAME,
    model=ActivityReport,
    access=access_report,
    edges=[
        Edge(ReportState.DRAFT, ReportState.SUBMITTED, allowed=is_reporting_member, notify=_notify_submitted),
        Edge(ReportState.SUBMITTED, ReportState.ACCEPTED, allowed=is_ancestor_staff, notify=_notify_accepted),
        Edge(
            ReportState.SUBMITTED,
            ReportState.RETURNED,
            allowed=is_ancestor_staff,
            notify=_notify_returned,
            needs_comment=True,
        ),
        Edge(
            ReportState.RETURNED, ReportState.SUBMITTED, allowed=is_reporting_member, notify=_notify_submitted
        ),
    ],
)
