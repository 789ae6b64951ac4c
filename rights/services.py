"""Every write of rights protection. Keyword-only functions; each checks the user's reach (Http404
outside it), checks every rule before writing anything, and raises ``RightsError`` (a message in the
user's language) or ``TransitionError`` when it may not proceed, having changed nothing. State changes go
through ``unionportal.audit.transitions.transition`` (audited, notified)."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import fragments
from unionportal.audit import services as audit
from unionportal.audit.transitions import TransitionError, transition
from unionportal.campaigns.workdays import add_working_days
from unionportal.notifications.services import Message, queue
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.uploads.services import upload_store

from . import conf
from .enums import HANDLING_STATES, OPEN_STATES, Outcome, OverdueStage, RequestKind, RequestState, StepKind
from .models import RIGHTS_TOPIC, EnterpriseFlag, Evidence, RightsRequest, Step
from .selectors import UNION_PEOPLE, access_own_request, access_request, people_of, responsible_union
from .workflows import (
    ESCALATED,
    FILED,
    OVERDUE_ACCEPT,
    OVERDUE_CONCLUDE,
    REQUEST_WORKFLOW,
    STEP_LOGGED,
    worker_message,
)

MAX_FILES = 6
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a phone and typed again


class RightsError(Exception):
    """Input the user can fix; ``message`` says what, in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def evidence_kind(file) -> str:
    """What a file is by its first bytes (never its name): a PDF, else it must pass as an image."""
    head = file.read(5)
    file.seek(0)
    return "pdf" if head == b"%PDF-" else "image"


def tracking_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").replace("-", "").encode()).hexdigest()


# --- filing ---------------------------------------------------------------------------------------------


def _route(enterprise_id, employer_name: str, county_id):
    enterprise = None
    if enterprise_id:
        enterprise = (
            Enterprise.objects.select_related("union", "township")
            .filter(pk=enterprise_id, is_active=True)
            .first()
        )
        if enterprise is None:
            raise RightsError(_("所选用人单位不存在，请重新选择或直接填写单位名称。"), "enterprise")
    county = Organisation.objects.filter(pk=county_id).first() if county_id else None
    if enterprise is None and not (employer_name or "").strip():
        raise RightsError(_("请选择用人单位，或填写用人单位名称。"), "employer_name")
    union = responsible_union(enterprise, county)
    if union is None:
        raise RightsError(_("用人单位不在名录中时，请选择单位所在的县（市、区）。"), "county")
    name = enterprise.name if enterprise is not None else employer_name.strip()
    return enterprise, union, name[:200]


def _create(*, worker, kind, enterprise_id, employer_name, county_id, facts, demands, files, now, anonymous):
    if kind not in RequestKind.values:
        raise RightsError(_("请选择维权类别。"), "kind")
    facts = (facts or "").strip()
    if len(facts) < 10:
        raise RightsError(_("请写明事实经过（至少 10 个字）。"), "facts")
    if len(files) > MAX_FILES:
        raise RightsError(_("证据材料最多 %(n)d 个文件。") % {"n": MAX_FILES}, "evidence")
    enterprise, union, name = _route(enterprise_id, employer_name, county_id)
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        request = RightsRequest.objects.create(
            kind=kind,
            anonymous=anonymous,
            worker=None if anonymous else worker,
            enterprise=enterprise,
            employer_name=name,
            facts=facts,
            demands=(demands or "").strip(),
            union=union,
            org_path=union.path,
            origin_path=union.path,
            filed_at=now,
            accept_due=add_working_days(today, conf.figure("ACCEPT_WORKING_DAYS")),
            conclude_due=today + timedelta(days=conf.figure("CONCLUDE_DAYS")),
        )
        for file in files:
            stored = upload_store(
                file=file, kind=evidence_kind(file), actor=None if anonymous else worker, organisation=union
            )
            Evidence.objects.create(request=request, file=stored)
        if enterprise is not None:
            flag_check(enterprise=enterprise, now=now)
        recipients = people_of(union, UNION_PEOPLE)
        if recipients:
            queue(
                Message(
                    recipients=tuple(recipients),
                    event=FILED,
                    params={
                        "ref": request.reference,
                        "employer": request.employer_name,
                        "date": request.accept_due.isoformat(),
                    },
                    url=request.get_absolute_url(),
                )
            )
    return request


