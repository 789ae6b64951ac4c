"""Competition pages. Thin: each view parses input, calls one selector or service and renders; records
outside the user's scope answer 404 (selectors and services raise it)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal import fragments
from unionportal.audit.transitions import TransitionError
from unionportal.i18n import mark_user_data
from unionportal.orgs.models import Enterprise
from unionportal.permissions import permission

from . import selectors, services
from .enums import EntrantState, ReportState, WinnerState
from .forms import (
    CompetitionForm,
    CompetitionSearchForm,
    IndicatorFormSet,
    ReasonForm,
    RegistrationForm,
    ScoreReportForm,
    WinnerForm,
    indicator_initial,
)
from .models import Entrant, Indicator, Period, PutForward, WinnerTitle
from .skills import SKILLS_THEME
from .workflows import (
    ENTRANT_WORKFLOW,
    REPORT_WORKFLOW,
    entrant_transition,
    is_organiser_staff,
    report_transition,
)

PER_PAGE = 25


# --- competitions ----------------------------------------------------------------------------------------------


@permission("competition", "list")
def competition_list(request):
    form = CompetitionSearchForm(request.GET or None)
    rows = selectors.competitions_for(request.user).select_related("theme", "organiser")
    if form.is_valid():
        if form.cleaned_data["q"]:
            rows = rows.filter(
                Q(title__icontains=form.cleaned_data["q"])
                | Q(organiser__name__icontains=form.cleaned_data["q"])
            )
        if form.cleaned_data["theme"]:
            rows = rows.filter(theme=form.cleaned_data["theme"])
    page = Paginator(rows.order_by("-starts_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "competitions/list.html",
        {
            "form": form,
            "page": page,
            "can_create": services.permissions.may(request.user, "competition", "change"),
            "can_enter": services.permissions.may(request.user, "competition_entry", "change"),
            "can_tours": services.permissions.may(request.user, "report_tour", "list"),
        },
    )


def _competition_form(request, competition=None):
    form = CompetitionForm(request.POST or None, instance=competition, user=request.user)
    initial = indicator_initial(competition) if competition is not None else []
    formset = IndicatorFormSet(request.POST or None, initial=initial, prefix="ind")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        indicators = [
            f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        for row in indicators:
            row.pop("DELETE", None)
        try:
            saved = services.competition_save(
                actor=request.user,
                data={name: form.cleaned_data[name] for name in services.COMPETITION_FIELDS},
                indicators=indicators,
                pk=competition.pk if competition is not None else None,
            )
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("竞赛已保存。"))
            return redirect(saved)
    title = _("修改劳动竞赛") if competition is not None else _("举办劳动竞赛")
    return render(request, "competitions/form.html", {"form": form, "formset": formset, "title": title})


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def competition_create(request):
    return _competition_form(request)


@permission("competition", "change")
@require_http_methods(["GET", "POST"])
def competition_edit(request, pk):
    return _competition_form(request, selectors.access_competition(request.user, pk, action="change"))


@permission("competition", "open")
def competition_detail(request, pk):
    competition = selectors.access_competition(request.user, pk)
    entrants = Paginator(selectors.entrants_of(request.user, competition), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "competitions/detail.html",
        {
            "competition": competition,
            "indicators": list(Indicator.objects.filter(competition=competition)),
            "periods": list(Period.objects.filter(competition=competition)),
            "entrants": entrants,
            "can_edit": services.permissions.allows(request.user, "competition", "change", competition),
            "can_enter": bool(selectors.entering_organisations(request.user, competition)),
            "can_import": selectors.reporting_entrants(request.user, competition).exists(),
            "is_organiser": is_organiser_staff(request.user, competition),
            "is_skills": competition.theme.code == SKILLS_THEME,
            "skills_events": list(competition.skills_events.order_by("held_on", "id")),
        },
    )


@permission("competition", "open")
def ranking(request, pk):
    """Per period (``?period=n``) or cumulative: totals summed in the database, paged, with a chart of
    the page's entrants over the periods. The body is a cached fragment, drawn again once an entrant or
    report in the competition's scope changes (``unionportal.fragments``)."""
    competition = selectors.access_competition(request.user, pk)
    body = fragments.cached(
        request,
        f"competition_ranking:{competition.pk}",  # the key holds the query string, not the path
        selectors.ENTRY_TOPIC,
        [competition.scope_path],
        lambda: _ranking_body(request, competition),
    )
    return render(request, "competitions/ranking.html", {"competition": competition, "body": body})


