from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect, user_content
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.scoping import scope_q
from unionportal.permissions import roles_for
from unionportal.uploads.forms import CheckedMultipleFileField

from .enums import Direction, Method
from .models import Competition, Indicator, Theme
from .services import COMPETITION_FIELDS, MAX_EVIDENCE, MemberRow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CompetitionSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    theme = forms.ModelChoiceField(
        label=_("竞赛主题"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("全部"),
        widget=UserDataSelect,
    )


class CompetitionForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存")

    class Meta:
        model = Competition
        fields = list(COMPETITION_FIELDS)
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "rules": forms.Textarea(attrs={"rows": 6}),
            "theme": UserDataSelect,
            "organiser": UserDataSelect,
            "scope": UserDataSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        organisations = Organisation.objects.filter(
            scope_q(user, "path", roles=roles_for("competition", "change")), level__lt=Level.GRASSROOTS
        ).order_by("path")
        self.fields["organiser"].queryset = organisations
        self.fields["scope"].queryset = organisations


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("指标名称"), max_length=80)
    unit = forms.CharField(label=_("计量单位"), max_length=20, required=False)
    weight = forms.DecimalField(
        label=_("权重"), max_digits=5, decimal_places=2, min_value=0.01, max_value=100
    )
    method = forms.ChoiceField(label=_("计分方式"), choices=Method.choices)
    direction = forms.ChoiceField(label=_("方向"), choices=Direction.choices)
    target = forms.DecimalField(label=_("目标值"), max_digits=14, decimal_places=2, required=False)
    base = forms.DecimalField(label=_("达标得分"), max_digits=7, decimal_places=2, initial=60, min_value=0)
    points_better = forms.DecimalField(
        label=_("每超出一个单位加分"), max_digits=9, decimal_places=4, initial=0, min_value=0
    )
    points_worse = forms.DecimalField(
        label=_("每差一个单位减分"), max_digits=9, decimal_places=4, initial=0, min_value=0
    )
    cap = forms.DecimalField(label=_("满分"), max_digits=7, decimal_places=2, initial=100, min_value=0.01)
    min_value = forms.DecimalField(label=_("最小值"), max_digits=14, decimal_places=2, required=False)
    max_value = forms.DecimalField(label=_("最大值"), max_digits=14, decimal_places=2, required=False)


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


def indicator_initial(competition: Competition) -> list[dict]:
    return [
        {f: getattr(i, f) for f in IndicatorForm.base_fields}
        for i in Indicator.objects.filter(competition=competition)
    ]


class RegistrationForm(CrispyMixin, forms.Form):
    submit_label = _("提交报名")

    organisation = forms.ChoiceField(label=_("报名工会"), widget=UserDataSelect)
    name = forms.CharField(label=_("参赛名称"), max_length=120, help_text=_("班组、单位或个人的名称。"))
    leader = forms.CharField(label=_("负责人"), max_length=60, required=False)
    enterprise = forms.ChoiceField(label=_("所在企业"), required=False, widget=UserDataSelect)
    members = forms.CharField(
        label=_("班组成员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一人：姓名，岗位（岗位可不填）。"),
    )

    def __init__(self, *args, organisations, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["enterprise"].choices = [("", "—"), *((e.pk, e.name) for e in enterprises)]

    def clean_members(self):
        rows = []
        for line in self.cleaned_data["members"].splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",", 1)]
            if parts[0]:
                rows.append(MemberRow(name=parts[0][:60], post=(parts[1] if len(parts) > 1 else "")[:60]))
        return rows


