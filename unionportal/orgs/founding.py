"""Founding a grassroots union (工会组建).

Workers with a real-name profile, or an enterprise's representative (also a signed-in account with a
profile), apply to found a union for an enterprise that has none. The application goes to the upper-level
union: the enterprise's township or street union, else the nearest active union above it (its county).
That union's staff (or staff above it) guide, refuse or approve, through the shared transition service::

    draft ──submit──▶ submitted ──approve──▶ approved   (a grassroots union in the tree; the registry)
      ▲                  │  └─────refuse───▶ refused    (with a reason)
      └─(edit) returned ◀┘return             (with guidance; the applicant edits and submits again)

Approval creates ``<enterprise>工会委员会`` under the upper union (treebeard ``add_child``), links the
enterprise to it, enters the first members in the registry through ``members.member_add`` (the applicant's
own row linked to their account), and gives the applicant the submitter role of the new union when they
hold no staff role: all in one transaction with the move's audit event and notifications.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.accounts.validators import normalise_id_number, normalise_mobile, validate_id_number
from unionportal.audit import services as audit
from unionportal.audit.transitions import ACTOR, COMMENT, NOW, Edge, TransitionError, Workflow, transition
from unionportal.notifications.registry import register
from unionportal.notifications.services import Message

from .enums import Level, OrgKind, Role
from .members import MemberConflict, current_membership, member_add
from .models import Enterprise, Member, Membership, Organisation, WorkerProfile
from .models_founding import (
    OPEN_STATES,
    ApplicantCapacity,
    FoundingApplication,
    FoundingMember,
    FoundingState,
)
from .services import membership_grant, organisation_create

WORKFLOW_NAME = "orgs.founding_application"
COMMITTEE_MIN, COMMITTEE_MAX = 3, 7
FIRST_MEMBERS_MAX = 200


def first_members_min() -> int:
    """The fewest first members an application names (``FOUNDING_MIN_MEMBERS``, default 3)."""
    return int(getattr(settings, "FOUNDING_MIN_MEMBERS", 3))


# --- who decides ------------------------------------------------------------------------------------------


def upper_union_for(enterprise: Enterprise) -> Organisation | None:
    """The union that decides on founding a union at ``enterprise``: the township or street union it lies
    in, else (that one inactive) the nearest active union above it, level county or higher."""
    chain = list(enterprise.township.ancestors_and_self())
    for org in reversed(chain):
        if org.is_active and org.level <= Level.TOWNSHIP:
            return org
    return None


def candidate_enterprises(*, search: str = "", limit: int = 30):
    """Active enterprises without a union whose name contains ``search`` (the application form's list)."""
    rows = Enterprise.objects.filter(is_active=True, union__isnull=True).select_related("township")
    rows = rows.filter(name__icontains=search.strip()) if search else rows.none()
    return rows.order_by("name")[:limit]


# --- notifications ----------------------------------------------------------------------------------------

SUBMITTED = register(
    "orgs.founding.submitted",
    subject=gettext_lazy("新的建会申请：%(enterprise)s"),
    body=gettext_lazy("%(enterprise)s申请建立工会，请审批或给予指导。"),
)
RETURNED = register(
    "orgs.founding.returned",
    subject=gettext_lazy("建会申请已退回指导：%(enterprise)s"),
    body=gettext_lazy("指导意见：%(comment)s。请修改后重新提交。"),
)
REFUSED = register(
    "orgs.founding.refused",
    subject=gettext_lazy("建会申请未获批准：%(enterprise)s"),
    body=gettext_lazy("理由：%(comment)s"),
)
APPROVED = register(
    "orgs.founding.approved",
    subject=gettext_lazy("%(union)s已批准成立"),
    body=gettext_lazy("上级工会已批准建会，首批会员已登记入会员名册。"),
)
WITHDRAWN = register(
    "orgs.founding.withdrawn",
    subject=gettext_lazy("建会申请已撤回：%(enterprise)s"),
    body=gettext_lazy("申请人已撤回%(enterprise)s的建会申请，无需再审批。"),
)


def _url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def reviewers_of(application: FoundingApplication) -> list:
    """Staff of the upper union; without any, the staff of its nearest ancestor that has staff."""
    upper = application.upper
    prefixes = [upper.path[:i] for i in range(upper.steplen, len(upper.path) + 1, upper.steplen)]
    by_path: dict[str, list] = {}
    rows = Membership.objects.active().filter(role=Role.STAFF, organisation__path__in=prefixes)
    for m in rows.select_related("user", "organisation").order_by("user_id"):
        by_path.setdefault(m.organisation.path, []).append(m.user)
    for path in sorted(by_path, key=len, reverse=True):
        return by_path[path]
    return []


def _notify_submitted(application, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=tuple(reviewers_of(application)),
            event=SUBMITTED,
            params={"enterprise": application.enterprise.name},
            url=_url("orgs:founding_detail", application.pk),
        )
    ]