def request_file(
    *,
    worker,
    kind: str,
    facts: str,
    demands: str = "",
    enterprise_id=None,
    employer_name="",
    county_id=None,
    files=(),
    now=None,
) -> RightsRequest:
    """A worker's request, routed to the union responsible for the employer with its deadlines. Files
    (photos, PDFs) are checked by content and stored with it. Raises RightsError or UploadRejected,
    having written nothing."""
    if not getattr(worker, "is_authenticated", False):
        raise RightsError(_("请先登录。"))
    with transaction.atomic():
        request = _create(
            worker=worker,
            kind=kind,
            enterprise_id=enterprise_id,
            employer_name=employer_name,
            county_id=county_id,
            facts=facts,
            demands=demands,
            files=list(files),
            now=now,
            anonymous=False,
        )
        audit.record(actor=worker, action="rights.request.file", obj=request)
    return request


def tip_file(*, facts: str, enterprise_id=None, employer_name="", county_id=None, files=(), now=None):
    """An anonymous safety-hazard tip: (the request, its tracking code). Nothing of the tipster is kept:
    no account, no phone, no address (hence no audit event, which records the client's address); the
    code is returned once and only its hash is stored."""
    with transaction.atomic():
        request = _create(
            worker=None,
            kind=RequestKind.SAFETY,
            enterprise_id=enterprise_id,
            employer_name=employer_name,
            county_id=county_id,
            facts=facts,
            demands="",
            files=list(files),
            now=now,
            anonymous=True,
        )
        while True:
            code = "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(12))
            digest = tracking_hash(code)
            if not RightsRequest.objects.filter(tracking_hash=digest).exists():
                break
        RightsRequest.objects.filter(pk=request.pk).update(tracking_hash=digest)
        request.tracking_hash = digest
    return request, f"{code[:4]}-{code[4:8]}-{code[8:]}"


def tip_lookup(code: str) -> RightsRequest | None:
    """The tip a tracking code names, or None."""
    if not code or len(code) > 40:
        return None
    return RightsRequest.objects.filter(anonymous=True, tracking_hash=tracking_hash(code)).first()


def flag_check(*, enterprise: Enterprise, now) -> EnterpriseFlag | None:
    """Flag ``enterprise`` when it has FLAG_REQUESTS or more requests within FLAG_WINDOW_DAYS; keep the
    count of a flagged one current. The flag is kept at the union responsible for the enterprise."""
    days = conf.figure("FLAG_WINDOW_DAYS")
    count = RightsRequest.objects.filter(
        enterprise=enterprise, filed_at__gte=now - timedelta(days=days)
    ).count()
    existing = EnterpriseFlag.objects.filter(enterprise=enterprise).first()
    if count < conf.figure("FLAG_REQUESTS"):
        return existing
    path = (enterprise.union if enterprise.union_id else enterprise.township).path
    if existing is None:
        flag = EnterpriseFlag.objects.create(
            enterprise=enterprise, org_path=path, request_count=count, window_days=days, flagged_at=now
        )
        audit.record(actor=None, action="rights.enterprise.flag", obj=flag, org_path=path)
        return flag
    EnterpriseFlag.objects.filter(pk=existing.pk).update(request_count=count, window_days=days, org_path=path)
    fragments.bump(RIGHTS_TOPIC, existing.org_path, path)
    existing.request_count = count
    return existing


# --- handling -------------------------------------------------------------------------------------------


def request_accept(
    *, actor, request_id: int, expected_from: str | None = RequestState.SUBMITTED, now=None
) -> RightsRequest:
    """Accept (受理) a request waiting at the actor's union or below."""
    access_request(actor, request_id, action="change")
    return transition(
        workflow=REQUEST_WORKFLOW,
        pk=request_id,
        to=RequestState.ACCEPTED,
        actor=actor,
        expected_from=expected_from,
        now=now,
    )


