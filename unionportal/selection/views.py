"""Staff pages of the nomination pipeline: each level's review queue, the province's final list and
notice, objection cases, and sub-allocation of quotas.

Thin: each view parses input, calls one selector or service and renders. Service refusals
(SelectionError / TransitionError) come back as messages and change nothing. Anything outside the
user's reach answers 404.

Consequential moves (forward, return, reject, approve, open a notice, close an objection, publish,
revoke) take two POSTs: the first renders a confirm page that lists exactly what will move, carries the
selection in hidden fields and signs it for the user (``forms.ConfirmForm``); only the second, with the
signature intact, calls the service. No JavaScript is needed on either step.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unionportal import fragments, permissions
from unionportal.accounts.validators import mask_contact, mask_id_number
from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.i18n import mark_user_data
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.permissions import permission

from . import registry, services
from .enums import Flag, ObjectionState, State, Tag
from .filters import DEFAULT_SORT, ObjectionFilter, QueueFilter
from .forms import (
    AllocationForm,
    ConfirmForm,
    ContactRevealForm,
    NoticeOpenForm,
    ObjectionDecideForm,
    ReasonForm,
    confirm_token,
)
from .models import CANDIDACY_TOPIC, Candidacy, Notice, Objection, Programme
from .selectors import (
    access_candidacy,
    active_rules,
    allocation_children,
    allocation_figures,
    ancestors_of,
    check_rules,
    final_list,
    forwarded,
    objections_for,
    queue,
    quota_of,
    quota_use,
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
        return _shared_candidacy_page(request, candidacy)
    return redirect(url)


# The shared fields of a candidacy, in the order its page lists them.
SHARED_FIELDS = ("name", "unit", "region", "organisation", "state", "id_number", "submitted_at")


def _shared_candidacy_page(request, candidacy: Candidacy):
    """A candidacy of a programme whose app has no page of its own: the fields every candidacy has,
    read-only, the ID number masked (the reviewers' queues link here all the same)."""
    values = {
        "organisation": candidacy.organisation.name,
        "state": candidacy.get_state_display(),
        "id_number": mask_id_number(candidacy.id_number) if candidacy.id_number else "",
        "submitted_at": timezone.localtime(candidacy.submitted_at).strftime("%Y-%m-%d %H:%M")
        if candidacy.submitted_at
        else "",
    }
    typed = {"name", "unit", "region", "organisation"}  # data as typed, shown as is in either language
    rows = [
        (
            Candidacy._meta.get_field(name).verbose_name,
            values.get(name, getattr(candidacy, name)),
            name in typed,
        )
        for name in SHARED_FIELDS
    ]
    flags = [str(label) for value, label in Flag.choices if candidacy.flags.get(value)]
    tags = [str(label) for value, label in Tag.choices if value in candidacy.tags]
    return render(
        request,
        "selection/candidacy.html",
        {"candidacy": candidacy, "rows": rows, "flags": flags, "tags": tags},
    )


# --- helpers --------------------------------------------------------------------------------------


def _root() -> Organisation:
    return get_object_or_404(Organisation, depth=1)


def _refusal(request, error) -> None:
    messages.error(request, getattr(error, "message", None) or " ".join(getattr(error, "messages", [])))


def _decorate(rows: list[Candidacy]) -> list[Candidacy]:
    """Each candidacy with the labels of its flags and priority fields (looked up once per page, not
    through the enums for every row)."""
    flags = {value: str(label) for value, label in Flag.choices}
    tags = {value: str(label) for value, label in Tag.choices}
    for c in rows:
        c.flag_labels = [flags[f] for f in sorted(c.flag_set()) if f in flags]
        c.tag_label_list = [tags[t] for t in c.tags or () if t in tags]
    return rows


def _picked(data) -> list[int]:
    """The ticked rows, as the confirm token signs them: distinct ids in order."""
    return sorted({int(v) for v in data.getlist("pk") if v.isdigit()})


def _text(value: str) -> str:
    # A textarea posts line breaks as CRLF, a hidden field as it holds them: sign one spelling.
    return (value or "").replace("\r\n", "\n").strip()


@dataclass(frozen=True)
class Check:
    """One line of a confirm page's figures (the shape of ``selectors.RuleResult``)."""

    ok: bool
    message: str


def _confirm_page(
    request,
    *,
    title: str,
    question: str,
    selection: dict,
    hidden: list[tuple[str, object]],
    button: str,
    cancel: str,
    rows=(),
    facts=(),
    checks=(),
    consequence: str = "",
):
    """The first POST's answer: what will happen, listed, and a form that posts it back signed."""
    return render(
        request,
        "selection/confirm.html",
        {
            "title": title,
            "question": question,
            "rows": rows,
            "facts": facts,
            "checks": checks,
            "consequence": consequence,
            "hidden": [*hidden, ("confirm", confirm_token(request.user, selection))],
            "button": button,
            "cancel": cancel,
        },
    )


def _forward_checks(programme: Programme, organisation: Organisation, rows: list[Candidacy]) -> list:
    """The union's quota and the rules on its list as they would stand after forwarding ``rows``."""
    sent = list(forwarded(programme, organisation))
    use = quota_use(programme, organisation, adding=len(rows))
    return [Check(use.problem is None, use.summary), *check_rules(programme, sent + rows)]


# --- the review queue -----------------------------------------------------------------------------

REVIEW_ACTIONS = ("forward", "return", "reject")


@permission("candidacy", "review")
@require_http_methods(["GET", "POST"])
def review(request):
    """A reviewing level's queue: what its subtree forwarded, filtered and sorted, the rules on the list
    it would forward, its quota use, and bulk forward / return / reject (each confirmed first).

    The queue as shown is a cached fragment, redrawn once a candidacy in the user's scope, a programme's
    rules or quotas, or a name shown has changed (``unionportal.fragments``); it holds the bulk form, so
    it is kept per browser (its CSRF token)."""
    if request.method == "POST":
        return _review_post(request)
    paths = fragments.scope_paths(request.user, "candidacy", "review")
    body = fragments.cached(
        request, "selection_review", CANDIDACY_TOPIC, paths, lambda: _review_body(request), per_session=True
    )
    return render(request, "selection/review.html", {"body": body})


def _queue_of(request, source):
    """(pairs, programme, organisations, organisation) the request names among the user's reviewing
    assignments (the first by default); Http404 for one not theirs; organisation None without any."""
    pairs = review_assignments(request.user)
    if not pairs:
        return pairs, None, [], None
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
    return pairs, programme, orgs, organisation


def _review_post(request):
    _pairs, programme, _orgs, organisation = _queue_of(request, request.POST)
    if organisation is None:
        return redirect("selection:review")
    back = request.POST.get("back", "")
    # Back to the queue as it was filtered (only ever a query string on this page's own address).
    query = (
        back if back.startswith("?") else "?" + urlencode({"programme": programme.pk, "org": organisation.pk})
    )
    selection = {
        "step": "review",
        "action": request.POST.get("action", ""),
        "programme": programme.pk,
        "org": organisation.pk,
        "pks": _picked(request.POST),
        "reason": _text(request.POST.get("reason", "")),
    }
    if "confirm" in request.POST:
        _review_action(request, programme, organisation, selection)
    else:
        rows = _review_rows(request, programme, organisation, selection)
        if rows is not None:
            return _review_confirm(request, programme, organisation, selection, rows, back=query)
    return redirect(reverse("selection:review") + query)


def _review_body(request) -> str:
    pairs, programme, orgs, organisation = _queue_of(request, request.GET)
    if organisation is None:
        return render_to_string("selection/review_body.html", {"pairs": []}, request)
    waiting = queue(programme, organisation)
    filters = QueueFilter(
        request.GET or None,
        queryset=waiting,
        programmes=[p for p, _orgs in pairs],
        organisations=orgs,
        initial={"programme": programme.pk, "org": organisation.pk},
    )
    everything = _decorate(list(waiting.order_by(*DEFAULT_SORT)))
    # Unfiltered (the page as the menu opens it), the rows shown are the whole queue in the default sort.
    shown = _decorate(list(filters.qs)) if filters.is_bound else everything
    sent = list(forwarded(programme, organisation))
    rules = active_rules(programme)
    quota = quota_of(programme, organisation)
    # The allocation page is for a union that holds a quota and has reviewing unions below to share it.
    allocates = (
        quota is not None
        and permissions.may(request.user, "allocation", "change")
        and bool(allocation_children(programme, organisation))
    )
    context = {
        "pairs": pairs,
        "programme": programme,
        "organisation": organisation,
        "form": filters.form,
        "rows": shown,
        "waiting_count": len(everything),
        "sent_count": len(sent),
        "quota": quota,
        "allocates": allocates,
        "rules_sent": check_rules(programme, sent, rules=rules),
        "rules_all": check_rules(programme, sent + everything, rules=rules),
        "is_province": organisation.level == Level.PROVINCE,
        "back": "?" + request.GET.urlencode() if request.GET else "",
        "reason_form": ReasonForm(),
    }
    return render_to_string("selection/review_body.html", context, request)


def _review_rows(request, programme, organisation, selection) -> list[Candidacy] | None:
    """The chosen rows of this union's queue, or None with the reason said (both POSTs check)."""
    if selection["action"] not in REVIEW_ACTIONS:
        messages.error(request, _("请选择操作。"))
        return None
    if not selection["pks"]:
        messages.error(request, _("请先选择推荐对象。"))
        return None
    # Only rows of this union's queue: anything else looks absent.
    rows = list(queue(programme, organisation).filter(pk__in=selection["pks"]).order_by("submitted_at", "id"))
    if len(rows) != len(selection["pks"]):
        messages.error(request, _("所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"))
        return None
    if selection["action"] != "forward" and not selection["reason"]:
        messages.error(request, _("请填写理由。"))
        return None
    return rows


def _next_reviewer(programme: Programme, organisation: Organisation) -> Organisation | None:
    """Where the union's forwards go: its nearest ancestor at a level the programme reviews at."""
    return next((o for o in ancestors_of(organisation) if o.level in programme.review_levels), None)


def _review_confirm(request, programme, organisation, selection, rows, *, back: str):
    count, action, reason = len(rows), selection["action"], selection["reason"]
    figures = {"count": count}
    checks, facts = [], []
    if action == "forward":
        checks = _forward_checks(programme, organisation, rows)
        if reason:
            facts = [(_("审核意见"), reason)]
        if organisation.level == Level.PROVINCE:
            title = button = _("确认批准")
            question = ngettext(
                "批准以下 %(count)s 名推荐对象列入省级批准名单：",
                "批准以下 %(count)s 名推荐对象列入省级批准名单：",
                count,
            )
            consequence = _("批准后本级不能再退回或驳回；可在“排序、批准与公示”页发布公示。")
        else:
            target = _next_reviewer(programme, organisation)
            figures["target"] = target.name if target else _("上级工会")
            title = button = _("确认报送")
            question = ngettext(
                "将以下 %(count)s 名推荐对象报送至 %(target)s：",
                "将以下 %(count)s 名推荐对象报送至 %(target)s：",
                count,
            )
            consequence = _("报送后本级不能再修改。")
    elif action == "return":
        title, button = _("确认退回修改"), _("确认退回")
        question = ngettext(
            "将以下 %(count)s 名推荐对象退回推荐单位修改：",
            "将以下 %(count)s 名推荐对象退回推荐单位修改：",
            count,
        )
        facts = [(_("退回理由"), reason)]
        consequence = _("退回后由推荐单位修改并重新提交，审核从第一级重新开始。")
    else:
        title, button = _("确认驳回"), _("确认驳回")
        question = ngettext("驳回以下 %(count)s 名推荐对象：", "驳回以下 %(count)s 名推荐对象：", count)
        facts = [(_("驳回理由"), reason)]
        consequence = _("驳回后这些推荐即告结束，不能再提交。")
    return _confirm_page(
        request,
        title=title,
        question=question % figures,
        rows=rows,
        facts=facts,
        checks=checks,
        consequence=consequence,
        selection=selection,
        hidden=[
            ("programme", programme.pk),
            ("org", organisation.pk),
            ("back", back),
            ("action", action),
            ("reason", reason),
            *(("pk", pk) for pk in selection["pks"]),
        ],
        button=button,
        cancel=reverse("selection:review") + back,
    )


def _review_action(request, programme, organisation, selection) -> None:
    """The confirmed POST: the signed selection, checked again against the queue, then the service."""
    confirm = ConfirmForm(request.POST, user=request.user, selection=selection)
    if not confirm.is_valid():
        messages.error(request, confirm.error())
        return
    if _review_rows(request, programme, organisation, selection) is None:
        return
    action, pks, reason = selection["action"], selection["pks"], selection["reason"]
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
        else:
            done = services.send_back(actor=request.user, pks=pks, reason=reason, reject=action == "reject")
            text = (
                _("已退回修改 %(count)s 个推荐对象。")
                if action == "return"
                else _("已驳回 %(count)s 个推荐对象。")
            )
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
        if action == "rank":
            _ranks_save(request, programme)
            return redirect("selection:final", pk=programme.pk)
        if action == "approve":
            return _approve(request, programme, root) or redirect("selection:final", pk=programme.pk)
        if action != "notice":
            return HttpResponseBadRequest(_("未知的操作。"))
        notice_form = NoticeOpenForm(request.POST, programme=programme)
        if notice_form.is_valid():
            return _notice(request, programme, notice_form) or redirect("selection:final", pk=programme.pk)
    today = timezone.localdate()
    waiting = _decorate(list(queue(programme, root).order_by("rank", "submitted_at", "id")))
    approved = _decorate(list(final_list(programme).select_related("organisation", "notice")))
    notices = list(programme.notices.order_by("batch"))
    objections = []
    if notices:
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
        "notice": notices[-1] if notices else None,
        "notices": notices,
        "notice_form": notice_form,
        "notice_end": services.notice_period(today, programme.notice_working_days),
        "objections": objections,
        "open_objections": sum(1 for o in objections if o.state == ObjectionState.OPEN),
        "publish_problems": services.publish_problems(programme, today=today) if notices else [],
        "today": today,
    }
    return render(request, "selection/final.html", context)


