"""Pages of inclusive services. Thin: each view parses input, calls one selector or service and renders.

Public: the published offers, with no personal data. The worker: the offers open to them and their
sign-ups (``me``), signing up, cancelling their own. Staff: the offers of their subtree, each with its
sign-ups (ID numbers and phones masked; a reveal is logged), confirm and refuse, export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.imports.services import export_table
from unionportal.pagination import page_by_key
from unionportal.permissions import allows, permission, public, signed_in

from . import selectors, services
from .enums import OfferState, SignupState
from .forms import (
    ConfirmForm,
    OfferFilterForm,
    OfferForm,
    PublicFilterForm,
    RefuseForm,
    RevealForm,
    SignupForm,
    WaitlistForm,
    add_error,
)

PAGE_SIZE = 25
FIELD_LABELS = {"id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号")}


def _form_page(request, form, *, title, intro="", user_data=(), status=200):
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "intro": intro, "user_data": user_data},
        status=status,
    )


# --- public -----------------------------------------------------------------------------------------------


@public
def public_list(request):
    """Published offers still taking sign-ups: title, union, dates, place and places left."""
    form = PublicFilterForm(request.GET or None)
    rows = selectors.public_offers()
    if form.is_valid() and form.cleaned_data["kind"]:
        rows = rows.filter(kind=form.cleaned_data["kind"])
    page = Paginator(rows.order_by("signup_until", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "benefits/public_list.html", {"form": form, "page": page})


@public
def public_detail(request, pk):
    offer = selectors.published_offer(pk)
    return render(request, "benefits/public_detail.html", {"offer": offer})


# --- the worker -------------------------------------------------------------------------------------------


@signed_in
def mine(request):
    """The worker's own page: offers open to them now, and their sign-ups."""
    memberships = selectors.current_memberships(request.user)
    offers = list(selectors.offers_open_to(request.user)[:50])
    taken = selectors.active_offer_ids(request.user)
    signups = Paginator(selectors.signups_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "benefits/mine.html",
        {
            "memberships": memberships,
            "offers": [o for o in offers if o.pk not in taken],
            "page": signups,
            "active": (SignupState.PENDING, SignupState.CONFIRMED, SignupState.WAITING),
        },
    )


@never_cache
@signed_in
@require_http_methods(["GET", "POST"])
def signup(request, pk):
    """Sign up for a published offer. A full offer offers its waiting list; a refusal (outside the
    subtree, the window, twice, full) answers 400 with its message and writes nothing."""
    offer = selectors.published_offer(pk)
    form_class = WaitlistForm if offer.is_full else SignupForm
    form = form_class(request.POST or None, initial={"waitlist": offer.is_full})
    problem, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = services.signup_apply(
                    user=request.user,
                    offer_id=offer.pk,
                    waitlist=form.cleaned_data["waitlist"],
                    note=form.cleaned_data["note"],
                )
            except services.BenefitsError as error:
                problem = error.message
                if error.code == "full":  # taken meanwhile: offer the waiting list instead
                    offer.refresh_from_db()
                    form = WaitlistForm(initial={"waitlist": True, "note": form.cleaned_data["note"]})
            else:
                if made.state == SignupState.WAITING:
                    messages.info(request, _("已加入候补名单。有人取消时，您将按先后顺序递补，并收到通知。"))
                elif made.state == SignupState.PENDING:
                    messages.success(request, _("报名已提交，请等待工会确认。"))
                else:
                    messages.success(request, _("报名成功。"))
                return redirect("benefits:mine")
    return render(
        request,
        "benefits/signup.html",
        {
            "offer": offer,
            "member": selectors.eligible_member(request.user, offer),
            "already": selectors.active_signup(request.user, offer),
            "form": form,
            "problem": problem,
            "open": selectors.is_open(offer),
        },
        status=status,
    )


@never_cache
@permission("benefit_signup", "change")
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """Cancel one's own sign-up, after a confirmation (404 for anyone else's)."""
    mine_ = selectors.access_signup(request.user, pk, action="change")
    form = ConfirmForm(request.POST or None, submit_label=_("确认取消报名"))
    if request.method == "POST":
        try:
            services.signup_cancel(user=request.user, signup_id=mine_.pk)
        except services.BenefitsError as error:
            add_error(form, error)
            return _form_page(request, form, title=_("取消报名"), status=400)
        messages.success(request, _("已取消报名。"))
        return redirect("benefits:mine")
    return _form_page(
        request,
        form,
        title=_("取消报名"),
        intro=_("确定取消“%(title)s”的报名吗？名额将让给候补名单中的下一位。") % {"title": mine_.offer.title},
        user_data=(mine_.offer.title,),
    )


# --- staff ------------------------------------------------------------------------------------------------


@permission("benefit_offer", "list")
def offer_list(request):
    rows = selectors.offers_for(request.user).select_related("union")
    form = OfferFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(title__icontains=data["q"].strip())
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
    page = page_by_key(rows, ("-created_at", "-id"), PAGE_SIZE, request.GET.get("page"))
    pending = selectors.pending_counts([o.pk for o in page.object_list])
    for offer in page.object_list:
        offer.pending = pending.get(offer.pk, 0)
    return render(
        request,
        "benefits/offer_list.html",
        {"form": form, "page": page, "can_create": services.unions_for(request.user).exists()},
    )


