from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "unionportal.imports"
    label = "imports"
    verbose_name = _("导入导出")

    def ready(self):
        from unionportal import periodic
        from unionportal.orgs.resources import EnterpriseResource, OrganisationResource
        from unionportal.reports.registry import register_todo_provider

        from . import services
        from .registry import register_resource

        # The shared records' resources live with their app; domain apps register theirs in their own ready().
        register_resource("orgs.organisation", OrganisationResource, _("工会组织"))
        register_resource("orgs.enterprise", EnterpriseResource, _("企业"))
        periodic.register("imports.requeue_stale")(services.requeue_stale)
        from unionportal import fragments

        from .models import ImportJob

        fragments.follow_all("import_job", ImportJob)
        register_todo_provider(
            "imports.awaiting_confirmation", services.awaiting_confirmation_todos, topics=("import_job",)
        )