def _notify_withdrawn(application, actor, comment) -> list[Message]:
    return [
        Message(
            recipients=tuple(reviewers_of(application)),
            event=WITHDRAWN,
            params={"enterprise": application.enterprise.name},
            url=_url("orgs:founding_detail", application.pk),
        )
    ]


def _notify_applicant(event):
    def notify(application, actor, comment) -> list[Message]:
        return [
            Message(
                recipients=(application.applicant,),
                event=event,
                params={
                    "enterprise": application.enterprise.name,
                    "comment": comment,
                    "union": application.union_name,
                },
                url=_url("orgs:my_founding_detail", application.pk),
            )
        ]

    return notify


# --- access and the workflow ------------------------------------------------------------------------------


def access_founding_application(
    user, pk, *, action: str = "open", for_update: bool = False
) -> FoundingApplication:
    """The application ``pk`` if it is the user's own or the matrix's ``action`` row reaches it; else 404."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    rows = FoundingApplication.objects.filter(
        permissions.scope_q(user, "founding_application", action, "org_path") | Q(applicant_id=user.pk)
    ).select_related("enterprise", "upper", "applicant", "union")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    application = rows.filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def own_application(user, pk) -> FoundingApplication:
    """The user's own application ``pk`` (Http404 for anyone else's)."""
    application = (
        FoundingApplication.objects.filter(pk=pk, applicant_id=user.pk)
        .select_related("enterprise__township", "upper", "union")
        .first()
    )
    if application is None:
        raise Http404
    return application


def is_reviewer(actor, application) -> bool:
    return permissions.allows(actor, "founding_application", "review", application)


def is_applicant(actor, application) -> bool:
    return application.applicant_id == actor.pk


def _enterprise_without_union(application, actor) -> str | None:
    enterprise = Enterprise.objects.select_related("union").get(pk=application.enterprise_id)
    if enterprise.union_id:
        return _("“%(enterprise)s”已建立工会（%(union)s），不能再申请建会。") % {
            "enterprise": enterprise.name,
            "union": enterprise.union.name,
        }
    return None


def _first_members_free(application, actor) -> str | None:
    for fm in application.first_members.all():
        holder = current_membership(fm.id_number)
        if holder is not None:
            return _("首批会员 %(name)s 已是“%(union)s”的会员，一人只能在一个工会登记会籍。") % {
                "name": fm.name,
                "union": holder.organisation.name,
            }
    return None


FOUNDING_WORKFLOW = Workflow(
    name=WORKFLOW_NAME,
    model=FoundingApplication,
    access=lambda actor, pk, for_update=False: access_founding_application(actor, pk, for_update=for_update),
    edges=[
        Edge(
            FoundingState.DRAFT,
            FoundingState.SUBMITTED,
            allowed=is_applicant,
            guards=(_enterprise_without_union,),
            notify=_notify_submitted,
            sets={"submitted_at": NOW},
        ),
        Edge(
            FoundingState.RETURNED,
            FoundingState.SUBMITTED,
            allowed=is_applicant,
            guards=(_enterprise_without_union,),
            notify=_notify_submitted,
            sets={"submitted_at": NOW},
        ),
        Edge(
            FoundingState.SUBMITTED,
            FoundingState.RETURNED,
            allowed=is_reviewer,
            needs_comment=True,
            notify=_notify_applicant(RETURNED),
            sets={"comment": COMMENT, "decided_by": ACTOR, "decided_at": NOW},
        ),
        Edge(
            FoundingState.SUBMITTED,
            FoundingState.REFUSED,
            allowed=is_reviewer,
            needs_comment=True,
            notify=_notify_applicant(REFUSED),
            sets={"comment": COMMENT, "decided_by": ACTOR, "decided_at": NOW},
        ),
        Edge(
            FoundingState.SUBMITTED,
            FoundingState.APPROVED,
            allowed=is_reviewer,
            # founding_approve checks first that the enterprise has no union and no first member is a
            # member elsewhere, then writes the union, the enterprise's link and the registry rows, then
            # takes this edge (so the edge itself has no guards: they would see those rows).
            notify=_notify_applicant(APPROVED),
            sets={"decided_by": ACTOR, "decided_at": NOW},
        ),
        # The applicant may withdraw while the application is open; only a submitted one was waiting for the
        # reviewers, so only that withdrawal tells them.
        Edge(
            FoundingState.SUBMITTED, FoundingState.WITHDRAWN, allowed=is_applicant, notify=_notify_withdrawn
        ),
        Edge(FoundingState.DRAFT, FoundingState.WITHDRAWN, allowed=is_applicant),
        Edge(FoundingState.RETURNED, FoundingState.WITHDRAWN, allowed=is_applicant),
    ],
)


# --- the applicant's side ---------------------------------------------------------------------------------


@dataclass
class FoundingInput:
    """What the applicant typed, already split into rows by the form."""

    enterprise: Enterprise
    capacity: str
    employees: int
    committee: list[dict]  # [{"name": ..., "job": ...}]
    chair_name: str
    chair_job: str
    first_members: list[dict]  # [{"name": ..., "id_number": ..., "phone": ...}]
    contact_phone: str = ""
    note: str = ""


def _check_input(data: FoundingInput, *, application_id: int | None) -> None:
    """Every rule an application's content must meet; a ValidationError by field listing all failures."""
    errors: dict[str, list[str]] = {}

    def add(key, message):
        errors.setdefault(key, []).append(message)

    enterprise = data.enterprise
    if enterprise.union_id:
        add(
            "enterprise",
            _("“%(enterprise)s”已建立工会（%(union)s），不能再申请建会；职工可直接申请加入该工会。")
            % {"enterprise": enterprise.name, "union": enterprise.union.name},
        )
    elif not enterprise.is_active:
        add("enterprise", _("该企业已注销或停用。"))
    else:
        other = FoundingApplication.objects.open().filter(enterprise=enterprise)
        if application_id is not None:
            other = other.exclude(pk=application_id)
        if other.exists():
            add("enterprise", _("该企业已有一份正在办理的建会申请，请与上级工会联系。"))
    if data.capacity not in ApplicantCapacity.values:
        add("capacity", _("请选择申请人身份。"))
    if not data.employees or data.employees < 1:
        add("employees", _("请填写职工人数。"))
    if not COMMITTEE_MIN <= len(data.committee) <= COMMITTEE_MAX:
        add(
            "committee",
            _("筹备组须有 %(min)d 至 %(max)d 人，现填写了 %(n)d 人。")
            % {"min": COMMITTEE_MIN, "max": COMMITTEE_MAX, "n": len(data.committee)},
        )
    if not data.chair_name.strip():
        add("chair_name", _("请填写工会主席候选人。"))
    minimum = first_members_min()
    members = data.first_members
    if len(members) < minimum:
        add(
            "first_members",
            _("首批会员至少 %(min)d 人，现填写了 %(n)d 人。") % {"min": minimum, "n": len(members)},
        )
    if len(members) > FIRST_MEMBERS_MAX:
        add("first_members", _("首批会员一次最多填写 %(max)d 人。") % {"max": FIRST_MEMBERS_MAX})
    if data.employees and len(members) > data.employees:
        add("employees", _("职工人数不能少于首批会员人数。"))
    seen: dict[str, int] = {}
    valid_numbers = []
    for row, fm in enumerate(members, start=1):
        number = fm["id_number"]
        try:
            validate_id_number(number)
        except ValidationError as error:
            add(
                "first_members",
                _("第 %(row)d 行：%(message)s") % {"row": row, "message": " ".join(error.messages)},
            )
            continue
        if number in seen:
            add(
                "first_members",
                _("第 %(row)d 行：身份证号与第 %(earlier)d 行重复。") % {"row": row, "earlier": seen[number]},
            )
            continue
        seen[number] = row
        valid_numbers.append(number)
    # A person is a member of one union at a time: name the union that holds them (one query).
    holders = dict(
        Member.objects.current()
        .filter(id_number__in=valid_numbers)
        .values_list("id_number", "organisation__name")
    )
    for number, row in seen.items():
        if number in holders:
            add(
                "first_members",
                _("第 %(row)d 行：%(name)s 已是“%(union)s”的会员，一人只能在一个工会登记会籍。")
                % {"row": row, "name": members[row - 1]["name"], "union": holders[number]},
            )
    if errors:
        raise ValidationError(errors)


