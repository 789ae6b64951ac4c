"""The upload form of the household import: one workbook, or the households and members CSV files."""

from django import forms
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import chinese, sentence
from unionportal.uploads import limits

from .household_import import HOUSEHOLD_SHEET, MEMBER_SHEET


class HouseholdImportForm(CrispyMixin, forms.Form):
    submit_label = _("上传并预览")

    workbook = forms.FileField(label=_("Excel 工作簿（.xlsx）"), required=False)
    households_csv = forms.FileField(label=_("家庭 CSV 文件"), required=False)
    members_csv = forms.FileField(label=_("成员 CSV 文件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = limits.format_size(limits.max_bytes("sheet"))
        self.fields["workbook"].help_text = sentence(
            _(
                "含“%(households)s”和“%(members)s”两张表的工作簿，不超过 %(size)s。或者不上传工作簿，改为上传下面两个 CSV 文件。"
            ),
            households=chinese(HOUSEHOLD_SHEET),
            members=chinese(MEMBER_SHEET),
            size=conditional_escape(size),
        )
        self.fields["members_csv"].help_text = _("成员按职工身份证号对应到家庭表中的职工。")

    def clean(self):
        data = super().clean()
        workbook, households, members = (data.get(k) for k in ("workbook", "households_csv", "members_csv"))
        if workbook and (households or members):
            raise forms.ValidationError(_("请只上传一个工作簿，或者两个 CSV 文件，不要同时上传。"))
        if not workbook and not (households and members):
            raise forms.ValidationError(_("请上传一个工作簿，或者家庭和成员两个 CSV 文件。"))
        return data
