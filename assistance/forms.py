"""Forms of the household pages. They parse and check input; the services decide (category rule,
one active file, scope) and their messages are put back on the field they concern."""

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin, PhoneField
from unionportal.accounts.validators import normalise_id_number, validate_id_number
from unionportal.i18n import UserDataSelect
from unionportal.orgs.models import Enterprise

from .enums import Category, Cause, HouseholdState
from .models import HOUSEHOLD_INPUT_FIELDS, Household, HouseholdMember, Measure, PlanItem
from .services import worker_problems

DATE_WIDGET = {"type": "date"}
MEMBER_FIELDS = ["name", "relation", "age", "health", "schooling", "monthly_income"]
# What the household form passes to services.household_create / household_update.
HOUSEHOLD_FIELDS = HOUSEHOLD_INPUT_FIELDS
# Service error keys that are not form fields, and the form field they belong to.
ERROR_FIELD_ALIASES = {"category": "claimed_category"}


def _model_field(name: str, **kwargs):
    return Household._meta.get_field(name).formfield(**kwargs)


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the fields it names; the rest goes above the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = key if key in form.fields else ERROR_FIELD_ALIASES.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class HouseholdForm(forms.Form):
    """The worker and the household; the members come in a formset beside it."""

    enterprise = forms.ModelChoiceField(
        label=_("所在企业"),
        queryset=Enterprise.objects.none(),
        empty_label=_("请选择企业"),
        widget=UserDataSelect,
    )
    worker_name = _model_field("worker_name")
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        min_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    gender = _model_field("gender")
    phone = PhoneField(
        required=False, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})
    )
    job_status = _model_field("job_status")
    worker_income = _model_field("worker_income", min_value=0, max_value=1_000_000)
    causes = forms.MultipleChoiceField(
        label=_("致困原因"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sudden_cause_on = _model_field(
        "sudden_cause_on", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    claimed_category = forms.ChoiceField(
        label=_("干部认定的困难类别"),
        required=False,
        choices=[("", _("不填写，按标准自动认定"))]
        + [(c.value, c.label) for c in Category if c != Category.NONE],
        help_text=_("填写后系统会按所在地区的低保线核对；与收入和认定标准不符时不能保存。"),
    )

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        self.household = household
        if household is not None:
            kwargs.setdefault("initial", {})
            kwargs["initial"] = {
                **{name: getattr(household, name) for name in HOUSEHOLD_FIELDS},
                # Personal data is not put into the page: leaving these blank keeps the stored values.
                "id_number": "",
                "phone": "",
                **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)
        self.fields["worker_income"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        if household is None:
            self.fields["enterprise"].queryset = self._enterprises(user)
        else:
            # The responsible union follows the enterprise; a file does not move between enterprises.
            del self.fields["enterprise"]
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("当前为 %(masked)s；不修改请留空。") % {
                "masked": household.masked_id_number
            }
            self.fields["phone"].help_text = (
                _("当前为 %(masked)s；不修改请留空。") % {"masked": household.masked_phone}
                if household.phone
                else _("选填。")
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(InlineCheckboxes(name) if name == "causes" else name for name in self.fields)
        )

    @staticmethod
    def _enterprises(user):
        from .selectors import enterprises_for_filing

        return enterprises_for_filing(user).order_by("name")

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number"))
        if not value and self.household is not None:
            return self.household.id_number
        validate_id_number(value)
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone") or ""
        if not value and self.household is not None:
            return self.household.phone
        return value

    def clean(self):
        data = super().clean()
        # The filing rule's own checks of these fields, so that they show with the members' errors (the
        # service checks them again when it files).
        for name, message in worker_problems(data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in HOUSEHOLD_FIELDS}


class HouseholdMemberForm(forms.ModelForm):
    class Meta:
        model = HouseholdMember
        fields = MEMBER_FIELDS
        widgets = {
            "age": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 120}),
            "monthly_income": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monthly_income"].min_value = 0


class BaseMemberFormSet(forms.BaseFormSet):
    def members(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in MEMBER_FIELDS}
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


MemberFormSet = forms.formset_factory(
    HouseholdMemberForm,
    formset=BaseMemberFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,  # an empty new row is simply not saved
    max_num=20,
    validate_max=True,
)


def member_formset_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        Row(
            Column("name", css_class="col-6 col-md-4"),
            Column("relation", css_class="col-6 col-md-4"),
            Column("age", css_class="col-6 col-md-4"),
            Column("health", css_class="col-6 col-md-4"),
            Column("schooling", css_class="col-6 col-md-4"),
            Column("monthly_income", css_class="col-6 col-md-4"),
        ),
        "DELETE",
    )
    return helper


def member_initial(household: Household) -> list[dict]:
    return list(household.members.values(*MEMBER_FIELDS))


class RevealForm(CrispyMixin, forms.Form):
    submit_label = _("查看完整信息")

    field = forms.ChoiceField(
        label=_("查看"),
        choices=[("id_number", _("身份证号")), ("phone", _("手机号"))],
        initial="id_number",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        help_text=_("查看将被记录（查看人、时间、理由）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "reveal-form"


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=HouseholdState.choices)
    # The state the user saw; the service refuses the move if someone changed it meanwhile.
    expected_from = forms.ChoiceField(choices=HouseholdState.choices, required=False)
    comment = forms.CharField(required=False, max_length=300)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("职工姓名"), required=False, max_length=60)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *HouseholdState.choices]
    )
    category = forms.ChoiceField(
        label=_("困难类别"), required=False, choices=[("", _("全部类别")), *Category.choices]
    )
    enterprise = forms.TypedChoiceField(
        label=_("企业"), required=False, coerce=int, empty_value=None, widget=UserDataSelect
    )
    capacity_cutting = forms.ChoiceField(
        label=_("去产能企业"),
        required=False,
        choices=[("", _("不限")), ("1", _("是")), ("0", _("否"))],
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("全部企业")), *((e.pk, e.name) for e in enterprises)]


class MeasureForm(CrispyMixin, forms.ModelForm):
    submit_label = _("登记帮扶措施")

    class Meta:
        model = Measure
        fields = ["type", "form", "amount", "given_on", "fund_source", "giver", "note"]
        widgets = {
            "given_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "measure-form"
        self.fields["given_on"].initial = timezone.localdate
        # The model's range (0 to 200,000 yuan) checked in the browser too; the model still decides.
        self.fields["amount"].widget.attrs.update({"min": 0, "max": 200000})

    def clean_given_on(self):
        value = self.cleaned_data["given_on"]
        if value > timezone.localdate():
            raise ValidationError(_("帮扶日期不能晚于今天。"))
        return value


class PlanItemForm(CrispyMixin, forms.ModelForm):
    submit_label = _("添加帮扶计划")

    class Meta:
        model = PlanItem
        fields = ["action", "follow_up_on"]
        widgets = {"follow_up_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "plan-form"


class YearlyReviewForm(CrispyMixin, forms.Form):
    submit_label = _("完成年度复核")

    category = forms.ChoiceField(
        label=_("复核后的困难类别"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        help_text=_("确认或更改类别；所选类别须与当前收入和认定标准相符。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "review-form"