def founding_save(
    *, applicant, data: FoundingInput, application_id: int | None = None, submit: bool = False
) -> FoundingApplication:
    """Create (``application_id`` None) or edit the applicant's draft or returned application, and with
    ``submit`` send it to the upper union. Raises ValidationError by field (no profile, an enterprise with
    a union or an open application, a committee of the wrong size, too few first members, a bad or
    repeated ID number, a first member already a member elsewhere — naming the union) or TransitionError;
    nothing is saved then."""
    if not WorkerProfile.objects.filter(user=applicant).exists():
        raise ValidationError(_("请先完善实名信息，再申请建会。"))
    data.first_members = [
        {
            "name": (fm.get("name") or "").strip(),
            "id_number": normalise_id_number(fm.get("id_number") or ""),
            "phone": normalise_mobile(fm.get("phone") or ""),
        }
        for fm in data.first_members
    ]
    data.committee = [
        {"name": (c.get("name") or "").strip(), "job": (c.get("job") or "").strip()} for c in data.committee
    ]
    upper = upper_union_for(data.enterprise)
    if upper is None:
        raise ValidationError({"enterprise": _("找不到该企业所在地的上级工会，请与当地工会联系。")})
    with transaction.atomic():
        if application_id is not None:
            application = (
                FoundingApplication.objects.select_for_update()
                .filter(pk=application_id, applicant=applicant)
                .first()
            )
            if application is None:
                raise Http404
            if not application.is_editable:
                raise TransitionError(_("该申请已提交或已处理，不能修改。"))
            before_state = application.state
        else:
            application = FoundingApplication(applicant=applicant)
            before_state = ""
        _check_input(data, application_id=application_id)
        application.enterprise = data.enterprise
        application.upper = upper
        application.capacity = data.capacity
        application.employees = data.employees
        application.committee = data.committee
        application.chair_name = data.chair_name.strip()
        application.chair_job = data.chair_job.strip()
        application.contact_phone = data.contact_phone.strip()
        application.note = data.note.strip()
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise ValidationError(
                {"enterprise": _("该企业已有一份正在办理的建会申请，请与上级工会联系。")}
            ) from None
        application.first_members.all().delete()
        FoundingMember.objects.bulk_create(
            FoundingMember(application=application, position=i, **fm)
            for i, fm in enumerate(data.first_members)
        )
        audit.record(
            actor=applicant,
            action="orgs.founding_application.update" if before_state else "orgs.founding_application.create",
            obj=application,
            to_state=application.state,
        )
        if submit:
            application = transition(
                workflow=FOUNDING_WORKFLOW, pk=application.pk, to=FoundingState.SUBMITTED, actor=applicant
            )
    return application


