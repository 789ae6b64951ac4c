"""Writes of the expert review: the pool, the stage and its rubric, panels, assignment (by hand and
automatic), the experts' declarations and scores, and the chair's reopening of a submitted score.

Who may call: the pool, the stage, panels and assignment are for province staff; declarations and scores
for the assigned expert only; reopening for the panel's chair or province staff. Every refusal the user
can fix raises ``ReviewError`` with a message and has changed nothing (each write is one transaction).
An expert acting on an assignment that is not theirs gets ``Http404`` (``access_assignment``).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.notifications import registry as messages
from unionportal.notifications.services import Message, queue
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Membership
from unionportal.orgs.services import membership_grant
from unionportal.selection.models import Candidacy

from .enums import ACTIVE_STATES, AssignmentState, ScoreStatus
from .models import Assignment, Criterion, ExpertProfile, ExpertStage, Panel, ScoreItem
from .selectors import TWO_PLACES, candidates

ASSIGNED = messages.register(
    "selection_experts.assigned",
    subject=gettext_lazy("专家评审任务：%(programme)s"),
    body=gettext_lazy(
        "您被分配评审 %(count)s 名候选人（%(panel)s），请于 %(deadline)s 前登录平台，先申报回避情况，再逐项评分并提交。"
    ),
)
REMINDER = messages.register(
    "selection_experts.reminder",
    subject=gettext_lazy("评分即将截止：%(programme)s"),
    body=gettext_lazy("您还有 %(count)s 名候选人的评分未提交，评分将于 %(deadline)s 截止。"),
)
REOPENED = messages.register(
    "selection_experts.reopened",
    subject=gettext_lazy("评分已退回修改：%(programme)s"),
    body=gettext_lazy("评审组组长退回了您对 %(candidate)s 的评分，理由：%(reason)s。请修改后重新提交。"),
)


class ReviewError(Exception):
    """A refusal the user can fix; nothing was changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def _require_staff(actor) -> None:
    if not permissions.may(actor, "expert_stage", "change"):
        raise ReviewError(_("只有省总工会工作人员可以管理专家评审。"))


# --- the pool -------------------------------------------------------------------------------------------

POOL_FIELDS = ("union", "enterprise", "employer", "title", "fields", "is_active")


def expert_save(*, actor, user, values: dict, profile: ExpertProfile | None = None) -> ExpertProfile:
    """Create or update ``user``'s pool entry and give them the expert role in their union."""
    _require_staff(actor)
    with transaction.atomic():
        profile = profile or ExpertProfile.objects.filter(user=user).first() or ExpertProfile(user=user)
        before = {
            k: getattr(profile, f"{k}_id" if k in ("union", "enterprise") else k, None) for k in POOL_FIELDS
        }
        for key, value in values.items():
            if key not in POOL_FIELDS:
                raise ValueError(f"unknown pool field {key}")
            setattr(profile, key, value)
        try:
            profile.full_clean(exclude=["user"])
        except ValidationError as exc:
            raise ReviewError("；".join(m for msgs in exc.message_dict.values() for m in msgs)) from None
        profile.save()
        membership_grant(user=user, organisation=profile.union, role=Role.EXPERT, actor=actor)
        # The expert's role follows their union: a role held in another union is withdrawn.
        Membership.objects.filter(user=user, role=Role.EXPERT, is_active=True).exclude(
            organisation=profile.union
        ).update(is_active=False)
        after = {
            k: getattr(profile, f"{k}_id" if k in ("union", "enterprise") else k, None) for k in POOL_FIELDS
        }
        audit.record(
            actor=actor,
            action="selection_experts.expert.save",
            obj=profile,
            changes=audit.field_changes(before, after),
        )
    return profile


# --- the stage and its rubric -----------------------------------------------------------------------------

STAGE_FIELDS = (
    "scoring_deadline",
    "aggregation",
    "spread_threshold",
    "experts_per_candidate",
    "hide_identity",
    "remind_days",
)


def rubric_check(rows) -> None:
    """Raise ReviewError unless the rubric has criteria whose weights sum to 100."""
    rows = list(rows)
    if not rows:
        raise ReviewError(_("评审细则至少需要一项评审标准。"))
    total = sum(int(r["weight"] if isinstance(r, dict) else r.weight) for r in rows)
    if total != 100:
        raise ReviewError(_("各项评审标准的权重之和必须为 100，当前为 %(total)s。") % {"total": total})


