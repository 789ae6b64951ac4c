"""Reads of the public evaluation: the public vote page's rows, counts (exact, and a few seconds' cached
copy for the public page), the staff figures, the quarantine's groups and the votes per day."""

import contextlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from .enums import VoteStatus
from .models import Vote, VoteCandidate, VoteStage

COUNTS_MAX_AGE = 5  # seconds: how old the counts on the public vote page may be
SEARCH_MAX = 40


def public_stages(*, now=None):
    """The votes the public may see: opened (running, scheduled or ended), newest first."""
    return VoteStage.objects.filter(opened_at__isnull=False).select_related("programme__campaign")


def public_stage(pk: int) -> VoteStage | None:
    return public_stages().filter(pk=pk).first()


def candidates(stage: VoteStage, *, q: str = "") -> list[VoteCandidate]:
    """The stage's candidates with their public rows (the only candidate data the public pages read)."""
    rows = (
        VoteCandidate.objects.filter(stage=stage)
        .select_related("entry")
        .only(
            "id",
            "position",
            "stage_id",
            "candidacy_id",
            "entry__id",
            "entry__name",
            "entry__unit",
            "entry__region",
            "entry__summary",
            "entry__photo_id",
        )
        .order_by("position", "id")
    )
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        rows = rows.filter(Q(entry__name__icontains=q) | Q(entry__unit__icontains=q))
    return list(rows)


def counts(stage: VoteStage) -> dict[int, int]:
    """Exact counted votes per candidate (an aggregate over the vote rows)."""
    return dict(
        Vote.objects.filter(stage=stage, status=VoteStatus.COUNTED)
        .values("candidate")
        .annotate(n=Count("id"))
        .values_list("candidate", "n")
    )


def public_counts(stage: VoteStage) -> dict[int, int]:
    """The counts the public page shows: at most COUNTS_MAX_AGE seconds old."""
    key = f"vote:counts:{stage.pk}"
    try:
        found = cache.get(key)
    except Exception:
        found = None
    if found is None:
        found = counts(stage)
        with contextlib.suppress(Exception):
            cache.set(key, found, COUNTS_MAX_AGE)
    return found


def status_figures(stage: VoteStage) -> dict[int, dict[str, int]]:
    """Per candidate: counted, quarantined and discarded votes (staff: live, exact)."""
    rows = (
        Vote.objects.filter(stage=stage)
        .values("candidate", "status")
        .annotate(n=Count("id"))
        .values_list("candidate", "status", "n")
    )
    figures: dict[int, dict[str, int]] = {}
    for candidate, status, n in rows:
        figures.setdefault(candidate, dict.fromkeys(VoteStatus.values, 0))[status] = n
    return figures


def stage_totals(stage: VoteStage, *, now=None) -> dict[str, int]:
    day = timezone.localdate(now or timezone.now())
    return Vote.objects.filter(stage=stage).aggregate(
        votes=Count("id"),
        voters=Count("voter", distinct=True),
        today=Count("id", filter=Q(day=day)),
        counted=Count("id", filter=Q(status=VoteStatus.COUNTED)),
        quarantined=Count("id", filter=Q(status=VoteStatus.QUARANTINED)),
        discarded=Count("id", filter=Q(status=VoteStatus.DISCARDED)),
    )


def groups(stage: VoteStage, status: str, *, flagged_only: bool = False) -> list[dict]:
    """Votes of ``status`` grouped by (flags, network, candidate): what the quarantine page decides on."""
    rows = Vote.objects.filter(stage=stage, status=status)
    if flagged_only:
        rows = rows.exclude(flags="")
    return list(
        rows.values("flags", "network", "candidate", "candidate__entry__name")
        .annotate(
            n=Count("id"),
            voters=Count("voter", distinct=True),
            first=Min("created_at"),
            last=Max("created_at"),
        )
        .order_by("-n", "network", "candidate")
    )


def quarantined_total() -> int:
    return Vote.objects.filter(status=VoteStatus.QUARANTINED).count()


def daily_rows():
    """Votes per day, stage and candidate, with each status counted: the export's rows (dicts)."""
    return (
        Vote.objects.values(
            "day",
            year=F("stage__programme__campaign__year"),
            programme=F("stage__programme__name"),
            position=F("candidate__position"),
            name=F("candidate__entry__name"),
            unit=F("candidate__entry__unit"),
        )
        .annotate(
            counted=Count("id", filter=Q(status=VoteStatus.COUNTED)),
            quarantined=Count("id", filter=Q(status=VoteStatus.QUARANTINED)),
            discarded=Count("id", filter=Q(status=VoteStatus.DISCARDED)),
            voters=Count("voter", distinct=True),
        )
        .order_by("programme", "day", "position")
    )


@dataclass(frozen=True)
class RankedCandidate:
    """One line of the combined ranking, with each part, so that a decision can be explained."""

    rank: int
    candidate: VoteCandidate
    votes: int
    public_score: Decimal  # 100 × votes ÷ the stage's highest count
    expert_score: Decimal | None  # the aggregated expert score (0-100); None: not scored
    combined: Decimal  # expert × expert weight + public × public weight, over 100


TWO_PLACES = Decimal("0.01")


def combined_ranking(
    stage: VoteStage, expert_scores: dict[int, Decimal], vote_counts: dict[int, int] | None = None
) -> list[RankedCandidate]:
    """The stage's candidates by combined score: public score = 100 × counted votes ÷ the highest count in
    the stage (0 for all while nobody has a vote), combined with the expert score (keyed by candidacy
    id; a candidate without one counts 0) by the programme's weights. Ties go to the higher expert score,
    then to the lower candidate number. Scores are rounded to two places for comparing and showing."""
    vote_counts = counts(stage) if vote_counts is None else vote_counts
    rows = candidates(stage)
    highest = max((vote_counts.get(c.pk, 0) for c in rows), default=0)
    lines = []
    for c in rows:
        votes = vote_counts.get(c.pk, 0)
        public = (
            (Decimal(100 * votes) / highest).quantize(TWO_PLACES, ROUND_HALF_UP) if highest else Decimal(0)
        )
        expert = expert_scores.get(c.candidacy_id)
        expert = Decimal(expert).quantize(TWO_PLACES, ROUND_HALF_UP) if expert is not None else None
        combined = (
            ((expert or Decimal(0)) * stage.expert_weight + public * stage.public_weight) / 100
        ).quantize(TWO_PLACES, ROUND_HALF_UP)
        lines.append((c, votes, public, expert, combined))
    lines.sort(key=lambda line: (-line[4], -(line[3] or Decimal(0)), line[0].position, line[0].pk))
    return [
        RankedCandidate(rank=n, candidate=c, votes=v, public_score=p, expert_score=e, combined=s)
        for n, (c, v, p, e, s) in enumerate(lines, start=1)
    ]
