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
