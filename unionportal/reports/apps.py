from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "unionportal.reports"
    label = "reports"
    verbose_name = _("报表")

    def ready(self):
        from unionportal import fragments
        from unionportal.audit.models import AuditEvent
        from unionportal.orgs.apps import ACCOUNT_TOPIC

        from .registry import register_todo_provider
        from .todos import REVEAL_ACTION, recent_reveals, unions_without_account

        fragments.follow_all("reveal", AuditEvent, when=lambda event: event.action == REVEAL_ACTION)
        register_todo_provider(
            "reports.unions_without_account", unions_without_account, topics=(ACCOUNT_TOPIC,)
        )
        register_todo_provider("audit.recent_reveals", recent_reveals, topics=("reveal",))