def _ranking_body(request, competition) -> str:
    periods = list(Period.objects.filter(competition=competition))
    period = next((p for p in periods if str(p.number) == request.GET.get("period")), None)
    page = Paginator(selectors.standings(competition, period=period), PER_PAGE).get_page(
        request.GET.get("page")
    )
    start = (page.number - 1) * PER_PAGE
    entrants = Entrant.objects.select_related("organisation").in_bulk([pk for pk, _p, _n in page.object_list])
    rows = []
    for pk, points, counted in page.object_list:
        entrant = entrants[pk]
        entrant.points, entrant.reports_counted = points, counted
        rows.append(entrant)
    by_period = selectors.period_totals(competition, [e.pk for e in rows])
    chart = {
        "labels": [_("第%(n)s期") % {"n": p.number} for p in periods],
        "series": [
            # A period without a checked report is a gap in the line, not a zero.
            {"label": e.name, "data": [_point(by_period.get(e.pk, {}).get(p.number)) for p in periods]}
            for e in rows[:10]
        ],
    }
    return render_to_string(
        "competitions/ranking_body.html",
        {
            "competition": competition,
            "periods": periods,
            "period": period,
            "page": page,
            "rows": [(start + i + 1, e) for i, e in enumerate(rows)],
            "chart": chart,
        },
        request=request,
    )


def _point(total):
    return None if total is None else float(total)


# --- registration ----------------------------------------------------------------------------------------------


