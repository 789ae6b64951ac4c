"""The recommendation form with its patents, and the list filter. Thin: the checks that matter live in
``craftsmen.services.recommendation_problems``; the form parses and shows the errors next to the fields."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.validators import mask_id_number, normalise_id_number
from unionportal.i18n import UserDataSelect
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection.services import DEEDS_LIMIT, SUMMARY_LIMIT
from unionportal.uploads.forms import CheckedFileField, CheckedMultipleFileField

from .models import PatentKind, SkillGrade, Trade
from .services import MAX_PATENTS, SKILLS_LIMIT, enterprises_of

MAX_ATTACHMENTS = 10
MASKED_HELP = _("为保护个人信息，号码已部分隐去；不修改时请保留原样，修改时请输入完整的新号码。")


def add_service_errors(form, error: ValidationError, patents=None) -> None:
    """File a service's ValidationError under the form's fields (patents under the patent table)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        for message in messages:
            if key == "patents" and patents is not None:
                patents.extra_errors.append(message)
            else:
                form.add_error(key if key in form.fields else None, message)


class RecommendationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("推荐工会"), queryset=Organisation.objects.none(), empty_label=None, widget=UserDataSelect
    )
    enterprise = forms.ModelChoiceField(
        label=_("推荐企业"),
        queryset=Enterprise.objects.none(),
        widget=UserDataSelect,
        help_text=_("企业通过本企业工会推荐；只列出本工会所在的企业。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=120)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    trade = forms.ModelChoiceField(label=_("工种"), queryset=Trade.objects.none(), widget=UserDataSelect)
    skill_grade = forms.ChoiceField(label=_("技能等级"), choices=[("", "---------"), *SkillGrade.choices])
    years_in_trade = forms.IntegerField(label=_("从事本工种年限"), min_value=0, max_value=60)
    position = forms.CharField(label=_("岗位"), max_length=60, required=False)
    apprentices = forms.IntegerField(label=_("带徒人数"), min_value=0, initial=0)
    signature_skills = forms.CharField(
        label=_("绝活绝技"),
        widget=forms.Textarea(attrs={"rows": 5, "data-char-limit": SKILLS_LIMIT}),
    )
    honours = forms.CharField(
        label=_("所获荣誉"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一项：年份、荣誉名称、授予单位。"),
    )
    summary = forms.CharField(
        label=_("事迹摘要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-char-limit": SUMMARY_LIMIT}),
    )
    deeds = forms.CharField(
        label=_("主要事迹"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "data-char-limit": DEEDS_LIMIT}),
    )
    photo = CheckedFileField(
        kind="image", label=_("照片"), required=False, help_text=_("近期工作照或免冠照片，JPG 或 PNG。")
    )
    attachments = CheckedMultipleFileField(
        kind="pdf",
        label=_("证明材料"),
        required=False,
        max_files=MAX_ATTACHMENTS,
        help_text=_("加盖公章的推荐表、技能等级证书、专利证书等扫描件，PDF 格式。"),
    )
    consent = forms.BooleanField(
        label=_("被推荐人已知悉并同意推荐，同意为评选使用所填信息。"), required=False
    )

    def __init__(self, *args, programme, organisations=None, candidacy=None, **kwargs):
        self.programme = programme
        self.candidacy = candidacy
        craftsman = getattr(candidacy, "craftsman", None) if candidacy is not None else None
        if candidacy is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(candidacy, craftsman)
        super().__init__(*args, **kwargs)
        for name, limit in (
            ("summary", SUMMARY_LIMIT),
            ("deeds", DEEDS_LIMIT),
            ("signature_skills", SKILLS_LIMIT),
        ):
            self.fields[name].help_text = gettext("不超过 %(limit)s 字（不计空白）。") % {"limit": limit}
        orgs = list(organisations) if organisations is not None else []
        if candidacy is not None or len(orgs) <= 1:
            del self.fields["organisation"]
            self.single_organisation = candidacy.organisation if candidacy else (orgs[0] if orgs else None)
            scope = [self.single_organisation] if self.single_organisation else []
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])
            self.single_organisation = None
            scope = orgs
        self.fields["enterprise"].queryset = enterprises_of(scope)
        self.fields["trade"].queryset = Trade.objects.active()
        if candidacy is not None and candidacy.id_number:
            self.fields["id_number"].help_text = MASKED_HELP
            self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @staticmethod
    def _initial(candidacy, craftsman) -> dict:
        initial = {
            "name": candidacy.name,
            "id_number": mask_id_number(candidacy.id_number),
            "summary": candidacy.summary,
            "deeds": candidacy.deeds,
            "consent": candidacy.consent_at is not None,
        }
        if craftsman is not None:
            initial.update(
                enterprise=craftsman.enterprise_id,
                trade=craftsman.trade_id,
                skill_grade=craftsman.skill_grade,
                years_in_trade=craftsman.years_in_trade,
                position=craftsman.position,
                apprentices=craftsman.apprentices,
                signature_skills=craftsman.signature_skills,
                honours=craftsman.honours,
            )
        return initial

    def clean_id_number(self):
        posted = normalise_id_number(self.cleaned_data.get("id_number", ""))
        stored = self.candidacy.id_number if self.candidacy is not None else ""
        # The ID number is offered masked; posted back unchanged, it keeps the stored value.
        if stored and posted == mask_id_number(stored):
            return stored
        if "*" in posted:
            raise ValidationError(
                gettext("请输入完整的身份证号，或保留显示的带 * 的号码不变。"), code="masked"
            )
        return posted

    def chosen_organisation(self):
        return self.cleaned_data.get("organisation") or self.single_organisation

    def service_kwargs(self, patents) -> dict:
        data = self.cleaned_data
        return {
            "fields": {
                "name": data["name"],
                "id_number": data.get("id_number", ""),
                "summary": data.get("summary", ""),
                "deeds": data.get("deeds", ""),
            },
            "details": {
                "enterprise": data["enterprise"],
                "trade": data["trade"],
                "skill_grade": data["skill_grade"],
                "years_in_trade": data["years_in_trade"],
                "position": data.get("position", ""),
                "apprentices": data["apprentices"],
                "signature_skills": data["signature_skills"],
                "honours": data.get("honours", ""),
            },
            "patents": patents.rows(),
            "consent": bool(data.get("consent")),
            "photo": data.get("photo") or None,
            "attachments": data.get("attachments") or [],
        }


