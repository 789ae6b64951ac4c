"""Reads of the expert review: the stage of a programme, its candidates, the aggregated scores, the spread
flags and the ranking, and what an expert or a chair has waiting.

``expert_totals`` and ``expert_stage`` are what the public evaluation's combined ranking reads.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from unionportal.selection.enums import FINAL_STATES, State
from unionportal.selection.models import Candidacy

from .enums import ACTIVE_STATES, Aggregation, AssignmentState, ScoreStatus
from .models import Assignment, ExpertStage, ScoreItem

TWO_PLACES = Decimal("0.01")
# A candidacy enters the expert review once it reached the province: in its review, or approved.
CANDIDATE_STATES = (State.REVIEW1, *FINAL_STATES)
TRIM_FROM = 5  # the trimmed mean drops the highest and the lowest total from this many scores on


def expert_stage(programme) -> ExpertStage | None:
    """The programme's expert-stage settings row, or None when the programme has no expert review."""
    programme_id = getattr(programme, "pk", programme)
    return ExpertStage.objects.filter(programme_id=programme_id).first()


def candidates(stage: ExpertStage):
    """The stage's candidates: the programme's candidacies that reached the province."""
    return Candidacy.objects.filter(programme_id=stage.programme_id, state__in=CANDIDATE_STATES)


def aggregate(totals: list[Decimal], rule: str) -> Decimal:
    """One score from several experts' totals: the mean, or with ``trimmed`` and at least five totals
    the mean without the highest and the lowest one; rounded half up to two places."""
    values = sorted(Decimal(t) for t in totals)
    if rule == Aggregation.TRIMMED and len(values) >= TRIM_FROM:
        values = values[1:-1]
    return (sum(values) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def submitted_totals(stage: ExpertStage) -> dict[int, list[Decimal]]:
    """Candidacy id → the submitted totals of its active assignments (one query)."""
    rows = Assignment.objects.filter(
        stage=stage, state__in=ACTIVE_STATES, score_status=ScoreStatus.SUBMITTED
    ).values_list("candidacy_id", "total")
    found: dict[int, list[Decimal]] = {}
    for candidacy_id, total in rows:
        found.setdefault(candidacy_id, []).append(total)
    return found


def expert_totals(programme) -> dict[int, Decimal]:
    """Candidacy id → the aggregated expert score (0-100) by the programme's aggregation rule, from
    submitted scores only; candidates without a submitted score are absent (an empty dict when the
    programme has no expert stage). Two queries."""
    stage = expert_stage(programme)
    if stage is None:
        return {}
    return {cid: aggregate(totals, stage.aggregation) for cid, totals in submitted_totals(stage).items()}


@dataclass
class RankedLine:
    rank: int
    candidacy: Candidacy
    score: Decimal | None
    totals: list[Decimal]
    assigned: int
    spread: Decimal | None
    flagged: bool
    first_criterion: Decimal | None  # the mean points of the heaviest criterion (the tie rule)
    tied: bool = False
    panels: list[str] = field(default_factory=list)


def heaviest_criterion(stage: ExpertStage):
    return stage.criteria.order_by("-weight", "position", "id").first()


def ranking(stage: ExpertStage, *, panel=None) -> list[RankedLine]:
    """The stage's candidates (or one panel's) by aggregated score, highest first.

    Tie rule (stated on the page): equal scores are ordered by the mean points of the heaviest criterion
    (the highest weight; the first of equal weights); still equal, they share the rank. Candidates
    without a submitted score come last, unranked. A candidate whose totals spread (highest minus lowest)
    beyond the stage's threshold is flagged for the chair. A fixed number of queries.
    """
    assignments = Assignment.objects.filter(stage=stage, state__in=ACTIVE_STATES)
    pool = candidates(stage)
    if panel is not None:
        assignments = assignments.filter(panel=panel)
        pool = pool.filter(expert_assignments__panel=panel).distinct()
    totals: dict[int, list[Decimal]] = {}
    assigned: dict[int, int] = {}
    panels: dict[int, set[str]] = {}
    for cid, status, total, panel_name in assignments.values_list(
        "candidacy_id", "score_status", "total", "panel__name"
    ):
        assigned[cid] = assigned.get(cid, 0) + 1
        panels.setdefault(cid, set()).add(panel_name)
        if status == ScoreStatus.SUBMITTED:
            totals.setdefault(cid, []).append(total)
    criterion = heaviest_criterion(stage)
    first: dict[int, Decimal] = {}
    if criterion is not None:
        first = dict(
            ScoreItem.objects.filter(
                criterion=criterion,
                assignment__in=assignments.filter(score_status=ScoreStatus.SUBMITTED),
            )
            .values("assignment__candidacy_id")
            .annotate(mean=Avg("points"))
            .values_list("assignment__candidacy_id", "mean")
        )
    lines = []
    for candidacy in pool.select_related("organisation").order_by("id"):
        mine = totals.get(candidacy.pk, [])
        score = aggregate(mine, stage.aggregation) if mine else None
        spread = (max(mine) - min(mine)) if len(mine) > 1 else (Decimal(0) if mine else None)
        mean_first = first.get(candidacy.pk)
        if mean_first is not None:
            mean_first = Decimal(mean_first).quantize(TWO_PLACES, ROUND_HALF_UP)
        lines.append(
            RankedLine(
                rank=0,
                candidacy=candidacy,
                score=score,
                totals=sorted(mine, reverse=True),
                assigned=assigned.get(candidacy.pk, 0),
                spread=spread,
                flagged=spread is not None and spread > stage.spread_threshold,
                first_criterion=mean_first,
                panels=sorted(panels.get(candidacy.pk, ())),
            )
        )

    def key(line):
        return (
            line.score is None,
            -(line.score or 0),
            -(line.first_criterion or 0),
            line.candidacy.pk,
        )

    lines.sort(key=key)
    previous = None
    for n, line in enumerate(lines, start=1):
        if line.score is None:
            continue
        mark = (line.score, line.first_criterion)
        if previous is not None and mark == previous[0]:
            line.rank = previous[1].rank
            line.tied = previous[1].tied = True
        else:
            line.rank = n
        previous = (mark, line)
    return lines


def expert_assignments(user):
    """The user's active assignments (an expert's list), with what the list shows, in two queries."""
    return (
        Assignment.objects.filter(expert__user=user, state__in=ACTIVE_STATES)
        .select_related("stage__programme__campaign", "candidacy", "panel")
        .order_by("stage__scoring_deadline", "panel_id", "candidacy_id")
    )


def panel_progress(panel) -> dict:
    """Counts of a panel's assignments by state and score status (one query)."""
    row = Assignment.objects.filter(panel=panel).aggregate(
        active=Count("id", filter=Q(state__in=ACTIVE_STATES)),
        submitted=Count("id", filter=Q(state__in=ACTIVE_STATES, score_status=ScoreStatus.SUBMITTED)),
        conflicts=Count("id", filter=Q(state=AssignmentState.CONFLICT)),
    )
    return row
