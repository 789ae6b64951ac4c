from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect
from unionportal.uploads.forms import _check

from . import conf
from .enums import AgreementState, Flag, OfferState, Side, Topic

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProofField(forms.FileField):
    """A PDF or an image (a photo of the signed receipt), checked by the shared upload check."""

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "accept": "application/pdf,.pdf,image/jpeg,image/png,image/webp",
        }

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and hasattr(file, "read"):
            _check(file, "pdf" if file.name.lower().endswith(".pdf") else "image")
        return file


class TargetFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("企业名称"), required=False, max_length=60)
    flag = forms.ChoiceField(
        label=gettext_lazy("要约条件"),
        required=False,
        choices=[("", gettext_lazy("全部对象")), *Flag.choices],
    )
    offered = forms.ChoiceField(
        label=gettext_lazy("要约情况"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("0", gettext_lazy("尚未发出要约")),
            ("1", gettext_lazy("已发出要约")),
        ],
    )


class OfferFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部")), *OfferState.choices]
    )


class AgreementFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), *AgreementState.choices],
    )


class OfferForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存要约草稿")

    enterprise = forms.ModelChoiceField(label=gettext_lazy("企业"), queryset=None, widget=UserDataSelect)
    side = forms.ChoiceField(label=gettext_lazy("要约方"), choices=Side.choices, initial=Side.UNION)
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("协商议题"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE],
    )
    data_requested = forms.CharField(
        label=gettext_lazy("要求对方提供的资料"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("如近两年工资总额、职工平均工资、经营状况等。"),
    )
    contact_name = forms.CharField(label=gettext_lazy("对方联系人"), max_length=60)
    contact_phone = forms.CharField(label=gettext_lazy("对方联系电话"), max_length=20, required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises


class OfferSendForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记送达")

    sent_on = forms.DateField(label=gettext_lazy("发出日期"), widget=DATE)
    received_on = forms.DateField(
        label=gettext_lazy("送达日期"),
        widget=DATE,
        help_text=gettext_lazy("答复期限从对方收到要约之日起计算。"),
    )
    proof = ProofField(label=gettext_lazy("送达凭证（签收单照片或 PDF）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].help_text = _("对方应在收到要约之日起 %(days)s 日内书面答复。") % {
            "days": conf.figure("REPLY_DAYS")
        }


class OfferReplyForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记答复")

    decision = forms.ChoiceField(
        label=gettext_lazy("答复"),
        choices=[("accept", gettext_lazy("同意协商")), ("refuse", gettext_lazy("拒绝协商"))],
        widget=forms.RadioSelect,
    )
    replied_on = forms.DateField(label=gettext_lazy("答复日期"), widget=DATE)
    reason = forms.CharField(
        label=gettext_lazy("拒绝理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("拒绝协商须写明理由。"))
        return data


class NegotiatorForm(forms.Form):
    side = forms.ChoiceField(label=gettext_lazy("代表方"), choices=Side.choices)
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60, required=False)
    position = forms.CharField(label=gettext_lazy("职务"), max_length=60, required=False)
    is_chief = forms.BooleanField(label=gettext_lazy("首席代表"), required=False)
    is_expert = forms.BooleanField(label=gettext_lazy("外聘专家"), required=False)


NegotiatorFormSet = formset_factory(NegotiatorForm, extra=0, max_num=40, absolute_max=40)


class RoundForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记协商会议")

    held_on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120)
    recorder = forms.CharField(label=gettext_lazy("记录人"), max_length=60)
    minutes = forms.CharField(
        label=gettext_lazy("协商纪要"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    settled = forms.CharField(
        label=gettext_lazy("已达成一致的事项"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    open_issues = forms.CharField(
        label=gettext_lazy("尚待协商的事项"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TermsForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存协议条款")

    start_on = forms.DateField(label=gettext_lazy("起始日期"), widget=DATE)
    term_years = forms.IntegerField(
        label=gettext_lazy("期限（年）"), min_value=1, help_text=gettext_lazy("工资专项集体合同一般为 1 年。")
    )
    enterprise_min_wage = forms.DecimalField(
        label=gettext_lazy("企业最低工资（元/月）"), max_digits=10, decimal_places=2, min_value=0
    )
    average_rise = forms.DecimalField(
        label=gettext_lazy("职工平均工资增长幅度（%）"), max_digits=5, decimal_places=2, required=False
    )
    clauses = forms.CharField(
        label=gettext_lazy("其他条款"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class VoteForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记表决结果")

    voted_on = forms.DateField(label=gettext_lazy("表决日期"), widget=DATE)
    total = forms.IntegerField(label=gettext_lazy("职工代表总数"), min_value=1, max_value=100000)
    present = forms.IntegerField(label=gettext_lazy("出席代表"), min_value=0, max_value=100000)
    votes_for = forms.IntegerField(label=gettext_lazy("赞成票"), min_value=0, max_value=100000)


class SignForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记签字")

    signed_on = forms.DateField(label=gettext_lazy("签订日期"), widget=DATE)
    signed_text = ProofField(label=gettext_lazy("双方首席代表签字的合同文本（PDF 或照片）"))


class FileForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记报送")

    filed_on = forms.DateField(label=gettext_lazy("报送日期"), widget=DATE)
    authority = forms.CharField(label=gettext_lazy("受理的劳动保障行政部门"), max_length=120)


class ObjectionForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("登记审查意见，退回重新协商")

    objection = forms.CharField(
        label=gettext_lazy("劳动保障行政部门的审查意见"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def add_error(form, error) -> None:
    """Put a service's message beside its field, or above the form."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, ValidationError(error.message))