class PatentForm(forms.Form):
    """One row of the patents table: left empty, the row is ignored; started, it must be complete."""

    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", "---------"), *PatentKind.choices], required=False
    )
    number = forms.CharField(label=_("专利号（成果编号）"), max_length=40, required=False)
    title = forms.CharField(label=_("名称"), max_length=200, required=False)
    granted_on = forms.DateField(
        label=_("授权（认定）日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any(data.get(name) for name in ("kind", "number", "title", "granted_on"))

    def clean(self):
        data = super().clean()
        filled = [name for name in ("kind", "number", "title", "granted_on") if data.get(name)]
        if filled and len(filled) < 4 and not self.errors:
            raise ValidationError(gettext("请完整填写类型、编号、名称和授权日期，或清空这一行。"))
        return data


class BasePatentFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_errors: list[str] = []

    def rows(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("kind", "number", "title", "granted_on")}
            for f in self.forms
            if f.is_valid() and not f.is_blank()
        ]

    @property
    def all_errors(self) -> list[str]:
        return [*self.non_form_errors(), *self.extra_errors]


PatentFormSet = forms.formset_factory(
    PatentForm,
    formset=BasePatentFormSet,
    extra=2,
    max_num=MAX_PATENTS,
    validate_max=True,
    absolute_max=MAX_PATENTS,
)


def patent_formset(data=None, *, craftsman=None):
    initial = None
    if craftsman is not None:
        initial = [
            {"kind": p.kind, "number": p.number, "title": p.title, "granted_on": p.granted_on}
            for p in craftsman.patents.all()
        ]
    return PatentFormSet(data, initial=initial, prefix="patents")
