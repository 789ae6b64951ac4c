"""The forms of the 最美一线职工 public pages: the phone code, the nomination, the nominee's consent.
Thin: the checks that matter are ``awards.frontline``'s."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import UserDataSelect
from unionportal.selection.services import DEEDS_LIMIT, SUMMARY_LIMIT
from unionportal.uploads.forms import CheckedFileField

from . import frontline
from .models import NominationWay

UNION_CHOICES_SHOWN = 30


class OutlineSubmit(Submit):
    field_classes = "btn btn-outline-danger"


class PhoneForm(forms.Form):
    """A number and the code sent to it (the nominator's own, or the nominee's for consent)."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, submit_label=None, form_id="phone-form", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = form_id
        self.helper.add_input(OutlineSubmit("send", _("获取验证码"), css_id="send-code"))
        self.helper.add_input(
            Submit("verify", submit_label or _("验证手机号"), css_class="btn-danger", css_id="verify")
        )


class ConsentForm(PhoneForm):
    consent = forms.BooleanField(
        label=_("本人知悉并同意被推荐参加“最美一线职工”评选，同意按隐私声明为评选使用所填信息。"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("同意推荐"), form_id="consent-form", **kwargs)


class UnionSearchForm(forms.Form):
    union_q = forms.CharField(label=_("搜索所在基层工会"), max_length=60, required=False)


class FrontlineNominationForm(forms.Form):
    """A self-nomination or a nomination by another person, as the public site takes it."""

    nominator_name = forms.CharField(label=_("推荐人姓名"), max_length=60)
    name = forms.CharField(label=_("被推荐人姓名"), max_length=60)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("被推荐人手机号"),
        max_length=11,
        help_text=_("被推荐人将收到短信验证码，须本人确认同意后才进入评选。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    employer = forms.CharField(label=_("工作单位"), max_length=200)
    union = forms.ModelChoiceField(
        label=_("所在基层工会"),
        queryset=frontline.grassroots_unions().none(),
        empty_label=_("请先在上方搜索后选择"),
        widget=UserDataSelect,
        help_text=_("推荐须经所在基层工会确认后进入评审。"),
    )
    job = forms.CharField(label=_("岗位（工种）"), max_length=60)
    is_manager = forms.BooleanField(
        label=_("担任车间主任及以上管理职务"),
        required=False,
        help_text=_("按评选规则，车间主任以上管理人员不参评。"),
    )
    skills = forms.CharField(
        label=_("技能特长"),
        required=False,
        help_text=_("技能等级、绝活绝技、技能竞赛成绩等。"),
        widget=forms.Textarea(attrs={"rows": 3, "data-char-limit": frontline.SKILLS_LIMIT}),
    )
    innovations = forms.CharField(
        label=_("创新成果"),
        required=False,
        help_text=_("技术革新、操作法、发明专利及其效益。"),
        widget=forms.Textarea(attrs={"rows": 3, "data-char-limit": frontline.INNOVATIONS_LIMIT}),
    )
    summary = forms.CharField(
        label=_("事迹摘要"), widget=forms.Textarea(attrs={"rows": 3, "data-char-limit": SUMMARY_LIMIT})
    )
    deeds = forms.CharField(
        label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 8, "data-char-limit": DEEDS_LIMIT})
    )
    photo = CheckedFileField(kind="image", label=_("本人照片"), help_text=_("近期免冠照片，JPG 或 PNG。"))
    consent = forms.BooleanField(label=_("我已阅读并同意隐私声明，所填信息真实。"), required=False)

    def __init__(self, *args, way: str, union_q: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.way = way
        if way == NominationWay.SELF:
            del self.fields["nominator_name"]
            del self.fields["phone"]
            self.fields["name"].label = _("姓名")
        for name, limit in (("summary", SUMMARY_LIMIT), ("deeds", DEEDS_LIMIT)):
            self.fields[name].help_text = gettext("不超过 %(limit)s 字（不计空白）。") % {"limit": limit}
        # Any active grassroots union is valid; the page lists only those the search matched.
        self.fields["union"].queryset = frontline.grassroots_unions().order_by("path")
        self.union_q = union_q.strip()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def show_unions(self, selected=None) -> None:
        """Limit the listed unions to the search's matches (and the one already chosen)."""
        wanted = Q(pk__in=[])
        if self.union_q:
            wanted |= Q(name__icontains=self.union_q) | Q(code=self.union_q)
        if selected is not None:
            wanted |= Q(pk=selected.pk)
        shown = list(
            frontline.grassroots_unions()
            .filter(wanted)
            .order_by("name")[:UNION_CHOICES_SHOWN]
            .values_list("pk", flat=True)
        )
        self.fields["union"].queryset = frontline.grassroots_unions().filter(pk__in=shown).order_by("name")

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "nominator_name": data.get("nominator_name", ""),
            "name": data["name"],
            "id_number": data["id_number"],
            "phone": data.get("phone", ""),
            "employer": data["employer"],
            "union": data["union"],
            "job": data["job"],
            "is_manager": data.get("is_manager", False),
            "skills": data.get("skills", ""),
            "innovations": data.get("innovations", ""),
            "summary": data["summary"],
            "deeds": data["deeds"],
        }


class ChooseForm(forms.Form):
    """The province's choice after the combined ranking (the candidacies ticked, in ranking order)."""

    chosen = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidacy_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(pk, pk) for pk in candidacy_ids]
