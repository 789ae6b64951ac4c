"""Household pages of the ledger: list, file, record, edit, moves along the path, measures, plan, review.

Thin: each view parses input, calls one selector or service and renders. Every view fetches the
household through ``access_household`` first, so a record outside the user's scope answers 404 whatever
is posted. ID numbers and phones are masked on every page; revealing one is a logged action."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from unionportal import fragments
from unionportal.audit.models import AuditEvent
from unionportal.audit.presenting import describe
from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.i18n import mark_user_data
from unionportal.pagination import page_by_key
from unionportal.permissions import permission

from . import services, services_plans, workflows
from .enums import ACTIVE_STATES, FILED_STATES, Category, HouseholdState
from .forms import (
    HouseholdFilterForm,
    HouseholdForm,
    MeasureForm,
    MemberFormSet,
    PlanItemForm,
    RevealForm,
    TransitionForm,
    YearlyReviewForm,
    add_service_errors,
    member_formset_helper,
    member_initial,
)
from .models import HOUSEHOLD_TOPIC, Household, YearlyReview
from .selectors import access_household, enterprises_for_filing, household_list_groups, households_for

PAGE_SIZE = 25
MEMBERS_PREFIX = "members"
HISTORY_LIMIT = 100

# The button on the record for each move along the path.
MOVE_LABELS = {
    HouseholdState.VERIFIED: gettext_lazy("入户核实完成"),
    HouseholdState.APPRAISED: gettext_lazy("民主评议通过"),
    HouseholdState.NOTICED: gettext_lazy("单位公示完成"),
    HouseholdState.FILED: gettext_lazy("建档立卡"),
    HouseholdState.ASSISTED: gettext_lazy("转入帮扶"),
    HouseholdState.ESCAPED: gettext_lazy("认定脱困"),
    HouseholdState.EXITED: gettext_lazy("退档"),
    HouseholdState.REJECTED: gettext_lazy("不予建档"),
}
CLOSING_MOVES = {HouseholdState.ESCAPED, HouseholdState.EXITED, HouseholdState.REJECTED}
# The badge colour of each category and state, on the list and on the record.
CATEGORY_BADGES = {
    Category.DEEP: "text-bg-danger",
    Category.RELATIVE: "text-bg-warning",
    Category.ACCIDENT: "text-bg-primary",
}
STATE_BADGES = {
    HouseholdState.FILED: "text-bg-success",
    HouseholdState.ASSISTED: "text-bg-success",
    HouseholdState.ESCAPED: "text-bg-info",
    HouseholdState.EXITED: "text-bg-secondary",
    HouseholdState.REJECTED: "text-bg-secondary",
}
REVEAL_FIELD_LABELS = {"id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号")}


# --- list -----------------------------------------------------------------------------------------------


def _badged(households):
    """Each household with its category's and state's label and badge class, for the list and the record.

    The labels are looked up once per page: ``get_FOO_display`` flattens the field's choices on every
    call, which on a list of 25 costs more than the rest of the row."""
    categories = {value: str(label) for value, label in Category.choices}
    states = {value: str(label) for value, label in HouseholdState.choices}
    for h in households:
        h.category_label = categories.get(h.category, h.category)
        h.category_badge = CATEGORY_BADGES.get(h.category, "text-bg-light border")
        h.state_label = states.get(h.state, h.state)
        h.state_badge = STATE_BADGES.get(h.state, "text-bg-warning")
    return households


@permission("household", "list")
def household_list(request):
    """The households the user may see, filtered; ID numbers and phones masked. Constant query count.

    The body (filters, count, rows, pages) is a cached fragment: rendered again only once a household
    in the user's scope, or a name shown beside one, has changed (``unionportal.fragments``)."""
    paths = fragments.scope_paths(request.user, "household", "list")
    body = fragments.cached(
        request, "household_list", HOUSEHOLD_TOPIC, paths, lambda: _household_list_body(request)
    )
    return render(request, "assistance/household_list.html", {"body": body})


