"""Worker sign-up: a phone number verified by a one-time code (its own purpose), a password and consent to
the current privacy notice (the version accepted is recorded). The real-name profile comes next
(``unionportal.orgs`` worker pages).

    /accounts/signup/          the phone number: a code is sent (one account per number)
    /accounts/signup/confirm/  the code, a password and the consent: the account is made and signed in
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, password_validation
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from unionportal.audit import services as audit
from unionportal.http import client_ip

from .forms import CrispyMixin, PhoneField
from .models import PhoneCode
from .phone import PhoneCodeError, phone_code_send, phone_code_verify

User = get_user_model()

# The PhoneCode purpose of sign-up codes: a code sent for another purpose (a vote, a reset) never opens
# an account, nor a sign-up code anything else.
SIGNUP_PURPOSE = PhoneCode.Purpose.SIGNUP
_SESSION_PHONE = "signup_phone"
PHONE_TAKEN = gettext_lazy("该手机号已注册账户，请直接登录；忘记密码可通过短信验证码重置。")


class SignupRefused(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def current_notice():
    from unionportal.orgs.models import PrivacyNotice

    return (
        PrivacyNotice.objects.filter(published_at__lte=timezone.now())
        .order_by("-published_at", "-id")
        .first()
    )


def username_for(phone: str) -> str:
    return f"w{phone}"


# --- services ---------------------------------------------------------------------------------------------


def signup_code_send(*, phone: str, client_ip: str | None):
    """Send a sign-up code to ``phone``. Raises PhoneCodeError: invalid number, rate limit, or a number
    that has an account already (one account per phone)."""
    from .validators import normalise_mobile

    if User.objects.filter(phone=normalise_mobile(phone)).exists():
        raise PhoneCodeError(str(PHONE_TAKEN))
    return phone_code_send(phone=phone, purpose=SIGNUP_PURPOSE, client_ip=client_ip)


def signup_complete(*, phone: str, code: str, password: str, notice_id: int, ip: str | None = None):
    """Open a worker's account for ``phone`` if ``code`` is its current sign-up code and ``notice_id`` is
    the current privacy notice; record the consent. Returns the user. Raises SignupRefused saying why;
    then nothing is written but the count of a wrong attempt (codes cannot be guessed without limit)."""
    from unionportal.orgs.models import PrivacyConsent

    notice = current_notice()
    if notice is None or notice.pk != notice_id:
        raise SignupRefused(_("隐私政策已更新，请阅读新版本后重新同意。"), field="consent")
    if User.objects.filter(phone=phone).exists():
        raise SignupRefused(str(PHONE_TAKEN), field="phone")
    refusal = None
    user = None
    with transaction.atomic():
        # The code's refusal is caught inside the block, so that the wrong attempt it counted is kept.
        try:
            phone_code_verify(phone=phone, purpose=SIGNUP_PURPOSE, code=code)
        except PhoneCodeError as error:
            refusal = SignupRefused(error.message, field="code")
        else:
            now = timezone.now()
            try:
                with transaction.atomic():
                    user = User(username=username_for(phone), phone=phone, phone_verified_at=now)
                    user.set_password(password)
                    user.save()
                    PrivacyConsent.objects.create(user=user, notice=notice, accepted_at=now, client_ip=ip)
                    audit.record(actor=user, action="accounts.signup", obj=user, comment=notice.version)
            except IntegrityError:  # the same number signed up a moment ago
                refusal = SignupRefused(str(PHONE_TAKEN), field="phone")
    if refusal is not None:
        raise refusal
    return user


# --- forms ------------------------------------------------------------------------------------------------


class SignupPhoneForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("获取验证码")
    phone = PhoneField()


class SignupConfirmForm(CrispyMixin, forms.Form):
    submit_label = gettext_lazy("注册")
    phone = PhoneField()
    code = forms.RegexField(
        label=gettext_lazy("验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": gettext_lazy("验证码为六位数字。")},
    )
    password1 = forms.CharField(
        label=gettext_lazy("密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(label=gettext_lazy("再次输入密码"), widget=forms.PasswordInput, strip=False)
    notice = forms.IntegerField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=gettext_lazy("我已阅读并同意《职工服务隐私政策》"),
        error_messages={"required": gettext_lazy("请阅读并同意隐私政策后再注册。")},
    )

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password2", error)
        return data


# --- views ------------------------------------------------------------------------------------------------


@never_cache
def signup(request):
    """Step one: the phone number; a code is sent to it."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupPhoneForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                signup_code_send(phone=phone, client_ip=client_ip(request))
            except PhoneCodeError as error:
                form.add_error("phone", error.message)
            else:
                request.session[_SESSION_PHONE] = phone
                messages.info(request, _("六位验证码已发送至 %(phone)s。") % {"phone": phone})
                return redirect("accounts:signup_confirm")
        status = 400
    return render(request, "accounts/signup.html", {"form": form, "step": 1}, status=status)


@never_cache
@sensitive_post_parameters("password1", "password2", "code")
def signup_confirm(request):
    """Step two: the code, a password and the consent to the current privacy notice."""
    if request.user.is_authenticated:
        return redirect("home")
    notice = current_notice()
    form = SignupConfirmForm(
        request.POST or None,
        initial={"phone": request.session.get(_SESSION_PHONE), "notice": notice.pk if notice else None},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = signup_complete(
                    phone=data["phone"],
                    code=data["code"],
                    password=data["password1"],
                    notice_id=data["notice"],
                    ip=client_ip(request),
                )
            except SignupRefused as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            else:
                request.session.pop(_SESSION_PHONE, None)
                login(request, user, backend="unionportal.accounts.backends.UsernameOrPhoneBackend")
                messages.success(request, _("注册成功。请完善实名信息，之后即可申请入会。"))
                return redirect("orgs:my_profile")
        status = 400
    return render(request, "accounts/signup.html", {"form": form, "step": 2, "notice": notice}, status=status)
