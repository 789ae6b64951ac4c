"""Reads for the craftsman pages: the user's recommendations, the programmes open to them, what they may do,
the facts the shared pages show of a craftsman, and the batch chosen from the combined ranking."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from unionportal.selection.enums import FINAL_STATES, State
from unionportal.selection.experts.selectors import expert_totals
from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.registry import Fact
from unionportal.selection.selectors import access_candidacy
from unionportal.selection.voting.models import VoteStage
from unionportal.selection.voting.selectors import RankedCandidate, combined_ranking

from .models import APP, Craftsman, CraftsmanProgramme, Patent


def recommendations_for(user):
    """The craftsman recommendations ``user`` may list (their union's; staff: their subtree's)."""
    return (
        Candidacy.objects.visible_to(user, "list")
        .filter(programme__app=APP)
        .select_related("programme__campaign", "organisation", "craftsman__trade", "craftsman__enterprise")
    )


def craftsman_programmes():
    return Programme.objects.filter(app=APP).select_related("campaign", "craftsman_settings")


def open_craftsman_programmes(now=None):
    return craftsman_programmes().open_for_intake(now or timezone.now()).order_by("intake_closes_at", "code")


def access_recommendation(user, pk, *, action: str = "open", for_update: bool = False) -> Candidacy:
    """A craftsman recommendation ``user`` may take ``action`` on, else Http404."""
    candidacy = access_candidacy(user, pk, action=action, for_update=for_update)
    if candidacy.programme.app != APP:
        raise Http404
    return candidacy


def craftsman_of(candidacy: Candidacy) -> Craftsman | None:
    return (
        Craftsman.objects.filter(candidacy=candidacy)
        .select_related("trade", "enterprise")
        .prefetch_related(Prefetch("patents", queryset=Patent.objects.order_by("position", "id")))
        .first()
    )


def candidate_facts(candidacy_ids, *, public: bool = False, anonymous: bool = False) -> dict[int, list[Fact]]:
    """The craftsman's details the shared pages show beside a candidacy's shared fields (registered with
    ``unionportal.selection.registry``): trade, grade, years, position, signature skills, apprentices,
    patents and honours. Two queries for any number of candidacies.

    ``public`` (a vote page): what the recommendation puts forward about the craft, never the ID number
    or the enterprise's own data; ``anonymous`` (an expert review that hides identities): no position,
    honours or patent numbers, which would name the person.
    """
    rows = (
        Craftsman.objects.filter(candidacy_id__in=list(candidacy_ids))
        .select_related("trade")
        .prefetch_related(Prefetch("patents", queryset=Patent.objects.order_by("position", "id")))
    )
    found: dict[int, list[Fact]] = {}
    for craftsman in rows:
        facts = [
            Fact(str(_("工种")), craftsman.trade.label),
            Fact(str(_("技能等级")), str(craftsman.get_skill_grade_display())),
            Fact(
                str(_("从事本工种年限")),
                ngettext("%(years)s 年", "%(years)s 年", craftsman.years_in_trade)
                % {"years": craftsman.years_in_trade},
            ),
        ]
        if craftsman.position and not anonymous:
            facts.append(Fact(str(_("岗位")), craftsman.position))
        facts.append(Fact(str(_("绝活绝技")), craftsman.signature_skills))
        facts.append(Fact(str(_("带徒人数")), str(craftsman.apprentices)))
        patents = list(craftsman.patents.all())
        if patents:
            items = []
            for p in patents:
                number = "" if anonymous else f"{p.number} "
                items.append(f"{p.get_kind_display()} {number}{p.title}（{p.granted_on:%Y-%m-%d}）")
            facts.append(Fact(str(_("专利和创新成果")), items=tuple(items)))
        if craftsman.honours.strip() and not anonymous:
            lines = tuple(line.strip() for line in craftsman.honours.splitlines() if line.strip())
            facts.append(Fact(str(_("所获荣誉")), items=lines))
        found[craftsman.candidacy_id] = facts
    return found


# --- the batch ----------------------------------------------------------------------------------------


@dataclass
class BatchLine:
    """One candidate of the combined ranking as the batch page shows it."""

    line: RankedCandidate  # rank, expert score, votes, public score, combined score
    candidacy: Candidacy
    craftsman: Craftsman | None
    chosen: bool  # already approved, on notice or published
    selectable: bool  # still in the province's review: may be put into the batch
    preselected: bool = False
    tied: bool = False  # same combined score as the line across the batch's cut-off


@dataclass
class Batch:
    programme: Programme
    stage: VoteStage | None
    size: int
    taken: int  # candidacies of the programme already approved, on notice or published
    lines: list[BatchLine] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(self.size - self.taken, 0)

    @property
    def vote_running(self) -> bool:
        return self.stage is not None and self.stage.is_running()

    @property
    def preselected(self) -> list[BatchLine]:
        return [b for b in self.lines if b.preselected]


def batch_size_of(programme: Programme) -> int:
    row = CraftsmanProgramme.objects.filter(programme=programme).only("batch_size").first()
    return row.batch_size if row else CraftsmanProgramme._meta.get_field("batch_size").default


def batch_taken(programme: Programme) -> int:
    return Candidacy.objects.filter(programme=programme, state__in=FINAL_STATES).count()


def vote_stage_of(programme: Programme) -> VoteStage | None:
    return (
        VoteStage.objects.filter(programme=programme, opened_at__isnull=False)
        .select_related("programme__campaign")
        .first()
    )


def batch(programme: Programme) -> Batch:
    """The combined ranking of the programme's vote (expert score, votes, public score, combined) with
    each candidate's craftsman details and state, the top of it preselected for the batch: the first
    ``batch_size`` less those already approved, on notice or published, among the candidates still in
    the province's review, in rank order. Ties are ordered as the combined ranking orders them (the higher
    expert score, then the lower candidate number); a tie across the cut-off is marked. A fixed number
    of queries whatever the number of candidates."""
    stage = vote_stage_of(programme)
    result = Batch(
        programme=programme, stage=stage, size=batch_size_of(programme), taken=batch_taken(programme)
    )
    if stage is None:
        return result
    ranked = combined_ranking(stage, expert_totals(programme))
    candidacies = {
        c.pk: c
        for c in Candidacy.objects.filter(pk__in=[r.candidate.candidacy_id for r in ranked]).select_related(
            "organisation", "craftsman__trade", "craftsman__enterprise"
        )
    }
    room = result.free
    for r in ranked:
        candidacy = candidacies[r.candidate.candidacy_id]
        selectable = candidacy.state == State.REVIEW1
        line = BatchLine(
            line=r,
            candidacy=candidacy,
            craftsman=getattr(candidacy, "craftsman", None),
            chosen=candidacy.state in FINAL_STATES,
            selectable=selectable,
        )
        if selectable and room > 0:
            line.preselected = True
            room -= 1
        result.lines.append(line)
    picked = [b for b in result.lines if b.preselected]
    rest = [b for b in result.lines if b.selectable and not b.preselected]
    if picked and rest and picked[-1].line.combined == rest[0].line.combined:
        score = picked[-1].line.combined
        for b in picked + rest:
            b.tied = b.line.combined == score
    return result
