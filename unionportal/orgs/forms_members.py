"""Forms of the worker pages (profile, joining) and the registry pages (add, search, transfer, leave)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import CrispyMixin, PhoneField
from unionportal.accounts.validators import normalise_id_number, validate_id_number
from unionportal.i18n import UserDataSelect

from .enums import Gender, Level, MemberStatus, Occupation
from .models import Enterprise, Organisation

ENTERPRISE_CHOICES_LIMIT = 30


class IdNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("身份证号"))
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("min_length", 1)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalise_id_number(super().clean(value))
        if value:
            validate_id_number(value)
        return value


class ProfileForm(CrispyMixin, forms.Form):
    """The real-name profile: an employer found by name, or flexible employment with an occupation."""

    submit_label = _("保存实名信息")
    EMPLOYEE, FLEXIBLE = "employee", "flexible"

    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = IdNumberField()
    employment = forms.ChoiceField(
        label=_("就业情况"),
        choices=[(EMPLOYEE, _("有工作单位")), (FLEXIBLE, _("无工作单位 / 灵活就业"))],
        widget=forms.RadioSelect,
        initial=EMPLOYEE,
    )
    employer = forms.ModelChoiceField(
        label=_("工作单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=UserDataSelect,
        help_text=_("在上方输入单位名称搜索后选择。"),
    )
    occupation = forms.ChoiceField(
        label=_("职业（灵活就业）"), choices=[("", "---------"), *Occupation.choices], required=False
    )
    work_township = forms.ModelChoiceField(
        label=_("工作所在乡镇（街道）"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=UserDataSelect,
    )
    job = forms.CharField(label=_("岗位"), max_length=60, required=False)

    def __init__(self, *args, search: str = "", current_employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        matches = Enterprise.objects.filter(is_active=True)
        if search:
            matches = matches.filter(name__icontains=search)
            pks = list(matches.order_by("name").values_list("pk", flat=True)[:ENTERPRISE_CHOICES_LIMIT])
        else:
            pks = []
        if current_employer is not None:
            pks.append(current_employer.pk)
        posted = self.data.get(self.add_prefix("employer")) if self.is_bound else None
        if posted and str(posted).isdigit():
            pks.append(int(posted))  # the choice made from an earlier search stays valid
        self.fields["employer"].queryset = Enterprise.objects.filter(pk__in=pks, is_active=True).order_by(
            "name"
        )
        self.fields["work_township"].queryset = Organisation.objects.filter(
            level=Level.TOWNSHIP, is_active=True
        ).order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("employment") == self.EMPLOYEE:
            if not data.get("employer"):
                self.add_error(
                    "employer", _("请搜索并选择您的工作单位；没有单位的请选择“无工作单位 / 灵活就业”。")
                )
            data["occupation"], data["work_township"] = "", None
        elif data.get("employment") == self.FLEXIBLE:
            if not data.get("occupation"):
                self.add_error("occupation", _("请选择您的职业。"))
            if not data.get("work_township"):
                self.add_error("work_township", _("请选择您工作所在的乡镇（街道），以便申请加入当地工会。"))
            data["employer"] = None
        return data


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(label=_("单位名称"), max_length=60, required=False)


class RevealForm(CrispyMixin, forms.Form):
    submit_label = _("查看完整信息")
    field = forms.ChoiceField(
        label=_("查看"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))], initial="id_number"
    )
    reason = forms.CharField(label=_("理由"), max_length=200)


class ApplyForm(CrispyMixin, forms.Form):
    submit_label = _("提交入会申请")
    union = forms.TypedChoiceField(label=_("申请加入的工会"), coerce=int, widget=forms.RadioSelect)
    pledge = forms.BooleanField(
        label=_("我自愿加入工会，承认《中国工会章程》，遵守工会的决议，按期缴纳会费。"),
        error_messages={"required": _("请确认入会声明。")},
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].choices = [(t.union.pk, f"{t.union.name}（{t.route_label}）") for t in targets]


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        max_length=40,
        required=False,
        help_text=_("姓名、身份证号或手机号（可用脱敏形式，如 420***********123X、138****1234，或后四位）"),
    )
    status = forms.ChoiceField(
        label=_("会籍状态"), choices=[("", _("全部")), *MemberStatus.choices], required=False
    )


class MemberForm(CrispyMixin, forms.Form):
    submit_label = _("登记会员")

    organisation = forms.ModelChoiceField(
        label=_("所在工会"), queryset=Organisation.objects.none(), widget=UserDataSelect
    )
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = IdNumberField()
    phone = PhoneField(required=False)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", _("按身份证号")), *Gender.choices], required=False
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("可不填，按身份证号读取；填写的须与身份证号一致。"),
    )
    joined_on = forms.DateField(label=_("入会日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = unions
        self.fields["joined_on"].initial = timezone.localdate()

    def clean_joined_on(self):
        value = self.cleaned_data["joined_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("入会日期不能晚于今天。"))
        return value


class TransferForm(CrispyMixin, forms.Form):
    submit_label = _("办理转会")
    to_code = forms.CharField(label=_("转入工会的组织代码"), max_length=32)
    on = forms.DateField(label=_("转会日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_to_code(self):
        code = self.cleaned_data["to_code"].strip()
        union = Organisation.objects.filter(code=code, is_active=True).first()
        if union is None:
            raise forms.ValidationError(_("没有代码为“%(code)s”的工会。") % {"code": code})
        self.cleaned_data["to_union"] = union
        return code


class LeaveForm(CrispyMixin, forms.Form):
    submit_label = _("登记退会")
    on = forms.DateField(label=_("退会日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("退会原因"), max_length=200)


class DecisionForm(CrispyMixin, forms.Form):
    submit_label = _("提交")
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("accept", _("同意入会")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"), max_length=300, required=False, help_text=_("不同意时必须填写，申请人会看到。")
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写不同意的理由。"))
        return data
