from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect
from unionportal.uploads.forms import CheckedMultipleFileField

from .models import ActivityReport
from .services import MAX_PHOTOS


class ActivityReportForm(CrispyMixin, forms.ModelForm):
    submit_label = _("保存")

    organisation = forms.ChoiceField(label=_("填报单位"), widget=UserDataSelect)
    photos = CheckedMultipleFileField(
        kind="image",
        max_files=MAX_PHOTOS,
        required=False,
        label=_("活动照片"),
        help_text=_("JPEG、PNG 或 WebP 图片，每份报告最多 9 张。"),
    )

    field_order = [
        "organisation",
        "title",
        "date",
        "place",
        "participants",
        "summary",
        "photos",
        "remove_photos",
    ]

    class Meta:
        model = ActivityReport
        fields = ["title", "date", "place", "participants", "summary"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, organisations=(), photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].min_value = 1
        self.fields["participants"].widget.attrs["min"] = 1
        if self.instance.pk:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
            if len(organisations) == 1:
                self.fields["organisation"].widget = forms.HiddenInput()
                self.fields["organisation"].initial = organisations[0].pk
        self.existing_photos = list(photos)
        if self.existing_photos:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label=_("删除照片"),
                required=False,
                choices=[(str(p.pk), p.original_name or str(p.pk)) for p in self.existing_photos],
                widget=forms.CheckboxSelectMultiple,
            )

    def clean(self):
        data = super().clean()
        new = data.get("photos") or []
        kept = len(self.existing_photos) - len(data.get("remove_photos") or [])
        if kept + len(new) > MAX_PHOTOS:
            self.add_error("photos", _("每份报告最多 %(n)s 张照片。") % {"n": MAX_PHOTOS})
        return data


class MilestoneDoneForm(CrispyMixin, forms.Form):
    submit_label = _("确认已完成")

    note = forms.CharField(
        label=_("备注"), required=False, max_length=200, help_text=_("可填写完成情况，例如会议日期、文件号。")
    )


class ReturnForm(CrispyMixin, forms.Form):
    submit_label = _("退回修改")

    state = forms.CharField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("填报单位将看到这段说明。"),
    )
