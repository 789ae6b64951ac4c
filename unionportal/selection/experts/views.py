"""Pages of the expert review.

Province staff: the stages, a programme's settings and rubric with its panels, a panel's assignment and
ranking, the expert pool. A chair: their panel's page (scores, spread flags, reopening a score, the score
sheet). An expert: their assignments, the declaration and the score sheet of one candidate.

Thin: each view parses input, calls one service or selector and renders; a refusal is a message (400)
and changes nothing; another expert's assignment is a 404.
"""

from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from unionportal import permissions
from unionportal.i18n import mark_user_data
from unionportal.imports.services import export_table
from unionportal.permissions import permission
from unionportal.selection import registry
from unionportal.selection.models import Programme
from unionportal.uploads.views import FILE_CSP

from . import selectors, services
from .enums import ACTIVE_STATES, AssignmentState, ScoreStatus
from .forms import (
    AssignForm,
    DeclarationForm,
    ExpertForm,
    PanelForm,
    ReasonForm,
    RubricFormSet,
    ScoreForm,
    StageForm,
)
from .models import Assignment, Criterion, ExpertProfile, ExpertStage, Panel
from .resources import ScoreSheetResource

User = get_user_model()


def _province_only(request) -> None:
    if not permissions.is_province_staff(request.user):
        raise Http404


# --- province staff ---------------------------------------------------------------------------------------


@permission("expert_stage", "list")
def stage_list(request):
    _province_only(request)
    programmes = list(
        Programme.objects.select_related("campaign", "expert_stage").order_by("-campaign__year", "code")
    )
    return render(
        request,
        "selection/experts/stage_list.html",
        {"rows": [(p, getattr(p, "expert_stage", None)) for p in programmes], "now": timezone.now()},
    )


@permission("expert_stage", "open", post="change")
@require_http_methods(["GET", "POST"])
def stage_settings(request, pk):
    """A programme's expert review: settings and rubric, its panels (a new one), the stage's ranking."""
    _province_only(request)
    programme = get_object_or_404(Programme.objects.select_related("campaign"), pk=pk)
    stage = ExpertStage.objects.filter(programme=programme).first()
    instance = stage or ExpertStage(programme=programme)
    criteria = Criterion.objects.filter(stage=stage) if stage else Criterion.objects.none()
    form = StageForm(instance=instance, prefix="stage")
    rubric = RubricFormSet(queryset=criteria, prefix="rubric")
    panel_form = PanelForm(prefix="panel")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        status = 400
        try:
            if action == "save":
                form = StageForm(request.POST, instance=instance, prefix="stage")
                rubric = RubricFormSet(request.POST, queryset=criteria, prefix="rubric")
                if form.is_valid() and rubric.is_valid():
                    values = {k: form.cleaned_data[k] for k in services.STAGE_FIELDS}
                    services.stage_save(
                        actor=request.user, programme=programme, values=values, criteria=rubric.criteria()
                    )
                    messages.success(request, _("专家评审设置已保存。"))
                    return redirect("experts:stage", pk=programme.pk)
            elif action == "panel" and stage is not None:
                panel_form = PanelForm(request.POST, prefix="panel")
                if panel_form.is_valid():
                    panel = services.panel_save(actor=request.user, stage=stage, **panel_form.cleaned_data)
                    messages.success(request, _("评审组已保存。"))
                    return redirect("experts:panel", pk=panel.pk)
            else:
                messages.error(request, _("请先保存专家评审设置。") if stage is None else _("未知的操作。"))
        except services.ReviewError as error:
            messages.error(request, error.message)
    context = {
        "programme": programme,
        "stage": stage,
        "form": form,
        "rubric": rubric,
        "panel_form": panel_form,
    }
    if stage is not None:
        context["panels"] = list(stage.panels.select_related("chair").order_by("pk"))
        context["ranking"] = selectors.ranking(stage)
        context["heaviest"] = selectors.heaviest_criterion(stage)
        context["candidate_count"] = selectors.candidates(stage).count()
    return render(request, "selection/experts/stage.html", context, status=status)


def _panel_for(request, pk) -> Panel:
    panel = get_object_or_404(Panel.objects.select_related("stage__programme__campaign", "chair"), pk=pk)
    if not permissions.allows(request.user, "expert_panel", "open", panel):
        raise Http404
    return panel