def stage_save(*, actor, programme, values: dict, criteria: list[dict] | None = None) -> ExpertStage:
    """Create or update the programme's expert stage; ``criteria`` (dicts of name, name_en, description,
    weight, max_points) replace the rubric, refused unless the weights sum to 100 and while any score
    exists (a rubric changed under written scores would change their meaning)."""
    _require_staff(actor)
    with transaction.atomic():
        stage = ExpertStage.objects.select_for_update().filter(programme=programme).first() or ExpertStage(
            programme=programme
        )
        before = {k: getattr(stage, k, None) for k in STAGE_FIELDS}
        for key, value in values.items():
            if key not in STAGE_FIELDS:
                raise ValueError(f"unknown stage field {key}")
            setattr(stage, key, value)
        try:
            stage.full_clean(exclude=["programme"])
        except ValidationError as exc:
            raise ReviewError("；".join(m for msgs in exc.message_dict.values() for m in msgs)) from None
        stage.save()
        if criteria is not None:
            rubric_check(criteria)
            if stage.pk and ScoreItem.objects.filter(assignment__stage=stage).exists():
                raise ReviewError(_("已有专家评分，不能再修改评审细则。"))
            stage.criteria.all().delete()
            for n, row in enumerate(criteria):
                criterion = Criterion(
                    stage=stage,
                    name=row["name"],
                    name_en=row.get("name_en", ""),
                    description=row.get("description", ""),
                    weight=row["weight"],
                    max_points=row.get("max_points") or 100,
                    position=n,
                )
                try:
                    criterion.full_clean()
                except ValidationError as exc:
                    raise ReviewError(
                        "；".join(m for msgs in exc.message_dict.values() for m in msgs)
                    ) from None
                criterion.save()
        after = {k: getattr(stage, k) for k in STAGE_FIELDS}
        changes = audit.field_changes(before, after)
        if criteria is not None:
            changes["criteria"] = ["", "; ".join(f"{r['name']} {r['weight']}%" for r in criteria)]
        audit.record(actor=actor, action="selection_experts.stage.save", obj=stage, changes=changes)
    return stage


def panel_save(
    *, actor, stage: ExpertStage, name: str, chair=None, members=(), panel: Panel | None = None
) -> Panel:
    _require_staff(actor)
    name = (name or "").strip()
    if not name:
        raise ReviewError(_("请填写评审组名称。"))
    with transaction.atomic():
        panel = panel or Panel(stage=stage)
        panel.name, panel.chair = name, chair
        try:
            panel.validate_constraints()
        except ValidationError:
            raise ReviewError(_("该专家评审已有同名评审组。")) from None
        panel.save()
        members = list(members)
        if chair is not None and not any(m.user_id == chair.pk for m in members):
            chair_profile = ExpertProfile.objects.filter(user=chair).first()
            if chair_profile is None and not permissions.is_province_staff(chair):
                raise ReviewError(_("组长须为专家库中的专家或省总工会工作人员。"))
        panel.members.set(members)
        audit.record(
            actor=actor,
            action="selection_experts.panel.save",
            obj=panel,
            changes={"members": ["", ", ".join(str(m) for m in members)], "chair": ["", str(chair or "")]},
        )
    return panel


# --- conflict of interest and assignment ------------------------------------------------------------------


def conflict_reason(expert: ExpertProfile, candidacy: Candidacy) -> str:
    """Why ``expert`` may not review ``candidacy`` (empty when they may): the candidate was nominated
    inside the subtree of the expert's own union, or is employed by the expert's enterprise (the
    enterprise's own union nominated them, or the candidate's unit is the enterprise)."""
    if candidacy.organisation.path.startswith(expert.union.path):
        return _("候选人由专家所在工会（%(union)s）或其下级工会推荐。") % {"union": expert.union.name}
    enterprise = expert.enterprise
    if enterprise is not None and (
        (enterprise.union_id and candidacy.organisation_id == enterprise.union_id)
        or candidacy.unit.strip() == enterprise.name.strip()
    ):
        return _("候选人是专家所在企业（%(enterprise)s）的职工。") % {"enterprise": enterprise.name}
    return ""


def _experts(ids=None):
    rows = ExpertProfile.objects.select_related("union", "enterprise", "user")
    return rows.filter(pk__in=ids) if ids is not None else rows


