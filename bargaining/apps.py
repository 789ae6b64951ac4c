from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BargainingConfig(AppConfig):
    name = "bargaining"
    verbose_name = _("工资集体协商")

    def ready(self):
        from unionportal import demo, periodic
        from unionportal.audit.presenting import register_action_labels
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_todo_provider

        from . import services, workflows  # noqa: F401  (the workflows and message templates register)
        from .demo import seed_bargaining_demo
        from .models import Agreement, BargainingProfile, Coverage, Offer
        from .todos import bargaining_todos

        register_action_labels(
            {
                "bargaining.offer.create": _("起草协商要约"),
                "bargaining.agreement.create": _("开始工资集体协商"),
                "bargaining.negotiators.set": _("确定协商代表"),
                "bargaining.round.add": _("登记协商会议"),
                "bargaining.terms.save": _("修改协议条款"),
                "bargaining.agreement.renewal_reminder": _("提醒续订"),
            }
        )
        periodic.register("bargaining.offer_clock")(services.offer_clock)
        periodic.register("bargaining.agreement_clock")(services.agreement_clock)
        register_todo_provider("bargaining.todos", bargaining_todos)
        for model in (BargainingProfile, Offer, Agreement, Coverage):
            register_path_copy(model, "org_path")
        demo.register("bargaining", seed_bargaining_demo)
