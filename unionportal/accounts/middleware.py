import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

_LAST_SEEN = "staff_last_seen"


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request.

    The check runs in ``process_view``, after every middleware's request phase, so that it can add a
    message wherever it sits in MIDDLEWARE (it sits before MessageMiddleware, which sets up messages).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = int(time.time())
            last_seen = request.session.get(_LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("您长时间未操作，登录已过期，请重新登录。"))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            # Writing the session costs a query; once a minute is precise enough.
            if last_seen is None or now - last_seen >= 60:
                request.session[_LAST_SEEN] = now
        return None


class ForcePasswordChangeMiddleware:
    """Accounts created by staff must choose their own password before anything else.

    Like the idle check, this runs in ``process_view`` so that its message can be added.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                messages.warning(request, _("请先设置新密码再继续。"))
                return redirect("accounts:password_change")
        return None
