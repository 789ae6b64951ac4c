"""Pages of the bargaining drive. Thin: each view parses input, calls one selector or service and renders.
Every record page fetches through ``access_offer`` / ``access_agreement`` first, so a record outside the
user's reach answers 404 whatever is posted; a step that does not apply to the record's state redirects
to the record with a message."""

from django.contrib import messages
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from unionportal import fragments
from unionportal.audit.transitions import TransitionError
from unionportal.imports.services import export_table
from unionportal.orgs.enums import Industry
from unionportal.orgs.models import Enterprise
from unionportal.pagination import page_by_key
from unionportal.permissions import allows, covers, permission

from . import conf, services
from .enums import AgreementState, Flag, OfferState, Side
from .forms import (
    AgreementFilterForm,
    FileForm,
    NegotiatorFormSet,
    ObjectionForm,
    OfferFilterForm,
    OfferForm,
    OfferReplyForm,
    OfferSendForm,
    RoundForm,
    SignForm,
    TargetFilterForm,
    TermsForm,
    VoteForm,
    add_error,
)
from .models import BARGAINING_TOPIC, BargainingProfile, Coverage, Offer, flag_q, responsible_union
from .reports import (
    FIGURES,
    INDUSTRY_FIGURES,
    by_industry,
    industry_table,
    progress,
    progress_level,
    progress_table,
)
from .selectors import (
    access_agreement,
    access_offer,
    agreements_for,
    enterprises_for_offer,
    minimum_wage_for,
    offers_for,
    targets_for,
)

PAGE_SIZE = 25
COVERAGE_SHOWN = 10  # covered enterprises listed on the agreement's page; the rest on its coverage page


def _form_page(request, form, *, title, intro="", user_data=()):
    return render(
        request, "form_page.html", {"form": form, "title": title, "intro": intro, "user_data": user_data}
    )


# --- targets --------------------------------------------------------------------------------------------


def _targets(request):
    today = timezone.localdate()
    rows = targets_for(request.user).targets(today)
    form = TargetFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(enterprise__name__icontains=data["q"].strip())
        if data["flag"]:
            rows = rows.filter(flag_q(data["flag"], today))
        if data["offered"] == "1":
            rows = rows.filter(enterprise__bargaining_offers__isnull=False).distinct()
        elif data["offered"] == "0":
            rows = rows.exclude(enterprise__bargaining_offers__isnull=False)
    return form, rows.select_related("enterprise__union", "enterprise__township"), today


@permission("bargaining_target", "list")
def target_list(request):
    """The drive's targets in the user's subtree: enterprises meeting any criterion, with their flags and
    the union responsible for each. Constant query count (the page's keys, then its rows)."""
    form, rows, today = _targets(request)
    page = page_by_key(rows, ("enterprise__name", "id"), PAGE_SIZE, request.GET.get("page"))
    labels = dict(Flag.choices)
    for profile in page.object_list:
        profile.flag_labels = [labels[f] for f in profile.flags(today)]
        enterprise = profile.enterprise
        profile.responsible = enterprise.union if enterprise.union_id else enterprise.township
    return render(request, "bargaining/target_list.html", {"form": form, "page": page})


@permission("bargaining_target", "export")
def target_export(request):
    _form, rows, today = _targets(request)
    labels = dict(Flag.choices)
    headers = [_("企业"), _("统一社会信用代码"), _("职工人数"), _("责任工会"), _("要约条件")]
    lines = []
    for profile in rows.order_by("enterprise__name", "id"):
        enterprise = profile.enterprise
        responsible = enterprise.union if enterprise.union_id else enterprise.township
        lines.append(
            [
                enterprise.name,
                enterprise.credit_code,
                enterprise.employees,
                responsible.name,
                "、".join(str(labels[f]) for f in profile.flags(today)),
            ]
        )
    return _download(request, "bargaining-targets", _("工资集体协商要约对象"), headers, lines)


