"""Staff pages of the public evaluation (province staff): the votes, a programme's vote settings with
opening and closing, live counts, the quarantine of flagged votes and the combined ranking.

Thin: each view parses input, calls one service or selector and renders; a refusal is a message and
changes nothing.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal import permissions
from unionportal.imports.services import export_table
from unionportal.permissions import permission
from unionportal.selection.experts.selectors import expert_totals
from unionportal.selection.models import Programme

from . import selectors, services
from .enums import AnomalyFlag, VoteStatus
from .forms import ReasonForm, StageForm
from .models import VoteStage
from .resources import CombinedRankingResource


def _province_only(request) -> None:
    if not permissions.is_province_staff(request.user):
        raise Http404


@permission("vote_stage", "list")
def stage_list(request):
    _province_only(request)
    programmes = list(
        Programme.objects.select_related("campaign", "vote_stage").order_by("-campaign__year", "code")
    )
    now = timezone.now()
    rows = [(p, getattr(p, "vote_stage", None)) for p in programmes]
    return render(
        request,
        "selection/voting/staff_list.html",
        {"rows": rows, "now": now, "quarantined": selectors.quarantined_total()},
    )


@permission("vote_stage", "open", post="change")
@require_http_methods(["GET", "POST"])
def stage_settings(request, pk):
    """A programme's vote: its settings, then opening it with chosen candidates, live counts, closing."""
    _province_only(request)
    programme = get_object_or_404(Programme.objects.select_related("campaign"), pk=pk)
    stage = VoteStage.objects.filter(programme=programme).first()
    form = StageForm(instance=stage or VoteStage(programme=programme))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "open" and stage is not None:
                picked = [int(v) for v in request.POST.getlist("candidacy") if v.isdigit()]
                services.stage_open(actor=request.user, stage=stage, candidacy_ids=picked)
                messages.success(request, _("社会评议已发布。"))
                return redirect("voting_staff:stage", pk=programme.pk)
            if action == "close" and stage is not None:
                services.stage_close(actor=request.user, stage=stage)
                messages.success(request, _("社会评议已结束。"))
                return redirect("voting_staff:stage", pk=programme.pk)
            if action == "save":
                form = StageForm(request.POST, instance=stage or VoteStage(programme=programme))
                if form.is_valid():
                    services.stage_save(actor=request.user, programme=programme, values=form.cleaned_data)
                    messages.success(request, _("社会评议设置已保存。"))
                    return redirect("voting_staff:stage", pk=programme.pk)
                status = 400
            elif action not in ("open", "close"):
                messages.error(request, _("未知的操作。"))
                status = 400
            else:
                messages.error(request, _("请先保存社会评议设置。"))
                status = 400
        except services.VoteError as error:
            messages.error(request, error.message)
            status = 400
    context = {"programme": programme, "stage": stage, "form": form, "now": timezone.now()}
    if stage is not None and stage.opened_at is not None:
        figures = selectors.status_figures(stage)
        empty = dict.fromkeys(VoteStatus.values, 0)
        context["rows"] = [(c, figures.get(c.pk, empty)) for c in selectors.candidates(stage)]
        context["totals"] = selectors.stage_totals(stage)
        context["rules"] = services.rules_text(stage)
        context["ranking_url"] = reverse("voting_staff:ranking", args=[stage.pk])
    elif stage is not None:
        context["eligible"] = list(services.eligible_candidacies(programme))
    return render(request, "selection/voting/staff_stage.html", context, status=status)


def _stage_for_staff(request, pk) -> VoteStage:
    _province_only(request)
    return get_object_or_404(
        VoteStage.objects.select_related("programme__campaign").filter(opened_at__isnull=False), pk=pk
    )


TABS = {
    "quarantined": (VoteStatus.QUARANTINED, ("release", "discard")),
    "discarded": (VoteStatus.DISCARDED, ("restore",)),
    "released": (VoteStatus.COUNTED, ("requarantine",)),
}


@permission("vote_stage", "review")
@require_http_methods(["GET", "POST"])
def quarantine(request, pk):
    """Flagged votes in groups (flags, network, candidate): release them into the count, discard them, or
    undo either; every move is audited with its reason."""
    stage = _stage_for_staff(request, pk)
    tab = request.GET.get("tab", "quarantined")
    if tab not in TABS:
        tab = "quarantined"
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in TABS[tab][1]:
            messages.error(request, _("未知的操作。"))
            status = 400
        elif form.is_valid():
            try:
                moved = services.votes_decide(
                    actor=request.user,
                    stage=stage,
                    decision=decision,
                    groups=request.POST.getlist("group"),
                    reason=form.cleaned_data["reason"],
                )
            except services.VoteError as error:
                messages.error(request, error.message)
                status = 400
            else:
                messages.success(request, _("已处理 %(count)s 张投票。") % {"count": moved})
                return redirect(f"{request.path}?tab={tab}")
        else:
            status = 400
    labels = dict(AnomalyFlag.choices)
    groups = selectors.groups(stage, TABS[tab][0], flagged_only=tab == "released")
    for group in groups:
        group["key"] = services.group_key(group["flags"], group["network"], group["candidate"])
        group["flag_labels"] = [str(labels.get(f, f)) for f in group["flags"].split(",") if f]
    return render(
        request,
        "selection/voting/quarantine.html",
        {
            "stage": stage,
            "programme": stage.programme,
            "tab": tab,
            "tabs": list(TABS),
            "decisions": TABS[tab][1],
            "groups": groups,
            "form": form,
            "totals": selectors.stage_totals(stage),
        },
        status=status,
    )


@permission("vote_stage", "review")
@require_http_methods(["GET"])
def ranking(request, pk):
    """The combined ranking: each candidate's expert score, counted votes, public score and the combined
    score with the weights, so that a decision can be explained; quarantined votes are not counted."""
    stage = _stage_for_staff(request, pk)
    lines = selectors.combined_ranking(stage, expert_totals(stage.programme))
    return render(
        request,
        "selection/voting/ranking.html",
        {
            "stage": stage,
            "programme": stage.programme,
            "lines": lines,
            "highest": max((line.votes for line in lines), default=0),
            "totals": selectors.stage_totals(stage),
            "running": stage.is_running(),
        },
    )


@permission("vote_stage", "export")
@require_http_methods(["GET"])
def ranking_export(request, pk):
    """The combined ranking with its score breakdown as xlsx (the shared export: formula cells
    neutralised, the exporting user and time in the file)."""
    stage = _stage_for_staff(request, pk)
    resource = CombinedRankingResource(user=request.user)
    resource.stage_id = stage.pk
    dataset = resource.export(resource.export_queryset())
    filename, content_type, content = export_table(
        actor=request.user,
        key="selection_voting.ranking",
        label=_("%(programme)s 综合排名") % {"programme": stage.programme.label},
        headers=dataset.headers,
        rows=dataset,
        fmt="xlsx",
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
