"""Exports of the public evaluation (province staff, the matrix's "vote_stage" / "export" row):

* the votes per day (``selection_voting.daily``): one row per day, programme and candidate with the
  counted, quarantined and discarded votes and the voters; one grouped query, however many votes;
* the combined ranking with its score breakdown (``selection_voting.ranking``): one row per candidate
  of every opened vote (or of one, ``stage_id``) in rank order, with the expert score, the counted votes,
  the public score, the weights and the combined score, as the ranking page shows them; a fixed number
  of queries per vote, whatever the number of candidates.

Neither holds personal data: names and units come from the public rows of the vote.
"""

from import_export.fields import Field

from unionportal.imports.resources import KindExportResource
from unionportal.imports.widgets import IntWidget, TextWidget
from unionportal.selection.experts.selectors import expert_totals

from . import selectors
from .models import Vote, VoteCandidate, VoteStage


class DailyVotesResource(KindExportResource):
    export_kind = "vote_stage"
    day = Field(attribute="day", column_name="日期", widget=TextWidget())
    year = Field(attribute="year", column_name="年度", widget=IntWidget())
    programme = Field(attribute="programme", column_name="评选项目", widget=TextWidget())
    position = Field(attribute="position", column_name="序号", widget=IntWidget())
    name = Field(attribute="name", column_name="候选人", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())
    counted = Field(attribute="counted", column_name="计票", widget=IntWidget())
    quarantined = Field(attribute="quarantined", column_name="待核查", widget=IntWidget())
    discarded = Field(attribute="discarded", column_name="已作废", widget=IntWidget())
    voters = Field(attribute="voters", column_name="投票人数", widget=IntWidget())

    class Meta:
        model = Vote
        fields = (
            "day",
            "year",
            "programme",
            "position",
            "name",
            "unit",
            "counted",
            "quarantined",
            "discarded",
            "voters",
        )
        export_order = fields

    def export_queryset(self):
        return selectors.daily_rows() if self.may_export else Vote.objects.none().values()

    def dehydrate_day(self, row):
        return row["day"].isoformat() if row.get("day") else ""


class CombinedRankingResource(KindExportResource):
    export_kind = "vote_stage"
    stage_id = None  # set by a vote's own download: that vote only

    year = Field(attribute="year", column_name="年度", widget=IntWidget())
    programme = Field(attribute="programme", column_name="评选项目", widget=TextWidget())
    rank = Field(attribute="rank", column_name="名次", widget=IntWidget())
    position = Field(attribute="position", column_name="序号", widget=IntWidget())
    name = Field(attribute="name", column_name="候选人", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())
    region = Field(attribute="region", column_name="地区", widget=TextWidget())
    expert_score = Field(attribute="expert_score", column_name="专家评审得分", widget=TextWidget())
    votes = Field(attribute="votes", column_name="计票", widget=IntWidget())
    public_score = Field(attribute="public_score", column_name="公众得分", widget=TextWidget())
    expert_weight = Field(attribute="expert_weight", column_name="专家评审权重（%）", widget=IntWidget())
    public_weight = Field(attribute="public_weight", column_name="社会评议权重（%）", widget=IntWidget())
    combined = Field(attribute="combined", column_name="综合得分", widget=TextWidget())
    working = Field(attribute="working", column_name="计算过程", widget=TextWidget())

    class Meta:
        model = VoteCandidate
        fields = (
            "year",
            "programme",
            "rank",
            "position",
            "name",
            "unit",
            "region",
            "expert_score",
            "votes",
            "public_score",
            "expert_weight",
            "public_weight",
            "combined",
            "working",
        )
        export_order = fields

    def stages(self):
        if not self.may_export:
            return []
        rows = VoteStage.objects.filter(opened_at__isnull=False).select_related("programme__campaign")
        if self.stage_id is not None:
            rows = rows.filter(pk=self.stage_id)
        return list(rows.order_by("-programme__campaign__year", "programme__code", "pk"))

    def export_queryset(self):
        """Plain dicts, each vote's candidates in the order of its combined ranking."""
        out = []
        for stage in self.stages():
            programme = stage.programme
            for line in selectors.combined_ranking(stage, expert_totals(programme)):
                expert = line.expert_score
                out.append(
                    {
                        "year": programme.campaign.year,
                        "programme": programme.name_label,
                        "rank": line.rank,
                        "position": line.candidate.position,
                        "name": line.candidate.entry.name,
                        "unit": line.candidate.entry.unit,
                        "region": line.candidate.entry.region,
                        "expert_score": "" if expert is None else str(expert),
                        "votes": line.votes,
                        "public_score": str(line.public_score),
                        "expert_weight": stage.expert_weight,
                        "public_weight": stage.public_weight,
                        "combined": str(line.combined),
                        "working": f"{expert or 0} × {stage.expert_weight}% + {line.public_score} × "
                        f"{stage.public_weight}% = {line.combined}",
                    }
                )
        return out
