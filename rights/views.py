"""Pages of rights protection. Thin: each view parses input, calls one selector or service and renders.

Workers: file a request, follow their own (404 for anyone else's), rate it once concluded. The public:
an anonymous safety tip and its lookup by tracking code. Handlers: the queue of their union and subtree,
a request's page and its steps (404 outside their scope; a step that does not apply to the state goes
back to the request with a message), statistics with export, flagged enterprises."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from unionportal import permissions
from unionportal.audit.transitions import TransitionError
from unionportal.http import address_not_logged, client_ip, ratelimited
from unionportal.imports.services import export_table
from unionportal.orgs.models import Organisation
from unionportal.pagination import page_by_key
from unionportal.permissions import allows, permission, public, signed_in
from unionportal.uploads.services import UploadRejected

from . import conf, services
from .enums import HANDLING_STATES, OPEN_STATES, Outcome, RequestKind, RequestState
from .forms import (
    ConcludeForm,
    EscalateForm,
    QueueFilterForm,
    RateForm,
    RequestForm,
    StepForm,
    TipForm,
    TrackForm,
    add_error,
)
from .models import RightsRequest
from .reports import statistics
from .selectors import access_own_request, access_request, flags_for, own_requests, requests_for

PAGE_SIZE = 25


def _form_page(request, form, *, title, intro="", user_data=()):
    return render(
        request, "form_page.html", {"form": form, "title": title, "intro": intro, "user_data": user_data}
    )


def _employer(data) -> dict:
    return {
        "enterprise_id": data["enterprise"].pk if data.get("enterprise") else None,
        "employer_name": data.get("employer_name", ""),
        "county_id": data["county"].pk if data.get("county") else None,
    }


# --- the worker's pages ---------------------------------------------------------------------------------


@signed_in
def my_list(request):
    rows = own_requests(request.user)
    page = page_by_key(rows, ("-filed_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    return render(request, "rights/my_list.html", {"page": page})


@signed_in
@require_http_methods(["GET", "POST"])
def request_file(request):
    form = RequestForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = services.request_file(
                worker=request.user,
                kind=data["kind"],
                facts=data["facts"],
                demands=data["demands"],
                files=data["evidence"],
                **_employer(data),
            )
        except (services.RightsError, UploadRejected) as error:
            add_error(form, error)
        else:
            messages.success(
                request,
                _("申请已提交至%(union)s，将于 %(date)s 前受理。")
                % {"union": filed.union.name, "date": filed.accept_due.isoformat()},
            )
            return redirect("rights:my_request", pk=filed.pk)
    return _form_page(
        request,
        form,
        title=_("申请职工维权"),
        intro=_("申请将交给用人单位所在的工会办理，受理和办理的每一步都会通知您。"),
    )


def _timeline(item):
    steps = list(item.steps.all())
    evidence = list(item.evidence.select_related("file"))
    return steps, evidence


@permission("rights_own", "open")
def my_request(request, pk):
    item = access_own_request(request.user, pk)
    steps, evidence = _timeline(item)
    return render(
        request,
        "rights/my_request.html",
        {
            "item": item,
            "steps": steps,
            "evidence": evidence,
            "rate_form": RateForm() if item.state == RequestState.CONCLUDED and item.rating is None else None,
        },
    )


@permission("rights_own", "change")
@require_http_methods(["GET", "POST"])
def my_rate(request, pk):
    item = access_own_request(request.user, pk)
    if item.state != RequestState.CONCLUDED:
        messages.error(request, _("申请办结后才能评价。"))
        return redirect("rights:my_request", pk=item.pk)
    if item.rating is not None:
        messages.error(request, _("您已评价过这份申请，不能重复评价。"))
        return redirect("rights:my_request", pk=item.pk)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_rate(
                worker=request.user,
                request_id=item.pk,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except services.RightsError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("感谢您的评价。"))
        return redirect("rights:my_request", pk=item.pk)
    return _form_page(request, form, title=_("评价办理结果"))


# --- anonymous tips -------------------------------------------------------------------------------------


def _client_key(group, request) -> str:
    # django-ratelimit keeps only a hash of the key, for the rate's window, in the cache: no address is
    # stored with a tip or anywhere lasting.
    return client_ip(request)


def _tip_rate(group, request) -> str:
    return conf.figure("TIP_RATE")


def _track_rate(group, request) -> str:
    return conf.figure("TRACK_RATE")


@address_not_logged
@public
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="rights.tip", key=_client_key, rate=_tip_rate, method="POST", block=False)
def tip(request):
    if request.method == "POST" and getattr(request, "limited", False):
        return ratelimited(request, None)
    form = TipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed, code = services.tip_file(facts=data["facts"], files=data["evidence"], **_employer(data))
        except (services.RightsError, UploadRejected) as error:
            add_error(form, error)
        else:
            # Shown once, on this answer only: the code is not kept, and the page is not stored anywhere.
            return render(request, "rights/tip_done.html", {"code": code, "item": filed})
    return _form_page(
        request,
        form,
        title=_("匿名举报安全隐患"),
        intro=_("举报不记录您的账号、手机号或网络地址。提交后会显示一个查询码，请记下，凭它查询办理情况。"),
    )


@public
@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="rights.track", key=_client_key, rate=_track_rate, method="POST", block=False)
def track(request):
    if request.method == "POST" and getattr(request, "limited", False):
        return ratelimited(request, None)  # codes are not to be guessed by trying
    form = TrackForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = services.tip_lookup(form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("没有找到这个查询码，请核对后重新输入。"))
    return render(request, "rights/track.html", {"form": form, "item": found})


# --- handlers -------------------------------------------------------------------------------------------


def _queue_rows(request):
    rows = requests_for(request.user)
    form = QueueFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(employer_name__icontains=data["q"].strip())
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["overdue"] == "1":
            rows = rows.filter(state__in=OPEN_STATES, overdue_at__isnull=False)
    return form, rows.select_related("union")


@permission("rights_request", "list")
def queue(request):
    """The queue of the user's union and subtree, newest first; overdue ones marked (constant queries)."""
    form, rows = _queue_rows(request)
    page = page_by_key(rows, ("-filed_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    today = timezone.localdate()
    for item in page.object_list:
        item.late = item.overdue_on(today)
    return render(
        request,
        "rights/queue.html",
        {"form": form, "page": page, "can_export": permissions.may(request.user, "rights_request", "export")},
    )


@permission("rights_request", "export")
def queue_export(request):
    _form, rows = _queue_rows(request)
    headers = [
        _("编号"), _("类别"), _("用人单位"), _("承办工会"), _("状态"), _("提交日期"),
        _("受理期限"), _("办结期限"), _("办理结果"), _("逾期"), _("评分"),
    ]  # fmt: skip
    lines = [
        [
            r.reference,
            r.get_kind_display(),
            r.employer_name,
            r.union.name,
            r.get_state_display(),
            timezone.localdate(r.filed_at).isoformat(),
            r.accept_due.isoformat(),
            r.conclude_due.isoformat(),
            r.get_outcome_display() if r.outcome else "",
            _("是") if (r.concluded_late or (r.is_open and r.overdue_at)) else "",
            r.rating or "",
        ]
        for r in rows.order_by("-filed_at", "-id")
    ]
    return _download(request, "rights-requests", _("职工维权申请"), headers, lines)


def _download(request, key, label, headers, rows):
    filename, content_type, content = export_table(
        actor=request.user, key=key, label=label, headers=headers, rows=rows
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@permission("rights_request", "open")
def request_detail(request, pk):
    item = access_request(request.user, pk)
    steps, evidence = _timeline(item)
    return render(
        request,
        "rights/request_detail.html",
        {
            "item": item,
            "steps": steps,
            "evidence": evidence,
            "late": item.overdue_on(timezone.localdate()),
            "can_change": allows(request.user, "rights_request", "change", item),
            "handling": item.state in HANDLING_STATES,
            "accept_days": conf.figure("ACCEPT_WORKING_DAYS"),
        },
    )


def _step(request, pk, *, states, form_class, title, act, done, intro=""):
    item = access_request(request.user, pk, action="change")
    if item.state not in states:
        messages.info(
            request, _("这份申请当前为“%(state)s”，不能进行此操作。") % {"state": item.get_state_display()}
        )
        return redirect(item)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(item, form.cleaned_data)
        except (services.RightsError, TransitionError) as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect(item)
    return _form_page(
        request, form, title=title, intro=intro or item.employer_name, user_data=(item.employer_name,)
    )


@permission("rights_request", "change")
@require_http_methods(["GET", "POST"])
def request_accept(request, pk):
    item = access_request(request.user, pk, action="change")
    if request.method == "POST":
        try:
            services.request_accept(actor=request.user, request_id=item.pk, expected_from=item.state)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已受理，申请人已收到通知。"))
        return redirect(item)
    if item.state != RequestState.SUBMITTED:
        messages.info(
            request, _("这份申请当前为“%(state)s”，不能受理。") % {"state": item.get_state_display()}
        )
        return redirect(item)
    return render(
        request,
        "confirm.html",
        {
            "title": _("受理维权申请"),
            "question": _("确认受理 %(name)s 的维权申请？受理后申请人会收到通知。")
            % {"name": item.employer_name},
            "user_data": (item.employer_name,),
            "button": _("受理"),
            "cancel_url": item.get_absolute_url(),
        },
    )


@permission("rights_request", "change")
@require_http_methods(["GET", "POST"])
def step_create(request, pk):
    return _step(
        request,
        pk,
        states=HANDLING_STATES,
        form_class=StepForm,
        title=_("登记办理情况"),
        act=lambda item, d: services.step_log(
            actor=request.user, request_id=item.pk, kind=d["kind"], note=d["note"]
        ),
        done=_("办理情况已登记，申请人已收到通知。"),
    )


@permission("rights_request", "change")
@require_http_methods(["GET", "POST"])
def request_conclude(request, pk):
    return _step(
        request,
        pk,
        states=HANDLING_STATES,
        form_class=ConcludeForm,
        title=_("办结维权申请"),
        act=lambda item, d: services.request_conclude(
            actor=request.user, request_id=item.pk, outcome=d["outcome"], conclusion=d["conclusion"]
        ),
        done=_("已办结，申请人可以评价办理结果。"),
    )


@permission("rights_request", "change")
@require_http_methods(["GET", "POST"])
def request_escalate(request, pk):
    return _step(
        request,
        pk,
        states=OPEN_STATES,
        form_class=EscalateForm,
        title=_("上报上级工会"),
        act=lambda item, d: services.request_escalate(
            actor=request.user, request_id=item.pk, reason=d["reason"]
        ),
        done=_("已上报上级工会。"),
    )


# --- statistics and flagged enterprises -----------------------------------------------------------------


def _stats_org(request) -> Organisation:
    """The organisation whose subtree the page shows: ?org= within the user's reach, else the highest
    organisation the user's role reaches."""
    held = sorted(
        (path for _reach, path in permissions.holdings(request.user, "rights_stats", "list")), key=len
    )
    wanted = request.GET.get("org")
    if wanted and wanted.isdigit():
        org = get_object_or_404(Organisation, pk=int(wanted))
        if not permissions.covers(request.user, "rights_stats", "list", org.path):
            raise Http404
        return org
    if request.user.is_superuser and not held:
        return Organisation.objects.filter(depth=1).first()
    return get_object_or_404(Organisation, path=held[0])


def _stats(request):
    org = _stats_org(request)
    children = list(
        Organisation.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    )
    return org, statistics(org, children)


@permission("rights_stats", "list")
def stats(request):
    org, figures = _stats(request)
    outcomes = [(label, figures["outcomes"].get(value, 0)) for value, label in Outcome.choices]
    return render(
        request,
        "rights/stats.html",
        {
            "org": org,
            "figures": figures,
            "outcomes": outcomes,
            "can_export": permissions.may(request.user, "rights_stats", "export"),
        },
    )


@permission("rights_stats", "export")
def stats_export(request):
    org, figures = _stats(request)
    headers = [_("地区"), _("申请总数"), _("办理中"), _("按期办结"), _("逾期办结或逾期未办"), _("平均满意度")]
    lines = [
        [
            child.name,
            row["total"],
            row["open"],
            row["in_time"],
            row["late"],
            round(row["rating"], 1) if row["rating"] else "",
        ]
        for child, row in figures["regions"]
    ]
    totals = figures["totals"]
    lines.append(
        [_("合计：%(name)s") % {"name": org.name}, totals["total"], totals["open"], totals["in_time"], totals["late"],
         round(totals["rating"], 1) if totals["rating"] else ""]
    )  # fmt: skip
    lines += [[_("类别：%(kind)s") % {"kind": label}, n, "", "", "", ""] for label, n in figures["kinds"]]
    return _download(request, "rights-statistics", _("职工维权统计"), headers, lines)


@permission("rights_flag", "list")
def flags(request):
    rows = flags_for(request.user).select_related("enterprise")
    page = page_by_key(rows, ("-flagged_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "rights/flags.html",
        {"page": page, "n": conf.figure("FLAG_REQUESTS"), "days": conf.figure("FLAG_WINDOW_DAYS")},
    )


@permission("rights_flag", "open")
def flag_detail(request, pk):
    flag = get_object_or_404(
        flags_for(request.user, "open").select_related("enterprise__union", "enterprise__township"), pk=pk
    )
    recent = RightsRequest.objects.filter(enterprise=flag.enterprise).order_by("-filed_at", "-id")[:20]
    kinds = dict(RequestKind.choices)
    return render(
        request,
        "rights/flag_detail.html",
        {"flag": flag, "recent": [(r, kinds[r.kind]) for r in recent]},
    )
