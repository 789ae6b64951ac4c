"""The mechanics of scoping: a user's memberships as organisation paths, and filters on those paths.

Which roles may see which records is the permission matrix's decision (``unionportal.permissions``);
this module only turns "these roles" into paths. Staff and organisation admins reach their
organisation's whole subtree, every other role its own organisation; superusers see everything;
anonymous users see nothing. ``scope_q`` needs the roles spelled out: no default admits any role.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import LazyObject, empty

from .enums import SUBTREE_ROLES, Role

_CACHE_ATTR = "_unionportal_scope"


@dataclass(frozen=True)
class Scope:
    everything: bool
    subtree_paths: tuple[str, ...]  # paths whose whole subtree is in scope
    own_paths: tuple[str, ...]  # paths in scope by themselves only


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path, so the query stays short."""
    kept: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _cache_of(user) -> dict:
    """The cache kept on the user object itself: ``request.user`` is a lazy wrapper whose own ``__dict__``
    is not the user's, and ``user.has_perm`` (a template's ``{% has_perm %}``) hands the rules the
    wrapped user, so both must find the one cache."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user.__dict__.setdefault(_CACHE_ATTR, {})


def membership_rows(user) -> list[tuple[str, str]]:
    """(role, organisation path) of the user's active memberships: one query per user object."""
    cache = _cache_of(user)
    if "rows" not in cache:
        from .models import Membership

        cache["rows"] = list(
            Membership.objects.active().filter(user=user).values_list("role", "organisation__path")
        )
    return cache["rows"]


def remember_memberships(user, memberships) -> None:
    """Let ``membership_rows`` answer from memberships already read (``Membership.objects.active()`` of
    ``user``, with their organisations), instead of a query of its own."""
    cache = _cache_of(user)
    cache.setdefault("rows", [(m.role, m.organisation.path) for m in memberships])


def get_scope(user, roles=None) -> Scope:
    """The user's scope, limited to ``roles`` when given; computed from one cached query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(False, (), ())
    if user.is_superuser:
        return Scope(True, (), ())
    wanted = {str(r) for r in roles} if roles else None
    subtree, own = set(), set()
    for role, path in membership_rows(user):
        if wanted is None or role in wanted:
            (subtree if role in SUBTREE_ROLES else own).add(path)
    subtree_paths = _minimal(subtree)
    own_paths = tuple(sorted(p for p in own if not any(p.startswith(s) for s in subtree_paths)))
    return Scope(False, subtree_paths, own_paths)


def scope_q(user, path_field: str, *, roles) -> Q:
    """A filter on ``path_field`` (an organisation path) for the records that ``user``'s ``roles`` reach."""
    if not roles:
        raise ValueError("scope_q needs the roles that grant access")
    scope = get_scope(user, roles)
    if scope.everything:
        # Not Q(): Django drops an empty Q from an OR, so ``scope_q(...) | Q(other)`` would mean only "other".
        return Q(pk__isnull=False)
    q = Q(pk__in=[])
    for path in scope.subtree_paths:
        q |= Q(**{f"{path_field}__startswith": path})
    if scope.own_paths:
        q |= Q(**{f"{path_field}__in": list(scope.own_paths)})
    return q


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships change."""
    _cache_of(user).clear()


def has_role(user, *roles: Role) -> bool:
    scope = get_scope(user, roles)
    return scope.everything or bool(scope.subtree_paths or scope.own_paths)
