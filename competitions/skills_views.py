"""Pages of the skills contests (技能大赛) and of putting winners forward to a May Day award programme.
Thin: parse, call one service of skills.py, render; records outside the user's scope answer 404."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal.permissions import permission, public

from . import skills
from .forms import PutForwardForm, SkillsEventForm, SkillsImportForm, SkillsResultForm
from .models import Competition, SkillsResult, Winner
from .selectors import access_competition
from .services import CompetitionError

PER_PAGE = 50


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def event_create(request, pk):
    competition = access_competition(request.user, pk, action="change")
    if not skills.is_skills(competition):
        messages.error(request, _("只有“职工技能大赛”主题的竞赛才能设置比赛工种。"))
        return redirect(competition)
    form = SkillsEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = skills.event_save(
                actor=request.user, competition_id=competition.pk, data=form.cleaned_data
            )
        except CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已添加赛项。"))
            return redirect(event)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("添加技能大赛赛项"),
            "intro": competition.title,
            "user_data": (competition.title,),  # the competition's title as typed
        },
    )


def _parse_import(text: str, organisations: dict, competition: Competition) -> tuple[list[dict], list[str]]:
    """Pasted rows (名次, 成绩, 姓名, 所在单位, 所属工会) as result rows; problems name their row."""
    rows, problems = [], []
    for number, line in enumerate([ln for ln in text.splitlines() if ln.strip()], start=1):
        cells = [c.strip() for c in line.replace("\t", ",").replace("，", ",").split(",")]
        if len(cells) != 5:
            problems.append(
                _("第 %(n)s 行：应有 5 列（名次，成绩，姓名，所在单位，所属工会）。") % {"n": number}
            )
            continue
        rank, score, name, unit, union = cells
        try:
            rank_value, score_value = int(rank), Decimal(score)
        except (ValueError, InvalidOperation):
            problems.append(_("第 %(n)s 行：名次和成绩须为数字。") % {"n": number})
            continue
        organisation = organisations.get(union)
        if organisation is None:
            problems.append(_("第 %(n)s 行：参赛范围内没有工会“%(union)s”。") % {"n": number, "union": union})
            continue
        rows.append(
            {
                "rank": rank_value,
                "score": score_value,
                "contestant": name,
                "unit": unit,
                "enterprise": None,
                "organisation": organisation,
            }
        )
    return rows, problems


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def event_detail(request, pk):
    event = skills.access_event(request.user, pk)
    competition = event.competition
    organisations = list(skills.organisation_choices(competition)[:2000])
    enterprises = list(skills.enterprise_choices(competition)[:2000])
    add = SkillsResultForm(
        request.POST if "add-contestant" in request.POST else None,
        organisations=organisations,
        enterprises=enterprises,
        prefix="add",
    )
    bulk = SkillsImportForm(request.POST if "imp-rows" in request.POST else None, prefix="imp")
    if request.method == "POST" and event.published_at is None:
        rows, problems = None, []
        if add.is_bound and add.is_valid():
            rows = [add.row()]
        elif bulk.is_bound and bulk.is_valid():
            rows, problems = _parse_import(
                bulk.cleaned_data["rows"], {o.name: o for o in organisations}, competition
            )
        if problems:
            bulk.add_error(None, " ".join(problems))
        elif rows is not None:
            try:
                created = skills.results_add(actor=request.user, event_id=event.pk, rows=rows)
            except CompetitionError as error:
                (add if add.is_bound else bulk).add_error(None, error.message)
            else:
                messages.success(request, _("已保存 %(n)s 条成绩。") % {"n": len(created)})
                return redirect(event)
    return render(
        request,
        "competitions/skills_event.html",
        {
            "event": event,
            "results": list(skills.results_of(event)),
            "add_form": add,
            "import_form": bulk,
        },
    )


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def event_publish(request, pk):
    event = skills.access_event(request.user, pk)
    if request.method == "POST":
        try:
            skills.event_publish(actor=request.user, event_id=event.pk)
        except CompetitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("赛项成绩已公布。"))
        return redirect(event)
    return render(
        request,
        "confirm.html",
        {
            "title": _("公布赛项成绩"),
            "question": _("公布后成绩将在公开页面显示，且不能再修改。确定公布“%(trade)s”赛项的成绩吗？")
            % {"trade": event.trade},
            "button": _("公布成绩"),
            "user_data": True,
            "cancel_url": event.get_absolute_url(),
        },
    )


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def result_delete(request, pk):
    result = get_object_or_404(
        SkillsResult.objects.filter(event__in=skills.events_for(request.user)).select_related("event"), pk=pk
    )
    if request.method == "POST":
        try:
            skills.result_delete(actor=request.user, result_id=result.pk)
        except CompetitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已删除该条成绩。"))
        return redirect(result.event)
    return render(
        request,
        "confirm.html",
        {
            "title": _("删除成绩"),
            "question": _("确定删除选手“%(name)s”的成绩吗？") % {"name": result.contestant},
            "button": _("删除"),
            "user_data": True,
            "cancel_url": result.event.get_absolute_url(),
        },
    )


@public
def results_public(request, pk):
    event = skills.published_event(pk)
    page = Paginator(skills.results_of(event), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "competitions/skills_results.html", {"event": event, "page": page})


@public
def results_index(request):
    page = Paginator(skills.published_events(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "competitions/skills_index.html", {"page": page})


def _put_forward_page(request, *, name, kind, done_url, winner_id=None, result_id=None):
    now = timezone.now()
    programmes = list(skills.open_programmes(nominee_kind=kind, now=now))
    form = PutForwardForm(request.POST or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = skills.put_forward(
                actor=request.user,
                programme_id=int(form.cleaned_data["programme"]),
                winner_id=winner_id,
                result_id=result_id,
                now=now,
            )
        except CompetitionError as error:
            messages.error(request, error.message)
            return redirect(done_url)
        messages.success(
            request,
            _("已为“%(name)s”建立推荐草稿，请推荐单位补充材料后提交。") % {"name": candidacy.name},
        )
        return redirect(done_url)
    if request.method == "POST" and not programmes:
        messages.error(request, _("目前没有正在申报的五一劳动奖评选项目，不能推荐。"))
        return redirect(done_url)
    return render(
        request,
        "competitions/put_forward.html",
        {"form": form, "name": name, "programmes": programmes, "back": done_url},
    )


@permission("competition", "review")
@require_http_methods(["GET", "POST"])
def winner_put_forward(request, pk):
    winner = get_object_or_404(
        Winner.objects.filter(
            competition__in=Competition.objects.visible_to(request.user, "review")
        ).select_related("entrant", "competition"),
        pk=pk,
    )
    return _put_forward_page(
        request,
        name=winner.entrant.name,
        kind=winner.competition.entrant_kind,
        done_url=winner.competition.get_absolute_url() + "winners/",
        winner_id=winner.pk,
    )


@permission("competition", "review")
@require_http_methods(["GET", "POST"])
def result_put_forward(request, pk):
    result = get_object_or_404(
        SkillsResult.objects.filter(event__in=skills.events_for(request.user, "review")).select_related(
            "event"
        ),
        pk=pk,
    )
    return _put_forward_page(
        request,
        name=result.contestant,
        kind="individual",
        done_url=result.event.get_absolute_url(),
        result_id=result.pk,
    )


# --- exports ---------------------------------------------------------------------------------------------------

EXPORTS = ("entrants", "reports", "ranking")


@permission("competition", "review")
def export(request, pk, what):
    """The organiser's tables as xlsx through the shared export: entrants, score reports, the ranking
    (cumulative, or of one period with ``?period=n``)."""
    from django.http import Http404, HttpResponse
    from django.utils.http import content_disposition_header

    from unionportal.imports.services import export_table

    from . import selectors
    from .models import Period, ScoreReport

    competition = access_competition(request.user, pk, action="review")
    if what not in EXPORTS:
        raise Http404
    if what == "entrants":
        label = _("参赛对象")
        headers = [_("参赛名称"), _("报名工会"), _("所在企业"), _("负责人"), _("状态"), _("报名时间")]
        rows = [
            [
                e.name,
                e.organisation.name,
                e.enterprise.name if e.enterprise_id else "",
                e.leader,
                str(e.get_state_display()),
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for e in competition.entrants.select_related("organisation", "enterprise").order_by("id")
        ]
    elif what == "reports":
        label = _("成绩报送")
        headers = [_("期次"), _("参赛名称"), _("报名工会"), _("加权总分"), _("状态"), _("提交时间")]
        rows = [
            [
                r.period.number,
                r.entrant.name,
                r.entrant.organisation.name,
                r.total,
                str(r.get_state_display()),
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
            ]
            for r in ScoreReport.objects.filter(entrant__competition=competition)
            .select_related("period", "entrant__organisation")
            .order_by("period__number", "entrant_id")
        ]
    else:
        period = Period.objects.filter(competition=competition, number=request.GET.get("period") or 0).first()
        label = _("竞赛排名") if period is None else _("竞赛排名（第%(n)s期）") % {"n": period.number}
        headers = [_("名次"), _("参赛名称"), _("报名工会"), _("得分"), _("计入期数")]
        rows = [
            [n, e.name, e.organisation.name, e.points, e.reports_counted]
            for n, e in enumerate(selectors.ranking(competition, period=period), start=1)
        ]
    filename, content_type, content = export_table(
        actor=request.user, key=f"competition-{what}", label=label, headers=headers, rows=rows
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
