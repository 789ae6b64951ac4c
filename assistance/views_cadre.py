"""Cadre-side pages of the ledger: the dashboard, the visit log and the hardship lines (低保线 and k).

Thin: each view parses input, calls one selector or service and renders. Records outside the user's
scope answer 404; pages meant for cadres and staff answer 403 to everyone else.

``services.threshold_set`` and ``services.households_recategorise`` are the one write path for thresholds (this page and
the admin both call them); they belong in services.py and live here only while that file is owned by
another change.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal import permissions
from unionportal.permissions import permission
from unionportal.uploads.services import UploadRejected

from . import selectors, services
from .enums import Category, HouseholdState
from .forms_cadre import ThresholdForm, VisitFilterForm, VisitForm
from .models import DriveEnterprise, Threshold, Visit

VISITS_PER_PAGE = 20
THRESHOLDS_PER_PAGE = 50
RECENT_VISITS = 5
CENTS = Decimal("0.01")
# Above this many enterprises the visit filter asks for a name instead of offering a list.
ENTERPRISE_SELECT_LIMIT = 200


# --- who may use these pages ---------------------------------------------------------------------------


def is_ledger_staff(user) -> bool:
    """Staff (or org admins) of a subtree: the matrix reaches their drive enterprises by subtree."""
    return permissions.reaches(user, "drive_enterprise", "list", permissions.SUBTREE, permissions.PROVINCE)


def is_ledger_cadre(user) -> bool:
    """A cadre: the role that reaches the enterprises paired with them (a pairing alone grants nothing)."""
    return permissions.reaches_own(user, "drive_enterprise", "list")


def _ledger_roles(user) -> tuple[bool, bool]:
    return is_ledger_staff(user), is_ledger_cadre(user)


# --- dashboard ------------------------------------------------------------------------------------------


def _state_counts(households) -> list[tuple[str, str, int]]:
    counts = dict(households.values_list("state").annotate(n=Count("pk")).order_by())
    return [(s.value, s.label, counts.get(s.value, 0)) for s in HouseholdState]


def _category_state_table(households) -> dict:
    """Households by state (rows) and category (columns) in one aggregate query, with totals.

    States run down and the four categories across, so that the table fits a phone without stacking.
    """
    cells = {
        (category, state): n
        for category, state, n in households.values_list("category", "state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    categories = list(Category)
    rows = []
    for state in HouseholdState:
        counts = [(c, cells.get((c.value, state.value), 0)) for c in categories]
        rows.append({"state": state, "cells": counts, "total": sum(n for _c, n in counts)})
    totals = [(c, sum(row["cells"][i][1] for row in rows)) for i, c in enumerate(categories)]
    return {"categories": categories, "rows": rows, "totals": totals, "total": sum(n for _c, n in totals)}


@permission("drive_enterprise", "list")
def dashboard(request):
    """Cadres: their enterprises, their households by state, recent visits. Staff: their subtree's counts."""
    user = request.user
    staff, cadre = _ledger_roles(user)
    context = {"is_staff": staff, "is_cadre": cadre}
    if cadre:
        last_visit = Visit.objects.filter(drive_enterprise=OuterRef("pk")).order_by("-visited_on")
        enterprises = list(
            selectors.cadre_enterprises(user)
            .annotate(last_visited_on=Subquery(last_visit.values("visited_on")[:1]))
            .order_by("-capacity_cutting", "enterprise__name")
        )
        enterprise_ids = [d.enterprise_id for d in enterprises]
        context.update(
            enterprises=enterprises,
            cadre_states=_state_counts(
                selectors.households_for(user).filter(enterprise_id__in=enterprise_ids)
            ),
            recent_visits=list(
                selectors.visits_for(user)
                .filter(drive_enterprise__in=[d.pk for d in enterprises])
                .annotate(photo_count=Count("photos"))
                .order_by("-visited_on", "-id")[:RECENT_VISITS]
            ),
        )
    if staff:
        since = timezone.localdate() - timedelta(days=30)
        drives = DriveEnterprise.objects.visible_to(user)
        context.update(
            table=_category_state_table(selectors.households_for(user)),
            drive_counts=drives.aggregate(
                total=Count("pk"), capacity_cutting=Count("pk", filter=Q(capacity_cutting=True))
            ),
            visit_counts=selectors.visits_for(user).aggregate(
                recent=Count("pk", filter=Q(visited_on__gte=since)),
                follow_up=Count("pk", filter=Q(follow_up_needed=True, visited_on__gte=since)),
            ),
        )
    return render(request, "assistance/cadre_dashboard.html", context)


# --- visits ---------------------------------------------------------------------------------------------