def _ranks_save(request, programme) -> None:
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


def _approve(request, programme, root):
    """Approve the ticked rows of the province's queue: a confirm page first, then the service."""
    selection = {"step": "approve", "programme": programme.pk, "pks": _picked(request.POST)}
    pks = selection["pks"]
    if not pks:
        messages.error(request, _("请先选择推荐对象。"))
        return None
    if "confirm" in request.POST:
        confirm = ConfirmForm(request.POST, user=request.user, selection=selection)
        if not confirm.is_valid():
            messages.error(request, confirm.error())
            return None
        try:
            done = services.forward(actor=request.user, programme=programme, organisation=root, pks=pks)
        except TransitionError as error:
            _refusal(request, error)
            return None
        messages.success(request, _("已批准 %(count)s 个推荐对象。") % {"count": len(done)})
        return None
    rows = list(queue(programme, root).filter(pk__in=pks).order_by("rank", "submitted_at", "id"))
    if len(rows) != len(pks):
        messages.error(request, _("所选推荐中有的已被处理或不在本级待审列表中，请刷新后重试。"))
        return None
    return _confirm_page(
        request,
        title=_("确认批准"),
        question=ngettext(
            "批准以下 %(count)s 名推荐对象列入省级批准名单：",
            "批准以下 %(count)s 名推荐对象列入省级批准名单：",
            len(rows),
        )
        % {"count": len(rows)},
        rows=rows,
        checks=_forward_checks(programme, root, rows),
        consequence=_("批准后本级不能再退回或驳回；可在本页发布公示。"),
        selection=selection,
        hidden=[("action", "approve"), *(("pk", pk) for pk in pks)],
        button=_("确认批准"),
        cancel=reverse("selection:final", args=[programme.pk]),
    )


