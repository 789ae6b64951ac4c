from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from .selectors import never_signed_in_count


def accounts_never_signed_in(user) -> list[Todo]:
    """Org admins: accounts in their subtree that nobody has used yet."""
    if not permissions.may(user, "account", "list"):
        return []
    return [
        Todo(
            label=_("您管辖范围内从未登录的账户"),
            count=never_signed_in_count(user),
            url=reverse("orgs:users") + "?never=1",
            kind="warning",
        )
    ]
