"""Writes to the union network: organisations, enterprises, memberships and accounts in a subtree."""

import secrets
import string

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit import services as audit

from . import paths
from .enums import SUBTREE_ROLES, Role
from .models import Membership, Organisation, check_parent_level
from .scoping import forget_scope

User = get_user_model()

_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def organisation_create(
    *, parent: Organisation | None, instance: Organisation | None = None, **fields
) -> Organisation:
    """Add an organisation under ``parent`` (None for the province), enforcing the parent rule.

    Pass field values, or an unsaved ``instance`` (the admin's form instance).
    """
    node = instance if instance is not None else Organisation(**fields)
    check_parent_level(parent, node.level)
    node._intended_parent = parent
    node.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Organisation.objects.add_root(instance=node)
    # Treebeard locks and re-reads the parent row, so a stale ``parent`` object is fine.
    return Organisation.objects.add_child(parent, instance=node)


def organisation_move(*, organisation: Organisation, parent: Organisation, actor=None) -> Organisation:
    """Move ``organisation`` and everything below it under ``parent``, sorted by code among its new
    siblings: the one way a union changes parent.

    ``actor`` is the person moving it (who must reach both the union and the new parent through the
    matrix's organisation "change" row; PermissionDenied otherwise), or None for the system's own
    callers (the demo seeder). Raises ValidationError when the parent rule refuses ``parent`` or it lies
    in the union's own subtree. The paths copied into other tables follow in the same transaction
    (``paths``), an audit event names the old and the new parent, and the rebuilds registered with
    ``paths.register_after_move`` run after commit. Returns the organisation as it now stands.
    """
    with transaction.atomic():
        # Fresh rows, locked in id order: a move rewrites paths, so the caller's copies may be stale.
        rows = Organisation.objects.select_for_update().filter(pk__in={organisation.pk, parent.pk})
        locked = {o.pk: o for o in rows.order_by("pk")}
        node, target = locked[organisation.pk], locked[parent.pk]
        if actor is not None and not (
            permissions.covers(actor, "organisation", "change", node.path)
            and permissions.covers(actor, "organisation", "change", target.path)
        ):
            raise PermissionDenied(_("您无权执行此操作。"))
        if target.path.startswith(node.path):
            raise ValidationError({"parent": _("不能把组织移到它自己或其下级组织之下。")})
        check_parent_level(target, node.level)
        old_parent = node.parent_organisation()
        if old_parent is not None and old_parent.pk == target.pk:
            return node
        Organisation.objects.move(node, target, pos="sorted-child")
        node.refresh_from_db()
        audit.record(
            actor=actor,
            action="orgs.organisation.move",
            obj=node,
            comment=f"{old_parent.name if old_parent else '—'} → {target.name}",
        )
        paths.after_move()
    return node


def membership_grant(*, user, organisation: Organisation, role: Role, actor=None) -> Membership:
    """Give ``user`` ``role`` in ``organisation``; staff roles also open the admin site to them."""
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"created_by": actor}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    sync_staff_flag(user)
    return membership


