"""The expert review's "waiting for you" items: an expert's candidates to declare on and to score (while
scoring is open), a chair's flagged spreads, province staff's candidates still short of experts."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from . import selectors
from .enums import ACTIVE_STATES, AssignmentState, ScoreStatus
from .models import Assignment, ExpertStage, Panel


def expert_todos(user) -> list[Todo]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    now = timezone.now()
    if permissions.may(user, "expert_assignment", "list"):  # experts (chairs are experts too)
        items += _assigned_and_chaired(user, now)
    if permissions.is_province_staff(user):
        items += _stages_running(now)
    return items


def _assigned_and_chaired(user, now) -> list[Todo]:
    items = []
    mine = Assignment.objects.filter(
        expert__user=user, state__in=ACTIVE_STATES, stage__scoring_deadline__gt=now
    ).aggregate(
        declare=Count("id", filter=Q(state=AssignmentState.ASSIGNED)),
        score=Count("id", filter=Q(state=AssignmentState.CLEARED) & ~Q(score_status=ScoreStatus.SUBMITTED)),
    )
    if mine["declare"]:
        items.append(Todo(_("待申报回避情况的候选人"), mine["declare"], reverse("experts:mine"), "warning"))
    if mine["score"]:
        items.append(Todo(_("待提交评分的候选人"), mine["score"], reverse("experts:mine"), "warning"))
    for panel in Panel.objects.filter(chair=user).select_related("stage"):
        flagged = sum(1 for line in selectors.ranking(panel.stage, panel=panel) if line.flagged)
        items.append(
            Todo(
                _("评分分差超过阈值、待组长复核的候选人：%(panel)s") % {"panel": panel.name},
                flagged,
                reverse("experts:panel", args=[panel.pk]),
                "danger",
                user_data=(panel.name,),
            )
        )
    return items


def _stages_running(now) -> list[Todo]:
    items = []
    for stage in ExpertStage.objects.filter(scoring_deadline__gt=now).select_related("programme__campaign"):
        active = dict(
            Assignment.objects.filter(stage=stage, state__in=ACTIVE_STATES)
            .values("candidacy")
            .annotate(n=Count("id"))
            .values_list("candidacy", "n")
        )
        short = sum(
            1
            for cid in selectors.candidates(stage).values_list("pk", flat=True)
            if active.get(cid, 0) < stage.experts_per_candidate
        )
        # The running review itself, so that staff reach its page (scores, flags, ranking) from home.
        items.append(
            Todo(
                _("专家评审进行中：%(programme)s") % {"programme": stage.programme.label},
                1,
                reverse("experts:stage", args=[stage.programme_id]),
                "info",
            )
        )
        items.append(
            Todo(
                _("专家评审待分配专家的候选人：%(programme)s") % {"programme": stage.programme.label},
                short,
                reverse("experts:stage", args=[stage.programme_id]),
                "info",
            )
        )
    return items
