from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from .enums import Industry, Level, OrgKind, Ownership, Role
from .scoping import scope_q
from .validators import validate_credit_code


class OrganisationQuerySet(MP_NodeQuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, "path"))


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):
    pass


class Organisation(MP_Node):
    """A union in the five-level network. Level is a kind: a parent only needs a higher level."""

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=32, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices, default=OrgKind.REGIONAL)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    founded_on = models.DateField(_("date founded"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = ["code"]
    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="organisation_level_range"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        parent = self.get_parent() if self.pk and self.depth > 1 else getattr(self, "_intended_parent", None)
        check_parent_level(parent, self.level)

    def ancestors_and_self(self):
        """Ancestors from the root down, then this organisation (one query)."""
        return Organisation.objects.filter(
            path__in=[self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]
        ).order_by("depth")


def check_parent_level(parent, level) -> None:
    """The parent rule: the root is the province; any other parent must be of a higher level."""
    if parent is None:
        if level != Level.PROVINCE:
            raise ValidationError({"parent": _("Only the province sits at the top of the tree.")})
    elif parent.level >= level:
        raise ValidationError(
            {
                "parent": _("A %(level)s cannot sit under a %(parent_level)s: the parent must be of a higher level.")
                % {"level": Level(level).label, "parent_level": Level(parent.level).label}
            }
        )


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, "township__path") | scope_q(user, "union__path"))


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)
    township = models.ForeignKey(
        Organisation,
        verbose_name=_("township / street / park"),
        on_delete=models.PROTECT,
        related_name="enterprises_located",
        help_text=_("The township, street or park union area the enterprise sits in."),
    )
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("grassroots union"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises",
        help_text=_("Empty when the enterprise has no union yet."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.township_id and self.township.level == Level.GRASSROOTS:
            raise ValidationError({"township": _("Choose the township, street, park or county it sits in.")})


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def visible_to(self, user):
        return self.filter(scope_q(user, "organisation__path"))


class Membership(models.Model):
    """A role a user holds in an organisation; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

