"""Exports of the nomination pipeline and the past-honours import, on the shared import base.

Exports (registered by ``SelectionConfig.ready``):

* ``selection.candidacy``: the review list of the user's subtree (everything submitted; drafts stay the
  submitter's own), one row per candidacy with its programme, state, flags, tags and rank;
* ``selection.approved``: the lists the province approved (approved, on notice, published), by rank;
* ``selection.honourees``: the published honourees.

Each is ``visible_to(user)`` like every list, masks the ID number unless revealed with a reason, and
goes through the shared writers, which neutralise formulas. The queries do not grow with the rows.

``selection.past_honour`` imports earlier provincial and national honours (province staff only), all or
nothing with row-numbered errors, so that ``services.candidacy_prepare`` can flag a new nomination of
someone honoured within the programme's configured years.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field
from stdnum.cn import ric

from unionportal import permissions
from unionportal.accounts.validators import mask_id_number, normalise_id_number, validate_id_number
from unionportal.imports.resources import ExportOnlyResource, ScopedResource
from unionportal.imports.widgets import ChoiceWidget, IntWidget, TextWidget

from .enums import FINAL_STATES, Flag, HonourLevel, State, Tag
from .models import Candidacy, PastHonour

EARLIEST_HONOUR_YEAR = 1950


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _labels(choices, values) -> str:
    return "、".join(str(choices(v).label) for v in values if v in choices.values)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class CandidacyListResource(ExportOnlyResource):
    """The review list of the user's subtree: every submitted candidacy, wherever it stands now."""

    programme = Field(column_name="评选项目", widget=TextWidget())
    state = Field(column_name="状态", widget=TextWidget())
    name = Field(attribute="name", column_name="推荐对象", widget=TextWidget())
    unit = Field(attribute="unit", column_name="所在单位", widget=TextWidget())
    region = Field(attribute="region", column_name="地区", widget=TextWidget())
    organisation = Field(column_name="推荐单位", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    flags = Field(column_name="人员属性", widget=TextWidget())
    tags = Field(column_name="重点领域", widget=TextWidget())
    past_honours = Field(attribute="past_honours", column_name="既往荣誉", widget=TextWidget())
    rank = Field(attribute="rank", column_name="排序", widget=IntWidget())
    submitted_at = Field(column_name="提交时间", widget=TextWidget())

    masked_fields = {"id_number": mask_id_number}

    class Meta:
        model = Candidacy
        fields = (
            "programme",
            "state",
            "name",
            "unit",
            "region",
            "organisation",
            "id_number",
            "flags",
            "tags",
            "past_honours",
            "rank",
            "submitted_at",
        )
        export_order = fields

    def export_queryset(self):
        return (
            self.get_queryset()
            .exclude(state=State.DRAFT)
            .select_related("programme__campaign", "organisation")
            .order_by(
                "-programme__campaign__year", "programme__code", "state", "rank", "organisation__path", "id"
            )
        )

    def dehydrate_programme(self, candidacy):
        return str(candidacy.programme)

    def dehydrate_state(self, candidacy):
        return candidacy.get_state_display()

    def dehydrate_organisation(self, candidacy):
        return candidacy.organisation.name

    def dehydrate_flags(self, candidacy):
        return _labels(Flag, [f for f in Flag.values if f in candidacy.flag_set()])

    def dehydrate_tags(self, candidacy):
        return _labels(Tag, candidacy.tags or ())

    def dehydrate_submitted_at(self, candidacy):
        return _local(candidacy.submitted_at)


class ApprovedListResource(ExportOnlyResource):
    """The lists the province approved (the final list of each programme), in rank order."""

    programme = Field(column_name="评选项目", widget=TextWidget())
    rank = Field(attribute="rank", column_name="排序", widget=IntWidget())
    name = Field(attribute="name", column_name="推荐对象", widget=TextWidget())
    unit = Field(attribute="unit", column_name="所在单位", widget=TextWidget())
    region = Field(attribute="region", column_name="地区", widget=TextWidget())
    organisation = Field(column_name="推荐单位", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    tags = Field(column_name="重点领域", widget=TextWidget())
    state = Field(column_name="状态", widget=TextWidget())

    masked_fields = {"id_number": mask_id_number}

    class Meta:
        model = Candidacy
        fields = ("programme", "rank", "name", "unit", "region", "organisation", "id_number", "tags", "state")
        export_order = fields

    def export_queryset(self):
        return (
            self.get_queryset()
            .filter(state__in=FINAL_STATES)
            .select_related("programme__campaign", "organisation")
            .order_by("-programme__campaign__year", "programme__code", "rank", "organisation__path", "id")
        )

    dehydrate_programme = CandidacyListResource.dehydrate_programme
    dehydrate_state = CandidacyListResource.dehydrate_state
    dehydrate_organisation = CandidacyListResource.dehydrate_organisation
    dehydrate_tags = CandidacyListResource.dehydrate_tags


class HonoureeResource(ExportOnlyResource):
    """The published honourees (a revoked honour is no longer one)."""

    year = Field(column_name="年度", widget=IntWidget())
    award = Field(column_name="荣誉称号", widget=TextWidget())
    name = Field(attribute="name", column_name="姓名（名称）", widget=TextWidget())
    unit = Field(attribute="unit", column_name="所在单位", widget=TextWidget())
    region = Field(attribute="region", column_name="地区", widget=TextWidget())
    id_number = Field(attribute="id_number", column_name="身份证号", widget=TextWidget())
    tags = Field(column_name="重点领域", widget=TextWidget())
    summary = Field(attribute="summary", column_name="事迹摘要", widget=TextWidget())

    masked_fields = {"id_number": mask_id_number}

    class Meta:
        model = Candidacy
        fields = ("year", "award", "name", "unit", "region", "id_number", "tags", "summary")
        export_order = fields

    def export_queryset(self):
        return (
            self.get_queryset()
            .filter(state=State.PUBLISHED)
            .select_related("programme__campaign")
            .order_by("-programme__campaign__year", "programme__code", "rank", "id")
        )

    def dehydrate_year(self, candidacy):
        return candidacy.programme.campaign.year

    def dehydrate_award(self, candidacy):
        return candidacy.programme.award

    dehydrate_tags = CandidacyListResource.dehydrate_tags


# --- past honours (import) ------------------------------------------------------------------------


class IdNumberWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_id_number(_text(value))


def _example_id() -> str:
    body = "42068419850315001"
    return body + ric.calc_check_digit(body + "0")


class PastHonourResource(ScopedResource):
    """Earlier provincial and national honours: each row is new; an honour already on file (same
    person, year and title), twice in the file, or with a wrong ID number refuses the whole file."""

    id_number = Field(attribute="id_number", column_name="身份证号", widget=IdNumberWidget())
    name = Field(attribute="name", column_name="姓名", widget=TextWidget())
    year = Field(attribute="year", column_name="年度", widget=IntWidget(min_value=EARLIEST_HONOUR_YEAR))
    level = Field(attribute="level", column_name="级别", widget=ChoiceWidget(HonourLevel))
    award = Field(attribute="award", column_name="荣誉称号", widget=TextWidget())
    unit = Field(attribute="unit", column_name="单位", widget=TextWidget())

    masked_fields = {"id_number": mask_id_number}
    preview_columns = ("姓名", "荣誉称号")
    example_row = {
        "身份证号": _example_id(),
        "姓名": "张三",
        "年度": 2024,
        "级别": "省级",
        "荣誉称号": "湖北省五一劳动奖章",
        "单位": "宜城市楚都食品有限公司",
    }

    class Meta:
        model = PastHonour
        fields = ("id_number", "name", "year", "level", "award", "unit")
        import_id_fields = ("id_number",)
        force_init_instance = True  # every row is a new honour; one already on file is refused

    def get_queryset(self):
        rows = PastHonour.objects.all()
        return rows if permissions.may(self.user, "past_honour", "export") else rows.none()

    def row_orgs(self, instance, row):
        return []  # not tied to a union: only the province may import them (can_import)

    def prepare(self, dataset):
        super().prepare(dataset)
        ids = set()
        if "身份证号" in (dataset.headers or []):
            ids = {normalise_id_number(_text(v)) for v in dataset["身份证号"]} - {""}
        self.on_file = set(
            PastHonour.objects.filter(id_number__in=sorted(ids)).values_list("id_number", "year", "award")
        )
        self.first_row_of: dict[tuple, int] = {}
        self.this_year = timezone.localdate().year

    def validate_row(self, instance, row, errors: dict) -> None:
        if "id_number" not in errors:
            try:
                validate_id_number(instance.id_number or "")
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(errors, "id_number", message)
        if "year" not in errors and instance.year and instance.year > self.this_year:
            self.add_error(errors, "year", _("年度不能晚于 %(year)d 年。") % {"year": self.this_year})
        if errors.keys() & {"id_number", "year", "award"}:
            return
        key = (instance.id_number, instance.year, instance.award)
        first = self.first_row_of.get(key)
        if first is not None:
            self.add_error(errors, "award", _("与第 %(row)d 行是同一荣誉，重复。") % {"row": first})
            return
        self.first_row_of[key] = self._sheet_row
        if key in self.on_file:
            self.add_error(
                errors,
                "award",
                _("%(name)s %(year)d 年的“%(award)s”已导入过。")
                % {"name": instance.name, "year": instance.year, "award": instance.award},
            )