@permission("expert_panel", "open", post="review")
@require_http_methods(["GET", "POST"])
def panel_detail(request, pk):
    """A panel: its experts and their load, the candidates and who scores them (conflicts shown), manual
    and automatic assignment (staff), the ranking with spread flags, and reopening a score (chair)."""
    panel = _panel_for(request, pk)
    stage = panel.stage
    staff = permissions.is_province_staff(request.user)
    pool = list(selectors.candidates(stage).select_related("organisation").order_by("pk"))
    members = list(panel.members.select_related("user", "union", "enterprise").order_by("user__name", "pk"))
    assign_form = AssignForm(candidacies=pool, experts=members, prefix="assign")
    reason_form = ReasonForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = 400
        try:
            if action == "reopen":
                reason_form = ReasonForm(request.POST)
                assignment_id = request.POST.get("assignment", "")
                if reason_form.is_valid() and assignment_id.isdigit():
                    services.score_reopen(
                        actor=request.user,
                        assignment_id=int(assignment_id),
                        reason=reason_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("评分已退回专家修改。"))
                    return redirect("experts:panel", pk=panel.pk)
                messages.error(request, _("请说明退回的理由（至少 4 个字）。"))
            elif not staff:
                messages.error(request, _("只有省总工会工作人员可以分配评审专家。"))
            elif action == "auto":
                result = services.assign_auto(actor=request.user, panel=panel)
                messages.success(request, _("已自动分配 %(count)s 条评审任务。") % {"count": result.created})
                if result.short:
                    messages.warning(
                        request,
                        _("以下候选人可分配的无利益冲突专家不足：%(names)s")
                        % {"names": "、".join(c.name for c in result.short)},
                    )
                return redirect("experts:panel", pk=panel.pk)
            elif action == "assign":
                assign_form = AssignForm(request.POST, candidacies=pool, experts=members, prefix="assign")
                if assign_form.is_valid():
                    services.assignment_create(
                        actor=request.user,
                        panel=panel,
                        candidacy_id=assign_form.cleaned_data["candidacy"],
                        expert_id=assign_form.cleaned_data["expert"],
                    )
                    messages.success(request, _("已分配。"))
                    return redirect("experts:panel", pk=panel.pk)
            elif action == "remove" and request.POST.get("assignment", "").isdigit():
                services.assignment_remove(actor=request.user, assignment_id=int(request.POST["assignment"]))
                messages.success(request, _("已撤销该分配。"))
                return redirect("experts:panel", pk=panel.pk)
            elif action == "members":
                form = PanelForm(request.POST, prefix="panel")
                if form.is_valid():
                    services.panel_save(actor=request.user, stage=stage, panel=panel, **form.cleaned_data)
                    messages.success(request, _("评审组已保存。"))
                    return redirect("experts:panel", pk=panel.pk)
                messages.error(request, _("请检查评审组信息。"))
            else:
                messages.error(request, _("未知的操作。"))
        except services.ReviewError as error:
            messages.error(request, error.message)
    rows = list(
        Assignment.objects.filter(panel=panel)
        .select_related("expert__user")
        .order_by("candidacy_id", "expert__user__name", "pk")
    )
    by_candidate: dict[int, list] = {}
    load: dict[int, int] = {}
    for row in rows:
        by_candidate.setdefault(row.candidacy_id, []).append(row)
        if row.state in ACTIVE_STATES:
            load[row.expert_id] = load.get(row.expert_id, 0) + 1
    lines = selectors.ranking(stage, panel=panel)
    table = []
    for line in lines:
        excluded = [
            (m, mark_user_data(reason, (m.union.name, m.enterprise.name if m.enterprise_id else "")))
            for m in members
            if (reason := services.conflict_reason(m, line.candidacy))
        ]
        table.append((line, by_candidate.get(line.candidacy.pk, []), excluded))
    context = {
        "panel": panel,
        "stage": stage,
        "programme": stage.programme,
        "staff": staff,
        "members": [(m, load.get(m.pk, 0)) for m in members],
        "table": table,
        "unassigned": [
            c
            for c in pool
            if c.pk not in by_candidate and not any(line.candidacy.pk == c.pk for line in lines)
        ],
        "assign_form": assign_form,
        "reason_form": reason_form,
        "members_form": PanelForm(
            prefix="panel",
            initial={"name": panel.name, "chair": panel.chair_id, "members": [m.pk for m in members]},
        )
        if staff
        else None,
        "heaviest": selectors.heaviest_criterion(stage),
        "progress": selectors.panel_progress(panel),
        "states": AssignmentState,
        "submitted": ScoreStatus.SUBMITTED,
    }
    return render(request, "selection/experts/panel.html", context, status=status)


