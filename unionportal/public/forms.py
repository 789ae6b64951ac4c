from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.uploads.forms import CheckedFileField
from unionportal.uploads.models import StoredFile


class CartoonForm(CrispyMixin, forms.Form):
    submit_label = _("保存漫画")

    title = forms.CharField(label=_("漫画标题"), max_length=60)
    caption = forms.CharField(label=_("漫画说明"), max_length=200, required=False)
    image = CheckedFileField(
        kind=StoredFile.Kind.IMAGE,
        label=_("漫画图片"),
        help_text=_("JPEG、PNG 或 WebP；上传后替换原有漫画。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "cartoon-form"


class CartoonSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或单位"), max_length=60, required=False)