def _notice(request, programme, form):
    """Open the next notice batch on the approved list: a confirm page naming the batch, its period and
    its list first; the confirmed POST opens it only if the list is still the one confirmed."""
    data = form.cleaned_data
    pending = list(
        Candidacy.objects.filter(programme=programme, state=State.APPROVED)
        .select_related("organisation")
        .order_by("rank", "id")
    )
    selection = {
        "step": "notice",
        "programme": programme.pk,
        "starts_on": data["starts_on"].isoformat(),
        "office": data["office"],
        "phone": data["phone"],
        "address": data["address"],
        "pks": _picked(request.POST),
    }
    if "confirm" in request.POST:
        confirm = ConfirmForm(request.POST, user=request.user, selection=selection)
        if not confirm.is_valid():
            messages.error(request, confirm.error())
            return None
        if selection["pks"] != sorted(c.pk for c in pending):
            messages.error(request, _("待公示名单已有变化，未发布公示。请核对名单后重新确认。"))
            return None
        try:
            notice = services.notice_open(actor=request.user, programme=programme, **data)
        except TransitionError as error:
            _refusal(request, error)
            return None
        messages.success(
            request,
            _("公示已发布：%(start)s 至 %(end)s。") % {"start": notice.starts_on, "end": notice.ends_on},
        )
        return None
    if not pending:
        messages.error(request, _("没有已批准的推荐对象，不能发布公示。"))
        return None
    selection["pks"] = sorted(c.pk for c in pending)
    last = programme.notices.aggregate(last=Max("batch"))["last"] or 0
    preview = Notice(
        programme=programme,
        batch=last + 1,
        starts_on=data["starts_on"],
        ends_on=services.notice_period(data["starts_on"], programme.notice_working_days),
    )
    period = _("%(start)s 至 %(end)s（%(days)s 个工作日）") % {
        "start": preview.starts_on.isoformat(),
        "end": preview.ends_on.isoformat(),
        "days": programme.notice_working_days,
    }
    return _confirm_page(
        request,
        title=_("确认发布公示"),
        question=ngettext(
            "将以下 %(count)s 名对象在门户网站公示：", "将以下 %(count)s 名对象在门户网站公示：", len(pending)
        )
        % {"count": len(pending)},
        rows=pending,
        facts=[
            (_("公示标题"), preview.title),
            (_("公示期"), period),
            (_("异议受理单位"), data["office"]),
            (_("受理电话"), data["phone"]),
            (_("受理地址"), data["address"]),
        ],
        consequence=_(
            "发布后名单和公示期立即在公开页面显示，不能撤回；公示期间公众可对名单中的对象提出异议。"
        ),
        selection=selection,
        hidden=[
            ("action", "notice"),
            ("starts_on", selection["starts_on"]),
            ("office", data["office"]),
            ("phone", data["phone"]),
            ("address", data["address"]),
            *(("pk", pk) for pk in selection["pks"]),
        ],
        button=_("确认发布公示"),
        cancel=reverse("selection:final", args=[programme.pk]),
    )


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
    # What publishing takes: everyone still on notice (no batch can open unseen meanwhile, as a new
    # batch's running period would stop the publication).
    rows = list(
        Candidacy.objects.filter(programme=programme, state=State.NOTICE)
        .select_related("organisation")
        .order_by("rank", "id")
    )
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("公布表彰名单"),
            "question": _("确认公布“%(programme)s”的表彰名单？公布后名单将在公开页面显示。")
            % {"programme": programme.label},
            "rows": rows,
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
            done = _("已撤销“%(name)s”的荣誉。") % {"name": candidacy.name}
            messages.success(request, mark_user_data(done, candidacy.name))
            return redirect("selection:final", pk=programme.pk)
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("撤销荣誉"),
            "question": _("确认撤销“%(name)s”（%(unit)s）的“%(award)s”荣誉？撤销后将从所有公开页面撤下。")
            % {"name": candidacy.name, "unit": candidacy.unit, "award": programme.award_label},
            "user_data": [candidacy.name, candidacy.unit],
            "form": form,
            "button": _("确认撤销"),
            "cancel": reverse("selection:final", args=[programme.pk]),
        },
    )


