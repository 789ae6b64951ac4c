from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal import permissions


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see events about their subtree; events tied to no organisation only superusers see."""
        if user.is_superuser:
            return self
        return self.filter(permissions.scope_q(user, "audit_event", "list", "org_path")).exclude(org_path="")


class AuditEvent(models.Model):
    """Who did what, when, from which state to which, from which address. Never edited."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    # The organisation path the object belongs to: scopes the audit pages like everything else.
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    client_ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = pgettext_lazy("plural", "审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
