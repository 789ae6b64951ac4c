from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .validators import MOBILE_RE, normalise_mobile


class UsernameOrPhoneBackend(ModelBackend):
    """Sign in with the user name or, for workers and grassroots staff, the mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and MOBILE_RE.match(normalise_mobile(username)):
            user_model = get_user_model()
            user = user_model.objects.filter(phone=normalise_mobile(username)).first()
            if user is not None:
                username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)


def canonical_username(value: str) -> str:
    """The account's user name for any way of typing its mobile number; other values unchanged."""
    phone = normalise_mobile(value or "")
    if MOBILE_RE.match(phone):
        user = get_user_model().objects.filter(phone=phone).only("username").first()
        return user.get_username() if user is not None else phone
    return value


def axes_username(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: one failure count per account, however the number was typed, on every
    sign-in form (the portal's and the admin's)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return canonical_username(value or "")
