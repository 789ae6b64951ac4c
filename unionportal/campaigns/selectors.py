"""Reads: the current campaign, milestone progress in a user's subtree, activity reports in scope."""

from datetime import date, timedelta

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from unionportal import permissions
from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Membership, Organisation

from .enums import ReportState
from .models import ActivityReport, Campaign, Milestone, MilestoneCompletion

# A milestone shows on the home page's "waiting for you" list this many days before it is due.
TODO_HORIZON_DAYS = 14


def current_campaign() -> Campaign | None:
    return Campaign.objects.filter(is_current=True).first()


# --- milestones -----------------------------------------------------------------------------------------


def _responsible_q(level, milestone_pk) -> Q:
    """Organisations responsible for a milestone given (possibly outer-referenced) level and pk."""
    explicit = Milestone.organisations.through.objects.filter(milestone_id=milestone_pk).values(
        "organisation_id"
    )
    return Q(is_active=True) & (Q(level=level) | Q(pk__in=explicit))


def responsible_organisations(milestone: Milestone) -> QuerySet[Organisation]:
    """The explicit organisations plus every active organisation of the milestone's level."""
    return Organisation.objects.filter(_responsible_q(milestone.responsible_level, milestone.pk))


class _Count(Subquery):
    """COUNT(*) of a queryset as a scalar subquery (no GROUP BY)."""

    output_field = IntegerField()

    def __init__(self, queryset, **kwargs):
        queryset = queryset.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")
        super().__init__(queryset, **kwargs)


def milestones_with_progress(user, campaign: Campaign, *, today: date) -> list[Milestone]:
    """The campaign's milestones, each with ``responsible_count`` and ``done_count`` for the responsible
    organisations in ``user``'s scope, and ``overdue`` (past due with one of them not done). One query."""
    in_scope = Organisation.objects.filter(permissions.scope_q(user, "milestone", "list", "path"))
    responsible = in_scope.filter(_responsible_q(OuterRef("responsible_level"), OuterRef(OuterRef("pk"))))
    done = responsible.filter(
        Exists(
            MilestoneCompletion.objects.filter(
                milestone_id=OuterRef(OuterRef("pk")), organisation_id=OuterRef("pk")
            )
        )
    )
    milestones = list(
        campaign.milestones.annotate(
            responsible_count=Coalesce(_Count(responsible), 0),
            done_count=Coalesce(_Count(done), 0),
        )
        .prefetch_related("organisations")
        .order_by("due_on", "id")
    )
    for m in milestones:
        m.overdue = m.due_on < today and m.done_count < m.responsible_count
        m.percent = round(100 * m.done_count / m.responsible_count) if m.responsible_count else 0
    return milestones


def milestone_status(user, milestone: Milestone, *, today: date) -> QuerySet[Organisation]:
    """The responsible organisations in ``user``'s scope, each with ``done_at`` / ``done_by_name`` (None
    when not done) and ``overdue``; not done first, then by tree order."""
    completions = MilestoneCompletion.objects.filter(milestone=milestone, organisation_id=OuterRef("pk"))
    return (
        responsible_organisations(milestone)
        .filter(permissions.scope_q(user, "milestone", "open", "path"))
        .annotate(
            done_at=Subquery(completions.values("done_at")[:1]),
            done_by_name=Subquery(completions.values("done_by__username")[:1]),
            done_note=Subquery(completions.values("note")[:1]),
        )
        .order_by(F("done_at").asc(nulls_first=True), "path")
    )