def _household_list_body(request) -> str:
    user = request.user
    visible = households_for(user)
    # The drive enterprises the user covers (households are filed only for those): bounded by the
    # enterprises in scope, where "enterprises with a visible household" would read every household.
    # (pk, name) rows, not model instances: a county covers a hundred enterprises.
    enterprises = list(enterprises_for_filing(user).order_by("name").values_list("pk", "name", named=True))
    form = HouseholdFilterForm(request.GET or None, enterprises=enterprises)
    # select_related rather than an annotation: the capped count then reads the households alone.
    rows = visible.select_related("enterprise__assistance_drive", "cadre")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            rows = rows.filter(worker_name__icontains=data["q"].strip())
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["category"]:
            rows = rows.filter(category=data["category"])
        if data["enterprise"]:
            rows = rows.filter(enterprise_id=data["enterprise"])
        if data["capacity_cutting"] == "1":
            rows = rows.filter(enterprise__assistance_drive__capacity_cutting=True)
        elif data["capacity_cutting"] == "0":
            rows = rows.exclude(enterprise__assistance_drive__capacity_cutting=True)
    # A county's page is read organisation by organisation (pagination.NewestPerGroup). With the state
    # filter each organisation's lookup stays index-only (household_scope_state_recent); category,
    # enterprise and capacity-cutting are checked on the rows each lookup visits, about 25 ÷ the filter's
    # share per organisation, which does not grow with the data, so they get no index of their own. A name
    # search matches few and reads the county's households whole, as any unindexed search would.
    page = page_by_key(
        rows, ("-created_at", "-id"), PAGE_SIZE, request.GET.get("page"), groups=household_list_groups(user)
    )
    _badged(page.object_list)
    return render_to_string(
        "assistance/household_list_body.html",
        {"form": form, "page": page, "can_file": bool(enterprises)},
        request,
    )


# --- filing and editing ---------------------------------------------------------------------------------


def _render_form(request, form, formset, *, title, household=None):
    return render(
        request,
        "assistance/household_form.html",
        {
            "form": form,
            "formset": formset,
            "member_helper": member_formset_helper(),
            "title": title,
            "household": household,
        },
    )


@permission("household", "change")
@require_http_methods(["GET", "POST"])
def household_create(request):
    """File a household (state "applied") for an enterprise the user covers; the category is derived."""
    if not enterprises_for_filing(request.user).exists():
        messages.error(request, _("您没有可以建档的帮扶企业。"))
        return redirect("assistance:households")
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, user=request.user)
    formset = MemberFormSet(data, prefix=MEMBERS_PREFIX)
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        try:
            household = services.household_create(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                members=formset.members(),
                claimed_category=form.cleaned_data["claimed_category"],
                **form.service_fields(),
            )
        except PermissionDenied as error:
            form.add_error("enterprise", str(error) or _("该企业不在您的帮扶范围内。"))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已提交 %(name)s 家的建档申请：%(category)s。请在 %(due)s 前入户核实。")
                % {
                    "name": household.worker_name,
                    "category": household.get_category_display(),
                    "due": household.verify_due_on.isoformat(),
                },
            )
            return redirect("assistance:household", pk=household.pk)
    return _render_form(request, form, formset, title=_("困难职工建档"))


@permission("household", "change")
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    """Edit an open file and its members; the category is derived again (services.household_update)."""
    household = access_household(request.user, pk, action="change")
    if household.state not in ACTIVE_STATES:
        messages.error(request, _("已脱困或已退档的档案不能再修改。"))
        return redirect("assistance:household", pk=household.pk)
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, user=request.user, household=household)
    formset = MemberFormSet(data, prefix=MEMBERS_PREFIX, initial=member_initial(household))
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        try:
            services.household_update(
                actor=request.user,
                household=household,
                members=formset.members(),
                claimed_category=form.cleaned_data["claimed_category"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("档案已保存：%(category)s。") % {"category": household.get_category_display()},
            )
            return redirect("assistance:household", pk=household.pk)
    return _render_form(
        request,
        form,
        formset,
        title=_("修改档案：%(name)s") % {"name": household.worker_name},
        household=household,
    )


# --- the record -----------------------------------------------------------------------------------------


def _history(household: Household):
    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Household), object_id=str(household.pk)
        )
        .select_related("actor", "content_type")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    return describe(events)


