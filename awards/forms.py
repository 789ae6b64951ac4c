"""The nomination form (one per nominee kind) and the list filter. Thin: the checks that matter live in
``awards.services.nomination_problems`` and are shared with the offline import; the form only parses."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.validators import mask_id_number, mask_mobile, normalise_id_number
from unionportal.i18n import UserDataSelect
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection.enums import Flag, NomineeKind, RuleKind, Tag
from unionportal.selection.services import DEEDS_LIMIT, SUMMARY_LIMIT
from unionportal.uploads.forms import CheckedFileField, CheckedMultipleFileField

from .models import Nomination
from .services import DETAIL_FIELDS

FLAG_PREFIX = "flag_"
DECLARATION_PREFIX = "declare_"
MAX_ATTACHMENTS = 10
MASKED_HELP = _("为保护个人信息，号码已部分隐去；不修改时请保留原样，修改时请输入完整的新号码。")


def kept_or_new(posted: str, stored: str, mask, message) -> str:
    """What a masked input means: the stored value when ``posted`` is its mask unchanged, else ``posted``
    (a new value, checked by the service like any other). A value that still holds asterisks but is not
    the mask can only be a half-edited mask: refused with ``message``."""
    if stored and posted == mask(stored):
        return stored
    if "*" in posted:
        raise ValidationError(message, code="masked")
    return posted


def add_service_errors(form, error: ValidationError) -> None:
    """File a service's ValidationError under the form's fields (unknown keys as non-field errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        for message in messages:
            form.add_error(key if key in form.fields else None, message)


class NominationForm(forms.Form):
    """A nomination for one programme: the kind's details, deeds, tags, photo, attachments, the
    programme's veto declarations and the nominee's consent."""

    organisation = forms.ModelChoiceField(
        label=_("推荐单位"), queryset=Organisation.objects.none(), empty_label=None, widget=UserDataSelect
    )
    name = forms.CharField(label=_("姓名"), max_length=120)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    unit = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("事迹摘要"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-char-limit": SUMMARY_LIMIT}),
    )
    deeds = forms.CharField(
        label=_("主要事迹"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "data-char-limit": DEEDS_LIMIT}),
    )
    tags = forms.MultipleChoiceField(
        label=_("重点领域"), choices=Tag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    photo = CheckedFileField(
        kind="image",
        label=_("照片"),
        required=False,
        help_text=_("近期免冠照片或单位（班组）照片，JPG 或 PNG。"),
    )
    attachments = CheckedMultipleFileField(
        kind="pdf",
        label=_("附件"),
        required=False,
        max_files=MAX_ATTACHMENTS,
        help_text=_("加盖公章的推荐审批表扫描件、证明材料等，PDF 格式。"),
    )
    consent = forms.BooleanField(
        label=_("被推荐人（单位）已知悉并同意推荐，同意为评选使用所填信息。"), required=False
    )

    def __init__(self, *args, programme, organisations=None, candidacy=None, **kwargs):
        self.programme = programme
        self.kind = programme.nominee_kind
        self.candidacy = candidacy
        self.veto_rules = [r for r in programme.rules.all() if r.is_active and r.kind == RuleKind.VETO]
        if candidacy is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial(candidacy)
        super().__init__(*args, **kwargs)
        # Set here, not on the class: a lazy text filled in at import would stay in that moment's language.
        for name, limit in (("summary", SUMMARY_LIMIT), ("deeds", DEEDS_LIMIT)):
            self.fields[name].help_text = gettext("不超过 %(limit)s 字（不计空白）。") % {"limit": limit}
        orgs = list(organisations) if organisations is not None else []
        if candidacy is not None or len(orgs) <= 1:
            del self.fields["organisation"]
            self.single_organisation = candidacy.organisation if candidacy else (orgs[0] if orgs else None)
        else:
            self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])
            self.single_organisation = None
        scope_orgs = [candidacy.organisation] if candidacy else orgs
        self._add_detail_fields(scope_orgs)
        self._label_for_kind()
        if self.kind == NomineeKind.INDIVIDUAL:
            for flag in Flag:
                self.fields[FLAG_PREFIX + flag.value] = forms.BooleanField(label=flag.label, required=False)
        else:
            del self.fields["id_number"]
        for rule in self.veto_rules:
            self.fields[DECLARATION_PREFIX + rule.code] = forms.BooleanField(
                label=rule.statement(), required=False
            )
        for name in ("id_number", "phone"):
            if name in self.fields and self._stored(name):
                self.fields[name].help_text = MASKED_HELP
                self.fields[name].widget.attrs["autocomplete"] = "off"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _add_detail_fields(self, orgs) -> None:
        names = DETAIL_FIELDS[self.kind]
        extra = fields_for_model(Nomination, fields=names)
        paths = [o.path for o in orgs]
        enterprises = Enterprise.objects.none()
        if paths:
            q = Q()
            for path in paths:
                q |= Q(union__path__startswith=path)
            enterprises = Enterprise.objects.filter(q).order_by("name")
        for name in names:
            field = extra[name]
            if name in ("employer", "enterprise", "unit_organisation"):
                field.widget = UserDataSelect()
            if name in ("employer", "enterprise"):
                field.queryset = enterprises
            elif name == "unit_organisation":
                field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])
            elif name == "birth_date":
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                field.help_text = _("可不填，按身份证号自动填写。")
            elif name == "members":
                field.widget = forms.Textarea(attrs={"rows": 4})
            self.fields[name] = field

    def _label_for_kind(self) -> None:
        if self.kind == NomineeKind.UNIT:
            self.fields["name"].label = _("单位名称")
            self.fields["unit"].label = _("所属单位（上级）")
        elif self.kind == NomineeKind.TEAM:
            self.fields["name"].label = _("班组（团队）名称")
            self.fields["unit"].label = _("所在单位")
        else:
            # One workplace, two ways to give it: picked from the enterprise register, or typed.
            self.fields["name"].label = _("姓名")
            self.fields["unit"].label = _("工作单位")
            self.fields["unit"].help_text = _("已在下方“所在企业”中选择时可不填，将按企业名称填写。")
            if "employer" in self.fields:
                self.fields["employer"].label = _("所在企业（企业库）")
                self.fields["employer"].help_text = _(
                    "职工所在企业已登记在企业库中时请选择；不在库中时只填“工作单位”。"
                )

    @staticmethod
    def _initial(candidacy) -> dict:
        # The ID number and phone are offered masked; posted back unchanged, they keep the stored values.
        initial = {
            "name": candidacy.name,
            "id_number": mask_id_number(candidacy.id_number),
            "unit": candidacy.unit,
            "summary": candidacy.summary,
            "deeds": candidacy.deeds,
            "tags": list(candidacy.tags or ()),
            "consent": candidacy.consent_at is not None,
        }
        for flag, value in (candidacy.flags or {}).items():
            initial[FLAG_PREFIX + flag] = bool(value)
        for code, value in (candidacy.declarations or {}).items():
            initial[DECLARATION_PREFIX + code] = bool(value)
        nomination = getattr(candidacy, "nomination", None)
        if nomination is not None:
            for name in DETAIL_FIELDS[candidacy.programme.nominee_kind]:
                field = Nomination._meta.get_field(name)
                initial[name] = getattr(nomination, field.attname)
            if "phone" in initial:
                initial["phone"] = mask_mobile(initial["phone"])
        return initial

    def _stored(self, name: str) -> str:
        """The edited nomination's stored ID number or phone ("" for a new one)."""
        if self.candidacy is None:
            return ""
        if name == "id_number":
            return self.candidacy.id_number or ""
        nomination = getattr(self.candidacy, "nomination", None)
        return (getattr(nomination, name, "") or "") if nomination is not None else ""

    def clean_id_number(self):
        posted = normalise_id_number(self.cleaned_data.get("id_number", ""))
        return kept_or_new(
            posted,
            self._stored("id_number"),
            mask_id_number,
            gettext("请输入完整的身份证号，或保留显示的带 * 的号码不变。"),
        )

    def clean_phone(self):
        posted = (self.cleaned_data.get("phone") or "").strip()
        return kept_or_new(
            posted,
            self._stored("phone"),
            mask_mobile,
            gettext("请输入完整的联系电话，或保留显示的带 * 的号码不变。"),
        )

    # --- what the service takes ---------------------------------------------------------------

    @property
    def flag_fields(self):
        return [self[FLAG_PREFIX + f.value] for f in Flag if FLAG_PREFIX + f.value in self.fields]

    @property
    def declaration_fields(self):
        return [self[DECLARATION_PREFIX + r.code] for r in self.veto_rules]

    @property
    def detail_fields(self):
        return [self[name] for name in DETAIL_FIELDS[self.kind]]

    def chosen_organisation(self):
        return self.cleaned_data.get("organisation") or self.single_organisation

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "unit": data.get("unit", "") or (data["employer"].name if data.get("employer") else ""),
            "id_number": data.get("id_number", ""),
            "summary": data.get("summary", ""),
            "deeds": data.get("deeds", ""),
            "tags": data.get("tags") or [],
            "flags": {f.value: data.get(FLAG_PREFIX + f.value, False) for f in Flag}
            if self.kind == NomineeKind.INDIVIDUAL
            else {},
            "declarations": {r.code: data.get(DECLARATION_PREFIX + r.code, False) for r in self.veto_rules},
        }
        details = {name: data.get(name) for name in DETAIL_FIELDS[self.kind]}
        for name, value in details.items():
            if value is None and isinstance(self.fields[name], forms.CharField):
                details[name] = ""
        return {
            "fields": fields,
            "details": details,
            "consent": bool(data.get("consent")),
            "photo": data.get("photo") or None,
            "attachments": data.get("attachments") or [],
        }


class PrintRevealForm(forms.Form):
    """Why the full ID number and phone are printed (the reveal is logged with this reason)."""

    reason = forms.CharField(
        label=_("打印完整信息的理由"),
        max_length=200,
        help_text=_("正式报送的推荐审批表需填写完整身份证号和电话；查看将被记录（查看人、时间、理由）。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
