"""Staff pages of the nomination pipeline: each level's review queue, the province's final list and
notice, objection cases, and sub-allocation of quotas.

Thin: each view parses input, calls one selector or service and renders. Service refusals
(SelectionError / TransitionError) come back as messages and change nothing. Anything outside the
user's reach answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unionportal import permissions
from unionportal.accounts.validators import mask_contact
from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.permissions import permission

from . import registry, services
from .enums import Flag, ObjectionState, State
from .forms import (
    AllocationForm,
    ContactRevealForm,
    NoticeOpenForm,
    ObjectionDecideForm,
    ObjectionFilterForm,
    QueueFilterForm,
    ReasonForm,
)
from .models import Allocation, Candidacy, Objection, Programme
from .selectors import (
    access_candidacy,
    check_rules,
    final_list,
    forwarded,
    queue,
    quota_of,
    review_assignments,
    staff_organisations,
)
from .workflows import access_objection


@permission("candidacy", "open")
def candidacy_detail(request, pk):
    """The stable address of a candidacy (notifications link here): the owning app's page."""
    candidacy = access_candidacy(request.user, pk)
    url = registry.detail_url(candidacy.programme.app, candidacy.pk)
    if url is None:
        raise Http404
    return redirect(url)


# --- helpers --------------------------------------------------------------------------------------


def _root() -> Organisation:
    return get_object_or_404(Organisation, depth=1)


def _refusal(request, error) -> None:
    messages.error(request, getattr(error, "message", None) or " ".join(getattr(error, "messages", [])))


def _decorate(rows: list[Candidacy]) -> list[Candidacy]:
    for c in rows:
        c.flag_labels = [Flag(f).label for f in sorted(c.flag_set()) if f in Flag.values]
    return rows


# --- the review queue -----------------------------------------------------------------------------


@permission("candidacy", "review")
@require_http_methods(["GET", "POST"])
def review(request):
    """A reviewing level's queue: what its subtree forwarded, filtered and sorted, the rules on the list
    it would forward, its quota use, and bulk forward / return / reject."""
    pairs = review_assignments(request.user)
    if not pairs:
        return render(request, "selection/review.html", {"pairs": []})
    source = request.POST if request.method == "POST" else request.GET
    by_pk = {p.pk: (p, orgs) for p, orgs in pairs}
    try:
        programme, orgs = by_pk[int(source.get("programme") or pairs[0][0].pk)]
    except (KeyError, ValueError):
        raise Http404 from None
    try:
        org_pk = int(source.get("org") or orgs[0].pk)
    except ValueError:
        raise Http404 from None
    organisation = next((o for o in orgs if o.pk == org_pk), None)
    if organisation is None:
        raise Http404

    if request.method == "POST":
        _review_action(request, programme, organisation)
        back = request.POST.get("back", "")
        query = back if back.startswith("?") else "?" + urlencode({"programme": programme.pk, "org": org_pk})
        return redirect(reverse("selection:review") + query)

    waiting = queue(programme, organisation)
    regions = sorted(set(waiting.order_by().values_list("region", flat=True).distinct()) - {""})
    form = QueueFilterForm(
        request.GET or None,
        programmes=[p for p, _orgs in pairs],
        organisations=orgs,
        regions=regions,
        initial={"programme": programme.pk, "org": organisation.pk},
    )
    everything = _decorate(list(waiting.order_by("submitted_at", "id")))
    shown = _decorate(list(form.filter(waiting)))
    sent = list(forwarded(programme, organisation).select_related("organisation"))
    quota = quota_of(programme, organisation)
    context = {
        "pairs": pairs,
        "programme": programme,
        "organisation": organisation,
        "form": form,
        "rows": shown,
        "waiting_count": len(everything),
        "sent_count": len(sent),
        "quota": quota,
        "rules_sent": check_rules(programme, sent),
        "rules_all": check_rules(programme, sent + everything),
        "is_province": organisation.level == Level.PROVINCE,
        "back": "?" + request.GET.urlencode() if request.GET else "",
        "reason_form": ReasonForm(),
    }
    return render(request, "selection/review.html", context)


def _review_action(request, programme, organisation) -> None:
    action = request.POST.get("action")
    pks = [int(v) for v in request.POST.getlist("pk") if v.isdigit()]
    reason = request.POST.get("reason", "")
    if not pks:
        messages.error(request, _("请先选择推荐对象。"))
        return
    # Only rows of this union's queue: anything else looks absent.
    mine = set(queue(programme, organisation).filter(pk__in=pks).values_list("pk", flat=True))
    if len(mine) != len(set(pks)):
        messages.error(request, _("所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"))
        return
    try:
        if action == "forward":
            done = services.forward(
                actor=request.user, programme=programme, organisation=organisation, pks=pks, comment=reason
            )
            text = (
                _("已批准 %(count)s 个推荐对象。")
                if organisation.level == Level.PROVINCE
                else _("已向上级报送 %(count)s 个推荐对象。")
            )
        elif action in ("return", "reject"):
            done = services.send_back(actor=request.user, pks=pks, reason=reason, reject=action == "reject")
            text = (
                _("已退回修改 %(count)s 个推荐对象。")
                if action == "return"
                else _("已驳回 %(count)s 个推荐对象。")
            )
        else:
            messages.error(request, _("请选择操作。"))
            return
    except TransitionError as error:
        _refusal(request, error)
        return
    messages.success(request, text % {"count": len(done)})


