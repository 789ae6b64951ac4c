"""Forms of the staff pages of the pipeline: queue filters, bulk actions, notice, objection cases,
allocations, and the signed final POST of a confirm page. They only parse input; the services decide."""

from crispy_forms.layout import Hidden
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.i18n import UserDataSelect

from .enums import Flag, Tag

DATE_WIDGET = {"type": "date"}

SORTS = {
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "name": ("name", "id"),
    "unit": ("unit", "id"),
    "region": ("region", "organisation__path", "id"),
    "rank": ("rank", "id"),
}
SORT_CHOICES = [
    ("submitted", _("按提交时间（先）")),
    ("-submitted", _("按提交时间（后）")),
    ("name", _("按姓名")),
    ("unit", _("按单位")),
    ("region", _("按地区")),
    ("rank", _("按排序")),
]
FLAG_FILTERS = [("", _("不限")), *Flag.choices]
TAG_FILTERS = [("", _("不限")), *Tag.choices]


class QueueFilterForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("评选项目"), coerce=int, required=False, empty_value=None)
    org = forms.TypedChoiceField(
        label=_("审核单位"), coerce=int, required=False, empty_value=None, widget=UserDataSelect
    )
    q = forms.CharField(label=_("姓名或单位"), required=False, max_length=60)
    region = forms.ChoiceField(label=_("地区"), required=False, widget=UserDataSelect)
    flag = forms.ChoiceField(label=_("人员属性"), required=False, choices=FLAG_FILTERS)
    tag = forms.ChoiceField(label=_("重点领域"), required=False, choices=TAG_FILTERS)
    honours = forms.ChoiceField(
        label=_("既往荣誉"),
        required=False,
        choices=[("", _("不限")), ("1", _("有既往荣誉")), ("0", _("无既往荣誉"))],
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, programmes=(), organisations=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.pk, p.label) for p in programmes]
        self.fields["org"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["region"].choices = [("", _("全部地区")), *((r, r) for r in regions)]

    def filter(self, rows):
        """Apply the filters and the sort to a queue queryset (an unbound or invalid form sorts only)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("q"):
            text = data["q"].strip()
            rows = rows.filter(Q(name__icontains=text) | Q(unit__icontains=text))
        if data.get("region"):
            rows = rows.filter(region=data["region"])
        if data.get("flag"):
            rows = rows.filter(**{f"flags__{data['flag']}": True})
        if data.get("tag"):
            # Tags are a JSON list of codes: match the quoted code in its text (SQLite and PostgreSQL).
            rows = rows.filter(tags__icontains=f'"{data["tag"]}"')
        if data.get("honours") == "1":
            rows = rows.exclude(past_honours="")
        elif data.get("honours") == "0":
            rows = rows.filter(past_honours="")
        return rows.order_by(*SORTS.get(data.get("sort") or "submitted", SORTS["submitted"]))


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


class ObjectionFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("未办结")), ("closed", _("已办结"))],
    )


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