# --- objection cases ------------------------------------------------------------------------------


@permission("objection", "list")
def objection_list(request):
    filters = ObjectionFilter(request.GET or None, queryset=objections_for(request.user))
    page = Paginator(filters.qs, 25).get_page(request.GET.get("page"))
    return render(request, "selection/objection_list.html", {"form": filters.form, "page": page})


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
            selection = {
                "step": "objection",
                "objection": objection.pk,
                "outcome": form.cleaned_data["outcome"],
                "findings": _text(form.cleaned_data["findings"]),
            }
            if "confirm" not in request.POST:
                return _objection_confirm(request, objection, selection)
            confirm = ConfirmForm(request.POST, user=request.user, selection=selection)
            if not confirm.is_valid():
                form.add_error(None, confirm.error())
                return _objection_page(request, objection, form=form)
            try:
                services.objection_decide(
                    actor=request.user,
                    pk=objection.pk,
                    upheld=selection["outcome"] == "upheld",
                    findings=selection["findings"],
                )
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("异议 %(no)s 已办结。") % {"no": objection.receipt_no})
                return redirect("selection:objection", pk=objection.pk)
    return _objection_page(request, objection, form=form)


def _objection_confirm(request, objection, selection):
    figures = {"no": objection.receipt_no, "name": objection.candidacy.name}
    if selection["outcome"] == "upheld":
        question = _("认定异议 %(no)s 成立：“%(name)s”将从公示名单中撤下，不予表彰。") % figures
    else:
        question = _("认定异议 %(no)s 不成立：“%(name)s”继续公示。") % figures
    return _confirm_page(
        request,
        title=_("确认办结异议"),
        question=question,
        rows=[objection.candidacy],
        facts=[(_("调查核实情况"), selection["findings"])],
        consequence=_("办结后不能更改，处理结果将告知反映人。"),
        selection=selection,
        hidden=[("outcome", selection["outcome"]), ("findings", selection["findings"])],
        button=_("确认办结"),
        cancel=reverse("selection:objection", args=[objection.pk]),
    )


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