def founding_submit(*, actor, application_id: int) -> FoundingApplication:
    return transition(workflow=FOUNDING_WORKFLOW, pk=application_id, to=FoundingState.SUBMITTED, actor=actor)


def founding_withdraw(*, actor, application_id: int) -> FoundingApplication:
    """The applicant withdraws an open application; the enterprise may then be applied for again."""
    return transition(workflow=FOUNDING_WORKFLOW, pk=application_id, to=FoundingState.WITHDRAWN, actor=actor)


# --- the upper union's side -------------------------------------------------------------------------------


def founding_return(*, actor, application_id: int, comment: str) -> FoundingApplication:
    """Send the application back with guidance; the applicant edits it and submits again."""
    return transition(
        workflow=FOUNDING_WORKFLOW,
        pk=application_id,
        to=FoundingState.RETURNED,
        actor=actor,
        comment=(comment or "").strip()[:500],
        expected_from=FoundingState.SUBMITTED,
    )


def founding_refuse(*, actor, application_id: int, reason: str) -> FoundingApplication:
    return transition(
        workflow=FOUNDING_WORKFLOW,
        pk=application_id,
        to=FoundingState.REFUSED,
        actor=actor,
        comment=(reason or "").strip()[:500],
        expected_from=FoundingState.SUBMITTED,
    )


