"""Inclusive services (普惠服务): offers a union publishes to the members of its subtree, and the
members' sign-ups.

An offer keeps the publishing union's path (``org_path``), so the members it is for are the current
members whose ``Member.org_path`` starts with it, and a staff member's offers are a prefix test. Its
``taken`` column counts the sign-ups holding a place (waiting for confirmation or confirmed); the
database refuses a count above the capacity, and every write of it happens under the offer's row lock.
A sign-up copies the offer's path (staff scope) and the member's union path (where the worker served
belongs), both kept in step with the tree by ``unionportal.orgs.paths``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.accounts.validators import mask_id_number, mask_mobile
from unionportal.orgs.models import Member, Organisation

from .enums import ACTIVE, OfferKind, OfferState, SignupState

# The fragment-cache topic of offers and sign-ups (benefits.apps follows their writes): the home page's
# to-do counts are kept under it.
BENEFITS_TOPIC = "benefits"


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "benefit_offer", action, "org_path"))

    def published(self):
        return self.filter(state=OfferState.PUBLISHED)


class Offer(models.Model):
    union = models.ForeignKey(
        Organisation, verbose_name=_("发布工会"), on_delete=models.PROTECT, related_name="benefit_offers"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("服务类别"), max_length=20, choices=OfferKind.choices)
    title = models.CharField(_("服务名称"), max_length=120)
    description = models.TextField(_("服务内容"), blank=True)
    place = models.CharField(_("服务地点"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("名额"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )
    signup_from = models.DateField(_("报名开始日期"))
    signup_until = models.DateField(_("报名截止日期"))
    service_on = models.DateField(_("服务日期"))
    needs_confirmation = models.BooleanField(
        _("报名须经工会确认"),
        default=False,
        help_text=_("不勾选则先到先得：报名即占用名额。"),
    )
    state = models.CharField(_("状态"), max_length=12, choices=OfferState.choices, default=OfferState.DRAFT)
    taken = models.PositiveIntegerField(_("已占名额"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("普惠服务项目")
        verbose_name_plural = pgettext_lazy("plural", "普惠服务项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="benefit_offer_not_overbooked"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="benefit_offer_capacity_positive"),
            models.CheckConstraint(
                condition=Q(signup_until__gte=F("signup_from")), name="benefit_offer_window_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("benefits:offer", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.taken >= self.capacity

    def window_open(self, today) -> bool:
        return self.signup_from <= today <= self.signup_until


class SignupQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        own = Q(user=user) if getattr(user, "is_authenticated", False) else None
        return self.filter(permissions.scope_q(user, "benefit_signup", action, "org_path", own=own))


class Signup(models.Model):
    offer = models.ForeignKey(
        Offer, verbose_name=_("服务项目"), on_delete=models.CASCADE, related_name="signups"
    )
    member = models.ForeignKey(Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("职工账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="benefit_signups",
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)  # the offer's union
    member_path = models.CharField(max_length=255, db_index=True, editable=False)  # the member's union
    state = models.CharField(_("状态"), max_length=12, choices=SignupState.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    refusal_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("报名时间"), db_index=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("普惠服务报名")
        verbose_name_plural = pgettext_lazy("plural", "普惠服务报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "member"],
                condition=Q(state__in=[str(s) for s in ACTIVE]),
                name="benefit_signup_once_per_member",
                violation_error_message=_("您已报名这项服务。"),
            ),
        ]
        indexes = [models.Index(fields=["offer", "state", "created_at", "id"], name="benefit_signup_queue")]

    def __str__(self):
        return f"{self.member.name} · {self.offer.title}"

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.member.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.member.phone)

    @property
    def id_number(self) -> str:
        return self.member.id_number

    @property
    def phone(self) -> str:
        return self.member.phone
