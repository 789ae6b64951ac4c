"""Forms of founding a union: the application (enterprise, committee, chair candidate, first members), the
upper union's decision, and the filters of the queue and the target list."""

import re

from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin
from unionportal.accounts.validators import mask_id_number, mask_mobile, normalise_id_number, normalise_mobile
from unionportal.i18n import UserDataSelect

from .enums import Level
from .models import Enterprise, Organisation
from .models_founding import ApplicantCapacity, FoundingState

ENTERPRISE_CHOICES_LIMIT = 30
_SEPARATORS = re.compile(r"[,，、;；\t ]+")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-secondary"


def _lines(text: str) -> list[list[str]]:
    return [_SEPARATORS.split(line.strip()) for line in (text or "").splitlines() if line.strip()]


def person_line(name: str, id_number: str, phone: str = "") -> str:
    """A first member as the form shows them again: the ID number and phone masked, never in full."""
    return "，".join(p for p in (name, mask_id_number(id_number), mask_mobile(phone)) if p)


def known_people(people) -> dict[tuple[str, str], tuple[str, str]]:
    """(name, masked ID) → (ID number, phone) of the people the form may show masked: a masked line typed
    back unchanged stands for the stored person."""
    return {(name, mask_id_number(number)): (number, phone or "") for name, number, phone in people}


class FoundingForm(CrispyMixin, forms.Form):
    """An application to found a union. The committee and the first members are typed one per line."""

    SAVE, SUBMIT = "save", "submit"

    enterprise = forms.ModelChoiceField(
        label=_("企业"),
        queryset=Enterprise.objects.none(),
        widget=UserDataSelect,
        help_text=_("在上方输入企业名称搜索后选择；只列出尚未建会的企业。"),
    )
    capacity = forms.ChoiceField(
        label=_("申请人身份"), choices=ApplicantCapacity.choices, widget=forms.RadioSelect, initial="worker"
    )
    employees = forms.IntegerField(label=_("职工人数"), min_value=1, max_value=1_000_000)
    committee = forms.CharField(
        label=_("筹备组成员（3至7人）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一人：姓名，岗位（用逗号或空格分隔）。"),
    )
    chair_name = forms.CharField(label=_("工会主席候选人"), max_length=60)
    chair_job = forms.CharField(label=_("主席候选人岗位"), max_length=60, required=False)
    first_members = forms.CharField(
        label=_("首批会员"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一人：姓名，身份证号，手机号（手机号可不填）。"),
    )
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    note = forms.CharField(
        label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, search: str = "", current_enterprise=None, known=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known or {}
        self.helper.inputs = []
        self.helper.add_input(Submit(self.SUBMIT, _("提交申请")))
        self.helper.add_input(SecondarySubmit(self.SAVE, _("保存草稿")))
        pks = []
        if search:
            pks = list(
                Enterprise.objects.filter(is_active=True, union__isnull=True, name__icontains=search.strip())
                .order_by("name")
                .values_list("pk", flat=True)[:ENTERPRISE_CHOICES_LIMIT]
            )
        if current_enterprise is not None:
            pks.append(current_enterprise.pk)
        posted = self.data.get(self.add_prefix("enterprise")) if self.is_bound else None
        if posted and str(posted).isdigit():
            pks.append(int(posted))  # a choice made from an earlier search stays valid
        # Enterprises with a union stay choosable here so that the service says why they cannot be chosen.
        self.fields["enterprise"].queryset = (
            Enterprise.objects.filter(pk__in=pks).select_related("union").order_by("name")
        )

    @property
    def wants_submit(self) -> bool:
        return self.SAVE not in self.data

    def clean_committee(self):
        rows, errors = [], []
        for n, parts in enumerate(_lines(self.cleaned_data["committee"]), start=1):
            if len(parts) != 2 or not all(parts):
                errors.append(_("第 %(row)d 行：请按“姓名，岗位”填写。") % {"row": n})
                continue
            if len(parts[0]) > 60 or len(parts[1]) > 60:
                errors.append(_("第 %(row)d 行：姓名和岗位各不超过 60 字。") % {"row": n})
                continue
            rows.append({"name": parts[0], "job": parts[1]})
        if errors:
            raise forms.ValidationError(errors)
        return rows

    def clean_first_members(self):
        rows, errors = [], []
        for n, parts in enumerate(_lines(self.cleaned_data["first_members"]), start=1):
            if len(parts) not in (2, 3) or not all(parts):
                errors.append(_("第 %(row)d 行：请按“姓名，身份证号，手机号”填写。") % {"row": n})
                continue
            name, number = parts[0], normalise_id_number(parts[1])
            phone = normalise_mobile(parts[2]) if len(parts) == 3 else ""
            if "*" in number:
                # A line shown masked and typed back: the stored person, if the name and mask still match.
                stored = self.known.get((name, number))
                if stored is None:
                    errors.append(_("第 %(row)d 行：身份证号已隐藏显示，请填写完整的身份证号。") % {"row": n})
                    continue
                number, stored_phone = stored
                if "*" in phone:
                    if phone != mask_mobile(stored_phone):
                        errors.append(_("第 %(row)d 行：手机号已隐藏显示，请填写完整的手机号。") % {"row": n})
                        continue
                    phone = stored_phone
            elif "*" in phone:
                errors.append(_("第 %(row)d 行：手机号已隐藏显示，请填写完整的手机号。") % {"row": n})
                continue
            if len(name) > 60:
                errors.append(_("第 %(row)d 行：姓名不超过 60 字。") % {"row": n})
                continue
            if phone and not _MOBILE.match(phone):
                errors.append(_("第 %(row)d 行：手机号格式不正确。") % {"row": n})
                continue
            rows.append({"name": name, "id_number": number, "phone": phone})
        if errors:
            raise forms.ValidationError(errors)
        return rows

    @staticmethod
    def initial_for(application) -> dict:
        return {
            "enterprise": application.enterprise_id,
            "capacity": application.capacity,
            "employees": application.employees,
            "committee": "\n".join(f"{c['name']}，{c['job']}" for c in application.committee),
            "chair_name": application.chair_name,
            "chair_job": application.chair_job,
            "first_members": "\n".join(
                person_line(m.name, m.id_number, m.phone) for m in application.first_members.all()
            ),
            "contact_phone": application.contact_phone,
            "note": application.note,
        }


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(label=_("企业名称"), max_length=60, required=False)


class FoundingDecisionForm(CrispyMixin, forms.Form):
    submit_label = _("提交")
    APPROVE, RETURN, REFUSE = "approve", "return", "refuse"
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[(APPROVE, _("批准建会")), (RETURN, _("退回指导")), (REFUSE, _("不予批准"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("指导意见或理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回指导或不予批准时必须填写，申请人会看到。"),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") in (self.RETURN, self.REFUSE) and not (data.get("comment") or "").strip():
            self.add_error("comment", _("请填写指导意见或理由。"))
        return data


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("状态"),
        choices=[
            ("", _("全部")),
            *[(s, label) for s, label in FoundingState.choices if s != FoundingState.DRAFT],
        ],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label=_("企业名称"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class TargetFilterForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("按层级统计"), coerce=int, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=UserDataSelect(attrs={"class": "form-select"}),
    )
    q = forms.CharField(
        label=_("企业名称"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, user, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv, Level(lv).label) for lv in levels]
        self.fields["township"].queryset = (
            Organisation.objects.visible_to(user)
            .filter(level=Level.TOWNSHIP, is_active=True)
            .order_by("path")
        )