def next_union_code(upper: Organisation) -> str:
    """``upper``'s code followed by the next free three-digit number among its children's codes."""
    prefix = upper.code
    taken = set(
        Organisation.objects.filter(
            code__startswith=prefix, code__regex=rf"^{prefix}[0-9]{{3}}$"
        ).values_list("code", flat=True)
    )
    for n in range(1, 1000):
        code = f"{prefix}{n:03d}"
        if code not in taken and len(code) <= 32:
            return code
    raise TransitionError(_("上级工会下已无可用的组织代码，请联系管理员。"))


def founding_approve(*, actor, application_id: int, on=None) -> FoundingApplication:
    """Approve: a grassroots union ``<enterprise>工会委员会`` is added under the upper union, the enterprise
    linked to it, the first members entered in its registry (joined ``on``, default today), the applicant
    made its submitter (when they hold no staff role), in one transaction with the transition. Raises
    TransitionError (not theirs, decided already, the enterprise has a union meanwhile, a first member is
    a member elsewhere) or Http404 outside the actor's scope; nothing is written then."""
    on = on or timezone.localdate()
    with transaction.atomic():
        application = access_founding_application(actor, application_id, for_update=True)
        if application.state != FoundingState.SUBMITTED or not is_reviewer(actor, application):
            return transition(
                workflow=FOUNDING_WORKFLOW, pk=application_id, to=FoundingState.APPROVED, actor=actor
            )
        enterprise = Enterprise.objects.select_for_update().get(pk=application.enterprise_id)
        for guard in (_enterprise_without_union, _first_members_free):
            problem = guard(application, actor)
            if problem:
                raise TransitionError(problem)
        upper = Organisation.objects.get(pk=application.upper_id)
        union = organisation_create(
            parent=upper,
            level=Level.GRASSROOTS,
            kind=OrgKind.ENTERPRISE,
            name=application.union_name[:120],
            code=next_union_code(upper),
            founded_on=on,
            contact_person=application.chair_name,
            contact_phone=application.contact_phone[:20],
            address=enterprise.address,
            member_count=application.first_members.count(),
        )
        audit.record(actor=actor, action="orgs.organisation.found", obj=union, comment=enterprise.name)
        Enterprise.objects.filter(pk=enterprise.pk).update(
            union=union, employees=application.employees, updated_at=timezone.now()
        )
        profile = WorkerProfile.objects.filter(user_id=application.applicant_id).first()
        own_number = profile.id_number if profile is not None else None
        for fm in application.first_members.all():
            try:
                member_add(
                    actor=actor,
                    organisation=union,
                    name=fm.name,
                    id_number=fm.id_number,
                    phone=fm.phone,
                    joined_on=on,
                    user=application.applicant if fm.id_number == own_number else None,
                    check_scope=False,
                )
            except MemberConflict as conflict:
                raise TransitionError(conflict.messages[0]) from None
            except ValidationError as error:
                raise TransitionError(f"{fm.name}：{' '.join(error.messages)}") from None
        applicant = application.applicant
        if not permissions.is_union_staff(applicant):
            membership_grant(user=applicant, organisation=union, role=Role.SUBMITTER, actor=actor)
        return transition(
            workflow=FOUNDING_WORKFLOW,
            pk=application_id,
            to=FoundingState.APPROVED,
            actor=actor,
            expected_from=FoundingState.SUBMITTED,
            sets={"union": union},
        )


# --- reads ------------------------------------------------------------------------------------------------


