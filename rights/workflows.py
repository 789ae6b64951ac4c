"""A request's path, as a table of edges for the shared transition service.

    submitted ─accept→ accepted ─first step logged→ in_progress
    accepted | in_progress ─conclude (outcome and opinion)→ concluded

Handling is the handling union's (its submitters) and its staff above; escalation moves the request to
the parent union without changing its state (services.request_escalate); the worker is told at each step.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import ACTOR, COMMENT, NOW, Edge, Workflow, param
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message

from .enums import RequestState as R
from .models import RightsRequest
from .selectors import access_request

REQUEST_WORKFLOW_NAME = "rights.request"

ACCEPTED = register(
    f"{REQUEST_WORKFLOW_NAME}.accepted",
    subject=gettext_lazy("您的维权申请 %(ref)s 已由%(union)s受理"),
)
CONCLUDED = register(
    f"{REQUEST_WORKFLOW_NAME}.concluded",
    subject=gettext_lazy("您的维权申请 %(ref)s 已办结，请评价办理结果"),
    body=gettext_lazy("办结意见：%(comment)s"),
)
STEP_LOGGED = register(
    f"{REQUEST_WORKFLOW_NAME}.step",
    subject=gettext_lazy("您的维权申请 %(ref)s 有新的办理进展：%(step)s"),
)
ESCALATED = register(
    f"{REQUEST_WORKFLOW_NAME}.escalated",
    subject=gettext_lazy("维权申请 %(ref)s 已上报至%(union)s"),
    body=gettext_lazy("上报理由：%(comment)s"),
)
FILED = register(
    f"{REQUEST_WORKFLOW_NAME}.filed",
    subject=gettext_lazy("新的维权申请 %(ref)s（%(employer)s），请于 %(date)s 前受理"),
)
OVERDUE_ACCEPT = register(
    f"{REQUEST_WORKFLOW_NAME}.overdue_accept",
    subject=gettext_lazy("维权申请 %(ref)s（%(employer)s）逾期未受理，受理期限 %(date)s"),
)
OVERDUE_CONCLUDE = register(
    f"{REQUEST_WORKFLOW_NAME}.overdue_conclude",
    subject=gettext_lazy("维权申请 %(ref)s（%(employer)s）逾期未办结，办结期限 %(date)s"),
)


def may_handle(actor, request: RightsRequest) -> bool:
    return actor is not None and permissions.allows(actor, "rights_request", "change", request)


def worker_message(event, request: RightsRequest, **params) -> list[Message]:
    """The worker's notice (none for an anonymous tip), linking to their own page."""
    if not request.worker_id:
        return []
    return [
        Message(
            recipients=(request.worker,),
            event=event,
            params={"ref": request.reference, "union": request.union.name, **params},
            url=reverse("rights:my_request", kwargs={"pk": request.pk}),
        )
    ]


def tell_worker(event):
    def notify(request: RightsRequest, actor, comment: str):
        return worker_message(event, request, comment=comment)

    return notify


def _late(obj, now, actor, params) -> bool:
    return timezone.localdate(now) > obj.conclude_due


def _conclude_edge(source) -> Edge:
    return Edge(
        source,
        R.CONCLUDED,
        allowed=may_handle,
        needs_comment=True,
        notify=tell_worker(CONCLUDED),
        sets={
            "concluded_at": NOW,
            "concluded_late": _late,
            "outcome": param("outcome"),
            "conclusion": COMMENT,
        },
    )


REQUEST_WORKFLOW = Workflow(
    name=REQUEST_WORKFLOW_NAME,
    model=RightsRequest,
    access=access_request,
    edges=[
        Edge(
            R.SUBMITTED,
            R.ACCEPTED,
            allowed=may_handle,
            notify=tell_worker(ACCEPTED),
            sets={"accepted_at": NOW, "accepted_by": ACTOR, "overdue_at": None, "overdue_stage": ""},
        ),
        Edge(R.ACCEPTED, R.IN_PROGRESS, allowed=may_handle),
        _conclude_edge(R.ACCEPTED),
        _conclude_edge(R.IN_PROGRESS),
    ],
)
