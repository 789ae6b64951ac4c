from django.contrib.auth import get_user_model
from django.db.models import Q

from .enums import Role
from .models import Membership, Organisation
from .scoping import scope_q

User = get_user_model()


def memberships_of(user):
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__path", "role")
    )


def users_visible_to(user):
    """Accounts holding a membership inside the user's scope (org admins: their whole subtree)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return User.objects.all()
    return User.objects.filter(pk__in=Membership.objects.visible_to(user, "list").values("user_id"))


def users_managed_by(actor, *, search: str = "", organisation: Organisation | None = None):
    """Accounts in the organisation-admin subtree of ``actor``, with their memberships prefetched."""
    memberships = Membership.objects.filter(scope_q(actor, "organisation__path", roles=[Role.ORG_ADMIN]))
    if organisation is not None:
        memberships = memberships.filter(organisation__path__startswith=organisation.path)
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(name__icontains=search) | Q(phone__contains=search)
        )
    return users.prefetch_related("memberships__organisation").order_by("-is_active", "username")


def organisations_managed_by(actor):
    return Organisation.objects.filter(scope_q(actor, "path", roles=[Role.ORG_ADMIN])).order_by("path")


def never_signed_in_count(actor) -> int:
    return users_managed_by(actor).filter(last_login__isnull=True, is_active=True).count()