def own_applications(user):
    return (
        FoundingApplication.objects.filter(applicant=user)
        .select_related("enterprise", "upper", "union")
        .order_by("-created_at", "-id")
    )


def founding_queue(user, *, state: str = "", q: str = ""):
    """The applications ``user`` may list (not drafts: those are the applicant's), oldest waiting first."""
    rows = (
        FoundingApplication.objects.visible_to(user, "list")
        .exclude(state=FoundingState.DRAFT)
        .select_related("enterprise", "upper", "applicant")
        .annotate(first_member_count=Count("first_members"))
    )
    if state:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(enterprise__name__icontains=q.strip())
    return rows.order_by("state", "submitted_at", "id")


def waiting_count(user) -> int:
    return (
        FoundingApplication.objects.visible_to(user, "review").filter(state=FoundingState.SUBMITTED).count()
    )


# --- the founding drive's target list ---------------------------------------------------------------------


def targets_for(user, *, township: Organisation | None = None, q: str = ""):
    """Active enterprises without a union that ``user``'s enterprise row reaches, by township, each with the
    state of its open application (a subquery, no query per row)."""
    open_state = FoundingApplication.objects.open().filter(enterprise=OuterRef("pk")).values("state")[:1]
    rows = (
        Enterprise.objects.filter(permissions.scope_q(user, "enterprise", "list", "township__path"))
        .filter(union__isnull=True, is_active=True)
        .select_related("township")
        .annotate(founding_state=Subquery(open_state))
    )
    if township is not None:
        rows = rows.filter(township__path__startswith=township.path)
    if q:
        rows = rows.filter(name__icontains=q.strip())
    return rows.order_by("township__path", "name", "id")


@dataclass
class DriveRow:
    org: Organisation
    without_union: int = 0
    in_progress: int = 0
    founded: int = 0


def drive_levels(user) -> list[int]:
    """The levels the user's scope may be counted by: from their own level down to the township."""
    depths = [len(path) // Organisation.steplen for _role, path in _staff_paths(user)]
    top = min(depths) if depths else Level.PROVINCE
    return [level for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP) if level >= top]


def _staff_paths(user):
    return permissions.holdings(user, "enterprise", "list")


def drive_counts(user, *, level: int, year: int) -> tuple[list[DriveRow], DriveRow]:
    """For each union of ``level`` (province, city, county, township: by depth in the tree) in the user's
    scope: enterprises without a union, applications in progress, unions founded in ``year``; and the
    totals of the scope. Four queries whatever the number of rows."""
    steplen = Organisation.steplen
    length = level * steplen
    orgs = list(
        Organisation.objects.visible_to(user)
        .filter(depth=level, level__lte=Level.TOWNSHIP, is_active=True)
        .order_by("path")
    )
    scope = permissions.scope_q(user, "enterprise", "list", "township__path")
    without = dict(
        Enterprise.objects.filter(scope, union__isnull=True, is_active=True)
        .annotate(p=Substr("township__path", 1, length))
        .values("p")
        .annotate(n=Count("pk"))
        .values_list("p", "n")
        .order_by()
    )
    applications = FoundingApplication.objects.filter(
        permissions.scope_q(user, "enterprise", "list", "org_path")
    ).annotate(p=Substr("org_path", 1, length))
    in_progress = dict(
        applications.filter(state__in=[FoundingState.SUBMITTED, FoundingState.RETURNED])
        .values("p")
        .annotate(n=Count("pk"))
        .values_list("p", "n")
        .order_by()
    )
    founded = dict(
        applications.filter(state=FoundingState.APPROVED, decided_at__year=year)
        .values("p")
        .annotate(n=Count("pk"))
        .values_list("p", "n")
        .order_by()
    )
    rows = [
        DriveRow(org, without.get(org.path, 0), in_progress.get(org.path, 0), founded.get(org.path, 0))
        for org in orgs
    ]
    total = DriveRow(
        None,
        sum(without.values()),
        sum(in_progress.values()),
        sum(founded.values()),
    )
    return rows, total


__all__ = [
    "OPEN_STATES",
    "FoundingInput",
    "access_founding_application",
    "founding_approve",
    "founding_refuse",
    "founding_return",
    "founding_save",
    "founding_submit",
]
