from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect
from unionportal.orgs.models import Enterprise
from unionportal.uploads.forms import MultipleFileInput, _check

from .enums import Outcome, RequestKind, RequestState, StepKind
from .selectors import counties
from .services import MAX_FILES, evidence_kind


class EvidenceField(forms.FileField):
    """Photos or PDFs, several at once; each is checked by its content (a PDF by its header, anything
    else must pass as an image), so a script named .jpg is refused beside the field."""

    widget = MultipleFileInput

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "accept": "image/jpeg,image/png,image/webp,application/pdf,.pdf",
        }

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_FILES:
            raise ValidationError(_("证据材料最多 %(n)d 个文件。") % {"n": MAX_FILES})
        errors = []
        for file in files:
            try:
                _check(super().clean(file, None), evidence_kind(file))
            except ValidationError as error:
                errors.extend(
                    ValidationError(_("“%(name)s”：%(reason)s") % {"name": file.name, "reason": message})
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return files


class EmployerMixin(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("用人单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=UserDataSelect,
        empty_label=gettext_lazy("在名录中选择"),
    )
    employer_name = forms.CharField(
        label=gettext_lazy("名录中没有时，填写单位名称"), required=False, max_length=200
    )
    county = forms.ModelChoiceField(
        label=gettext_lazy("单位所在县（市、区）"),
        queryset=counties().none(),
        required=False,
        widget=UserDataSelect,
        help_text=gettext_lazy("用人单位不在名录中时必选，申请将交由当地总工会办理。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(is_active=True).order_by("name")
        self.fields["county"].queryset = counties()

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("employer_name") or "").strip():
            self.add_error("enterprise", _("请选择用人单位，或填写用人单位名称。"))
        elif not data.get("enterprise") and not data.get("county"):
            self.add_error("county", _("用人单位不在名录中时，请选择单位所在的县（市、区）。"))
        return data


class RequestForm(CrispyMixin, EmployerMixin):
    submit_label = gettext_lazy("提交维权申请")
    field_order = ["kind", "enterprise", "employer_name", "county", "facts", "demands", "evidence"]

    kind = forms.ChoiceField(label=gettext_lazy("维权类别"), choices=RequestKind.choices)
    facts = forms.CharField(
        label=gettext_lazy("事实经过"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("何时、何地、发生了什么，涉及多少人、多少金额。"),
    )
    demands = forms.CharField(
        label=gettext_lazy("您的诉求"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = EvidenceField(
        label=gettext_lazy("证据材料（照片或 PDF）"),
        required=False,
        help_text=gettext_lazy("工资条、劳动合同、聊天记录截图等，最多 6 个文件。"),
    )


class TipForm(CrispyMixin, EmployerMixin):
    submit_label = gettext_lazy("匿名提交")
    field_order = ["enterprise", "employer_name", "county", "facts", "evidence"]

    facts = forms.CharField(
        label=gettext_lazy("安全隐患情况"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("隐患所在位置、表现和可能的后果。请勿填写能识别您身份的信息。"),
    )
    evidence = EvidenceField(label=gettext_lazy("照片或 PDF"), required=False)


class TrackForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("查询")

    code = forms.CharField(label=gettext_lazy("查询码"), max_length=40)


class StepForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("保存办理情况")

    kind = forms.ChoiceField(label=gettext_lazy("办理方式"), choices=StepKind.choices)
    note = forms.CharField(
        label=gettext_lazy("办理情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ConcludeForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("办结")

    outcome = forms.ChoiceField(label=gettext_lazy("办理结果"), choices=Outcome.choices)
    conclusion = forms.CharField(
        label=gettext_lazy("办结意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class EscalateForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("上报上级工会")

    reason = forms.CharField(
        label=gettext_lazy("上报理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("提交评价")

    rating = forms.TypedChoiceField(
        label=gettext_lazy("满意度"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        help_text=gettext_lazy("5 分为非常满意，1 分为很不满意。"),
    )
    comment = forms.CharField(
        label=gettext_lazy("评价"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("单位名称"), required=False, max_length=60)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=[("", gettext_lazy("全部")), *RequestState.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False, choices=[("", gettext_lazy("全部")), *RequestKind.choices]
    )
    overdue = forms.ChoiceField(
        label=gettext_lazy("期限"),
        required=False,
        choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("已逾期"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


def add_error(form, error) -> None:
    """Put a service's message beside its field, or above the form."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, ValidationError(error.message))