def _candidacy_fields(stage: ExpertStage, rows) -> dict[int, set[str]]:
    """Candidacy id → its fields: the priority fields it is tagged with and, when it was nominated by an
    enterprise's union, that enterprise's industry section."""
    industries = dict(
        Enterprise.objects.filter(union_id__in={c.organisation_id for c in rows}).values_list(
            "union_id", "industry"
        )
    )
    return {
        c.pk: set(c.tags or ())
        | ({industries[c.organisation_id]} if c.organisation_id in industries else set())
        for c in rows
    }


def _stage_candidacy(stage: ExpertStage, candidacy_id: int) -> Candidacy:
    candidacy = candidates(stage).select_related("organisation").filter(pk=candidacy_id).first()
    if candidacy is None:
        raise ReviewError(_("该候选人不在本项目的专家评审范围内（须已报送省级）。"))
    return candidacy


def _notify_assigned(stage: ExpertStage, panel: Panel, per_expert: dict) -> None:
    """One message per expert newly given candidates (after the transaction, through the outbox)."""
    profiles = {p.pk: p for p in _experts(list(per_expert))}
    for expert_id, count in per_expert.items():
        if not count:
            continue
        queue(
            Message(
                recipients=(profiles[expert_id].user,),
                event=ASSIGNED,
                params={
                    "programme": stage.programme.label,
                    "panel": panel.name,
                    "count": count,
                    "deadline": timezone.localtime(stage.scoring_deadline).strftime("%Y-%m-%d %H:%M"),
                },
                url=reverse("experts:mine"),
            )
        )


def assignment_create(
    *, actor, panel: Panel, candidacy_id: int, expert_id: int, automatic: bool = False
) -> Assignment:
    """Give one candidate to one expert of the panel by hand; refused when it breaks the conflict rule,
    the expert is not on the panel, already has (or declined) the candidate, or the candidate is another
    panel's."""
    _require_staff(actor)
    stage = panel.stage
    with transaction.atomic():
        Panel.objects.select_for_update().filter(pk=panel.pk).first()
        candidacy = _stage_candidacy(stage, candidacy_id)
        expert = (
            panel.members.select_related("union", "enterprise", "user")
            .filter(pk=expert_id, is_active=True)
            .first()
        )
        if expert is None:
            raise ReviewError(_("该专家不是本评审组的在库专家。"))
        reason = conflict_reason(expert, candidacy)
        if reason:
            raise ReviewError(_("不能分配：存在利益冲突。%(reason)s") % {"reason": reason})
        other = (
            Assignment.objects.filter(stage=stage, candidacy=candidacy, state__in=ACTIVE_STATES)
            .exclude(panel=panel)
            .exists()
        )
        if other:
            raise ReviewError(_("该候选人已分配给其他评审组。"))
        if Assignment.objects.filter(stage=stage, candidacy=candidacy, expert=expert).exists():
            raise ReviewError(_("该专家已分配过该候选人（或已申报回避），不能重复分配。"))
        row = Assignment.objects.create(
            stage=stage,
            panel=panel,
            candidacy=candidacy,
            expert=expert,
            assigned_by=actor,
            automatic=automatic,
        )
        audit.record(
            actor=actor,
            action="selection_experts.assignment.create",
            obj=row,
            comment=f"{candidacy.name} → {expert}",
        )
        if not automatic:
            _notify_assigned(stage, panel, {expert.pk: 1})
    return row


@dataclass
class AutoResult:
    created: int
    short: list  # candidacies that could not get enough experts without a conflict