class ScoreReportForm(CrispyMixin, forms.Form):
    submit_label = _("保存")

    period = forms.ChoiceField(label=_("报送期"))
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    images = CheckedMultipleFileField(
        kind="image",
        max_files=MAX_EVIDENCE,
        required=False,
        label=_("佐证照片"),
        help_text=_("JPEG、PNG 或 WebP 图片。"),
    )
    pdfs = CheckedMultipleFileField(
        kind="pdf", max_files=MAX_EVIDENCE, required=False, label=_("佐证文件（PDF）")
    )

    def __init__(self, *args, indicators, periods=(), report=None, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            del self.fields["period"]
        else:
            self.fields["period"].choices = [(p.pk, str(p)) for p in periods]
        self.indicators = list(indicators)
        for indicator in self.indicators:
            # The indicator's name and unit are data as the organiser typed them.
            label = user_content(
                f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name
            )
            self.fields[f"i{indicator.pk}"] = forms.DecimalField(
                label=label, max_digits=14, decimal_places=2, help_text=indicator.get_method_display()
            )
        if evidence:
            self.fields["remove_evidence"] = forms.MultipleChoiceField(
                label=_("删除佐证材料"),
                required=False,
                choices=[(str(f.pk), f.original_name or str(f.pk)) for f in evidence],
                widget=forms.CheckboxSelectMultiple,
            )
        order = [
            "period",
            *(f"i{i.pk}" for i in self.indicators),
            "note",
            "images",
            "pdfs",
            "remove_evidence",
        ]
        self.order_fields(order)

    def values(self) -> dict:
        return {i.pk: self.cleaned_data.get(f"i{i.pk}") for i in self.indicators}


class ReasonForm(CrispyMixin, forms.Form):
    submit_label = _("退回修改")

    state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class WinnerForm(CrispyMixin, forms.Form):
    submit_label = _("列入表彰名单")

    entrant = forms.ChoiceField(label=_("参赛对象"), widget=UserDataSelect)
    title = forms.ChoiceField(label=_("表彰称号"), widget=UserDataSelect)
    summary = forms.CharField(
        label=_("事迹摘要"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, entrants, titles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrant"].choices = [(e.pk, e.name) for e in entrants]
        self.fields["title"].choices = [(t.pk, t.name) for t in titles]


# --- 技能大赛 ---------------------------------------------------------------------------------------------------


class SkillsEventForm(CrispyMixin, forms.Form):
    submit_label = _("保存赛项")

    trade = forms.CharField(label=_("比赛工种"), max_length=60, help_text=_("如：电工、焊工、数控车工。"))
    held_on = forms.DateField(label=_("比赛日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("比赛地点"), max_length=120)
    organiser = forms.CharField(label=_("承办单位"), max_length=120)


class SkillsResultForm(CrispyMixin, forms.Form):
    submit_label = _("添加成绩")

    rank = forms.IntegerField(label=_("名次"), min_value=1, max_value=999)
    score = forms.DecimalField(label=_("成绩"), min_value=0, max_value=100, decimal_places=2)
    contestant = forms.CharField(label=_("选手姓名"), max_length=60)
    enterprise = forms.ChoiceField(label=_("所在企业"), required=False, widget=UserDataSelect)
    unit = forms.CharField(
        label=_("所在单位"), max_length=120, required=False, help_text=_("企业不在名录中时填写。")
    )
    organisation = forms.ChoiceField(label=_("所属工会"), widget=UserDataSelect)

    def __init__(self, *args, organisations, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {str(o.pk): o for o in organisations}
        self._enterprises = {str(e.pk): e for e in enterprises}
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["enterprise"].choices = [("", "—"), *((e.pk, e.name) for e in enterprises)]

    def row(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = self._organisations.get(data["organisation"])
        data["enterprise"] = self._enterprises.get(data["enterprise"] or "")
        return data


class SkillsImportForm(CrispyMixin, forms.Form):
    submit_label = _("导入成绩")

    rows = forms.CharField(
        label=_("成绩表"),
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "每行一名选手：名次，成绩，姓名，所在单位，所属工会（可从表格中复制，逗号或制表符分隔）。"
        ),
    )


class PutForwardForm(CrispyMixin, forms.Form):
    submit_label = _("推荐参加评选")

    programme = forms.ChoiceField(label=_("评选项目"))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, f"{p.campaign.year} {p.name}") for p in programmes]
