"""The identification path of a hardship household, one table of edges for the shared transition service.

    applied ─verify→ verified ─appraise→ appraised ─notice→ noticed ─file→ filed ─(first measure)→ assisted
       └──────────────┴─────────────────┴──────────────reject→ rejected          filed/assisted ─→ escaped | exited

Verifying at home is the responsible cadre's (or staff's) step; the democratic appraisal and the notice
in the workplace are the household's union's; filing, rejecting, escape and exit are for staff of the
responsible union or above, with a reason where the outcome closes the file.
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit.transitions import TODAY, Edge, Workflow, param, transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message

from .enums import Category
from .enums import HouseholdState as S
from .models import Household, paired_enterprise_ids
from .selectors import access_household

WORKFLOW_NAME = "assistance.household"


def is_staff_over(actor, household: Household) -> bool:
    """Staff of the household's union or above (the matrix's "review" row)."""
    return permissions.allows(actor, "household", "review", household)


def owns_household(user, household: Household) -> bool:
    """The household is the user's own: theirs as its responsible cadre, or of an enterprise paired with them."""
    return household.cadre_id == user.pk or household.enterprise_id in paired_enterprise_ids(user)


def owns_drive_enterprise(user, drive) -> bool:
    return drive.enterprise_id in paired_enterprise_ids(user)


def is_paired_cadre(actor, household: Household) -> bool:
    """A cadre who is the household's responsible cadre or paired with its enterprise."""
    from .models import DriveEnterprise

    if not permissions.reaches_own(actor, "household", "change"):
        return False
    if household.cadre_id == actor.pk:
        return True
    return (
        DriveEnterprise.objects.filter(enterprise_id=household.enterprise_id)
        .filter(Q(responsible_cadre=actor) | Q(cadres=actor))
        .exists()
    )


def is_cadre_or_staff(actor, household: Household) -> bool:
    return is_paired_cadre(actor, household) or is_staff_over(actor, household)


def qualifies(household: Household, actor) -> str | None:
    if household.category == Category.NONE:
        return _("该家庭按现行标准不符合建档条件，不能建档：%(why)s") % {
            "why": household.category_explanation
        }
    return None


# The cadre's messages, rendered in the cadre's language; the worker's name and the comment stay as typed.
FILED = register(f"{WORKFLOW_NAME}.filed", subject=gettext_lazy("%(name)s 家已建档立卡"), body="%(comment)s")
ESCAPED = register(
    f"{WORKFLOW_NAME}.escaped",
    subject=gettext_lazy("%(name)s 家已脱困"),
    body=gettext_lazy("说明：%(comment)s"),
)
EXITED = register(
    f"{WORKFLOW_NAME}.exited",
    subject=gettext_lazy("%(name)s 家已退档"),
    body=gettext_lazy("理由：%(comment)s"),
)
REJECTED = register(
    f"{WORKFLOW_NAME}.rejected",
    subject=gettext_lazy("%(name)s 家不予建档"),
    body=gettext_lazy("理由：%(comment)s"),
)


def tell_cadre(event: str):
    def notify(household: Household, actor, comment: str):
        return [
            Message(
                recipients=(household.cadre,),
                event=event,
                params={"name": household.worker_name, "comment": comment or ""},
                url=f"/assistance/households/{household.pk}/",
            )
        ]

    return notify


# A move that closes the file keeps its reason (the comment, as the column holds it).
CLOSING = {"closed_reason": param("comment", limit=Household._meta.get_field("closed_reason").max_length)}

HOUSEHOLD_WORKFLOW = Workflow(
    name=WORKFLOW_NAME,
    model=Household,
    access=access_household,
    edges=[
        Edge(S.APPLIED, S.VERIFIED, allowed=is_cadre_or_staff),
        Edge(S.VERIFIED, S.APPRAISED, allowed=is_staff_over),
        Edge(S.APPRAISED, S.NOTICED, allowed=is_staff_over),
        Edge(
            S.NOTICED,
            S.FILED,
            allowed=is_staff_over,
            guards=(qualifies,),
            notify=tell_cadre(FILED),
            sets={"filed_on": TODAY},
        ),
        Edge(S.FILED, S.ASSISTED, allowed=is_cadre_or_staff),
        Edge(S.FILED, S.ESCAPED, allowed=is_staff_over, needs_comment=True, sets=CLOSING),
        Edge(
            S.ASSISTED,
            S.ESCAPED,
            allowed=is_staff_over,
            needs_comment=True,
            notify=tell_cadre(ESCAPED),
            sets=CLOSING,
        ),
        Edge(
            S.FILED,
            S.EXITED,
            allowed=is_staff_over,
            needs_comment=True,
            notify=tell_cadre(EXITED),
            sets=CLOSING,
        ),
        Edge(
            S.ASSISTED,
            S.EXITED,
            allowed=is_staff_over,
            needs_comment=True,
            notify=tell_cadre(EXITED),
            sets=CLOSING,
        ),
        *[
            Edge(
                source,
                S.REJECTED,
                allowed=is_staff_over,
                needs_comment=True,
                notify=tell_cadre(REJECTED),
                sets=CLOSING,
            )
            for source in (S.APPLIED, S.VERIFIED, S.APPRAISED, S.NOTICED)
        ],
    ],
)


def household_transition(
    *, actor, household_id: int, to: str, comment: str = "", expected_from: str | None = None
):
    """Move a household along its path (``transition``: scope, permission, guards, one compare-and-set
    UPDATE, the audit event and the cadre's notice). Filing stamps the date and closing keeps the
    reason, in the same UPDATE (the edges' ``sets``). Raises TransitionError or Http404."""
    return transition(
        workflow=HOUSEHOLD_WORKFLOW,
        pk=household_id,
        to=to,
        actor=actor,
        comment=comment,
        expected_from=expected_from,
    )
