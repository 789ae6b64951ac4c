from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from . import throttle
from .backends import canonical_username
from .validators import normalise_mobile, refuse_bidi_controls, validate_mobile


class SafeTextMixin:
    """Text fields refuse bidirectional controls (``validators.refuse_bidi_controls``); every portal form
    that takes text has it, through ``CrispyMixin`` or directly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # each form instance holds its own copies of the fields
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                field.validators.append(refuse_bidi_controls)


class CrispyMixin(SafeTextMixin):
    submit_label = _("提交")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class LoginForm(CrispyMixin, auth_forms.AuthenticationForm):
    submit_label = _("登录")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名或手机号")

    def clean_username(self):
        # django-axes counts failures per name given to authenticate(). A mobile number can be typed in
        # endless ways ("+86 138…", "138-…") or instead of the user name; give them all the account's
        # user name so that one account has one failure count and the lockout cannot be sidestepped.
        return canonical_username(self.cleaned_data["username"])

    #: Seconds to wait when the attempt was refused by the per-account delay (the view answers 429).
    retry_after = None

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:  # nothing to check: the field errors say what is missing
            return super().clean()
        try:
            throttle.login_attempt_admit(account=username)
        except throttle.AccountThrottled as refusal:
            # Refused before authenticate(): the password is not checked and axes counts nothing.
            self.retry_after = refusal.seconds
            raise forms.ValidationError(refusal.message, code="account_throttled") from None
        cleaned = super().clean()  # a wrong password raises here and the attempt stays counted
        throttle.login_attempt_succeeded(account=username)
        return cleaned


class PasswordChangeForm(CrispyMixin, auth_forms.PasswordChangeForm):
    submit_label = _("修改密码")


class PasswordResetForm(CrispyMixin, auth_forms.PasswordResetForm):
    submit_label = _("发送重置链接")


class SetPasswordForm(CrispyMixin, auth_forms.SetPasswordForm):
    submit_label = _("设置密码")


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalise_mobile(super().clean(value))
        if value:  # empty is fine when the field is optional; super() already enforced required
            validate_mobile(value)
        return value


class SmsResetRequestForm(CrispyMixin, forms.Form):
    submit_label = _("发送验证码")
    phone = PhoneField()


class SmsResetConfirmForm(CrispyMixin, forms.Form):
    submit_label = _("设置密码")
    phone = PhoneField()
    code = forms.RegexField(
        label=_("验证码"), regex=r"^\d{6}$", max_length=6, error_messages={"invalid": _("验证码为六位数字。")}
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("new_password2", error)
        return data
