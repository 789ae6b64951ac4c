"""The votes per day as an export (registered as ``selection_voting.daily``, province staff): one row per
day, programme and candidate with the counted, quarantined and discarded votes and the voters. The
rows are one grouped query, however many votes there are; no personal data is in them."""

from import_export.fields import Field

from unionportal.imports.resources import KindExportResource
from unionportal.imports.widgets import IntWidget, TextWidget

from . import selectors
from .models import Vote


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