def own_staff_organisations(user) -> list[Organisation]:
    """The organisations where ``user`` holds the staff role themselves (not their subtrees)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.active().filter(user=user, role=Role.STAFF).values("organisation_id")
        ).order_by("path")
    )


def pending_milestones_for(
    user, *, today: date, campaign: Campaign | None = None
) -> list[tuple[Milestone, Organisation]]:
    """(milestone, organisation) pairs of the current campaign due within TODO_HORIZON_DAYS or overdue,
    that one of ``user``'s own staff organisations is responsible for and has not done."""
    campaign = campaign or current_campaign()
    orgs = own_staff_organisations(user)
    if campaign is None or not orgs:
        return []
    milestones = list(
        campaign.milestones.filter(due_on__lte=today + timedelta(days=TODO_HORIZON_DAYS)).prefetch_related(
            "organisations"
        )
    )
    if not milestones:
        return []
    done = set(
        MilestoneCompletion.objects.filter(milestone__in=milestones, organisation__in=orgs).values_list(
            "milestone_id", "organisation_id"
        )
    )
    pairs = []
    for m in milestones:
        explicit = {o.pk for o in m.organisations.all()}
        for org in orgs:
            responsible = org.is_active and (org.level == m.responsible_level or org.pk in explicit)
            if responsible and (m.pk, org.pk) not in done:
                pairs.append((m, org))
    return pairs


# --- activity reports -----------------------------------------------------------------------------------


def access_report(user, pk, *, action: str = "open", for_update: bool = False) -> ActivityReport:
    """The report ``pk`` if ``user`` may take ``action`` on it (role and scope), else Http404."""
    rows = ActivityReport.objects.visible_to(user, action)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    report = rows.select_related("organisation", "campaign").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def reports_of(user, organisation: Organisation):
    """An organisation's own reports (the reporting union's list)."""
    return (
        ActivityReport.objects.visible_to(user, "change")
        .filter(organisation=organisation)
        .order_by("-updated_at", "-id")
    )


def reporting_organisations(user) -> list[Organisation]:
    """Grassroots unions in which ``user`` may write reports (submitter or staff of that union)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(
            level=Level.GRASSROOTS,
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(user=user, role__in=[Role.SUBMITTER, Role.STAFF])
            .values("organisation_id"),
        ).order_by("path")
    )


def is_reviewer(user) -> bool:
    """Staff who review what the unions below them report (the matrix's "review" row)."""
    return permissions.may(user, "activity_report", "review")


def review_queue(user, campaign: Campaign | None):
    """Submitted reports strictly below the user's staff organisations (ancestors review, not the union)."""
    rows = ActivityReport.objects.visible_to(user, "review").filter(state=ReportState.SUBMITTED)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return rows.select_related("organisation").order_by("updated_at", "id")


def gallery(user, campaign: Campaign | None, *, organisation_id=None):
    """Accepted reports in the user's scope, newest activity first, photos prefetched."""
    rows = ActivityReport.objects.visible_to(user, "list").filter(state=ReportState.ACCEPTED)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if organisation_id:
        rows = rows.filter(organisation_id=organisation_id)
    return rows.select_related("organisation").prefetch_related("photos").order_by("-date", "-id")


def report_counts(user, campaign: Campaign | None) -> list[dict]:
    """Per reporting organisation in the user's scope: reports per state and participants (one query)."""
    rows = ActivityReport.objects.visible_to(user, "list").exclude(state=ReportState.DRAFT)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return list(
        rows.values("organisation_id", "organisation__name", "organisation__path")
        .annotate(
            submitted=Count("pk", filter=Q(state=ReportState.SUBMITTED)),
            accepted=Count("pk", filter=Q(state=ReportState.ACCEPTED)),
            returned=Count("pk", filter=Q(state=ReportState.RETURNED)),
            total=Count("pk"),
            participants=Coalesce(Sum("participants"), 0),
        )
        .order_by("organisation__path")
    )


def last_return_reason(report: ActivityReport) -> str:
    """The reason given when the report was last returned (from the audit trail)."""
    event = (
        AuditEvent.objects.filter(
            action="campaigns.activity_report.transition",
            object_id=str(report.pk),
            to_state=ReportState.RETURNED,
        )
        .order_by("-at", "-id")
        .first()
    )
    return event.comment if event else ""


def report_history(report: ActivityReport):
    """The report's audit trail in words, oldest first."""
    from unionportal.audit.presenting import describe

    return describe(
        AuditEvent.objects.filter(action__startswith="campaigns.activity_report.", object_id=str(report.pk))
        .select_related("actor", "content_type")
        .order_by("at", "id")
    )
