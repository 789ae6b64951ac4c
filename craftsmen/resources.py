"""The 荆楚工匠 batch list as an export (``craftsmen.batch``; province staff, the matrix's "programme" /
"export" row): one row per craftsman approved, on notice or published in a 荆楚工匠 programme (or in one,
``programme_id``), in the order of the combined ranking, with the enterprise, trade, grade, years and the
combined score. The ID number is masked unless revealed with a reason (the shared export form).

A fixed number of queries per programme, whatever the number of craftsmen.
"""

from import_export.fields import Field

from unionportal.accounts.validators import mask_id_number
from unionportal.imports.resources import KindExportResource
from unionportal.imports.widgets import IntWidget, TextWidget
from unionportal.selection.enums import FINAL_STATES
from unionportal.selection.models import Candidacy

from . import selectors


class CraftsmanBatchResource(KindExportResource):
    export_kind = "programme"
    programme_id = None  # set by a programme's own download: that programme only
    masked_fields = {"id_number": mask_id_number}

    year = Field(attribute="year", column_name="年度", widget=IntWidget())
    programme = Field(attribute="programme", column_name="评选项目", widget=TextWidget())
    rank = Field(attribute="rank", column_name="综合排名", widget=IntWidget())
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    enterprise = Field(attribute="enterprise", column_name="推荐企业", widget=TextWidget())
    region = Field(attribute="region", column_name="地区", widget=TextWidget())
    trade = Field(attribute="trade", column_name="工种", widget=TextWidget())
    grade = Field(attribute="grade", column_name="技能等级", widget=TextWidget())
    years = Field(attribute="years", column_name="从事本工种年限", widget=IntWidget())
    expert_score = Field(attribute="expert_score", column_name="专家评审得分", widget=TextWidget())
    votes = Field(attribute="votes", column_name="计票", widget=IntWidget())
    combined = Field(attribute="combined", column_name="综合得分", widget=TextWidget())
    state = Field(attribute="state", column_name="状态", widget=TextWidget())

    class Meta:
        model = Candidacy
        fields = (
            "year",
            "programme",
            "rank",
            "name",
            "id_number",
            "enterprise",
            "region",
            "trade",
            "grade",
            "years",
            "expert_score",
            "votes",
            "combined",
            "state",
        )
        export_order = fields

    def programmes(self):
        if not self.may_export:
            return []
        rows = selectors.craftsman_programmes()
        if self.programme_id is not None:
            rows = rows.filter(pk=self.programme_id)
        return list(rows.order_by("-campaign__year", "code"))

    def export_queryset(self):
        """Plain dicts: each programme's batch in rank order (the combined ranking's; then the province's
        rank for a craftsman approved without a vote)."""
        out = []
        for programme in self.programmes():
            lines = {b.candidacy.pk: b.line for b in selectors.batch(programme).lines}
            rows = (
                Candidacy.objects.filter(programme=programme, state__in=FINAL_STATES)
                .select_related("craftsman__trade", "craftsman__enterprise")
                .order_by("rank", "id")
            )
            ordered = sorted(
                rows, key=lambda c: (lines[c.pk].rank if c.pk in lines else 10**6, c.rank or 0, c.pk)
            )
            for candidacy in ordered:
                craftsman = getattr(candidacy, "craftsman", None)
                line = lines.get(candidacy.pk)
                out.append(
                    {
                        "year": programme.campaign.year,
                        "programme": programme.name_label,
                        "rank": line.rank if line else None,
                        "name": candidacy.name,
                        "id_number": candidacy.id_number,
                        "enterprise": craftsman.enterprise.name if craftsman else candidacy.unit,
                        "region": candidacy.region,
                        "trade": craftsman.trade.label if craftsman else "",
                        "grade": str(craftsman.get_skill_grade_display()) if craftsman else "",
                        "years": craftsman.years_in_trade if craftsman else None,
                        "expert_score": ""
                        if line is None or line.expert_score is None
                        else str(line.expert_score),
                        "votes": line.votes if line else None,
                        "combined": str(line.combined) if line else "",
                        "state": str(candidacy.get_state_display()),
                    }
                )
        return out