def _auto_fill(*, actor, panel: Panel, candidacy_ids=None, exclude_expert=None) -> tuple[dict, list]:
    """Fill each candidate of the panel up to the stage's number of experts: among the panel's active
    experts without a conflict and without a row for the candidate, prefer a matching field, then the
    lightest load (active assignments in the stage), then the expert's id. Inside the caller's
    transaction; returns (new assignments per expert id, candidacies left short)."""
    stage = panel.stage
    wanted = stage.experts_per_candidate
    experts = list(
        panel.members.select_related("union", "enterprise", "user").filter(is_active=True).order_by("pk")
    )
    if exclude_expert is not None:
        experts = [e for e in experts if e.pk != exclude_expert]
    pool = candidates(stage).select_related("organisation").order_by("pk")
    if candidacy_ids is not None:
        pool = pool.filter(pk__in=candidacy_ids)
    # Candidates another panel holds stay there.
    elsewhere = set(
        Assignment.objects.filter(stage=stage, state__in=ACTIVE_STATES)
        .exclude(panel=panel)
        .values_list("candidacy_id", flat=True)
    )
    rows = [c for c in pool if c.pk not in elsewhere]
    fields = _candidacy_fields(stage, rows)
    load = dict(
        Assignment.objects.filter(stage=stage, state__in=ACTIVE_STATES)
        .values("expert")
        .annotate(n=Count("id"))
        .values_list("expert", "n")
    )
    taken: dict[int, set[int]] = {}
    active: dict[int, int] = {}
    for cid, eid, state in Assignment.objects.filter(
        stage=stage, candidacy__in=[c.pk for c in rows]
    ).values_list("candidacy_id", "expert_id", "state"):
        taken.setdefault(cid, set()).add(eid)
        if state in ACTIVE_STATES:
            active[cid] = active.get(cid, 0) + 1
    created: dict[int, int] = {}
    short = []
    new_rows = []
    for candidacy in rows:
        missing = wanted - active.get(candidacy.pk, 0)
        if missing <= 0:
            continue
        mine = fields.get(candidacy.pk, set())
        eligible = [
            e
            for e in experts
            if e.pk not in taken.get(candidacy.pk, set()) and not conflict_reason(e, candidacy)
        ]
        eligible.sort(key=lambda e: (not (set(e.fields or ()) & mine), load.get(e.pk, 0), e.pk))
        chosen = eligible[:missing]
        if len(chosen) < missing:
            short.append(candidacy)
        for expert in chosen:
            new_rows.append(
                Assignment(
                    stage=stage,
                    panel=panel,
                    candidacy=candidacy,
                    expert=expert,
                    assigned_by=actor,
                    automatic=True,
                )
            )
            load[expert.pk] = load.get(expert.pk, 0) + 1
            created[expert.pk] = created.get(expert.pk, 0) + 1
            taken.setdefault(candidacy.pk, set()).add(expert.pk)
    try:
        with transaction.atomic():
            Assignment.objects.bulk_create(new_rows)
    except IntegrityError:
        raise ReviewError(_("分配时数据已被他人修改，请刷新页面后重试。")) from None
    if new_rows:
        audit.record(
            actor=actor,
            action="selection_experts.assignment.create",
            obj=panel,
            comment=_("自动分配 %(count)s 条") % {"count": len(new_rows)},
        )
    return created, short


def assign_auto(*, actor, panel: Panel, candidacy_ids=None) -> AutoResult:
    """Assign the panel's candidates automatically (N experts each, balanced load, matching field where
    possible, never breaking the conflict rule). Candidates left short are reported, not refused."""
    _require_staff(actor)
    with transaction.atomic():
        # Every assignment write of a panel locks it first: runs and reassignments go one at a time.
        Panel.objects.select_for_update().filter(pk=panel.pk).first()
        created, short = _auto_fill(actor=actor, panel=panel, candidacy_ids=candidacy_ids)
        _notify_assigned(panel.stage, panel, created)
    return AutoResult(created=sum(created.values()), short=short)


def assignment_remove(*, actor, assignment_id: int) -> Assignment:
    """Staff withdraw an assignment that has no submitted score (the row stays, as removed)."""
    _require_staff(actor)
    with transaction.atomic():
        row = Assignment.objects.select_for_update().filter(pk=assignment_id).first()
        if row is None:
            raise Http404
        if row.state not in ACTIVE_STATES:
            raise ReviewError(_("该分配已撤销或已申报回避。"))
        if row.score_status == ScoreStatus.SUBMITTED:
            raise ReviewError(_("该专家已提交评分，不能撤销分配。"))
        from_state, row.state = row.state, AssignmentState.REMOVED
        row.save(update_fields=["state", "updated_at"])
        audit.record(
            actor=actor,
            action="selection_experts.assignment.remove",
            obj=row,
            from_state=from_state,
            to_state=row.state,
        )
    return row


# --- the expert's side ------------------------------------------------------------------------------------