@permission("allocation", "change")
@require_http_methods(["GET", "POST"])
def allocations(request, pk):
    """A union's staff set the quotas of the unions below it (within what it holds), beside each one's
    figures: held, allocated below, left to allocate, used."""
    programme = get_object_or_404(Programme.objects.select_related("campaign"), pk=pk)
    orgs = [o for o in staff_organisations(request.user) if quota_of(programme, o) is not None]
    if not orgs:
        messages.info(
            request,
            _("您所在的工会没有获得“%(programme)s”的名额，无需向下分配。") % {"programme": programme.label},
        )
        return redirect("selection:review")
    try:
        organisation = next(o for o in orgs if o.pk == int(request.GET.get("org") or orgs[0].pk))
    except (StopIteration, ValueError):
        raise Http404 from None
    children = allocation_children(programme, organisation)
    own, rows = allocation_figures(programme, organisation, children)
    current = {row.organisation.pk: row.held for row in rows if row.held is not None}
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
    for row in rows:
        row.field = form.field_for(row.organisation)
    return render(
        request,
        "selection/allocations.html",
        {
            "programme": programme,
            "organisation": organisation,
            "orgs": orgs,
            "form": form,
            "own": own,
            "rows": rows,
            "review_url": reverse("selection:review")
            + "?"
            + urlencode({"programme": programme.pk, "org": organisation.pk})
            if organisation.level in programme.review_levels
            else None,
        },
    )
