from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("职工维权")

    def ready(self):
        from unionportal import demo, periodic
        from unionportal.audit.presenting import register_action_labels
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_dashboard_provider, register_todo_provider

        from . import services, workflows  # noqa: F401  (the workflow and message templates register)
        from .demo import seed_rights_demo
        from .models import EnterpriseFlag, RightsRequest
        from .reports import dashboard_figures, dashboard_trend
        from .todos import flagged_enterprise_todos, rights_todos

        register_action_labels(
            {
                "rights.request.file": _("提交维权申请"),
                "rights.request.step": _("登记办理情况"),
                "rights.request.escalate": _("上报上级工会"),
                "rights.request.rate": _("评价办理结果"),
                "rights.request.overdue": _("标记逾期"),
                "rights.enterprise.flag": _("标记维权预警企业"),
            }
        )
        periodic.register("rights.deadline_clock")(services.deadline_clock)
        from unionportal import fragments

        from .models import RIGHTS_TOPIC

        # The to-do counts are kept under the topic: every save, delete or move of a request or a flag
        # bumps it (the services' compare-and-set updates bump it themselves).
        fragments.follow(RIGHTS_TOPIC, RightsRequest, lambda r: [r.org_path, r.origin_path])
        fragments.follow(RIGHTS_TOPIC, EnterpriseFlag, lambda f: [f.org_path])
        register_todo_provider("rights.todos", rights_todos, topics=(RIGHTS_TOPIC,))
        register_todo_provider("rights.flagged", flagged_enterprise_todos, topics=(RIGHTS_TOPIC,))
        register_dashboard_provider("rights", dashboard_figures, trend=dashboard_trend)
        register_path_copy(RightsRequest, "org_path")
        register_path_copy(RightsRequest, "origin_path")
        register_path_copy(EnterpriseFlag, "org_path")
        demo.register("rights", seed_rights_demo)
