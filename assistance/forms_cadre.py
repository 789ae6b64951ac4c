"""Forms of the cadre pages: the visit log (phone first), the visit filter and the hardship lines.

They parse and check input; ``services.visit_log`` and ``services.threshold_set`` decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect
from unionportal.uploads.forms import CheckedMultipleFileField

from .models import DriveEnterprise, Threshold, Visit

MAX_PHOTOS = 9
# What the visit form passes to services.visit_log besides the enterprise and the photos.
VISIT_FIELDS = ["visited_on", "households_met", "findings", "follow_up_needed", "follow_up"]


class DriveEnterpriseChoiceField(forms.ModelChoiceField):
    widget = UserDataSelect

    def label_from_instance(self, obj):
        if obj.capacity_cutting:
            return _("%(name)s（去产能）") % {"name": obj.enterprise.name}
        return obj.enterprise.name


class VisitForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存走访记录")

    drive_enterprise = DriveEnterpriseChoiceField(
        label=_("走访企业"),
        queryset=DriveEnterprise.objects.none(),
        empty_label=_("请选择企业"),
        # A forged or stale choice (an enterprise the cadre is not paired with) reads as the service's refusal.
        error_messages={"invalid_choice": _("只能为与您结对的企业登记走访。")},
    )
    photos = CheckedMultipleFileField(
        kind="image",
        max_files=MAX_PHOTOS,
        required=False,
        label=_("现场照片"),
        help_text=_("可拍照或从相册选择，JPEG、PNG 或 WebP，最多 9 张。"),
    )

    class Meta:
        model = Visit
        fields = ["drive_enterprise", *VISIT_FIELDS]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "households_met": _("本次走访见到的职工家庭户数。"),
            "follow_up": _("勾选“需要跟进”时必填。"),
        }

    def __init__(self, *args, enterprises, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["drive_enterprise"].queryset = enterprises
        if len(enterprises) == 1:
            self.fields["drive_enterprise"].initial = enterprises[0].pk
        self.fields["households_met"].widget.attrs.update({"inputmode": "numeric", "min": 0, "max": 500})
        self.fields["findings"].widget.attrs["placeholder"] = _("见到了谁，了解到哪些困难，当场做了什么。")
        self.helper.form_id = "visit-form"
        self.helper.inputs[0].field_classes = "btn btn-danger btn-lg w-100"

    def clean_visited_on(self):
        value = self.cleaned_data["visited_on"]
        if value > timezone.localdate():
            raise ValidationError(_("走访日期不能晚于今天。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("follow_up_needed") and not (data.get("follow_up") or "").strip():
            self.add_error("follow_up", _("需要跟进时，请写明跟进事项。"))
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in VISIT_FIELDS}


class VisitFilterForm(forms.Form):
    """Filter visits by enterprise: a list to choose from, or a name when there are too many to list."""

    enterprise = DriveEnterpriseChoiceField(
        label=_("企业"), queryset=DriveEnterprise.objects.none(), required=False, empty_label=_("全部企业")
    )
    q = forms.CharField(label=_("企业名称"), required=False, max_length=100)

    def __init__(self, *args, enterprises, by_name: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_name:
            del self.fields["enterprise"]
            self.fields["q"].widget.attrs.update({"class": "form-control", "placeholder": _("输入企业名称")})
        else:
            del self.fields["q"]
            self.fields["enterprise"].queryset = enterprises
            self.fields["enterprise"].widget.attrs["class"] = "form-select"


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["dibao_line", "relative_factor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dibao_line"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        self.fields["relative_factor"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
        self.helper = FormHelper()
        self.helper.form_id = "threshold-form"
        self.helper.add_input(Submit("submit", _("保存并重新认定")))
