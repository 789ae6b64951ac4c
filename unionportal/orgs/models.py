from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .enums import Industry, Level, OrgKind, Ownership, Role
from .validators import validate_credit_code


class OrganisationQuerySet(MP_NodeQuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "organisation", action, "path"))


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        # Treebeard's get_queryset builds a plain MP_NodeQuerySet, which would drop ``visible_to``.
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")


class Organisation(MP_Node):
    """A union in the five-level network. Level is a kind: a parent only needs a higher level."""

    name = models.CharField(_("名称"), max_length=120)
    code = models.CharField(_("代码"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=OrgKind.choices, default=OrgKind.REGIONAL)
    member_count = models.PositiveIntegerField(_("会员人数"), default=0)
    contact_person = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = ["code"]
    objects = OrganisationManager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = pgettext_lazy("plural", "组织")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="organisation_level_range"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk:
            parent = self.parent_organisation()
        elif hasattr(self, "_intended_parent"):
            parent = self._intended_parent
        else:
            # A new node's parent is not a field: organisation_create and the admin add form check it.
            return
        check_parent_level(parent, self.level, node=self)

    def parent_organisation(self):
        """The parent read by path (None for the root); treebeard 7 deprecates ``node.get_parent()``."""
        if self.depth <= 1:
            return None
        return Organisation.objects.get(path=self.path[: -self.steplen])

    def ancestors_and_self(self):
        """Ancestors from the root down, then this organisation (one query)."""
        return Organisation.objects.filter(
            path__in=[self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]
        ).order_by("depth")


def check_parent_level(parent, level, *, node=None) -> None:
    """The parent rule: the one root is the province; any other parent must be of a higher level.

    ``node`` is the organisation being checked, so that the existing province may still be edited.
    """
    if parent is None:
        other_roots = Organisation.objects.filter(depth=1)
        if node is not None and node.pk:
            other_roots = other_roots.exclude(pk=node.pk)
        if level != Level.PROVINCE or other_roots.exists():
            raise ValidationError({"parent": _("只有省总工会位于组织树的顶层。")})
    elif parent.level >= level:
        raise ValidationError(
            {
                "parent": _("%(level)s不能隶属于%(parent_level)s：上级组织的层级必须更高。")
                % {"level": Level(level).label, "parent_level": Level(parent.level).label}
            }
        )


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(
            permissions.scope_q(user, "enterprise", action, "township__path")
            | permissions.scope_q(user, "enterprise", action, "union__path")
        )


class Enterprise(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices)
    ownership = models.CharField(_("经济类型"), max_length=16, choices=Ownership.choices)
    employees = models.PositiveIntegerField(_("职工人数"), default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    township = models.ForeignKey(
        Organisation,
        verbose_name=_("所在乡镇街道"),
        on_delete=models.PROTECT,
        related_name="enterprises_located",
        help_text=_("企业所在的乡镇、街道或园区。"),
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("基层工会"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises",
        help_text=_("企业尚未建会时留空。"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.township_id and self.township.level == Level.GRASSROOTS:
            raise ValidationError({"township": _("请选择企业所在的乡镇、街道、园区或县市区。")})


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "account", action, "organisation__path"))


class Membership(models.Model):
    """A role a user holds in an organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织角色")
        verbose_name_plural = pgettext_lazy("plural", "组织角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


# The registry, sign-up and joining models live in their own module (imported here so Django finds them).
from .models_founding import FoundingApplication, FoundingMember  # noqa: E402
from .models_members import (  # noqa: E402
    JoinApplication,
    Member,
    PrivacyConsent,
    PrivacyNotice,
    WorkerProfile,
)

__all__ = [
    "Enterprise",
    "FoundingApplication",
    "FoundingMember",
    "JoinApplication",
    "Member",
    "Membership",
    "Organisation",
    "PrivacyConsent",
    "PrivacyNotice",
    "WorkerProfile",
    "check_parent_level",
]
