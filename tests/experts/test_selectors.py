"""The expert review's reads: ``expert_totals`` (what the combined ranking of the public evaluation
reads), ``expert_stage``, the aggregation rules and the ranking with its tie rule."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import make_org, make_user
from tests.selection.factories import nominate, world
from unionportal.selection.enums import State
from unionportal.selection.experts.enums import Aggregation, AssignmentState, ScoreStatus
from unionportal.selection.experts.models import (
    Assignment,
    Criterion,
    ExpertProfile,
    ExpertStage,
    Panel,
    ScoreItem,
)
from unionportal.selection.experts.selectors import aggregate, expert_stage, expert_totals, ranking
from unionportal.selection.models import Candidacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    w = world(quota=50, county_quota=20, city_quota=30)
    rows = [nominate(w, n, submit=True) for n in range(1, 4)]
    Candidacy.objects.filter(pk__in=[c.pk for c in rows]).update(state=State.REVIEW1)
    stage = ExpertStage.objects.create(
        programme=w.programme,
        scoring_deadline=timezone.now() + timedelta(days=3),
        aggregation=Aggregation.MEAN,
    )
    heavy = Criterion.objects.create(stage=stage, name="业绩", weight=60, max_points=60, position=0)
    Criterion.objects.create(stage=stage, name="创新", weight=40, max_points=40, position=1)
    panel = Panel.objects.create(stage=stage, name="一组")
    union = make_org(w.tree["province"], name="Expert city")
    experts = [ExpertProfile.objects.create(user=make_user(f"e{n}"), union=union) for n in range(6)]
    return w, stage, panel, experts, rows, heavy


def scored(
    stage,
    panel,
    expert,
    candidacy,
    total,
    *,
    status=ScoreStatus.SUBMITTED,
    state=AssignmentState.CLEARED,
    heavy=None,
    heavy_points=None,
):
    row = Assignment.objects.create(
        stage=stage,
        panel=panel,
        candidacy=candidacy,
        expert=expert,
        state=state,
        score_status=status,
        total=total,
    )
    if heavy is not None:
        ScoreItem.objects.create(assignment=row, criterion=heavy, points=heavy_points)
    return row


def test_expert_totals_is_empty_without_a_stage():
    w = world()
    assert expert_stage(w.programme) is None
    assert expert_totals(w.programme) == {}


def test_expert_totals_mean_of_submitted_scores_only(setup, django_assert_num_queries):
    w, stage, panel, experts, (a, b, _c), _heavy = setup
    scored(stage, panel, experts[0], a, Decimal("80.00"))
    scored(stage, panel, experts[1], a, Decimal("71.50"))
    scored(stage, panel, experts[2], a, Decimal("99.00"), status=ScoreStatus.DRAFT)  # a draft does not count
    scored(
        stage, panel, experts[3], a, Decimal("10.00"), state=AssignmentState.CONFLICT
    )  # nor a withdrawn one
    scored(stage, panel, experts[0], b, None, status=ScoreStatus.DRAFT)
    with django_assert_num_queries(2):
        totals = expert_totals(w.programme)
    assert totals == {a.pk: Decimal("75.75")}  # b has no submitted score: absent; c unassigned: absent
    assert expert_stage(w.programme) == stage
    assert expert_stage(w.programme.pk) == stage


def test_trimmed_mean_drops_highest_and_lowest_from_five_scores(setup):
    w, stage, panel, experts, (a, b, _c), _heavy = setup
    stage.aggregation = Aggregation.TRIMMED
    stage.save()
    for expert, total in zip(experts, ["90", "80", "70", "60", "20"], strict=False):
        scored(stage, panel, expert, a, Decimal(total))
    for expert, total in zip(experts, ["90", "80", "70", "10"], strict=False):  # four: plain mean
        scored(stage, panel, expert, b, Decimal(total))
    assert expert_totals(w.programme) == {a.pk: Decimal("70.00"), b.pk: Decimal("62.50")}


def test_aggregate_rounds_half_up():
    assert aggregate([Decimal("70.00"), Decimal("70.01")], Aggregation.MEAN) == Decimal("70.01")
    assert aggregate([Decimal(1)] * 4 + [Decimal(100)], Aggregation.MEAN) == Decimal("20.80")
    assert aggregate([Decimal(1)] * 4 + [Decimal(100)], Aggregation.TRIMMED) == Decimal("1.00")


def test_ranking_ties_go_to_the_heaviest_criterion_then_share_the_rank(setup, django_assert_max_num_queries):
    _w, stage, panel, experts, (a, b, c), heavy = setup
    stage.spread_threshold = Decimal("10")
    stage.save()
    scored(stage, panel, experts[0], a, Decimal("80"), heavy=heavy, heavy_points=Decimal("40"))
    scored(stage, panel, experts[1], a, Decimal("80"), heavy=heavy, heavy_points=Decimal("40"))
    scored(stage, panel, experts[0], b, Decimal("70"), heavy=heavy, heavy_points=Decimal("50"))
    scored(stage, panel, experts[1], b, Decimal("90"), heavy=heavy, heavy_points=Decimal("50"))
    with django_assert_max_num_queries(4):
        lines = ranking(stage)
    assert [(line.candidacy.pk, line.rank, line.score) for line in lines] == [
        (b.pk, 1, Decimal("80.00")),  # the same score as a, more points on the heaviest criterion
        (a.pk, 2, Decimal("80.00")),
        (c.pk, 0, None),  # no score: last, unranked
    ]
    assert [line.flagged for line in lines] == [True, False, False]  # b's totals spread 20 > 10
    assert not lines[0].tied
    # Equal on both: they share the rank.
    ScoreItem.objects.filter(assignment__candidacy=b).update(points=Decimal("40"))
    lines = ranking(stage)
    assert [(line.rank, line.tied) for line in lines[:2]] == [(1, True), (1, True)]


def test_ranking_queries_do_not_grow_with_candidates(setup, django_assert_max_num_queries):
    w, stage, panel, experts, rows, heavy = setup
    for n in range(4, 12):
        rows.append(nominate(w, n, submit=True))
    Candidacy.objects.filter(pk__in=[c.pk for c in rows]).update(state=State.REVIEW1)
    for cand in rows:
        for expert in experts[:3]:
            scored(stage, panel, expert, cand, Decimal("66"), heavy=heavy, heavy_points=Decimal("30"))
    with django_assert_max_num_queries(4):
        assert len(ranking(stage)) == 11
    with django_assert_max_num_queries(4):
        assert len(ranking(stage, panel=panel)) == 11
