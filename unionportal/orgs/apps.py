from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "unionportal.orgs"
    label = "orgs"
    verbose_name = _("工会组织")

    def ready(self):
        from unionportal.reports.registry import register_todo_provider

        from .todos import accounts_never_signed_in

        register_todo_provider("orgs.accounts_never_signed_in", accounts_never_signed_in)
