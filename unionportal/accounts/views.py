from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from unionportal.http import client_ip

from . import forms, services
from .backends import axes_username
from .phone import PhoneCodeError

_SMS_RESET_PHONE = "sms_reset_phone"


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:  # refused by the per-account delay (accounts.throttle)
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "form_page.html"
    success_url = reverse_lazy("home")
    extra_context = {"title": gettext_lazy("修改密码")}

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("密码已修改。"))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/message.html"
    extra_context = {
        "title": gettext_lazy("请查收邮件"),
        "message": gettext_lazy("如该邮箱已绑定账户，设置新密码的链接已发送至该邮箱。"),
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/message.html"
    extra_context = {
        "title": gettext_lazy("密码已设置"),
        "message": gettext_lazy("新密码已设置，现在可以用新密码登录。"),
        "show_login": True,
    }


def sms_reset_request(request):
    """Step one of a reset by SMS: send a code. Unknown numbers get the same answer (no enumeration)."""
    form = forms.SmsResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.password_reset_code_send(phone=phone, client_ip=client_ip(request))
        except PhoneCodeError as error:
            form.add_error(None, error.message)
        else:
            request.session[_SMS_RESET_PHONE] = phone
            messages.info(request, _("如该号码已绑定账户，六位验证码已发送至该号码。"))
            return redirect("accounts:sms_reset_confirm")
    return render(request, "form_page.html", {"form": form, "title": _("通过短信验证码重置密码")})


@sensitive_post_parameters("new_password1", "new_password2", "code")
def sms_reset_confirm(request):
    """Step two: the code and a new password. The code is spent only when the password is valid."""
    form = forms.SmsResetConfirmForm(
        request.POST or None, initial={"phone": request.session.get(_SMS_RESET_PHONE)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_reset_by_sms(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["new_password1"],
            )
        except PhoneCodeError as error:
            form.add_error("code", error.message)
        else:
            request.session.pop(_SMS_RESET_PHONE, None)
            if request.user.is_authenticated and request.user == user:
                update_session_auth_hash(request, user)
            messages.success(request, _("新密码已设置，现在可以用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "form_page.html", {"form": form, "title": _("通过短信验证码重置密码")})


def locked_out(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes lockout answer (called with request, original response, credentials): says when the
    account can be tried again from this address."""
    username = axes_username(request, credentials)
    attempt = (
        AccessAttempt.objects.filter(username=username, ip_address=client_ip(request))
        .order_by("-attempt_time")
        .first()
    )
    last = attempt.attempt_time if attempt else timezone.now()
    unlock_at = timezone.localtime(last + settings.AXES_COOLOFF_TIME)
    return render(request, "accounts/locked_out.html", {"unlock_at": unlock_at}, status=429)


def admin_login(request):
    """The admin's own sign-in form is not used: staff sign in on the portal's page, which carries the
    lockout per address and the growing delay per account, then come back to the admin."""
    from django.contrib.auth.views import redirect_to_login
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("admin:index")
    if request.user.is_authenticated and request.user.is_staff:
        return redirect(target)
    if request.user.is_authenticated:
        messages.error(request, _("您的账户不能使用后台管理。"))
        return redirect("home")
    return redirect_to_login(target)


admin_login.access = ("signed_in", "")  # like every signed-in page: anonymous visitors go to sign in