def _open_review(household: Household) -> YearlyReview | None:
    return YearlyReview.objects.filter(household=household, done_on__isnull=True).order_by("-year").first()


def _moves(household: Household, user) -> list[dict]:
    moves = []
    for edge in workflows.HOUSEHOLD_WORKFLOW.available(household, user):
        # A filed household becomes "assisted" by recording its first measure (the form on this page),
        # so a bare button that claims help was given without any is not offered.
        if edge.target == HouseholdState.ASSISTED:
            continue
        moves.append(
            {
                "to": edge.target,
                "label": MOVE_LABELS.get(edge.target, workflows.HOUSEHOLD_WORKFLOW.label(edge.target)),
                "needs_comment": edge.needs_comment,
                "closing": edge.target in CLOSING_MOVES,
            }
        )
    return moves


def _render_detail(request, household: Household, *, reveal_form=None, revealed=None):
    user = request.user
    reveal_form = reveal_form or RevealForm()
    reveal_form.helper.form_action = reverse("assistance:household_reveal", args=[household.pk])
    measure_form = MeasureForm()
    measure_form.helper.form_action = reverse("assistance:measure_create", args=[household.pk])
    plan_form = PlanItemForm()
    plan_form.helper.form_action = reverse("assistance:plan_item_create", args=[household.pk])
    review = _open_review(household) if household.state in FILED_STATES else None
    can_review = review is not None and workflows.is_cadre_or_staff(user, household)
    moves = _moves(household, user)
    _badged([household])
    return render(
        request,
        "assistance/household_detail.html",
        {
            "household": household,
            "members": list(household.members.all()),
            "measures": list(household.measures.select_related("recorded_by")),
            "plan_items": list(household.plan_items.all()),
            "today": timezone.localdate(),
            "history": _history(household),
            "moves": moves,
            "plain_moves": [m for m in moves if not m["needs_comment"]],
            "reason_moves": [m for m in moves if m["needs_comment"]],
            "can_edit": household.state in ACTIVE_STATES,
            "can_add_measure": household.state in FILED_STATES,
            "can_plan": household.state in ACTIVE_STATES,
            "measure_form": measure_form,
            "plan_form": plan_form,
            "review": review if can_review else None,
            "reveal_form": reveal_form,
            "revealed": revealed,
            "is_none": household.category == Category.NONE,
        },
    )


@permission("household", "open")
def household_detail(request, pk):
    household = access_household(request.user, pk)
    return _render_detail(request, household)


