"""Forms of the public notice pages: lodging an objection, looking up its receipt."""

from captcha.fields import CaptchaField
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import UserDataSelect
from unionportal.uploads.forms import CheckedFileField
from unionportal.uploads.models import StoredFile


class ObjectionForm(forms.Form):
    """Who is objected to (one of the listed candidates), by whom, why, with optional evidence."""

    candidacy = forms.TypedChoiceField(label=_("反映对象"), coerce=int, widget=UserDataSelect)
    name = forms.CharField(label=_("您的姓名"), max_length=60)
    contact = forms.CharField(
        label=_("联系方式"), max_length=100, help_text=_("手机号或地址，用于告知处理结果；不会公开。")
    )
    reason = forms.CharField(label=_("反映内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    evidence_image = CheckedFileField(kind=StoredFile.Kind.IMAGE, label=_("证明材料（图片）"), required=False)
    evidence_pdf = CheckedFileField(kind=StoredFile.Kind.PDF, label=_("证明材料（PDF）"), required=False)
    captcha = CaptchaField(label=_("验证码"), error_messages={"invalid": _("验证码错误，请重新输入。")})
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidacy"].choices = [("", _("请选择")), *candidates]
        self.helper = FormHelper()
        self.helper.form_id = "objection-form"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("提交异议"), css_class="btn-danger"))

    def clean(self):
        data = super().clean()
        if data.get("evidence_image") and data.get("evidence_pdf"):
            raise forms.ValidationError(_("证明材料请只上传一个文件（图片或 PDF）。"))
        return data

    @property
    def evidence(self):
        return self.cleaned_data.get("evidence_image") or self.cleaned_data.get("evidence_pdf")

    @property
    def evidence_kind(self) -> str:
        return StoredFile.Kind.IMAGE if self.cleaned_data.get("evidence_image") else StoredFile.Kind.PDF


class ReceiptLookupForm(forms.Form):
    receipt_no = forms.CharField(label=_("受理编号"), max_length=20)
    contact = forms.CharField(label=_("联系方式"), max_length=100, help_text=_("提交异议时填写的联系方式。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "receipt-form"
        self.helper.add_input(Submit("submit", _("查询"), css_class="btn-danger"))

    def clean_receipt_no(self):
        return self.cleaned_data["receipt_no"].strip().upper()

    def clean_contact(self):
        return self.cleaned_data["contact"].strip()