def _download(request, key, label, headers, rows):
    filename, content_type, content = export_table(
        actor=request.user, key=key, label=label, headers=headers, rows=rows
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


# --- offers ---------------------------------------------------------------------------------------------


@permission("bargaining_offer", "list")
def offer_list(request):
    rows = offers_for(request.user).select_related("enterprise", "union")
    form = OfferFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["state"]:
        rows = rows.filter(state=form.cleaned_data["state"])
    page = page_by_key(rows, ("-created_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    today = timezone.localdate()
    for offer in page.object_list:
        offer.left = offer.days_left(today)
    return render(request, "bargaining/offer_list.html", {"form": form, "page": page})


@permission("bargaining_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_create(request):
    enterprises = enterprises_for_offer(request.user).order_by("name")
    initial = {"enterprise": request.GET.get("enterprise")} if request.GET.get("enterprise") else None
    form = OfferForm(request.POST or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = services.offer_create(
                actor=request.user,
                enterprise_id=data["enterprise"].pk,
                side=data["side"],
                topics=data["topics"],
                data_requested=data["data_requested"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
        except services.BargainingError as error:
            add_error(form, error)
        else:
            messages.success(request, _("要约草稿已保存。送达对方后请登记送达日期和凭证。"))
            return redirect(offer)
    return _form_page(request, form, title=_("起草工资集体协商要约"))


@permission("bargaining_offer", "open")
def offer_detail(request, pk):
    offer = access_offer(request.user, pk)
    left = offer.days_left(timezone.localdate())
    return render(
        request,
        "bargaining/offer_detail.html",
        {
            "offer": offer,
            "left": left,
            "overdue_days": -left if left is not None and left < 0 else 0,
            "reply_days": conf.figure("REPLY_DAYS"),
            "can_change": allows(request.user, "bargaining_offer", "change", offer),
            "agreement": offer.agreements.first(),
            "proof_url": offer.delivery_proof.get_absolute_url() if offer.delivery_proof_id else "",
        },
    )


def _offer_step(request, pk, *, states, form_class, title, act, done):
    offer = access_offer(request.user, pk, action="change")
    if offer.state not in states:
        messages.info(
            request, _("这份要约当前为“%(state)s”，不能进行此操作。") % {"state": offer.get_state_display()}
        )
        return redirect(offer)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(offer, form.cleaned_data)
        except (services.BargainingError, TransitionError) as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect(offer)
    return _form_page(
        request, form, title=title, intro=offer.enterprise.name, user_data=(offer.enterprise.name,)
    )


@permission("bargaining_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_send(request, pk):
    def act(offer, data):
        services.offer_send(
            actor=request.user,
            offer_id=offer.pk,
            sent_on=data["sent_on"],
            received_on=data["received_on"],
            proof=data["proof"],
        )

    return _offer_step(
        request,
        pk,
        states=(OfferState.DRAFT,),
        form_class=OfferSendForm,
        title=_("登记要约送达"),
        act=act,
        done=_("已登记送达，答复期限开始计算。"),
    )


@permission("bargaining_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_reply(request, pk):
    def act(offer, data):
        services.offer_reply(
            actor=request.user,
            offer_id=offer.pk,
            accept=data["decision"] == "accept",
            replied_on=data["replied_on"],
            reason=data["reason"],
        )

    return _offer_step(
        request,
        pk,
        states=(OfferState.SENT, OfferState.OVERDUE),
        form_class=OfferReplyForm,
        title=_("登记对方答复"),
        act=act,
        done=_("已登记对方答复。"),
    )


@permission("bargaining_offer", "change")
@require_POST
def offer_negotiate(request, pk):
    offer = access_offer(request.user, pk, action="change")
    try:
        agreement = services.agreement_open(actor=request.user, offer_id=offer.pk)
    except services.BargainingError as error:
        messages.error(request, error.message)
        return redirect(offer)
    messages.success(request, _("已开始协商：请确定双方协商代表。"))
    return redirect(agreement)


# --- agreements -----------------------------------------------------------------------------------------


@permission("bargaining_agreement", "list")
def agreement_list(request):
    rows = agreements_for(request.user).select_related("union")
    form = AgreementFilterForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["state"]:
        rows = rows.filter(state=form.cleaned_data["state"])
    page = page_by_key(rows, ("-created_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    return render(request, "bargaining/agreement_list.html", {"form": form, "page": page})


@permission("bargaining_agreement", "open")
def agreement_detail(request, pk):
    agreement = access_agreement(request.user, pk)
    coverage = list(
        agreement.coverage.select_related("enterprise__township").order_by("enterprise__name", "id")[
            :COVERAGE_SHOWN
        ]
    )
    totals = agreement.coverage.aggregate(
        enterprises=Count("pk"), workers=Coalesce(Sum("workers"), 0, output_field=IntegerField())
    )
    standard = None
    if agreement.start_on and coverage:
        standard = minimum_wage_for(coverage[0].enterprise, agreement.start_on)
    return render(
        request,
        "bargaining/agreement_detail.html",
        {
            "agreement": agreement,
            "coverage": coverage,
            "covered": totals["enterprises"],
            "workers": totals["workers"],
            "more_coverage": totals["enterprises"] > len(coverage),
            "negotiators": list(agreement.negotiators.all()),
            "rounds": list(agreement.rounds.all()),
            "standard": standard,
            "can_change": allows(request.user, "bargaining_agreement", "change", agreement),
            "can_review": allows(request.user, "bargaining_agreement", "review", agreement),
            "negotiating": agreement.state == AgreementState.NEGOTIATING,
            "text_url": agreement.signed_text.get_absolute_url() if agreement.signed_text_id else "",
            "filing_days": conf.figure("FILING_DAYS"),
            "review_days": conf.figure("REVIEW_DAYS"),
        },
    )


@permission("bargaining_agreement", "open")
def agreement_coverage(request, pk):
    """The enterprises an agreement covers (an industry or regional one: many), with their workers and
    industries; searchable by name or credit code, paginated."""
    agreement = access_agreement(request.user, pk)
    everything = agreement.coverage.all()
    totals = everything.aggregate(
        enterprises=Count("pk"), workers=Coalesce(Sum("workers"), 0, output_field=IntegerField())
    )
    labels = dict(Industry.choices)
    industries = [
        (str(labels.get(row["enterprise__industry"], row["enterprise__industry"])), row["n"], row["workers"])
        for row in everything.order_by("enterprise__industry")
        .values("enterprise__industry")
        .annotate(n=Count("pk"), workers=Coalesce(Sum("workers"), 0, output_field=IntegerField()))
    ]
    query = (request.GET.get("q") or "").strip()[:60]
    rows = everything.select_related("enterprise__township", "enterprise__union")
    if query:
        rows = rows.filter(Q(enterprise__name__icontains=query) | Q(enterprise__credit_code__icontains=query))
    page = page_by_key(rows, ("enterprise__name", "id"), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "bargaining/agreement_coverage.html",
        {
            "agreement": agreement,
            "page": page,
            "query": query,
            "totals": totals,
            "industries": industries,
        },
    )


def _agreement_step(request, pk, *, states, form, title, act, done, action="change"):
    agreement = access_agreement(request.user, pk, action=action)
    if agreement.state not in states:
        messages.info(
            request, _("协议当前为“%(state)s”，不能进行此操作。") % {"state": agreement.get_state_display()}
        )
        return redirect(agreement)
    if request.method == "POST" and form.is_valid():
        try:
            act(agreement, form.cleaned_data)
        except (services.BargainingError, TransitionError) as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect(agreement)
    return _form_page(request, form, title=title, intro=agreement.title, user_data=(agreement.title,))


def _bound(request, form_class, initial=None):
    return form_class(request.POST or None, request.FILES or None, initial=initial)


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def agreement_negotiators(request, pk):
    agreement = access_agreement(request.user, pk, action="change")
    if agreement.state != AgreementState.NEGOTIATING:
        messages.info(request, _("协议已提交职代会表决，不能再修改协商代表。"))
        return redirect(agreement)
    existing = [
        {
            "side": n.side,
            "name": n.name,
            "position": n.position,
            "is_chief": n.is_chief,
            "is_expert": n.is_expert,
        }
        for n in agreement.negotiators.all()
    ]
    if not existing:
        existing = [{"side": side, "is_chief": i == 0} for side in Side.values for i in range(3)]
    formset = NegotiatorFormSet(request.POST or None, initial=existing, prefix="n")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.NegotiatorRow(
                side=f.cleaned_data["side"],
                name=f.cleaned_data.get("name") or "",
                position=f.cleaned_data.get("position") or "",
                is_chief=f.cleaned_data.get("is_chief", False),
                is_expert=f.cleaned_data.get("is_expert", False),
            )
            for f in formset.forms
            if f.cleaned_data and (f.cleaned_data.get("name") or "").strip()
        ]
        try:
            services.negotiators_set(actor=request.user, agreement_id=agreement.pk, rows=rows)
        except services.BargainingError as problem:
            error = problem.message
        else:
            messages.success(request, _("已保存双方协商代表。"))
            return redirect(agreement)
    elif request.method == "POST":
        error = _("请检查填写的内容。")
    return render(
        request,
        "bargaining/negotiators_form.html",
        {"agreement": agreement, "formset": formset, "error": error, "max": conf.figure("NEGOTIATORS_MAX")},
    )


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    def act(agreement, data):
        services.round_add(actor=request.user, agreement_id=agreement.pk, **data)

    return _agreement_step(
        request,
        pk,
        states=(AgreementState.NEGOTIATING,),
        form=_bound(request, RoundForm),
        title=_("登记协商会议"),
        act=act,
        done=_("已登记协商会议。"),
    )


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def agreement_terms(request, pk):
    agreement = access_agreement(request.user, pk, action="change")
    initial = {
        "start_on": agreement.start_on,
        "term_years": agreement.term_years,
        "enterprise_min_wage": agreement.enterprise_min_wage,
        "average_rise": agreement.average_rise,
        "clauses": agreement.clauses,
    }

    def act(agreement, data):
        services.terms_save(actor=request.user, agreement_id=agreement.pk, **data)

    return _agreement_step(
        request,
        pk,
        states=(AgreementState.NEGOTIATING,),
        form=_bound(request, TermsForm, initial),
        title=_("协议草案条款"),
        act=act,
        done=_("已保存协议条款。"),
    )


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def agreement_vote(request, pk):
    def act(agreement, data):
        services.agreement_vote(actor=request.user, agreement_id=agreement.pk, **data)

    return _agreement_step(
        request,
        pk,
        states=(AgreementState.NEGOTIATING,),
        form=_bound(request, VoteForm),
        title=_("职工代表大会表决"),
        act=act,
        done=_("职代会已通过协议草案，请双方首席代表签字。"),
    )


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def agreement_sign(request, pk):
    def act(agreement, data):
        services.agreement_sign(actor=request.user, agreement_id=agreement.pk, **data)

    return _agreement_step(
        request,
        pk,
        states=(AgreementState.APPROVED,),
        form=_bound(request, SignForm),
        title=_("双方首席代表签字"),
        act=act,
        done=_("已签订，请在 %(days)s 日内报送劳动保障行政部门审查。") % {"days": conf.figure("FILING_DAYS")},
    )


@permission("bargaining_agreement", "change")
@require_http_methods(["GET", "POST"])
def agreement_file(request, pk):
    def act(agreement, data):
        services.agreement_file(actor=request.user, agreement_id=agreement.pk, **data)

    # Any state: filing before signing is told why (the service's message), not just redirected.
    return _agreement_step(
        request,
        pk,
        states=tuple(AgreementState.values),
        form=_bound(request, FileForm),
        title=_("报送劳动保障行政部门审查"),
        act=act,
        done=_("已报送审查：%(days)s 日内无异议即生效。") % {"days": conf.figure("REVIEW_DAYS")},
    )


@permission("bargaining_agreement", "review")
@require_http_methods(["GET", "POST"])
def agreement_objection(request, pk):
    def act(agreement, data):
        services.agreement_objection(
            actor=request.user, agreement_id=agreement.pk, objection=data["objection"]
        )

    return _agreement_step(
        request,
        pk,
        states=(AgreementState.FILED,),
        form=_bound(request, ObjectionForm),
        title=_("登记审查意见"),
        act=act,
        done=_("已登记审查意见，协议退回重新协商。"),
        action="review",
    )


# --- an enterprise's facts -------------------------------------------------------------------------------


@permission("bargaining_offer", "open")
def enterprise_detail(request, pk):
    """One enterprise's bargaining facts: its flags, the offers sent to it and the agreements covering it
    (its own and industry or regional ones). Only for those who may open its responsible union's offers."""
    enterprise = Enterprise.objects.select_related("union", "township").filter(pk=pk).first()
    if enterprise is None:
        raise Http404
    union = responsible_union(enterprise)
    if not covers(request.user, "bargaining_offer", "open", union.path):
        raise Http404
    profile = BargainingProfile.objects.filter(enterprise=enterprise).first()
    today = timezone.localdate()
    offers = list(
        Offer.objects.filter(enterprise=enterprise)
        .select_related("union")
        .order_by("-created_at", "-id")[:50]
    )
    covering = list(
        Coverage.objects.filter(enterprise=enterprise)
        .select_related("agreement__union")
        .order_by("-agreement__created_at", "-id")[:50]
    )
    visible = set(
        agreements_for(request.user, "open")
        .filter(pk__in=[c.agreement_id for c in covering])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "bargaining/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "union": union,
            "profile": profile,
            "flags": profile.flags(today) if profile else [],
            "offers": offers,
            "covering": [(c, c.agreement_id in visible) for c in covering],
            "today": today,
            "can_offer": covers(request.user, "bargaining_offer", "change", union.path),
        },
    )


# --- progress -------------------------------------------------------------------------------------------


@permission("bargaining_progress", "list")
def progress_page(request):
    current = progress_level(request.user, request.GET.get("org") or None)
    # With a shared cache the body is kept until a record of the drive at or below this level changes
    # (fragments: the bargaining topic follows profiles, offers, agreements and coverage), at most five
    # minutes, and per day (the criteria are read on the day).
    body = fragments.cached(
        request,
        f"bargaining_progress:{timezone.localdate().isoformat()}",
        BARGAINING_TOPIC,
        [current.path],
        lambda: _progress_body(request, current),
    )
    return render(request, "bargaining/progress.html", {"body": body})


def _progress_body(request, current) -> str:
    data = progress(request.user, current=current)
    industries, industry_total = by_industry(current)
    chart = {
        "labels": [row.label for row in data.rows],
        "datasets": [
            {"key": key, "label": str(label), "data": [row.figures.get(key, 0) for row in data.rows]}
            for key, label in FIGURES
            if key in ("targets", "sent", "signed", "in_effect")
        ],
    }
    return render_to_string(
        "bargaining/progress_body.html",
        {
            "data": data,
            "chart": chart,
            "figures": FIGURES,
            "industries": industries,
            "industry_total": industry_total,
            "industry_figures": INDUSTRY_FIGURES,
        },
        request=request,
    )


@permission("bargaining_progress", "export")
def progress_export(request):
    data = progress(request.user, request.GET.get("org") or None)
    if request.GET.get("by") == "industry":
        headers, rows = industry_table(data.current)
        return _download(
            request,
            "bargaining-progress-industry",
            _("工资集体协商进度（%(name)s，按行业）") % {"name": data.current.name},
            headers,
            rows,
        )
    headers, rows = progress_table(data)
    return _download(
        request,
        "bargaining-progress",
        _("工资集体协商进度（%(name)s）") % {"name": data.current.name},
        headers,
        rows,
    )
