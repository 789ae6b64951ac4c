"""Forms of the public evaluation: the stage's settings and opening (staff), the voter's verification."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import VoteStage
from .services import CONSENT_TEXT


class StageForm(forms.ModelForm):
    class Meta:
        model = VoteStage
        fields = (
            "opens_at",
            "closes_at",
            "period",
            "votes_per_candidate",
            "candidates_per_day",
            "hide_results",
            "expert_weight",
            "public_weight",
        )
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("votes_per_candidate", "candidates_per_day"):
            self.fields[name].min_value = 1
            self.fields[name].widget.attrs["min"] = 1
        for name in ("expert_weight", "public_weight"):
            self.fields[name].max_value = 100
            self.fields[name].widget.attrs["max"] = 100
        if self.instance.pk and self.instance.is_open():
            for name in self.fields:
                if name not in ("closes_at", "hide_results"):
                    self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_id = "stage-form"
        self.helper.add_input(Submit("save", _("保存设置"), css_class="btn-danger"))

    def clean(self):
        data = super().clean()
        weights = (data.get("expert_weight"), data.get("public_weight"))
        if None not in weights and sum(weights) != 100:
            self.add_error("public_weight", _("专家评审权重与社会评议权重之和必须为 100。"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("处理理由"), max_length=500)


class OutlineSubmit(Submit):
    field_classes = "btn btn-outline-danger"


class VerifyForm(forms.Form):
    """The voter's number, the code sent to it and the consent (the phone number's use, in words)."""

    phone = forms.CharField(
        label=_("手机号"), max_length=11, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "verify-form"
        self.helper.add_input(OutlineSubmit("send", _("获取验证码"), css_id="send-code"))
        self.helper.add_input(Submit("verify", _("验证并投票"), css_class="btn-danger", css_id="verify"))
