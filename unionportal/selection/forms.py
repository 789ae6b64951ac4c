"""Forms of the pipeline's pages: the submitter's list filter, bulk actions, notice, objection cases,
allocations, and the signed final POST of a confirm page. They only parse input; the services decide."""

from crispy_forms.layout import Hidden
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin

from .enums import State

DATE_WIDGET = {"type": "date"}


class CandidacyFilterForm(forms.Form):
    """The submitter's list of a programme app (nominations, craftsmen): by programme and by state."""

    programme = forms.ChoiceField(label=_("评选项目"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *State.choices])

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("全部项目"))] + [(str(p.pk), p.label) for p in programmes]

    def filter(self, rows):
        """``rows`` narrowed to the chosen programme and state (all of them on bad or no input)."""
        if not self.is_valid():
            return rows
        if self.cleaned_data["programme"]:
            rows = rows.filter(programme_id=self.cleaned_data["programme"])
        if self.cleaned_data["state"]:
            rows = rows.filter(state=self.cleaned_data["state"])
        return rows


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, max_length=500, widget=forms.Textarea)


class NoticeOpenForm(CrispyMixin, forms.Form):
    submit_label = _("发布公示")

    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    office = forms.CharField(label=_("异议受理单位"), max_length=120)
    phone = forms.CharField(label=_("受理电话"), max_length=40)
    address = forms.CharField(label=_("受理地址"), max_length=200)

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programme is not None:
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("office", programme.notice_office)
            self.initial.setdefault("phone", programme.notice_phone)
            self.initial.setdefault("address", programme.notice_address)
        self.helper.form_id = "notice-form"
        self.helper.add_input(Hidden("action", "notice"))


class ContactRevealForm(CrispyMixin, forms.Form):
    """Why the objector's full contact is needed (the reveal is logged with this reason)."""

    submit_label = _("查看完整联系方式")

    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        help_text=_("反映人的联系方式受保护，仅在核实、回复时查看；查看将被记录（查看人、时间、理由）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ObjectionDecideForm(CrispyMixin, forms.Form):
    submit_label = _("办结")

    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("dismissed", _("异议不成立")), ("upheld", _("异议成立（撤下该对象）"))],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label=_("调查核实情况"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_id = "objection-decide"


class AllocationForm(forms.Form):
    """One quota field per child union; blank means no allocation. The page lays the fields out in its
    table of figures (``field_for``)."""

    def __init__(self, *args, children=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for child in children:
            self.fields[f"org_{child.pk}"] = forms.IntegerField(
                label=child.name,
                required=False,
                min_value=0,
                initial=current.get(child.pk),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm allocation-input"}),
            )

    def field_for(self, organisation) -> forms.BoundField:
        return self[f"org_{organisation.pk}"]

    def quotas(self) -> dict[int, int | None]:
        return {int(name[4:]): value for name, value in self.cleaned_data.items()}


# --- confirm pages --------------------------------------------------------------------------------

CONFIRM_SALT = "selection.confirm"
CONFIRM_MAX_AGE = 3600  # an hour to read the list and decide
TAMPERED = _("提交的内容与确认页列出的不一致，未作任何更改。请重新选择后再确认。")


def confirm_token(user, selection: dict) -> str:
    """Sign what a confirm page lists, for this user: its final POST must carry exactly this back."""
    return signing.dumps({"user": user.pk, **selection}, salt=CONFIRM_SALT, compress=True)


class ConfirmForm(forms.Form):
    """The final POST of a confirm page. Valid only with a fresh token signed for this user over exactly
    the selection parsed from the POST's hidden fields: a changed row, reason or action (or a token
    taken from another page or user) is refused, so nothing moves that the page did not list."""

    confirm = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data, *, user, selection: dict):
        super().__init__(data)
        self.user, self.selection = user, selection

    def clean_confirm(self):
        if not self.cleaned_data["confirm"]:
            raise ValidationError(TAMPERED)
        try:
            signed = signing.loads(self.cleaned_data["confirm"], salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        except signing.SignatureExpired:
            raise ValidationError(_("确认页已过期，未作任何更改。请重新选择后再确认。")) from None
        except signing.BadSignature:
            raise ValidationError(TAMPERED) from None
        if signed != {"user": self.user.pk, **self.selection}:
            raise ValidationError(TAMPERED)
        return signed

    def error(self) -> str:
        return self.errors["confirm"][0]
