"""Demo data of the expert review: the 2026 "最美一线职工" programme (the awards app's demo builds it, its
candidates and its expert review with the programme's rubric, closing on 6 May, then calls this) gets one
panel chaired by the ``expert`` account with four more experts from the unions of 武汉, 宜昌, 襄阳 and 黄石.

Assignment runs automatically (three experts a candidate), so the conflict rule keeps each helper expert
away from the candidate their own city nominated (shown on the panel page); one helper declares a
conflict on another candidate, which is then given to someone else. The helpers have submitted their
scores (one candidate's spread is flagged for the chair); ``expert`` has a draft on one candidate, the
others to declare on and to score, and a flagged spread to look at as the chair.

Idempotent: looked up by programme, panel name and user name; assignment and scoring run only while the
panel has no assignment.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionportal import demo
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Membership
from unionportal.selection.models import Programme

from . import services
from .enums import AssignmentState
from .models import Assignment, ExpertProfile, ExpertStage, Panel

CODE = "frontline"  # the awards app's 最美一线职工 programme
TZ = timezone.get_fixed_timezone(8 * 60)
DEADLINE = datetime(2026, 5, 6, 17, 0, tzinfo=TZ)  # the awards demo's stage closes then
PANEL = "最美一线职工评审组"
# user name, name, union code (a city union: the candidate that city nominated is a conflict), title,
# employer, fields
HELPERS = (
    ("expert_li", "李红梅", "420100", "教授级高级工程师", "武汉理工大学", ["innovation", "C"]),
    ("expert_zhang", "张国华", "420500", "高级技师", "宜昌市职业技术学院", ["shared", "G"]),
    ("expert_liu", "刘文斌", "420600", "高级工程师", "襄阳市职工技术协会", ["innovation", "C"]),
    ("expert_chen", "陈静", "420200", "主任护师", "黄石市卫生健康委员会", ["shared", "Q"]),
)
# The helper who declares a conflict on the first candidate given to them, and why.
DECLARED = ("expert_zhang", "曾与该候选人在同一单位共事，申请回避。")


def _points(criteria, seed: int, spread: int = 0) -> list[int]:
    """Deterministic points per criterion: most of each maximum, varied by ``seed``, lowered by ``spread``
    (in points of the heaviest criterion)."""
    heaviest = max(c.weight for c in criteria)
    points = []
    for n, c in enumerate(criteria):
        top = int(c.max_points)
        base = top * 3 // 4 + (seed + n) % max(top // 5, 1)
        points.append(max(0, min(top, base - spread * c.weight // heaviest)))
    return points


def seed_experts_demo(*, stdout=None) -> None:
    campaign = Campaign.objects.filter(year=2026).first()
    programme = Programme.objects.filter(campaign=campaign, code=CODE).first() if campaign else None
    User = get_user_model()
    actor = User.objects.filter(username="province").first()
    chair = User.objects.filter(username="expert").first()
    if programme is None or actor is None or chair is None:
        return
    profiles = []
    own = Membership.objects.filter(user=chair, role=Role.EXPERT).select_related("organisation").first()
    if own is not None:
        profile = ExpertProfile.objects.filter(user=chair).first()
        if profile is None:
            profile = services.expert_save(
                actor=actor,
                user=chair,
                values={
                    "union": own.organisation,
                    # The enterprise whose union they belong to: its workers are a conflict too.
                    "enterprise": Enterprise.objects.filter(union=own.organisation).first(),
                    "title": "高级工程师",
                    "fields": ["innovation", "C", "I"],
                },
            )
        profiles.append(profile)
    helpers = demo.helper_accounts([(u, n, code) for u, n, code, *_rest in HELPERS], role=Role.EXPERT)
    for username, _name, code, title, employer, fields in HELPERS:
        user = helpers[username]
        profile = ExpertProfile.objects.filter(user=user).first()
        if profile is None:
            union = Membership.objects.get(user=user, role=Role.EXPERT, organisation__code=code).organisation
            profile = services.expert_save(
                actor=actor,
                user=user,
                values={"union": union, "title": title, "employer": employer, "fields": fields},
            )
        profiles.append(profile)
    stage = ExpertStage.objects.filter(programme=programme).first()
    if stage is None:
        return
    panel = Panel.objects.filter(stage=stage, name=PANEL).first()
    if panel is None:
        panel = services.panel_save(actor=actor, stage=stage, name=PANEL, chair=chair, members=profiles)
    if Assignment.objects.filter(panel=panel).exists():
        return
    result = services.assign_auto(actor=actor, panel=panel)
    _helpers_act(stage, panel, helpers)
    _chair_starts(stage, panel, chair)
    if stdout is not None:
        stdout.write(f"expert review: {result.created} assignments on the demo panel\n")


def _helpers_act(stage, panel, helpers) -> None:
    """The helpers declare (one conflict) and submit their scores; one candidate's totals spread wide."""
    declarer, note = DECLARED
    rows = Assignment.objects.filter(panel=panel, expert__user__username__in=list(helpers)).select_related(
        "candidacy", "expert__user"
    )
    row = rows.filter(expert__user__username=declarer).order_by("candidacy_id").first()
    if row is not None:
        services.declare(actor=row.expert.user, assignment_id=row.pk, conflict=True, note=note)
    criteria = list(stage.criteria.order_by("position"))
    wide = None
    for n, row in enumerate(rows.filter(state=AssignmentState.ASSIGNED).order_by("candidacy_id", "pk")):
        user = row.expert.user
        services.declare(actor=user, assignment_id=row.pk, conflict=False)
        # The first candidate scored by two helpers gets one low total: a spread for the chair.
        spread = 0
        if wide is None or wide[0] == row.candidacy_id:
            if wide is None:
                wide = (row.candidacy_id, 0)
            else:
                spread = 12
        points = _points(criteria, row.candidacy_id * 7 + n, spread)
        services.score_save(
            actor=user,
            assignment_id=row.pk,
            points={c.pk: p for c, p in zip(criteria, points, strict=True)},
            comments={criteria[0].pk: "事迹突出，业绩扎实。"},
            submit=True,
        )


def _chair_starts(stage, panel, chair) -> None:
    """``expert`` has declared on their first candidate and saved a draft; the rest wait for them."""
    row = Assignment.objects.filter(panel=panel, expert__user=chair).order_by("candidacy_id").first()
    if row is None:
        return
    services.declare(actor=chair, assignment_id=row.pk, conflict=False)
    first = stage.criteria.order_by("position").first()
    services.score_save(
        actor=chair,
        assignment_id=row.pk,
        points={first.pk: int(first.max_points) - 3},
        comments={first.pk: "技能突出，数据翔实。"},
    )