# --- the province's final list, notice and publication --------------------------------------------


def _province_programme(request, pk) -> tuple[Programme, Organisation]:
    """The programme, for province staff (and superusers) only; 404 for everyone else."""
    if not permissions.is_province_staff(request.user):
        raise Http404
    return get_object_or_404(Programme.objects.select_related("campaign"), pk=pk), _root()


@permission("programme", "open", post="change")
@require_http_methods(["GET", "POST"])
def final(request, pk):
    programme, root = _province_programme(request, pk)
    notice_form = NoticeOpenForm(programme=programme)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("rank", "approve"):
            _final_action(request, programme, root, action)
            return redirect("selection:final", pk=programme.pk)
        if action == "notice":
            notice_form = NoticeOpenForm(request.POST, programme=programme)
            if notice_form.is_valid():
                try:
                    notice = services.notice_open(
                        actor=request.user, programme=programme, **notice_form.cleaned_data
                    )
                except TransitionError as error:
                    _refusal(request, error)
                else:
                    messages.success(
                        request,
                        _("公示已发布：%(start)s 至 %(end)s。")
                        % {"start": notice.starts_on, "end": notice.ends_on},
                    )
                    return redirect("selection:final", pk=programme.pk)
        else:
            return HttpResponseBadRequest(_("未知的操作。"))
    today = timezone.localdate()
    waiting = _decorate(list(queue(programme, root).order_by("rank", "submitted_at", "id")))
    approved = _decorate(list(final_list(programme).select_related("organisation")))
    notice = programme.notices.first()
    objections = []
    if notice is not None:
        objections = list(
            Objection.objects.filter(notice__programme=programme)
            .select_related("candidacy")
            .order_by("-created_at")
        )
    context = {
        "programme": programme,
        "waiting": waiting,
        "approved": approved,
        "pending_notice": [c for c in approved if c.state == State.APPROVED],
        "quota": programme.total_quota,
        "used": len(approved),
        "rules": check_rules(programme, approved),
        "notice": notice,
        "notice_form": notice_form,
        "notice_end": services.notice_period(today, programme.notice_working_days),
        "objections": objections,
        "open_objections": sum(1 for o in objections if o.state == ObjectionState.OPEN),
        "publish_problems": services.publish_problems(programme, today=today) if notice else [],
        "today": today,
    }
    return render(request, "selection/final.html", context)


def _final_action(request, programme, root, action) -> None:
    if action == "rank":
        ranks = {}
        for key, value in request.POST.items():
            if key.startswith("rank_") and key[5:].isdigit() and value.strip():
                if not value.strip().isdigit() or int(value) < 1:
                    messages.error(request, _("排序须为正整数。"))
                    return
                ranks[int(key[5:])] = int(value)
        try:
            services.ranks_set(actor=request.user, programme=programme, ranks=ranks)
        except TransitionError as error:
            _refusal(request, error)
            return
        messages.success(request, _("排序已保存。"))
        return
    pks = [int(v) for v in request.POST.getlist("pk") if v.isdigit()]
    try:
        done = services.forward(actor=request.user, programme=programme, organisation=root, pks=pks)
    except TransitionError as error:
        _refusal(request, error)
        return
    messages.success(request, _("已批准 %(count)s 个推荐对象。") % {"count": len(done)})


@permission("programme", "change")
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    """Confirm, then publish the notice list as honourees."""
    programme, _root_org = _province_programme(request, pk)
    today = timezone.localdate()
    problems = services.publish_problems(programme, today=today)
    if request.method == "POST":
        try:
            count = services.programme_publish(actor=request.user, programme=programme, today=today)
        except TransitionError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("已公布 %(count)s 个表彰对象。") % {"count": count})
        return redirect("selection:final", pk=programme.pk)
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("公布表彰名单"),
            "question": _("确认公布“%(programme)s”的表彰名单？公布后名单将在公开页面显示。")
            % {"programme": programme},
            "problems": problems,
            "button": _("确认公布"),
            "cancel": reverse("selection:final", args=[programme.pk]),
        },
    )


@permission("programme", "change")
@require_http_methods(["GET", "POST"])
def revoke(request, pk, candidacy_pk):
    """Confirm with a reason, then revoke a published honour."""
    programme, _root_org = _province_programme(request, pk)
    candidacy = get_object_or_404(Candidacy, pk=candidacy_pk, programme=programme, state=State.PUBLISHED)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.honour_revoke(actor=request.user, pk=candidacy.pk, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("已撤销“%(name)s”的荣誉。") % {"name": candidacy.name})
            return redirect("selection:final", pk=programme.pk)
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("撤销荣誉"),
            "question": _("确认撤销“%(name)s”（%(unit)s）的“%(award)s”荣誉？撤销后将从所有公开页面撤下。")
            % {"name": candidacy.name, "unit": candidacy.unit, "award": programme.award},
            "form": form,
            "button": _("确认撤销"),
            "cancel": reverse("selection:final", args=[programme.pk]),
        },
    )


