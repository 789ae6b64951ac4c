"""Founding a grassroots union (工会组建).

* ``FoundingApplication``: workers or an enterprise's representative ask the upper-level union (the
  enterprise's township or street union, else its county) to found a union for an enterprise that has
  none; the founding committee and the chair candidate are kept on the application, the first members
  as ``FoundingMember`` rows. An enterprise has at most one open application
  (``founding_one_open_per_enterprise``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.accounts.validators import mask_contact, mask_id_number, mask_mobile, validate_id_number

from .models import Enterprise, Organisation
from .paths import path_of


class FoundingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回指导")
    REFUSED = "refused", _("不予批准")
    APPROVED = "approved", _("已批准建会")
    WITHDRAWN = "withdrawn", _("已撤回")


# An application still being worked on: the enterprise may have only one of these at a time.
OPEN_STATES = (FoundingState.DRAFT, FoundingState.SUBMITTED, FoundingState.RETURNED)


class ApplicantCapacity(models.TextChoices):
    WORKER = "worker", _("本单位职工")
    ENTERPRISE = "enterprise", _("企业方代表")


class FoundingApplicationQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "list"):
        from unionportal import permissions

        return self.filter(permissions.scope_q(user, "founding_application", action, "org_path"))

    def open(self):
        return self.filter(state__in=OPEN_STATES)


class FoundingApplication(models.Model):
    """An application to found a grassroots union for ``enterprise``, decided by ``upper``."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="founding_applications",
    )
    capacity = models.CharField(
        _("申请人身份"), max_length=16, choices=ApplicantCapacity.choices, default=ApplicantCapacity.WORKER
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="founding_applications"
    )
    upper = models.ForeignKey(
        Organisation,
        verbose_name=_("上级工会"),
        on_delete=models.PROTECT,
        related_name="founding_applications",
    )
    # A copy of the upper union's path (orgs.paths follows it): the queue is one index range.
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    employees = models.PositiveIntegerField(_("职工人数"))
    committee = models.JSONField(_("筹备组成员"), default=list, blank=True)
    chair_name = models.CharField(_("工会主席候选人"), max_length=60)
    chair_job = models.CharField(_("主席候选人岗位"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    note = models.TextField(_("说明"), max_length=1000, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=FoundingState.choices, default=FoundingState.DRAFT
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    comment = models.CharField(_("指导意见或理由"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    union = models.ForeignKey(
        Organisation,
        verbose_name=_("成立的基层工会"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FoundingApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("建会申请")
        verbose_name_plural = pgettext_lazy("plural", "建会申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(state__in=["draft", "submitted", "returned"]),
                name="founding_one_open_per_enterprise",
                violation_error_message=_("该企业已有一份正在办理的建会申请。"),
            ),
        ]
        indexes = [models.Index(fields=["org_path", "state"], name="founding_scope_state")]

    def __str__(self):
        return f"{self.enterprise.name} · {self.get_state_display()}"

    def save(self, *args, **kwargs):
        if self.upper_id:
            self.org_path = path_of(self, "upper")
        super().save(*args, **kwargs)

    def audit_org_path(self) -> str:
        return self.org_path

    @property
    def masked_contact_phone(self) -> str:
        return mask_contact(self.contact_phone)

    @property
    def is_editable(self) -> bool:
        return self.state in (FoundingState.DRAFT, FoundingState.RETURNED)

    @property
    def is_withdrawable(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def union_name(self) -> str:
        return f"{self.enterprise.name}工会委员会"


class FoundingMember(models.Model):
    """One of the first members named on a founding application (entered in the registry on approval)."""

    application = models.ForeignKey(
        FoundingApplication, on_delete=models.CASCADE, related_name="first_members"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("手机号"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("首批会员")
        verbose_name_plural = pgettext_lazy("plural", "首批会员")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "id_number"], name="founding_member_once"),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)