def access_assignment(user, pk: int, *, for_update: bool = False) -> Assignment:
    """The user's own active assignment ``pk``; Http404 for any other (a guessed id tells nothing)."""
    rows = Assignment.objects.filter(pk=pk, expert__user=user, state__in=ACTIVE_STATES)
    if for_update:
        rows = rows.select_for_update()
    row = rows.select_related("stage__programme__campaign", "candidacy", "panel", "expert").first()
    if row is None or not getattr(user, "is_active", False):
        raise Http404
    return row


def declare(*, actor, assignment_id: int, conflict: bool, note: str = "", now=None) -> Assignment:
    """The expert's declaration before opening a file. No conflict: the file opens. A conflict: the
    assignment is withdrawn (kept as "conflict") and the candidate is given to another expert of the
    panel automatically."""
    now = now or timezone.now()
    note = (note or "").strip()
    with transaction.atomic():
        # The panel first, as every assignment write locks it: a reassignment never races another.
        panel_id = access_assignment(actor, assignment_id).panel_id
        Panel.objects.select_for_update().filter(pk=panel_id).first()
        row = access_assignment(actor, assignment_id, for_update=True)
        if row.state != AssignmentState.ASSIGNED:
            raise ReviewError(_("您已申报过回避情况。"))
        if conflict and len("".join(note.split())) < 2:
            raise ReviewError(_("请简要说明需要回避的原因。"))
        from_state = row.state
        row.state = AssignmentState.CONFLICT if conflict else AssignmentState.CLEARED
        row.declared_at, row.conflict_note = now, note[:200]
        row.save(update_fields=["state", "declared_at", "conflict_note", "updated_at"])
        audit.record(
            actor=actor,
            action="selection_experts.assignment.declare",
            obj=row,
            from_state=from_state,
            to_state=row.state,
            comment=note,
        )
        if conflict:
            created, _short = _auto_fill(actor=actor, panel=row.panel, candidacy_ids=[row.candidacy_id])
            _notify_assigned(row.stage, row.panel, created)
    return row


def _parse_points(raw, criterion: Criterion) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ReviewError(_("“%(criterion)s”的得分须为数字。") % {"criterion": criterion.label}) from None
    if (
        not value.is_finite()
        or value < 0
        or value > criterion.max_points
        or value != value.quantize(Decimal("0.1"))
    ):
        raise ReviewError(
            _("“%(criterion)s”的得分须在 0 至 %(max)s 之间（最多一位小数）。")
            % {"criterion": criterion.label, "max": criterion.max_points}
        )
    return value


def weighted_total(criteria, points: dict[int, Decimal]) -> Decimal:
    """Σ points ÷ maximum × weight over the rubric: 0-100."""
    total = sum(Decimal(points[c.pk]) / c.max_points * c.weight for c in criteria)
    return Decimal(total).quantize(TWO_PLACES, ROUND_HALF_UP)


def score_save(
    *, actor, assignment_id: int, points: dict, comments: dict | None = None, submit: bool = False, now=None
) -> Assignment:
    """Save the expert's scores as a draft (some criteria may be empty) or submit them (every criterion
    scored; then locked). Refused before the declaration, after submission, past the deadline, for points
    out of a criterion's range, and when the rubric's weights do not sum to 100."""
    now = now or timezone.now()
    comments = comments or {}
    with transaction.atomic():
        row = access_assignment(actor, assignment_id, for_update=True)
        if row.state != AssignmentState.CLEARED:
            raise ReviewError(_("请先申报有无利益冲突，再评分。"))
        if row.score_status == ScoreStatus.SUBMITTED:
            raise ReviewError(_("评分已提交，不能再修改；如需修改请联系评审组组长。"))
        if not row.stage.is_open_for_scoring(now):
            raise ReviewError(
                _("评分已于 %(deadline)s 截止。")
                % {"deadline": timezone.localtime(row.stage.scoring_deadline).strftime("%Y-%m-%d %H:%M")}
            )
        criteria = list(row.stage.criteria.all())
        rubric_check(criteria)
        parsed: dict[int, Decimal] = {}
        for criterion in criteria:
            raw = points.get(criterion.pk, points.get(str(criterion.pk)))
            if raw in (None, ""):
                if submit:
                    raise ReviewError(_("请为“%(criterion)s”评分后再提交。") % {"criterion": criterion.label})
                continue
            parsed[criterion.pk] = _parse_points(raw, criterion)
        for key in comments:
            if len(str(comments[key] or "")) > 200:
                raise ReviewError(_("每项评语不超过 200 字。"))
        existing = {i.criterion_id: i for i in row.items.all()}
        for criterion in criteria:
            comment = str(comments.get(criterion.pk, comments.get(str(criterion.pk), "")) or "").strip()
            item = existing.get(criterion.pk)
            if criterion.pk not in parsed:
                if item is not None:
                    item.delete()
                continue
            if item is None:
                ScoreItem.objects.create(
                    assignment=row, criterion=criterion, points=parsed[criterion.pk], comment=comment
                )
            elif (item.points, item.comment) != (parsed[criterion.pk], comment):
                item.points, item.comment = parsed[criterion.pk], comment
                item.save(update_fields=["points", "comment"])
        complete = len(parsed) == len(criteria)
        row.total = weighted_total(criteria, parsed) if complete else None
        row.score_status = ScoreStatus.SUBMITTED if submit else ScoreStatus.DRAFT
        row.submitted_at = now if submit else None
        row.save(update_fields=["total", "score_status", "submitted_at", "updated_at"])
        if submit:
            audit.record(
                actor=actor,
                action="selection_experts.score.submit",
                obj=row,
                to_state=row.score_status,
                changes={"total": ["", str(row.total)]},
            )
    return row


