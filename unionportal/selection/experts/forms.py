"""Forms of the expert review: the stage's settings and rubric, panels, manual assignment, the pool, the
expert's declaration and score sheet, and the chair's reason for reopening a score."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import UserDataSelect, user_content
from unionportal.orgs.models import Enterprise, Organisation

from .models import FIELD_CHOICES, Criterion, ExpertProfile, ExpertStage

User = get_user_model()


def _helper(form_id: str, label, *, tag=True) -> FormHelper:
    """The crispy helper; a form whose page adds its own tag and buttons (an action field) has none."""
    helper = FormHelper()
    helper.form_id = form_id
    helper.form_tag = tag
    if label:
        helper.add_input(Submit("save", label, css_class="btn-danger"))
    return helper


class StageForm(forms.ModelForm):
    class Meta:
        model = ExpertStage
        fields = (
            "scoring_deadline",
            "aggregation",
            "spread_threshold",
            "experts_per_candidate",
            "hide_identity",
            "remind_days",
        )
        widgets = {
            "scoring_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("stage-form", None, tag=False)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ("name", "name_en", "description", "weight", "max_points")


class BaseRubricFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows = [r for r in rows if r.get("name")]
        if not rows:
            raise forms.ValidationError(_("评审细则至少需要一项评审标准。"))
        total = sum(r.get("weight") or 0 for r in rows)
        if total != 100:
            raise forms.ValidationError(
                _("各项评审标准的权重之和必须为 100，当前为 %(total)s。") % {"total": total}
            )

    def criteria(self) -> list[dict]:
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        return [
            {k: r.get(k) for k in ("name", "name_en", "description", "weight", "max_points")}
            for r in rows
            if r.get("name")
        ]


RubricFormSet = forms.modelformset_factory(
    Criterion, form=CriterionForm, formset=BaseRubricFormSet, extra=2, can_delete=True
)


class PanelForm(forms.Form):
    name = forms.CharField(label=_("评审组名称"), max_length=80)
    chair = forms.ModelChoiceField(
        label=_("组长"), queryset=User.objects.none(), required=False, widget=UserDataSelect
    )
    members = forms.ModelMultipleChoiceField(
        label=_("评审专家"),
        queryset=ExpertProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pool = (
            ExpertProfile.objects.filter(is_active=True)
            .select_related("user", "union")
            .order_by("user__name", "pk")
        )
        self.fields["members"].queryset = pool
        self.fields["members"].label_from_instance = lambda p: user_content(
            f"{p} · {p.title} · {p.union.name}"
        )
        self.fields["chair"].queryset = User.objects.filter(expert__is_active=True).order_by("name", "pk")
        self.fields["chair"].label_from_instance = lambda u: u.name or u.get_username()
        self.helper = _helper("panel-form", None, tag=False)


class AssignForm(forms.Form):
    candidacy = forms.TypedChoiceField(label=_("候选人"), coerce=int, widget=UserDataSelect)
    expert = forms.TypedChoiceField(label=_("评审专家"), coerce=int, widget=UserDataSelect)

    def __init__(self, *args, candidacies=(), experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidacy"].choices = [(c.pk, f"{c.name} · {c.unit}") for c in candidacies]
        self.fields["expert"].choices = [(e.pk, str(e)) for e in experts]
        self.helper = _helper("assign-form", None, tag=False)


class ExpertForm(forms.ModelForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=60)
    fields = forms.MultipleChoiceField(
        label=_("专业领域"), choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ExpertProfile
        fields = ("union", "enterprise", "employer", "title", "fields", "is_active")
        widgets = {"union": UserDataSelect, "enterprise": UserDataSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Organisation.objects.filter(is_active=True)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(is_active=True).order_by("name")
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.get_username()
            self.fields["username"].disabled = True
            self.fields["name"].initial = self.instance.user.name
        self.order_fields(
            ["username", "name", "union", "enterprise", "employer", "title", "fields", "is_active"]
        )
        self.helper = _helper("expert-form", _("保存"))

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if not self.instance.pk and ExpertProfile.objects.filter(user__username=username).exists():
            raise forms.ValidationError(_("该用户已在专家库中。"))
        return username


class DeclarationForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("利益冲突申报"),
        choices=[
            ("no", _("本人与该候选人不存在利益冲突（非本人亲属，非同一单位，无其他可能影响公正评审的关系）")),
            ("yes", _("本人与该候选人存在利益冲突，申请回避")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("回避原因"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("conflict") and len("".join((data.get("note") or "").split())) < 2:
            self.add_error("note", _("请简要说明需要回避的原因。"))
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("declaration-form", None, tag=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=300, min_length=4)


class ScoreForm(forms.Form):
    """One points field and one comment per criterion of the rubric (named by the criterion's id)."""

    def __init__(self, *args, criteria=(), items=None, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        items = items or {}
        self.criteria = list(criteria)
        for c in self.criteria:
            item = items.get(c.pk)
            self.fields[f"points_{c.pk}"] = forms.DecimalField(
                label=_("%(criterion)s（权重 %(weight)s%%，满分 %(max)s）")
                % {"criterion": c.label, "weight": c.weight, "max": c.max_points},
                min_value=0,
                max_value=c.max_points,
                decimal_places=1,
                max_digits=6,
                required=False,
                initial=item.points if item else None,
                help_text=user_content(c.description) if c.description else "",
                disabled=locked,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=_("评语"),
                max_length=200,
                required=False,
                initial=item.comment if item else "",
                disabled=locked,
            )
        self.helper = _helper("score-form", None, tag=False)

    def points(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}") for c in self.criteria}

    def comments(self) -> dict:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}", "") for c in self.criteria}