def step_log(*, actor, request_id: int, kind: str, note: str, now=None) -> Step:
    """Log a handling step on an accepted request; the first one puts it in progress. The worker is told."""
    if kind not in StepKind.values:
        raise RightsError(_("请选择办理方式。"), "kind")
    note = (note or "").strip()
    if not note:
        raise RightsError(_("请填写办理情况。"), "note")
    with transaction.atomic():
        request = access_request(actor, request_id, action="change", for_update=True)
        if request.state not in HANDLING_STATES:
            raise TransitionError(
                _("该申请当前为“%(state)s”，不能登记办理情况。") % {"state": request.get_state_display()}
            )
        if request.state == RequestState.ACCEPTED:
            request = transition(
                workflow=REQUEST_WORKFLOW, pk=request.pk, to=RequestState.IN_PROGRESS, actor=actor, now=now
            )
        step = Step.objects.create(
            request=request,
            kind=kind,
            note=note,
            union_name=request.union.name,
            actor=actor,
            created_at=now or timezone.now(),
        )
        audit.record(
            actor=actor,
            action="rights.request.step",
            obj=request,
            comment=note,
            changes={"step": ["", step.get_kind_display()]},
        )
        for message in worker_message(STEP_LOGGED, request, step=step.get_kind_display()):
            queue(message)
    return step


def request_conclude(*, actor, request_id: int, outcome: str, conclusion: str, now=None) -> RightsRequest:
    """Conclude (办结) an accepted or in-progress request with its outcome and opinion."""
    if outcome not in Outcome.values:
        raise RightsError(_("请选择办理结果。"), "outcome")
    if not (conclusion or "").strip():
        raise RightsError(_("请填写办结意见。"), "conclusion")
    request = access_request(actor, request_id, action="change")
    if request.state not in HANDLING_STATES:
        raise TransitionError(
            _("该申请当前为“%(state)s”，只有已受理或办理中的申请可以办结。")
            % {"state": request.get_state_display()}
        )
    return transition(
        workflow=REQUEST_WORKFLOW,
        pk=request_id,
        to=RequestState.CONCLUDED,
        actor=actor,
        comment=conclusion.strip(),
        params={"outcome": outcome},
        expected_from=request.state,
        now=now,
    )


def request_escalate(*, actor, request_id: int, reason: str, now=None) -> RightsRequest:
    """Send an open request up to the parent of the union handling it: the parent's people see it and
    are told, the worker too; a request waiting for acceptance gets a new acceptance deadline there."""
    reason = (reason or "").strip()
    if not reason:
        raise RightsError(_("请填写上报理由。"), "reason")
    now = now or timezone.now()
    with transaction.atomic():
        request = access_request(actor, request_id, action="change", for_update=True)
        if request.state not in OPEN_STATES:
            raise TransitionError(_("该申请已办结，不能上报。"))
        parent = request.union.parent_organisation()
        if parent is None:
            raise RightsError(_("承办工会已是最高一级，不能再上报。"))
        fields = {
            "union": parent,
            "org_path": parent.path,
            "escalations": request.escalations + 1,
            "escalated_at": now,
            "updated_at": timezone.now(),
        }
        if request.state == RequestState.SUBMITTED:
            fields["accept_due"] = add_working_days(
                timezone.localdate(now), conf.figure("ACCEPT_WORKING_DAYS")
            )
            fields["overdue_at"], fields["overdue_stage"] = None, ""
        # Compare-and-set on the handling union: of two escalations at once, one moves it one level.
        if not RightsRequest.objects.filter(
            pk=request.pk, union=request.union_id, state=request.state
        ).update(**fields):
            raise TransitionError(_("该记录已被他人处理，请刷新后再操作。"))
        fragments.bump(RIGHTS_TOPIC, request.org_path, parent.path)  # the update sends no signal
        old_union = request.union
        for name, value in fields.items():
            setattr(request, name, value)
        audit.record(
            actor=actor,
            action="rights.request.escalate",
            obj=request,
            comment=reason,
            changes={"union": [old_union.name, parent.name]},
        )
        recipients = {u.pk: u for u in people_of(parent, UNION_PEOPLE)}
        params = {"ref": request.reference, "union": parent.name, "comment": reason}
        if recipients:
            queue(
                Message(
                    recipients=tuple(recipients.values()),
                    event=ESCALATED,
                    params=params,
                    url=request.get_absolute_url(),
                )
            )
        for message in worker_message(ESCALATED, request, comment=reason):
            queue(message)
    return request