@never_cache
@permission("household", "reveal")
@require_POST
def household_reveal(request, pk):
    """Show the full ID number or phone once, on this response only, and log who saw it and why."""
    household = access_household(request.user, pk, action="reveal")
    form = RevealForm(request.POST)
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = reveal(actor=request.user, obj=household, field=field, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            revealed = {"field": field, "label": REVEAL_FIELD_LABELS[field], "value": value or "—"}
            return _render_detail(request, household, revealed=revealed)
    return _render_detail(request, household, reveal_form=form)


@permission("household", "change")
@require_POST
def household_transition(request, pk):
    """One move along the path; refused moves come back as a message on the record, never a 500."""
    household = access_household(request.user, pk, action="change")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if form.has_error("comment"):
            messages.error(request, _("理由不能超过 300 个字。"))
        else:
            messages.error(request, _("操作无效，请刷新页面后再试。"))
        return redirect("assistance:household", pk=household.pk)
    to = form.cleaned_data["to"]
    try:
        household = workflows.household_transition(
            actor=request.user,
            household_id=household.pk,
            to=to,
            comment=form.cleaned_data["comment"],
            expected_from=form.cleaned_data["expected_from"] or None,
        )
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        done = _("%(name)s 家：%(state)s。") % {
            "name": household.worker_name,
            "state": household.get_state_display(),
        }
        messages.success(request, mark_user_data(done, household.worker_name))
    return redirect("assistance:household", pk=household.pk)


# --- measures, plan, yearly review ----------------------------------------------------------------------


def _record_url(household: Household, anchor: str) -> str:
    return reverse("assistance:household", args=[household.pk]) + f"#{anchor}"


@permission("household", "change")
@require_http_methods(["GET", "POST"])
def measure_create(request, pk):
    """Record help given to a filed household; the first one moves it to "assisted"."""
    household = access_household(request.user, pk, action="change")
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_add(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已登记帮扶措施。"))
            return redirect(_record_url(household, "measures"))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("登记帮扶措施"),
            "intro": _("%(name)s 家（%(state)s）")
            % {"name": household.worker_name, "state": household.get_state_display()},
        },
    )


@permission("household", "change")
@require_http_methods(["GET", "POST"])
def plan_item_create(request, pk):
    household = access_household(request.user, pk, action="change")
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_add(
                actor=request.user,
                household=household,
                action=form.cleaned_data["action"],
                follow_up_on=form.cleaned_data["follow_up_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已添加帮扶计划，到期将提醒责任干部。"))
            return redirect(_record_url(household, "plan"))
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("添加帮扶计划"),
            "intro": _("%(name)s 家") % {"name": household.worker_name},
        },
    )


@permission("household", "change")
@require_POST
def plan_item_done(request, pk, item_pk):
    household = access_household(request.user, pk, action="change")
    item, marked = services_plans.plan_item_mark_done(
        actor=request.user, household=household, item_id=item_pk
    )
    if marked:
        messages.success(request, _("已标记完成：%(action)s") % {"action": item.action})
    else:
        messages.info(request, _("该帮扶计划已于 %(date)s 完成。") % {"date": item.done_on.isoformat()})
    return redirect(_record_url(household, "plan"))


@permission("household", "change")
@require_http_methods(["GET", "POST"])
def yearly_review(request, pk):
    """The cadre confirms or changes the category of a filed household for this year's open review.

    The category is derived again from the current thresholds through services.household_update; a
    chosen category that contradicts it is refused with the explanation."""
    household = access_household(request.user, pk, action="change")
    review = _open_review(household) if household.state in FILED_STATES else None
    if review is None:
        messages.info(request, _("该家庭目前没有待完成的年度复核。"))
        return redirect("assistance:household", pk=household.pk)
    if not workflows.is_cadre_or_staff(request.user, household):
        raise PermissionDenied(_("年度复核由责任干部或上级工会工作人员完成。"))
    try:
        now = services.categorise(
            organisation=household.organisation,
            per_capita=household.per_capita_income,
            causes=household.causes,
            sudden_cause_on=household.sudden_cause_on,
        )
    except ValidationError:
        now = None
    form = YearlyReviewForm(
        request.POST or None, initial={"category": now.category if now else household.category}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_plans.yearly_review_complete(
                actor=request.user,
                household=household,
                review_id=review.pk,
                claimed_category=form.cleaned_data["category"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已完成 %(year)d 年度复核：%(category)s。")
                % {"year": review.year, "category": household.get_category_display()},
            )
            return redirect("assistance:household", pk=household.pk)
    intro = _("%(name)s 家，%(year)d 年度复核。复核前类别：%(before)s。") % {
        "name": household.worker_name,
        "year": review.year,
        "before": review.get_category_before_display(),
    }
    if now is not None:
        intro += " " + _("按当前标准：%(why)s") % {"why": now.explanation}
    return render(request, "form_page.html", {"form": form, "title": _("年度复核"), "intro": intro})