@permission("competition_entry", "import")
def report_sheet(request, pk):
    """The score-report import file filled in with the user's approved entrants and the indicators."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from unionportal.imports.files import XLSX_TYPE

    from .report_import import report_sheet_xlsx

    competition = selectors.access_competition(request.user, pk)
    content = report_sheet_xlsx(request.user, competition)
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, _("成绩报送表-%(title)s.xlsx") % {"title": competition.title}
    )
    return response


@permission("competition_entry", "list")
def my_entrants(request):
    page = Paginator(selectors.my_entrants(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "competitions/my_entrants.html", {"page": page})


@permission("competition_entry", "change")
@require_http_methods(["GET", "POST"])
def register(request, pk):
    competition = selectors.access_competition(request.user, pk)
    organisations = selectors.entering_organisations(request.user, competition)
    if not organisations:
        raise Http404
    enterprises = Enterprise.objects.filter(union__in=organisations).order_by("name")
    form = RegistrationForm(request.POST or None, organisations=organisations, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entrant = services.entrant_register(
                actor=request.user,
                competition_id=competition.pk,
                organisation_id=data["organisation"],
                name=data["name"],
                leader=data["leader"],
                enterprise_id=int(data["enterprise"]) if data["enterprise"] else None,
                members=data["members"],
            )
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("报名已提交，等待主办单位审核。"))
            return redirect(entrant)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("报名参加：%(title)s") % {"title": competition.title},
            "user_data": [competition.title],
        },
    )


@permission("competition_entry", "open")
def entrant_detail(request, pk):
    entrant = selectors.access_entrant(request.user, pk)
    actions = {e.target for e in ENTRANT_WORKFLOW.available(entrant, request.user)}
    reports = list(entrant.reports.select_related("period").order_by("period__number"))
    return render(
        request,
        "competitions/entrant.html",
        {
            "entrant": entrant,
            "members": list(entrant.members.all()),
            "reports": reports,
            "can_approve": EntrantState.APPROVED in actions,
            "can_return": EntrantState.RETURNED in actions,
            "can_resubmit": EntrantState.SUBMITTED in actions,
            "can_report": entrant.state == EntrantState.APPROVED
            and services.permissions.allows(request.user, "competition_entry", "change", entrant),
        },
    )


def _entrant_move(request, pk, to, *, action, comment="", done):
    selectors.access_entrant(request.user, pk, action=action)
    try:
        entrant = entrant_transition(
            actor=request.user,
            entrant_id=pk,
            to=to,
            comment=comment,
            expected_from=request.POST.get("state") or None,
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("competitions:entrant", pk=pk)
    messages.success(request, mark_user_data(done % {"name": entrant.name}, entrant.name))
    return redirect(entrant)


@permission("competition_entry", "review")
@require_http_methods(["POST"])
def entrant_approve(request, pk):
    return _entrant_move(
        request, pk, EntrantState.APPROVED, action="review", done=_("已通过“%(name)s”的报名。")
    )


@permission("competition_entry", "change")
@require_http_methods(["POST"])
def entrant_resubmit(request, pk):
    return _entrant_move(
        request, pk, EntrantState.SUBMITTED, action="change", done=_("已重新提交“%(name)s”的报名。")
    )


@permission("competition_entry", "review")
@require_http_methods(["GET", "POST"])
def entrant_return(request, pk):
    entrant = selectors.access_entrant(request.user, pk, action="review")
    form = ReasonForm(request.POST or None, initial={"state": entrant.state})
    if request.method == "POST" and form.is_valid():
        return _entrant_move(
            request,
            pk,
            EntrantState.RETURNED,
            action="review",
            comment=form.cleaned_data["reason"],
            done=_("已退回“%(name)s”的报名。"),
        )
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("退回报名：%(name)s") % {"name": entrant.name},
            "user_data": [entrant.name],
        },
    )


# --- score reports ---------------------------------------------------------------------------------------------


def _evidence(data) -> list:
    return [(f, "image") for f in data.get("images") or []] + [(f, "pdf") for f in data.get("pdfs") or []]


@permission("competition_entry", "change")
@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    entrant = selectors.access_entrant(request.user, pk, action="change")
    today = timezone.localdate()
    filed = entrant.reports.values_list("period_id", flat=True)
    periods = Period.objects.filter(competition_id=entrant.competition_id, starts_on__lte=today).exclude(
        pk__in=filed
    )
    indicators = Indicator.objects.filter(competition_id=entrant.competition_id)
    form = ScoreReportForm(
        request.POST or None, request.FILES or None, indicators=indicators, periods=periods
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(
                actor=request.user,
                entrant_id=entrant.pk,
                period_id=int(form.cleaned_data["period"]),
                values=form.values(),
                note=form.cleaned_data["note"],
                evidence_files=_evidence(form.cleaned_data),
            )
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        except services.UploadRejected as error:
            form.add_error("images", error.message)
        else:
            messages.success(request, _("成绩已保存为草稿，确认无误后请提交。"))
            return redirect(report)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("报送成绩：%(name)s") % {"name": entrant.name},
            "user_data": [entrant.name],
        },
    )


@permission("competition_entry", "change")
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = selectors.access_report(request.user, pk, action="change")
    if not report.is_editable:
        messages.error(
            request, _("成绩报送处于“%(state)s”状态，不能修改。") % {"state": report.get_state_display()}
        )
        return redirect(report)
    evidence = list(report.evidence.all())
    initial = {f"i{v.indicator_id}": v.value for v in selectors.report_values(report)}
    initial["note"] = report.note
    form = ScoreReportForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        indicators=Indicator.objects.filter(competition_id=report.entrant.competition_id),
        report=report,
        evidence=evidence,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_save(
                actor=request.user,
                report_id=report.pk,
                values=form.values(),
                note=form.cleaned_data["note"],
                evidence_files=_evidence(form.cleaned_data),
                remove_evidence_ids=[int(x) for x in form.cleaned_data.get("remove_evidence") or []],
            )
        except services.CompetitionError as error:
            form.add_error(None, error.message)
        except services.UploadRejected as error:
            form.add_error("images", error.message)
        else:
            messages.success(request, _("成绩已保存。"))
            return redirect(report)
    return render(request, "form_page.html", {"form": form, "title": _("修改成绩报送")})


@permission("competition_entry", "open")
def report_detail(request, pk):
    report = selectors.access_report(request.user, pk)
    actions = {e.target for e in REPORT_WORKFLOW.available(report, request.user)}
    return render(
        request,
        "competitions/report.html",
        {
            "report": report,
            "values": selectors.report_values(report),
            "evidence": list(report.evidence.all()),
            "can_edit": report.is_editable
            and services.permissions.allows(request.user, "competition_entry", "change", report),
            "can_submit": ReportState.SUBMITTED in actions,
            "can_check": ReportState.CHECKED in actions,
            "can_return": ReportState.RETURNED in actions,
        },
    )


def _report_move(request, pk, to, *, action, comment="", done):
    selectors.access_report(request.user, pk, action=action)
    try:
        report = report_transition(
            actor=request.user,
            report_id=pk,
            to=to,
            comment=comment,
            expected_from=request.POST.get("state") or None,
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("competitions:report", pk=pk)
    messages.success(request, done)
    return redirect(report)


@permission("competition_entry", "change")
@require_http_methods(["POST"])
def report_submit(request, pk):
    return _report_move(
        request, pk, ReportState.SUBMITTED, action="change", done=_("成绩已提交，等待主办单位核查。")
    )


@permission("competition_entry", "review")
@require_http_methods(["POST"])
def report_check(request, pk):
    return _report_move(request, pk, ReportState.CHECKED, action="review", done=_("已核查该期成绩。"))


@permission("competition_entry", "review")
@require_http_methods(["GET", "POST"])
def report_return(request, pk):
    report = selectors.access_report(request.user, pk, action="review")
    form = ReasonForm(request.POST or None, initial={"state": report.state})
    if request.method == "POST" and form.is_valid():
        return _report_move(
            request,
            pk,
            ReportState.RETURNED,
            action="review",
            comment=form.cleaned_data["reason"],
            done=_("已退回该期成绩。"),
        )
    return render(request, "form_page.html", {"form": form, "title": _("退回成绩报送")})


# --- winners ---------------------------------------------------------------------------------------------------


@permission("competition", "review")
@require_http_methods(["GET", "POST"])
def winners(request, pk):
    competition = selectors.access_competition(request.user, pk, action="review")
    entrants = selectors.ranking(competition).exclude(titles__isnull=False)[:200]
    titles = WinnerTitle.objects.filter(entrant_kind=competition.entrant_kind)
    form = WinnerForm(
        request.POST if request.POST.get("do") == "propose" else None, entrants=entrants, titles=titles
    )
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "propose":
                if form.is_valid():
                    services.winner_propose(
                        actor=request.user,
                        competition_id=competition.pk,
                        entrant_id=int(form.cleaned_data["entrant"]),
                        title_id=int(form.cleaned_data["title"]),
                        summary=form.cleaned_data["summary"],
                    )
                    messages.success(request, _("已列入表彰名单。"))
                    return redirect("competitions:winners", pk=pk)
            elif do in (WinnerState.NOTICE, WinnerState.PUBLISHED):
                moved = services.winners_move(actor=request.user, competition_id=competition.pk, to=do)
                messages.success(request, _("%(n)s 个对象已更新。") % {"n": moved})
                return redirect("competitions:winners", pk=pk)
            else:
                messages.error(request, _("不能执行此操作。"))
        except services.CompetitionError as error:
            messages.error(request, error.message)
    rows = list(
        competition.winners.select_related("entrant__organisation", "title").annotate(
            put_forward_done=Exists(PutForward.objects.filter(winner=OuterRef("pk")))
        )
    )
    return render(
        request,
        "competitions/winners.html",
        {"competition": competition, "form": form, "winners": rows, "states": WinnerState},
    )