def request_rate(*, worker, request_id: int, rating, comment: str = "", now=None) -> RightsRequest:
    """The worker rates the outcome of their own concluded request, once (1–5, with a comment)."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise RightsError(_("请选择 1 至 5 分的评分。"), "rating")
    now = now or timezone.now()
    with transaction.atomic():
        request = access_own_request(worker, request_id, for_update=True)
        if request.state != RequestState.CONCLUDED:
            raise RightsError(_("申请办结后才能评价。"))
        if request.rating is not None:
            raise RightsError(_("您已评价过这份申请，不能重复评价。"))
        if not RightsRequest.objects.filter(
            pk=request.pk, rating__isnull=True, state=RequestState.CONCLUDED
        ).update(rating=rating, rating_comment=(comment or "").strip()[:1000], rated_at=now):
            raise RightsError(_("您已评价过这份申请，不能重复评价。"))
        request.rating, request.rating_comment, request.rated_at = rating, (comment or "").strip()[:1000], now
        audit.record(
            actor=worker, action="rights.request.rate", obj=request, changes={"rating": ["", str(rating)]}
        )
    return request


# --- the deadline clock ---------------------------------------------------------------------------------


def deadline_clock(*, now) -> dict:
    """The periodic deadline clock: flag requests not accepted by their acceptance deadline, and open
    ones past their conclusion deadline; alert the handling union's people and the parent's staff.
    Idempotent: a request is flagged once per stage."""
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    found = {OverdueStage.ACCEPT: 0, OverdueStage.CONCLUDE: 0}
    late_accept = RightsRequest.objects.filter(
        state=RequestState.SUBMITTED, accept_due__lt=today, overdue_at__isnull=True
    )
    late_conclude = RightsRequest.objects.filter(state__in=OPEN_STATES, conclude_due__lt=today).exclude(
        overdue_stage=OverdueStage.CONCLUDE
    )
    for stage, rows in ((OverdueStage.CONCLUDE, late_conclude), (OverdueStage.ACCEPT, late_accept)):
        for request in rows.select_related("union"):
            with transaction.atomic():
                if not RightsRequest.objects.filter(
                    pk=request.pk, overdue_stage=request.overdue_stage
                ).update(overdue_at=now, overdue_stage=stage):
                    continue
                fragments.bump(RIGHTS_TOPIC, request.org_path)
                found[stage] += 1
                parent = request.union.parent_organisation()
                recipients = {u.pk: u for u in people_of(request.union, UNION_PEOPLE)}
                if parent is not None:
                    recipients.update({u.pk: u for u in people_of(parent)})
                due = request.accept_due if stage == OverdueStage.ACCEPT else request.conclude_due
                audit.record(
                    actor=None,
                    action="rights.request.overdue",
                    obj=request,
                    changes={"overdue_stage": ["", str(stage)]},
                )
                if recipients:
                    queue(
                        Message(
                            recipients=tuple(recipients.values()),
                            event=OVERDUE_ACCEPT if stage == OverdueStage.ACCEPT else OVERDUE_CONCLUDE,
                            params={
                                "ref": request.reference,
                                "employer": request.employer_name,
                                "date": due.isoformat(),
                            },
                            url=request.get_absolute_url(),
                        )
                    )
    return {"accept": found[OverdueStage.ACCEPT], "conclude": found[OverdueStage.CONCLUDE]}
