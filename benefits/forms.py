from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect

from .enums import OfferKind, OfferState

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存")

    union = forms.ModelChoiceField(label=gettext_lazy("发布工会"), queryset=None, widget=UserDataSelect)
    kind = forms.ChoiceField(label=gettext_lazy("服务类别"), choices=OfferKind.choices)
    title = forms.CharField(label=gettext_lazy("服务名称"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("服务内容"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    place = forms.CharField(label=gettext_lazy("服务地点"), max_length=200)
    capacity = forms.IntegerField(label=gettext_lazy("名额"), min_value=1, max_value=100000)
    signup_from = forms.DateField(label=gettext_lazy("报名开始日期"), widget=DATE)
    signup_until = forms.DateField(label=gettext_lazy("报名截止日期"), widget=DATE)
    service_on = forms.DateField(label=gettext_lazy("服务日期"), widget=DATE)
    needs_confirmation = forms.BooleanField(
        label=gettext_lazy("报名须经工会逐一确认"),
        required=False,
        help_text=gettext_lazy("不勾选则先到先得：报名即占用名额，报满后进入候补。"),
    )

    def __init__(self, *args, unions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unions is None:
            del self.fields["union"]
        else:
            self.fields["union"].queryset = unions
            if unions.count() == 1:
                self.fields["union"].initial = unions.first()


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("服务名称"), required=False, max_length=60)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部")), *OfferState.choices]
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("服务类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *OfferKind.choices],
    )


class PublicFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("服务类别"),
        required=False,
        choices=[("", gettext_lazy("全部")), *OfferKind.choices],
    )


class SignupForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("确认报名")

    note = forms.CharField(label=gettext_lazy("备注（选填）"), required=False, max_length=200)
    consent = forms.BooleanField(
        label=gettext_lazy("我同意工会使用我在会员名册中的姓名、身份证号和手机号办理这项服务。"),
        error_messages={"required": gettext_lazy("请勾选同意后再报名。")},
    )
    waitlist = forms.BooleanField(required=False, widget=forms.HiddenInput)


class WaitlistForm(SignupForm):
    submit_label = gettext_lazy("加入候补名单")


class RefuseForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("确认不通过")

    reason = forms.CharField(
        label=gettext_lazy("未通过原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevealForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("查看完整信息")

    field = forms.ChoiceField(
        label=gettext_lazy("查看"),
        choices=[("id_number", gettext_lazy("身份证号")), ("phone", gettext_lazy("手机号"))],
        initial="id_number",
    )
    reason = forms.CharField(label=gettext_lazy("理由"), max_length=200)


class ConfirmForm(CrispyMixin, forms.Form):
    """An empty form whose button confirms a destructive step."""

    def __init__(self, *args, submit_label=None, **kwargs):
        if submit_label:
            self.submit_label = submit_label
        super().__init__(*args, **kwargs)


def add_error(form, error) -> None:
    """Put a service's message beside its field, or above the form."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, ValidationError(error.message))
