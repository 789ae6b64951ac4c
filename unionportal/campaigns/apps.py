from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The cached-fragment topic of the calendar and the activity reports (unionportal.fragments).
CAMPAIGN_TOPIC = "campaign"


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
        from unionportal import fragments

        from .models import ActivityReport, Campaign, Milestone, MilestoneCompletion

        # The home page's campaign to-dos are recounted after any change to the calendar or the reports.
        for model in (Campaign, Milestone, MilestoneCompletion, ActivityReport):
            fragments.follow_all(CAMPAIGN_TOPIC, model)
        register_todo_provider("campaigns.milestones", milestones_todo, topics=(CAMPAIGN_TOPIC,))
        register_todo_provider("campaigns.activity_reports", activity_reports_todo, topics=(CAMPAIGN_TOPIC,))
        demo.register("campaigns", seed_campaign_demo)

        from . import dashboard  # figures of the six-function dashboard

        dashboard.register()
