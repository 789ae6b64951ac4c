"""Campaign pages: the calendar of milestones with progress, and grassroots activity reports.

Thin: each view parses input, calls one selector or service and renders. Records outside the user's
scope answer 404 (selectors and services raise it)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionportal.audit.transitions import TransitionError
from unionportal.i18n import mark_user_data
from unionportal.permissions import permission

from . import selectors, services
from .enums import ReportState
from .filters import GalleryFilter
from .forms import ActivityReportForm, MilestoneDoneForm, ReturnForm
from .models import Milestone
from .workflows import ACTIVITY_REPORT_WORKFLOW, is_reporting_member


def _nav(user) -> dict:
    return {
        "is_reviewer": selectors.is_reviewer(user),
        "can_report": bool(selectors.reporting_organisations(user)),
    }


@permission("milestone", "list")
def index(request):
    """The current campaign: its milestones with progress in the user's subtree."""
    campaign = selectors.current_campaign()
    today = timezone.localdate()
    milestones = selectors.milestones_with_progress(request.user, campaign, today=today) if campaign else []
    pending = selectors.pending_milestones_for(request.user, today=today, campaign=campaign)
    return render(
        request,
        "campaigns/index.html",
        {
            "campaign": campaign,
            "milestones": milestones,
            "pending": pending,
            "today": today,
            **_nav(request.user),
        },
    )


@permission("milestone", "open")
def milestone_detail(request, pk):
    """Per responsible organisation in the user's subtree: done or not; mark-done for the user's own."""
    milestone = get_object_or_404(Milestone.objects.select_related("campaign"), pk=pk)
    today = timezone.localdate()
    rows = selectors.milestone_status(request.user, milestone, today=today)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    own = {o.pk for o in selectors.own_staff_organisations(request.user)}
    for org in page.object_list:
        org.can_mark = org.pk in own and org.done_at is None
        org.overdue = org.done_at is None and milestone.due_on < today
    return render(
        request,
        "campaigns/milestone_detail.html",
        {"milestone": milestone, "page": page, "today": today, "overdue": milestone.due_on < today},
    )


@permission("milestone", "change")
@require_http_methods(["GET", "POST"])
def milestone_done(request, pk, org_pk):
    """Confirm, then record that one of the user's organisations has done the milestone."""
    milestone = get_object_or_404(Milestone, pk=pk)
    organisation = next((o for o in selectors.own_staff_organisations(request.user) if o.pk == org_pk), None)
    if organisation is None:
        raise Http404
    form = MilestoneDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_mark_done(
                actor=request.user,
                milestone_id=milestone.pk,
                organisation_id=organisation.pk,
                note=form.cleaned_data["note"],
            )
        except services.CampaignError as error:
            messages.error(request, error.message)
        else:
            done = _("已记录：%(org)s完成“%(title)s”。") % {
                "org": organisation.name,
                "title": milestone.title,
            }
            messages.success(request, mark_user_data(done, [organisation.name, milestone.title]))
        return redirect(milestone)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("标记完成"),
            "intro": _("确认%(org)s已完成工作节点“%(title)s”（截止日期 %(due)s）？标记后不能撤销。")
            % {"org": organisation.name, "title": milestone.title, "due": milestone.due_on.isoformat()},
            "user_data": [organisation.name, milestone.title],
        },
    )


# --- activity reports: the reporting union --------------------------------------------------------------


def _not_a_reporting_union(request):
    """Staff above the grassroots hold the "change" role but report nothing: send them to their queue."""
    messages.info(request, _("活动报告由基层工会填报；上级工会在审核页面查看下级报送的报告。"))
    return redirect("campaigns:review" if selectors.is_reviewer(request.user) else "home")


@permission("activity_report", "change")
def report_list(request):
    """The reporting union's own reports."""
    organisations = selectors.reporting_organisations(request.user)
    if not organisations:
        return _not_a_reporting_union(request)
    groups = [
        (org, list(selectors.reports_of(request.user, org).prefetch_related("photos")))
        for org in organisations
    ]
    return render(request, "campaigns/report_list.html", {"groups": groups, **_nav(request.user)})


@permission("activity_report", "change")
@require_http_methods(["GET", "POST"])
def report_create(request):
    organisations = selectors.reporting_organisations(request.user)
    if not organisations:
        return _not_a_reporting_union(request)
    form = ActivityReportForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.activity_report_create(
                actor=request.user,
                organisation_id=data["organisation"],
                photo_files=data.get("photos") or [],
                **{name: data[name] for name in services.REPORT_FIELDS},
            )
        except services.CampaignError as error:
            form.add_error(None, error.message)
        except services.UploadRejected as error:
            form.add_error("photos", error.message)
        else:
            messages.success(request, _("活动报告已保存为草稿，确认无误后请提交。"))
            return redirect(report)
    return render(request, "form_page.html", {"form": form, "title": _("填报活动报告")})