@permission("benefit_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_create(request):
    unions = services.unions_for(request.user)
    form = OfferForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            offer = services.offer_create(actor=request.user, **data)
        except services.BenefitsError as error:
            add_error(form, error)
        else:
            messages.success(request, _("服务项目草稿已保存，确认无误后请发布。"))
            return redirect(offer)
    return _form_page(request, form, title=_("发布普惠服务"))


@permission("benefit_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk):
    offer = selectors.access_offer(request.user, pk, action="change")
    initial = {name: getattr(offer, name) for name in (*services.EDITABLE, "needs_confirmation")}
    form = OfferForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(actor=request.user, offer_id=offer.pk, **form.cleaned_data)
        except services.BenefitsError as error:
            add_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(offer)
    return _form_page(request, form, title=_("修改服务项目"), intro=offer.title, user_data=(offer.title,))


def _offer_page(request, offer):
    rows = selectors.signups_of_offer(offer)
    state = request.GET.get("state", "")
    if state in SignupState.values:
        rows = rows.filter(state=state)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(member__name__startswith=q) | Q(member__id_tail=q[-4:]))
    page = Paginator(rows.order_by("created_at", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict.fromkeys(SignupState.values, 0)
    for value, n in offer.signups.values_list("state").annotate(n=Count("id")).order_by():
        counts[value] = n
    return render(
        request,
        "benefits/offer_detail.html",
        {
            "offer": offer,
            "page": page,
            "counts": counts,
            "states": SignupState.choices,
            "state": state,
            "q": q,
            "can_change": allows(request.user, "benefit_offer", "change", offer),
            "can_export": allows(request.user, "benefit_offer", "export", offer),
            "can_review": offer.state == OfferState.PUBLISHED,
        },
    )


@permission("benefit_offer", "open")
def offer_detail(request, pk):
    return _offer_page(request, selectors.access_offer(request.user, pk))


@permission("benefit_offer", "change")
@require_POST
def offer_publish(request, pk):
    offer = selectors.access_offer(request.user, pk, action="change")
    try:
        services.offer_publish(actor=request.user, offer_id=offer.pk)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已发布，会员可以在手机上报名了。"))
    return redirect(offer)


@permission("benefit_offer", "change")
@require_http_methods(["GET", "POST"])
def offer_close(request, pk):
    offer = selectors.access_offer(request.user, pk, action="change")
    form = ConfirmForm(request.POST or None, submit_label=_("确认结束"))
    if request.method == "POST":
        try:
            services.offer_close(actor=request.user, offer_id=offer.pk)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("服务已结束报名。"))
        return redirect(offer)
    return _form_page(
        request,
        form,
        title=_("结束服务"),
        intro=_("结束“%(title)s”后不能再报名或取消报名，名单保留备查。") % {"title": offer.title},
        user_data=(offer.title,),
    )


@permission("benefit_offer", "export")
def offer_export(request, pk):
    offer = selectors.access_offer(request.user, pk, action="export")
    headers = [
        _("序号"),
        _("姓名"),
        _("身份证号"),
        _("手机号"),
        _("所在工会"),
        _("状态"),
        _("报名时间"),
        _("备注"),
    ]
    rows = []
    for n, s in enumerate(selectors.signups_of_offer(offer).order_by("created_at", "id"), 1):
        rows.append(
            [
                n,
                s.member.name,
                s.masked_id_number,
                s.masked_phone,
                s.member.organisation.name,
                s.get_state_display(),
                timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M"),
                s.note,
            ]
        )
    filename, content_type, content = export_table(
        actor=request.user,
        key="benefits-signups",
        label=_("%(title)s 报名名单") % {"title": offer.title},
        headers=headers,
        rows=rows,
        masked_columns=[_("身份证号"), _("手机号")],
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@permission("benefit_signup", "review")
@require_POST
def signup_confirm(request, pk):
    one = selectors.access_signup(request.user, pk, action="review")
    try:
        services.signup_confirm(actor=request.user, signup_id=one.pk)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认 %(name)s 的报名。") % {"name": one.member.name})
    return redirect(reverse("benefits:offer", args=[one.offer_id]) + "?state=pending")


@permission("benefit_signup", "review")
@require_http_methods(["GET", "POST"])
def signup_refuse(request, pk):
    one = selectors.access_signup(request.user, pk, action="review")
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signup_refuse(actor=request.user, signup_id=one.pk, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            add_error(form, error)
        else:
            messages.success(request, _("已处理：%(name)s 的报名未通过。") % {"name": one.member.name})
            return redirect(reverse("benefits:offer", args=[one.offer_id]) + "?state=pending")
    return _form_page(
        request,
        form,
        title=_("报名不通过"),
        intro=_("%(name)s 报名“%(title)s”。不通过后名额让给候补名单中的下一位，并通知本人。")
        % {"name": one.member.name, "title": one.offer.title},
        user_data=(one.member.name, one.offer.title),
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@permission("benefit_signup", "reveal")
@require_http_methods(["GET", "POST"])
def signup_reveal(request, pk):
    """One sign-up's full ID number or phone, with a reason; logged like every reveal."""
    one = selectors.access_signup(request.user, pk, action="reveal")
    form = RevealForm(request.POST or None)
    revealed, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            field = form.cleaned_data["field"]
            try:
                value = reveal(actor=request.user, obj=one, field=field, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                revealed, status = {"label": FIELD_LABELS[field], "value": value or "—"}, 200
    return render(
        request,
        "benefits/signup_reveal.html",
        {"signup": one, "form": form, "revealed": revealed},
        status=status,
    )