def membership_revoke(*, membership: Membership) -> None:
    """Withdraw a role; losing the last staff role also closes the admin site to the user."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    sync_staff_flag(membership.user)


def sync_staff_flag(user) -> None:
    """``is_staff`` (admin site access) follows the roles: set while any staff or org-admin role is active."""
    forget_scope(user)
    wanted = (
        user.is_superuser
        or Membership.objects.filter(user=user, is_active=True, role__in=list(SUBTREE_ROLES)).exists()
    )
    if user.is_staff != wanted:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])


def generate_password() -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(12))


def can_manage_users_of(actor, organisation: Organisation) -> bool:
    return permissions.covers(actor, "account", "change", organisation.path)


def user_create_in_subtree(
    *,
    actor,
    organisation: Organisation,
    role: Role,
    username: str,
    name: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with a role in ``organisation``, which must be in the actor's admin subtree.

    Returns the user and the temporary password; the account must change it at first sign-in.
    Raises PermissionDenied outside the subtree and ValidationError for bad or duplicate fields.
    """
    if not can_manage_users_of(actor, organisation):
        raise PermissionDenied(_("只能在您管辖的组织范围内创建账户。"))
    password = password or generate_password()
    user = User(
        username=username,
        name=name,
        phone=phone or None,
        email=email,
        must_change_password=True,
        created_by=actor,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        membership_grant(user=user, organisation=organisation, role=role, actor=actor)
    return user, password


def user_deactivate(*, actor, user) -> None:
    """Deactivate an account; the actor must administer every organisation the user belongs to."""
    memberships = list(user.memberships.select_related("organisation"))
    if user == actor:
        raise ValidationError(_("不能停用自己的账户。"))
    if (
        user.is_superuser
        or not memberships
        or not all(can_manage_users_of(actor, m.organisation) for m in memberships)
    ):
        raise PermissionDenied(_("该账户属于您管辖范围以外的组织。"))
    user.is_active = False
    user.save(update_fields=["is_active"])


def user_reactivate(*, actor, user) -> None:
    memberships = list(user.memberships.select_related("organisation"))
    if not memberships or not all(can_manage_users_of(actor, m.organisation) for m in memberships):
        raise PermissionDenied(_("该账户属于您管辖范围以外的组织。"))
    user.is_active = True
    user.save(update_fields=["is_active"])


class ImportRejected(Exception):
    """A bulk import found errors; nothing was written. ``errors`` are row-numbered messages."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# Column names accepted in an account sheet: the Chinese template headers and English equivalents.
ACCOUNT_COLUMNS = {
    "username": ("用户名", "username"),
    "name": ("姓名", "name"),
    "phone": ("手机号", "phone"),
    "email": ("邮箱", "email"),
    "org_code": ("组织代码", "organisation code"),
    "role": ("角色", "role"),
}


def _column(row: dict[str, str], key: str) -> str:
    for header in ACCOUNT_COLUMNS[key]:
        if header in row:
            return row[header].strip()
    return ""


def _role_from(value: str) -> Role | None:
    for role in Role:
        if value in (role.value, str(role.label)):
            return role
    labels_zh = {
        "工会工作人员": Role.STAFF,
        "组织管理员": Role.ORG_ADMIN,
        "填报人": Role.SUBMITTER,
        "评审专家": Role.EXPERT,
        "工会干部": Role.CADRE,
        "职工": Role.WORKER,
    }
    return labels_zh.get(value)


def users_import(*, actor, rows: list[dict[str, str]]) -> list[tuple[User, str]]:
    """Create one account per row, all or nothing.

    Every row is checked first (required fields, a valid and unused phone, a unique user name in the
    file and the database, an organisation inside the actor's admin subtree, a known role); any error
    raises ImportRejected listing each bad row by its spreadsheet row number (the header is row 1).
    """
    from unionportal.accounts.validators import normalise_mobile, validate_mobile

    from .models import Organisation

    errors: list[str] = []
    prepared = []
    codes = {_column(r, "org_code") for r in rows}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    usernames = [_column(r, "username") for r in rows]
    phones = [normalise_mobile(_column(r, "phone")) for r in rows]
    taken_usernames = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    taken_phones = set(
        User.objects.filter(phone__in=[p for p in phones if p]).values_list("phone", flat=True)
    )
    seen_usernames: set[str] = set()
    seen_phones: set[str] = set()
    if not rows:
        raise ImportRejected([_("文件中没有数据行。")])
    for index, row in enumerate(rows, start=2):
        problems = []
        username, phone = _column(row, "username"), normalise_mobile(_column(row, "phone"))
        code, role = _column(row, "org_code"), _role_from(_column(row, "role"))
        if not username:
            problems.append(_("缺少用户名"))
        elif username in taken_usernames:
            problems.append(_("用户名“%(v)s”已被使用") % {"v": username})
        elif username in seen_usernames:
            problems.append(_("用户名“%(v)s”在文件中重复出现") % {"v": username})
        if phone:
            try:
                validate_mobile(phone)
            except Exception:
                problems.append(_("“%(v)s”不是有效的手机号") % {"v": phone})
            else:
                if phone in taken_phones:
                    problems.append(_("手机号 %(v)s 已被其他账户使用") % {"v": phone})
                elif phone in seen_phones:
                    problems.append(_("手机号 %(v)s 在文件中重复出现") % {"v": phone})
        org = orgs.get(code)
        if not code:
            problems.append(_("缺少组织代码"))
        elif org is None:
            problems.append(_("组织代码“%(v)s”不存在") % {"v": code})
        elif not can_manage_users_of(actor, org):
            problems.append(_("组织“%(v)s”不在您的管辖范围内") % {"v": org.name})
        if role is None:
            problems.append(_("角色“%(v)s”无法识别") % {"v": _column(row, "role")})
        if problems:
            errors.append(
                _("第 %(row)d 行：%(problems)s。") % {"row": index, "problems": "; ".join(problems)}
            )
        seen_usernames.add(username)
        if phone:
            seen_phones.add(phone)
        prepared.append((username, _column(row, "name"), phone, _column(row, "email"), org, role))
    if errors:
        raise ImportRejected(errors)
    created = []
    with transaction.atomic():
        for username, name, phone, email, org, role in prepared:
            created.append(
                user_create_in_subtree(
                    actor=actor,
                    organisation=org,
                    role=role,
                    username=username,
                    name=name,
                    phone=phone,
                    email=email,
                )
            )
    return created
