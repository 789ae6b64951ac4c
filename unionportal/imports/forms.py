from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import chinese, sentence
from unionportal.uploads import limits

from .services import check_reveal_reason


class UploadForm(CrispyMixin, forms.Form):
    submit_label = _("上传并预览")

    file = forms.FileField(label=_("数据文件"))

    def __init__(self, *args, max_rows: int = 20000, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "按模板填写的 .xlsx 或 .csv 文件，不超过 %(size)s、%(rows)d 行。上传后先预览，确认后才导入。"
        ) % {"size": limits.format_size(limits.max_bytes("sheet")), "rows": max_rows}


class ExportForm(CrispyMixin, forms.Form):
    submit_label = _("导出")

    format = forms.ChoiceField(
        label=_("格式"),
        choices=[("xlsx", _("Excel 工作簿（.xlsx）")), ("csv", _("CSV 文本（.csv）"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    reveal = forms.BooleanField(
        label=_("导出完整的个人信息（不脱敏）"),
        required=False,
        help_text=_("默认导出脱敏后的手机号、身份证号。完整导出会记入操作记录。"),
    )
    reason = forms.CharField(label=_("理由"), required=False, max_length=200)

    def __init__(self, *args, masked_columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not masked_columns:
            del self.fields["reveal"]
            del self.fields["reason"]
        else:
            # The column names are the file's own (Chinese on every page).
            self.fields["reveal"].help_text = sentence(
                _("默认导出脱敏后的数据（%(columns)s）。完整导出须说明理由，并记入操作记录。"),
                columns=chinese("、".join(masked_columns)),
            )

    def clean(self):
        data = super().clean()
        if data.get("reveal"):
            try:
                data["reason"] = check_reveal_reason(data.get("reason", ""))
            except forms.ValidationError as error:
                self.add_error("reason", error)
        return data