@permission("activity_report", "change")
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = selectors.access_report(request.user, pk, action="change")
    if not report.is_editable:
        messages.error(
            request, _("活动报告处于“%(state)s”状态，不能修改。") % {"state": report.get_state_display()}
        )
        return redirect(report)
    photos = list(report.photos.all())
    form = ActivityReportForm(request.POST or None, request.FILES or None, instance=report, photos=photos)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_report_update(
                actor=request.user,
                report_id=report.pk,
                photo_files=data.get("photos") or [],
                remove_photo_ids=data.get("remove_photos") or [],
                **{name: data[name] for name in services.REPORT_FIELDS},
            )
        except services.CampaignError as error:
            form.add_error(None, error.message)
        except services.UploadRejected as error:
            form.add_error("photos", error.message)
        else:
            messages.success(request, _("活动报告已保存。"))
            return redirect(report)
    return render(request, "form_page.html", {"form": form, "title": _("修改活动报告")})


@permission("activity_report", "open")
def report_detail(request, pk):
    report = selectors.access_report(request.user, pk)
    actions = {e.target for e in ACTIVITY_REPORT_WORKFLOW.available(report, request.user)}
    return render(
        request,
        "campaigns/report_detail.html",
        {
            "report": report,
            "photos": list(report.photos.all()),
            "history": selectors.report_history(report),
            "return_reason": selectors.last_return_reason(report)
            if report.state == ReportState.RETURNED
            else "",
            "can_edit": report.is_editable and is_reporting_member(request.user, report),
            "can_submit": ReportState.SUBMITTED in actions,
            "can_review": ReportState.ACCEPTED in actions,
            "can_return": ReportState.RETURNED in actions,
        },
    )


def _transition(request, pk, to, *, action: str, comment: str = "", done: str, next_url: str = ""):
    """Perform one workflow move; the state the user saw comes with the form (compare-and-set).

    A report the user may open but not move (``action``: "change" for its union, "review" above) is 404."""
    selectors.access_report(request.user, pk, action=action)
    try:
        report = services.activity_report_transition(
            actor=request.user,
            report_id=pk,
            to=to,
            comment=comment,
            expected_from=request.POST.get("state") or None,
        )
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("campaigns:report", pk=pk)
    messages.success(request, mark_user_data(done % {"title": report.title}, report.title))
    return redirect(next_url or report.get_absolute_url())


def _next_url(request) -> str:
    return reverse("campaigns:review") if request.POST.get("next") == "review" else ""


@permission("activity_report", "change")
@require_http_methods(["POST"])
def report_submit(request, pk):
    return _transition(
        request,
        pk,
        ReportState.SUBMITTED,
        action="change",
        done=_("活动报告《%(title)s》已提交，等待上级工会审核。"),
    )


@permission("activity_report", "review")
@require_http_methods(["POST"])
def report_accept(request, pk):
    return _transition(
        request,
        pk,
        ReportState.ACCEPTED,
        action="review",
        done=_("已采用活动报告《%(title)s》。"),
        next_url=_next_url(request),
    )


@permission("activity_report", "review")
@require_http_methods(["GET", "POST"])
def report_return(request, pk):
    """Ask for the reason, then return the report to its union."""
    report = selectors.access_report(request.user, pk, action="review")
    form = ReturnForm(
        request.POST or None, initial={"state": report.state, "next": request.GET.get("next", "")}
    )
    if request.method == "POST" and form.is_valid():
        return _transition(
            request,
            pk,
            ReportState.RETURNED,
            action="review",
            comment=form.cleaned_data["reason"],
            done=_("已退回活动报告《%(title)s》。"),
            next_url=_next_url(request),
        )
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("退回活动报告"),
            "intro": _("将%(org)s的活动报告《%(title)s》退回修改。")
            % {"org": report.organisation.name, "title": report.title},
            "user_data": [report.organisation.name, report.title],
        },
    )


# --- activity reports: upper levels ---------------------------------------------------------------------


@permission("activity_report", "review")
def report_overview(request):
    """Counts per reporting union in the user's subtree (one aggregate query)."""
    campaign = selectors.current_campaign()
    rows = selectors.report_counts(request.user, campaign)
    totals = {
        key: sum(r[key] for r in rows)
        for key in ("submitted", "accepted", "returned", "total", "participants")
    }
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/report_overview.html",
        {"campaign": campaign, "page": page, "totals": totals, **_nav(request.user)},
    )


@permission("activity_report", "review")
def report_gallery(request):
    """Accepted reports in the user's subtree, with photo thumbnails (paginated)."""
    campaign = selectors.current_campaign()
    rows = GalleryFilter(request.GET, queryset=selectors.gallery(request.user, campaign)).qs
    page = Paginator(rows, 12).get_page(request.GET.get("page"))
    return render(
        request, "campaigns/report_gallery.html", {"campaign": campaign, "page": page, **_nav(request.user)}
    )


@permission("activity_report", "review")
def review_queue(request):
    """Submitted reports below the user's organisations, oldest first, with accept / return."""
    rows = selectors.review_queue(request.user, selectors.current_campaign())
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "campaigns/review_queue.html", {"page": page, **_nav(request.user)})
