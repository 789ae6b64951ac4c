from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "unionportal.reports"
    label = "reports"
    verbose_name = _("报表")

    def ready(self):
        from .registry import register_todo_provider
        from .todos import recent_reveals, unions_without_account

        register_todo_provider("reports.unions_without_account", unions_without_account)
        register_todo_provider("audit.recent_reveals", recent_reveals)
