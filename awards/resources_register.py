"""The national recommendation list (全国五一劳动奖推荐名册) in the layout the ACFTU register asks for.

One row per candidate of a national programme that the province approved (approved, on notice,
published), in rank order, numbered 序号 1, 2, 3 …; the personal details come from the award
nomination. No ID number or phone: the register does not carry them.
"""

from django.utils.translation import gettext as _
from import_export.fields import Field

from unionportal.imports.resources import ExportOnlyResource
from unionportal.imports.widgets import IntWidget, TextWidget
from unionportal.selection.enums import FINAL_STATES, Flag
from unionportal.selection.models import Candidacy

from .models import Nomination


class NationalRegisterResource(ExportOnlyResource):
    serial = Field(column_name="序号", widget=IntWidget())
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    gender = Field(column_name="性别", widget=TextWidget())
    ethnicity = Field(column_name="民族", widget=TextWidget())
    born = Field(column_name="出生年月", widget=TextWidget())
    political_status = Field(column_name="政治面貌", widget=TextWidget())
    education = Field(column_name="学历", widget=TextWidget())
    unit_and_position = Field(column_name="工作单位及职务", widget=TextWidget())
    job_title = Field(column_name="职称", widget=TextWidget())
    frontline = Field(column_name="是否一线职工", widget=TextWidget())
    migrant = Field(column_name="是否农民工", widget=TextWidget())
    summary = Field(attribute="summary", column_name="主要事迹摘要", widget=TextWidget())

    class Meta:
        model = Candidacy
        fields = (
            "serial",
            "name",
            "gender",
            "ethnicity",
            "born",
            "political_status",
            "education",
            "unit_and_position",
            "job_title",
            "frontline",
            "migrant",
            "summary",
        )
        export_order = fields

    def export_queryset(self):
        return (
            self.get_queryset()
            .filter(programme__is_national=True, programme__app="awards", state__in=FINAL_STATES)
            .select_related("nomination")
            .order_by("-programme__campaign__year", "programme__code", "rank", "organisation__path", "id")
        )

    def export(self, queryset=None, **kwargs):
        self._serial = 0
        return super().export(queryset, **kwargs)

    @staticmethod
    def _nomination(candidacy) -> Nomination:
        try:
            return candidacy.nomination
        except Nomination.DoesNotExist:
            return Nomination(candidacy=candidacy)

    def dehydrate_serial(self, candidacy):
        self._serial += 1
        return self._serial

    def dehydrate_gender(self, candidacy):
        return self._nomination(candidacy).get_gender_display()

    def dehydrate_ethnicity(self, candidacy):
        return self._nomination(candidacy).ethnicity

    def dehydrate_born(self, candidacy):
        born = self._nomination(candidacy).birth_date
        return f"{born:%Y.%m}" if born else ""

    def dehydrate_political_status(self, candidacy):
        return self._nomination(candidacy).get_political_status_display()

    def dehydrate_education(self, candidacy):
        return self._nomination(candidacy).get_education_display()

    def dehydrate_unit_and_position(self, candidacy):
        return f"{candidacy.unit}{self._nomination(candidacy).position}"

    def dehydrate_job_title(self, candidacy):
        return self._nomination(candidacy).job_title

    def dehydrate_frontline(self, candidacy):
        return _("是") if Flag.FRONTLINE in candidacy.flag_set() else _("否")

    def dehydrate_migrant(self, candidacy):
        return _("是") if Flag.MIGRANT in candidacy.flag_set() else _("否")
