from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "unionportal.campaigns"
    label = "campaigns"
    verbose_name = _("活动")

    def ready(self):
        from unionportal import demo, periodic
        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "campaigns.milestone.done": _("标记工作节点完成"),
                "campaigns.activity_report.create": _("填报活动报告"),
                "campaigns.activity_report.update": _("修改活动报告"),
            }
        )
        from unionportal.reports.registry import register_todo_provider

        from .demo import seed_campaign_demo
        from .services import milestone_reminders
        from .todos import activity_reports_todo, milestones_todo

        periodic.register("campaigns.reminders")(milestone_reminders)
        register_todo_provider("campaigns.milestones", milestones_todo)
        register_todo_provider("campaigns.activity_reports", activity_reports_todo)
        demo.register("campaigns", seed_campaign_demo)
