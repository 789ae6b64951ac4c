from django import forms
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import chinese, sentence
from unionportal.uploads import limits

from .services import check_reveal_reason


class UploadForm(CrispyMixin, forms.Form):
    """One file; for an importer of several sheets, one workbook holding them all or one CSV file per
    sheet (fields ``sheet_<key>``)."""

    submit_label = _("上传并预览")

    file = forms.FileField(label=_("数据文件"))

    def __init__(self, *args, importer, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheets = importer.sheets if importer.several else ()
        size = limits.format_size(limits.max_bytes("sheet"))
        if not self.sheets:
            self.fields["file"].help_text = _(
                "按模板填写的 .xlsx 或 .csv 文件，不超过 %(size)s、%(rows)d 行。上传后先预览，确认后才导入。"
            ) % {"size": size, "rows": importer.sheets[0].max_rows}
            return
        names = "、".join(f"“{s.title}”" for s in self.sheets)
        self.fields["file"] = forms.FileField(
            label=_("Excel 工作簿（.xlsx）"),
            required=False,
            help_text=sentence(
                _(
                    "含%(sheets)s各表的工作簿，不超过 %(size)s。或者不上传工作簿，改为每张表上传一个 CSV 文件。"
                ),
                sheets=chinese(names),
                size=conditional_escape(size),
            ),
        )
        for sheet in self.sheets:
            # The sheet's title is the file's own (Chinese on every page).
            self.fields[f"sheet_{sheet.key}"] = forms.FileField(
                label=sentence(_("“%(sheet)s”表（CSV 文件）"), sheet=chinese(sheet.title)), required=False
            )

    def sheet_uploads(self) -> dict | None:
        """{sheet key: file} when CSV files were uploaded instead of one file."""
        if not self.sheets or self.cleaned_data.get("file"):
            return None
        return {s.key: self.cleaned_data[f"sheet_{s.key}"] for s in self.sheets}

    def clean(self):
        data = super().clean()
        if not self.sheets:
            return data
        csv_files = [data.get(f"sheet_{s.key}") for s in self.sheets]
        if data.get("file") and any(csv_files):
            raise forms.ValidationError(_("请只上传一个工作簿，或者每张表一个 CSV 文件，不要同时上传。"))
        if not data.get("file") and not all(csv_files):
            raise forms.ValidationError(_("请上传一个工作簿，或者每张表各一个 CSV 文件。"))
        return data


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