def may_chair(user, panel: Panel) -> bool:
    return permissions.is_province_staff(user) or (panel.chair_id is not None and panel.chair_id == user.pk)


def score_reopen(*, actor, assignment_id: int, reason: str) -> Assignment:
    """The chair (or province staff) reopens a submitted score with a reason: it becomes a draft the
    expert may change and submit again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        row = (
            Assignment.objects.select_for_update()
            .select_related("panel", "stage__programme__campaign", "candidacy", "expert__user")
            .filter(pk=assignment_id)
            .first()
        )
        if row is None or not may_chair(actor, row.panel):
            raise Http404
        if row.score_status != ScoreStatus.SUBMITTED or row.state not in ACTIVE_STATES:
            raise ReviewError(_("只能退回已提交的评分。"))
        if len("".join(reason.split())) < 4:
            raise ReviewError(_("请说明退回的理由（至少 4 个字）。"))
        row.score_status, row.submitted_at = ScoreStatus.DRAFT, None
        row.save(update_fields=["score_status", "submitted_at", "updated_at"])
        audit.record(
            actor=actor,
            action="selection_experts.score.reopen",
            obj=row,
            from_state=ScoreStatus.SUBMITTED,
            to_state=ScoreStatus.DRAFT,
            comment=reason,
        )
        stage = row.stage
        candidate = stage.candidate_code(row.candidacy_id) if stage.hide_identity else row.candidacy.name
        queue(
            Message(
                recipients=(row.expert.user,),
                event=REOPENED,
                params={"programme": stage.programme.label, "candidate": candidate, "reason": reason},
                url=reverse("experts:assignment", args=[row.pk]),
            )
        )
    return row


# --- the reminder -----------------------------------------------------------------------------------------


def remind(*, now) -> int:
    """Remind each expert with unsubmitted scores once, ``remind_days`` before the deadline (periodic:
    safe to run again; an assignment reminded is not reminded twice). Returns the messages queued."""
    sent = 0
    with transaction.atomic():
        due = (
            Assignment.objects.select_for_update(of=("self",))
            .filter(state__in=ACTIVE_STATES, reminded_at__isnull=True, stage__scoring_deadline__gt=now)
            .exclude(score_status=ScoreStatus.SUBMITTED)
            .select_related("stage__programme__campaign", "expert__user")
        )
        per: dict[tuple[int, int], list[Assignment]] = {}
        for row in due:
            if now >= row.stage.scoring_deadline - timedelta(days=row.stage.remind_days):
                per.setdefault((row.stage_id, row.expert_id), []).append(row)
        for rows in per.values():
            stage, expert = rows[0].stage, rows[0].expert
            queue(
                Message(
                    recipients=(expert.user,),
                    event=REMINDER,
                    params={
                        "programme": stage.programme.label,
                        "count": len(rows),
                        "deadline": timezone.localtime(stage.scoring_deadline).strftime("%Y-%m-%d %H:%M"),
                    },
                    url=reverse("experts:mine"),
                )
            )
            sent += 1
        ids = [r.pk for rows in per.values() for r in rows]
        Assignment.objects.filter(pk__in=ids).update(reminded_at=now)
    return sent
