from django.urls import path

from unionportal.permissions import public, signed_in

from . import signup, views

app_name = "accounts"

urlpatterns = [
    path("signup/", public(signup.signup), name="signup"),
    path("signup/confirm/", public(signup.signup_confirm), name="signup_confirm"),
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("logout/", public(views.LogoutView.as_view()), name="logout"),
    path("password/change/", signed_in(views.PasswordChangeView.as_view()), name="password_change"),
    path("password/reset/", public(views.PasswordResetView.as_view()), name="password_reset"),
    path("password/reset/sms/", public(views.sms_reset_request), name="sms_reset"),
    path("password/reset/sms/confirm/", public(views.sms_reset_confirm), name="sms_reset_confirm"),
    path("password/reset/sent/", public(views.PasswordResetDoneView.as_view()), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        public(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        public(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
]
