from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("普惠服务")

    def ready(self):
        from unionportal import demo
        from unionportal.audit.presenting import register_action_labels
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_dashboard_provider, register_todo_provider

        from . import reports, workflows  # noqa: F401  (the workflows and message templates register)
        from .demo import seed_benefits_demo
        from .models import Offer, Signup
        from .todos import benefits_todos

        register_action_labels(
            {
                "benefits.offer.create": _("创建普惠服务"),
                "benefits.offer.update": _("修改普惠服务"),
                "benefits.signup.create": _("报名普惠服务"),
                "benefits.signup.cancel": _("取消普惠服务报名"),
                "benefits.signup.promote": _("候补递补"),
            }
        )
        from unionportal import fragments

        from .models import BENEFITS_TOPIC

        # Saves and deletes bump the topic; the services' counted updates of a sign-up bump it themselves.
        fragments.follow(BENEFITS_TOPIC, Offer, lambda o: [o.org_path])
        fragments.follow(BENEFITS_TOPIC, Signup, lambda s: [s.org_path])
        register_todo_provider("benefits.todos", benefits_todos, topics=(BENEFITS_TOPIC,))
        register_dashboard_provider("benefits", reports.dashboard, trend=reports.trend)
        register_path_copy(Offer, "org_path")
        register_path_copy(Signup, "org_path")
        register_path_copy(Signup, "member_path")
        demo.register("benefits", seed_benefits_demo)