# --- objection cases ------------------------------------------------------------------------------


@permission("objection", "list")
def objection_list(request):
    form = ObjectionFilterForm(request.GET or None)
    rows = Objection.objects.visible_to(request.user, "list").select_related(
        "candidacy__organisation", "notice__programme__campaign"
    )
    if form.is_valid() and form.cleaned_data["state"] == "open":
        rows = rows.filter(state=ObjectionState.OPEN)
    elif form.is_valid() and form.cleaned_data["state"] == "closed":
        rows = rows.exclude(state=ObjectionState.OPEN)
    page = Paginator(rows.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(request, "selection/objection_list.html", {"form": form, "page": page})


@permission("objection", "open", post="change")
@require_http_methods(["GET", "POST"])
def objection_detail(request, pk):
    objection = access_objection(request.user, pk)
    can_decide = objection.state == ObjectionState.OPEN and permissions.allows(
        request.user, "objection", "change", objection
    )
    form = ObjectionDecideForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.objection_decide(
                    actor=request.user,
                    pk=objection.pk,
                    upheld=form.cleaned_data["outcome"] == "upheld",
                    findings=form.cleaned_data["findings"],
                )
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("异议 %(no)s 已办结。") % {"no": objection.receipt_no})
                return redirect("selection:objection", pk=objection.pk)
    return _objection_page(request, objection, form=form)


def _objection_page(request, objection, *, form=None, reveal_form=None, contact=None, status=200):
    """The case page: the objector's contact masked unless just revealed with a reason."""
    may_reveal = permissions.allows(request.user, "objection", "reveal", objection)
    if may_reveal and contact is None:
        reveal_form = reveal_form or ContactRevealForm()
        reveal_form.helper.form_action = reverse("selection:objection_reveal", args=[objection.pk])
    return render(
        request,
        "selection/objection_detail.html",
        {
            "objection": objection,
            "form": form,
            "contact": contact or mask_contact(objection.contact),
            "revealed": contact is not None,
            "reveal_form": reveal_form if may_reveal and contact is None else None,
        },
        status=status,
    )


@never_cache
@permission("objection", "reveal")
@require_POST
def objection_reveal(request, pk):
    """Show the objector's full contact once, after a stated reason: a logged action."""
    objection = access_objection(request.user, pk, action="reveal")
    form = ContactRevealForm(request.POST)
    if form.is_valid():
        try:
            contact = reveal(
                actor=request.user, obj=objection, field="contact", reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            return _objection_page(request, objection, contact=contact)
    return _objection_page(request, objection, reveal_form=form, status=400)


# --- sub-allocation -------------------------------------------------------------------------------


def _allocation_children(programme: Programme, organisation: Organisation) -> list[Organisation]:
    """The unions ``organisation`` allocates to: the nearest reviewing unions below it."""
    levels = [lv for lv in programme.review_levels if lv > organisation.level]
    below = list(
        Organisation.objects.filter(path__startswith=organisation.path, level__in=levels)
        .exclude(pk=organisation.pk)
        .order_by("path")
    )
    paths = [o.path for o in below]
    return [o for o in below if not any(o.path != p and o.path.startswith(p) for p in paths)]


@permission("allocation", "change")
@require_http_methods(["GET", "POST"])
def allocations(request, pk):
    """A union's staff set the quotas of the unions below it (within what it holds)."""
    programme = get_object_or_404(Programme.objects.select_related("campaign"), pk=pk)
    orgs = [o for o in staff_organisations(request.user) if quota_of(programme, o) is not None]
    if not orgs:
        messages.info(
            request, _("您所在的工会没有获得“%(programme)s”的名额，无需向下分配。") % {"programme": programme}
        )
        return redirect("selection:review")
    try:
        organisation = next(o for o in orgs if o.pk == int(request.GET.get("org") or orgs[0].pk))
    except (StopIteration, ValueError):
        raise Http404 from None
    children = _allocation_children(programme, organisation)
    current = dict(
        Allocation.objects.filter(programme=programme, organisation__in=children).values_list(
            "organisation_id", "quota"
        )
    )
    form = AllocationForm(request.POST or None, children=children, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocations_set(
                actor=request.user, programme=programme, organisation=organisation, quotas=form.quotas()
            )
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("名额分配已保存。"))
            return redirect(reverse("selection:allocations", args=[programme.pk]) + f"?org={organisation.pk}")
    held = quota_of(programme, organisation)
    given = sum(v for v in current.values())
    return render(
        request,
        "selection/allocations.html",
        {
            "programme": programme,
            "organisation": organisation,
            "orgs": orgs,
            "form": form,
            "held": held,
            "given": given,
            "children": children,
        },
    )