@permission("expert_panel", "export")
def panel_sheet(request, pk):
    """The panel's score sheet as xlsx, through the shared export (formula cells neutralised, the
    exporting user and time in the file)."""
    panel = _panel_for(request, pk)
    if not permissions.allows(request.user, "expert_panel", "export", panel):
        raise Http404
    resource = ScoreSheetResource(user=request.user)
    resource.panel_id = panel.pk
    dataset = resource.export(resource.export_queryset())
    filename, content_type, content = export_table(
        actor=request.user,
        key="selection_experts.sheet",
        label=f"{_('专家评分表')} {panel.name}",
        headers=dataset.headers,
        rows=dataset,
        fmt="xlsx",
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


# --- the expert pool --------------------------------------------------------------------------------------


@permission("expert_pool", "list")
def pool_list(request):
    _province_only(request)
    rows = ExpertProfile.objects.select_related("user", "union", "enterprise").order_by(
        "-is_active", "user__name", "pk"
    )
    query = (request.GET.get("q") or "").strip()[:40]
    if query:
        rows = rows.filter(user__name__contains=query) | rows.filter(title__contains=query)
    return render(request, "selection/experts/pool.html", {"rows": list(rows), "q": query})


@permission("expert_pool", "open", post="change")
@require_http_methods(["GET", "POST"])
def pool_edit(request, pk=None):
    _province_only(request)
    profile = get_object_or_404(ExpertProfile.objects.select_related("user"), pk=pk) if pk else None
    form = ExpertForm(request.POST or None, instance=profile or ExpertProfile())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            values = {k: data[k] for k in services.POOL_FIELDS}
            try:
                with transaction.atomic():
                    user = profile.user if profile else User.objects.filter(username=data["username"]).first()
                    if user is None:
                        user = User(username=data["username"], name=data["name"])
                        user.set_unusable_password()
                        user.save()
                    elif user.name != data["name"]:
                        user.name = data["name"]
                        user.save(update_fields=["name"])
                    saved = services.expert_save(
                        actor=request.user, user=user, values=values, profile=profile
                    )
            except services.ReviewError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("专家信息已保存。"))
                return redirect("experts:pool_edit", pk=saved.pk)
    return render(
        request, "selection/experts/pool_edit.html", {"form": form, "profile": profile}, status=status
    )


# --- the expert -------------------------------------------------------------------------------------------


@permission("expert_assignment", "list")
def my_assignments(request):
    rows = list(selectors.expert_assignments(request.user))
    return render(request, "selection/experts/mine.html", {"rows": rows, "now": timezone.now()})


@permission("expert_assignment", "open", post="change")
@require_http_methods(["GET", "POST"])
def assignment_detail(request, pk):
    """One assigned candidate: the declaration first; then the file and the score sheet (a draft may be
    saved; submitting locks it)."""
    row = services.access_assignment(request.user, pk)
    stage = row.stage
    criteria = list(stage.criteria.all())
    items = {i.criterion_id: i for i in row.items.all()}
    declaration = DeclarationForm()
    score_form = ScoreForm(criteria=criteria, items=items, locked=row.is_locked)
    status = 200
    if request.method == "POST":
        status = 400
        action = request.POST.get("action", "")
        try:
            if action == "declare":
                declaration = DeclarationForm(request.POST)
                if declaration.is_valid():
                    conflict = declaration.cleaned_data["conflict"]
                    services.declare(
                        actor=request.user,
                        assignment_id=row.pk,
                        conflict=conflict,
                        note=declaration.cleaned_data["note"],
                    )
                    if conflict:
                        messages.success(request, _("已申报回避，该候选人已改由其他专家评审。"))
                        return redirect("experts:mine")
                    messages.success(request, _("已申报无利益冲突，请评分。"))
                    return redirect("experts:assignment", pk=row.pk)
            elif action in ("draft", "submit"):
                score_form = ScoreForm(request.POST, criteria=criteria, items=items, locked=row.is_locked)
                if score_form.is_valid():
                    services.score_save(
                        actor=request.user,
                        assignment_id=row.pk,
                        points=score_form.points(),
                        comments=score_form.comments(),
                        submit=action == "submit",
                    )
                    messages.success(
                        request, _("评分已提交。") if action == "submit" else _("评分草稿已保存。")
                    )
                    return redirect("experts:assignment", pk=row.pk)
                messages.error(request, _("请检查各项得分。"))
            else:
                messages.error(request, _("未知的操作。"))
        except services.ReviewError as error:
            messages.error(request, error.message)
    candidacy = row.candidacy
    context = {
        "row": row,
        "stage": stage,
        "candidacy": candidacy,
        "hidden": stage.hide_identity,
        "code": stage.candidate_code(candidacy.pk),
        # The programme app's nominee details (a craftsman's trade, skills, patents), once declared.
        "facts": registry.candidate_facts(
            stage.programme.app, [candidacy.pk], anonymous=stage.hide_identity
        ).get(candidacy.pk, [])
        if row.state != AssignmentState.ASSIGNED
        else [],
        "declaration": declaration,
        "score_form": score_form,
        "criteria": criteria,
        "open": stage.is_open_for_scoring(),
        "states": AssignmentState,
    }
    return render(request, "selection/experts/assignment.html", context, status=status)


@permission("expert_assignment", "open")
@require_safe
@csp(FILE_CSP)
def assignment_photo(request, pk):
    """The candidate's photo for the assigned expert, once they declared no conflict and while the
    stage shows identities (404 otherwise)."""
    row = services.access_assignment(request.user, pk)
    photo = row.candidacy.photo
    if row.state != AssignmentState.CLEARED or row.stage.hide_identity or photo is None or not photo.is_image:
        raise Http404
    field = photo.thumbnail or photo.file
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private"
    return response
