from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from unionportal.notifications.services import inbox
from unionportal.orgs.selectors import memberships_of

from .registry import todos_for


@login_required
def home(request):
    """Each signed-in user's home: their organisations and roles, inbox, and what waits for them."""
    return render(
        request,
        "reports/home.html",
        {
            "memberships": memberships_of(request.user),
            "todos": todos_for(request.user),
            "latest_messages": inbox(request.user)[:5],
        },
    )
