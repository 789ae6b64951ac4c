from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _record_paths(record) -> list[str]:
    return [record.org_path]


class BargainingConfig(AppConfig):
    name = "bargaining"
    verbose_name = _("工资集体协商")

    def ready(self):
        from unionportal import demo, fragments, periodic
        from unionportal.audit.presenting import register_action_labels
        from unionportal.orgs.models import Enterprise
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_todo_provider

        from . import services, workflows  # noqa: F401  (the workflows and message templates register)
        from .demo import seed_bargaining_demo
        from .models import BARGAINING_TOPIC, Agreement, BargainingProfile, Coverage, Offer
        from .todos import bargaining_todos

        register_action_labels(
            {
                "bargaining.offer.create": _("起草协商要约"),
                "bargaining.agreement.create": _("开始工资集体协商"),
                "bargaining.negotiators.set": _("确定协商代表"),
                "bargaining.round.add": _("登记协商会议"),
                "bargaining.terms.save": _("修改协议条款"),
                "bargaining.agreement.renewal_reminder": _("提醒续订"),
                "bargaining.offer.import": _("导入线下要约"),
                "bargaining.agreement.import": _("导入线下协议"),
            }
        )
        periodic.register("bargaining.offer_clock")(services.offer_clock)
        periodic.register("bargaining.agreement_clock")(services.agreement_clock)
        register_todo_provider("bargaining.todos", bargaining_todos, topics=(BARGAINING_TOPIC,))
        for model in (BargainingProfile, Offer, Agreement, Coverage):
            register_path_copy(model, "org_path")
            # The progress page's cached figures follow every record of the drive, at its union.
            fragments.follow(BARGAINING_TOPIC, model, _record_paths)
        # An enterprise's industry or size is shown in the figures by industry.
        fragments.follow_all(BARGAINING_TOPIC, Enterprise)
        demo.register("bargaining", seed_bargaining_demo)

        from unionportal.imports.registry import register_resource

        from .resources import AgreementImportResource, OfferImportResource

        register_resource("bargaining.offer", OfferImportResource, _("协商要约（线下收集）"))
        register_resource("bargaining.agreement", AgreementImportResource, _("工资专项集体合同（线下收集）"))
