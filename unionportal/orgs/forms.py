from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin, PhoneField
from unionportal.i18n import UserDataSelect
from unionportal.uploads.spreadsheets import XLSX_MAGIC

from .enums import Role
from .selectors import organisations_managed_by

User = get_user_model()


class UserCreateForm(CrispyMixin, forms.Form):
    submit_label = _("创建账户")

    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("只能包含字母、数字和 @ . + - _。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = PhoneField(required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    organisation = forms.ModelChoiceField(label=_("所属组织"), queryset=None, widget=UserDataSelect)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_managed_by(actor)

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and User.objects.filter(phone=phone).exists():
            raise forms.ValidationError(_("该手机号已被其他账户使用。"))
        return phone

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"))
        return username


class UserImportForm(CrispyMixin, forms.Form):
    submit_label = _("导入")

    file = forms.FileField(
        label=_("账户表格"),
        help_text=_("按模板格式填写的 .xlsx 或 .csv 文件，不超过 20 MB。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The reader goes by content and would take a web page saved as .xlsx (a common "export") for
        # CSV text, then report every row as incomplete; a name that promises a workbook must hold one.
        if upload.name.lower().endswith(".xlsx"):
            head = upload.read(len(XLSX_MAGIC))
            upload.seek(0)
            if head != XLSX_MAGIC:
                raise forms.ValidationError(_("该文件不是 Excel 工作簿（.xlsx）。"))
        return upload
