from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "unionportal.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self):
        from unionportal.orgs.paths import register_path_copy

        from .models import AuditEvent

        # Events are scoped by the path of the organisation they concern: it follows the union in the tree.
        register_path_copy(AuditEvent, "org_path")