def _add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(key if key in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@permission("visit", "change")
@require_http_methods(["GET", "POST"])
def visit_create(request):
    """A cadre logs a visit to one of their enterprises, with up to nine photos."""
    enterprises = list(selectors.cadre_enterprises(request.user).order_by("enterprise__name"))
    if not enterprises:
        messages.error(request, _("您还没有结对帮扶的企业，不能登记走访。请联系所在县级工会结对。"))
        return redirect("assistance:dashboard")
    queryset = DriveEnterprise.objects.filter(pk__in=[d.pk for d in enterprises]).select_related("enterprise")
    initial = {}
    chosen = request.GET.get("enterprise", "")
    if chosen.isdigit() and int(chosen) in {d.pk for d in enterprises}:
        initial["drive_enterprise"] = int(chosen)
    form = VisitForm(request.POST or None, request.FILES or None, enterprises=queryset, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_log(
                actor=request.user,
                drive_enterprise=form.cleaned_data["drive_enterprise"],
                photos=form.cleaned_data["photos"],
                **form.service_fields(),
            )
        except PermissionDenied as error:
            form.add_error("drive_enterprise", str(error))
        except UploadRejected as error:
            form.add_error("photos", error.message)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, _("走访记录已保存。"))
            return redirect("assistance:visit", pk=visit.pk)
    return render(request, "assistance/visit_form.html", {"form": form})


@permission("visit", "list")
def visit_list(request):
    """Visits the user may see (their enterprises, or their subtree), newest first, by enterprise."""
    _staff, cadre = _ledger_roles(request.user)
    # Meta.ordering does not apply to a query with GROUP BY: order explicitly.
    visits = (
        selectors.visits_for(request.user)
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_on", "-id")
    )
    enterprises = DriveEnterprise.objects.visible_to(request.user).select_related("enterprise")
    many = enterprises.count() > ENTERPRISE_SELECT_LIMIT
    filters = VisitFilterForm(request.GET or None, enterprises=enterprises, by_name=many)
    if filters.is_valid():
        if filters.cleaned_data.get("enterprise"):
            visits = visits.filter(drive_enterprise=filters.cleaned_data["enterprise"])
        if filters.cleaned_data.get("q"):
            visits = visits.filter(drive_enterprise__enterprise__name__icontains=filters.cleaned_data["q"])
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/visit_list.html",
        {"page": page, "filters": filters, "can_log": cadre},
    )


@permission("visit", "open")
def visit_detail(request, pk):
    visit = get_object_or_404(selectors.visits_for(request.user), pk=pk)
    return render(
        request, "assistance/visit_detail.html", {"visit": visit, "photos": list(visit.photos.all())}
    )


# --- thresholds -----------------------------------------------------------------------------------------


def _with_thresholds(organisations) -> list:
    """Each organisation with its own lines (``own``) and the lines in force (``effective``): its own,
    else its nearest ancestor's; one query for the whole page."""
    organisations = list(organisations)
    prefixes = {
        org.path[:i] for org in organisations for i in range(org.steplen, len(org.path) + 1, org.steplen)
    }
    by_path = {
        t.organisation.path: t
        for t in Threshold.objects.filter(organisation__path__in=prefixes).select_related(
            "organisation", "updated_by"
        )
    }
    for org in organisations:
        org.own = by_path.get(org.path)
        org.effective = next(
            (by_path[org.path[:i]] for i in range(len(org.path), 0, -org.steplen) if org.path[:i] in by_path),
            None,
        )
        org.relative_limit = (
            (org.effective.dibao_line * org.effective.relative_factor).quantize(CENTS)
            if org.effective
            else None
        )
    return organisations


@permission("threshold", "list")
def threshold_list(request):
    """Staff: the 低保 line and k of each county, city and the province in their subtree."""
    page = Paginator(selectors.threshold_organisations(request.user), THRESHOLDS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = _with_thresholds(page.object_list)
    top = min((org.depth for org in page.object_list), default=0)
    for org in page.object_list:
        # Indented under the top of the user's subtree, like the organisation admin's tree.
        org.indent = "\u2003" * (org.depth - top)  # em spaces: the page may be English
    return render(request, "assistance/threshold_list.html", {"page": page})


@permission("threshold", "change")
@require_http_methods(["GET", "POST"])
def threshold_edit(request, org_pk):
    organisation = get_object_or_404(selectors.threshold_organisations(request.user), pk=org_pk)
    (organisation,) = _with_thresholds([organisation])
    effective = organisation.effective
    instance = Threshold(organisation=organisation)
    if effective is not None:
        instance.dibao_line, instance.relative_factor = effective.dibao_line, effective.relative_factor
    if organisation.own is not None:
        instance.pk = organisation.own.pk  # the unique check on the organisation must not count itself
    form = ThresholdForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            _threshold, result = services.threshold_set(
                actor=request.user,
                organisation=organisation,
                dibao_line=form.cleaned_data["dibao_line"],
                relative_factor=form.cleaned_data["relative_factor"],
            )
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            report_recategorised(request, organisation, result)
            return redirect(reverse("assistance:thresholds"))
    return render(
        request,
        "assistance/threshold_form.html",
        {"form": form, "organisation": organisation, "effective": effective},
    )


def report_recategorised(request, organisation, result: services.Recategorised | None) -> None:
    if result is None:
        messages.info(request, _("%(org)s的标准没有变化。") % {"org": organisation.name})
        return
    messages.success(
        request,
        _("%(org)s的困难认定标准已保存：重新认定在档家庭 %(checked)d 户，其中 %(changed)d 户类别发生变化。")
        % {"org": organisation.name, "checked": result.checked, "changed": len(result.changed)},
    )
    for household, why in result.failed:
        messages.warning(
            request,
            _("%(household)s 未能重新认定：%(why)s") % {"household": household, "why": why},
        )
