from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("五一劳动奖")

    def ready(self):
        from unionportal.selection import registry

        registry.register_app("awards", detail_url_name="awards:detail")

        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "awards.frontline.nominate": _("网上推荐最美一线职工"),
                "awards.frontline.consent": _("被推荐人同意推荐"),
                "awards.frontline.confirm": _("基层工会确认推荐"),
                "awards.frontline.decline": _("基层工会不予确认推荐"),
                "awards.medal.grant": _("经最美一线职工评选授予五一劳动奖章"),
            }
        )

        from unionportal import demo
        from unionportal.imports.registry import register_resource

        from .demo import seed_awards_demo
        from .resources_register import NationalRegisterResource

        register_resource("awards.national_register", NationalRegisterResource, _("全国五一劳动奖推荐名册"))
        demo.register("awards", seed_awards_demo)
        from .frontline_demo import seed_frontline_demo

        # After the award lists: the 最美一线职工 selection with its expert review and public vote.
        demo.register("awards_frontline", seed_frontline_demo)

        # Grassroots intake: the offline import of paper nominations and the submitters' to-dos.
        from unionportal.reports.registry import register_todo_provider

        from .resources import NominationImportResource
        from .todos import awards_todos

        register_resource("awards.nomination", NominationImportResource, _("五一劳动奖章推荐（线下收集）"))
        from unionportal.selection.models import CANDIDACY_TOPIC

        register_todo_provider("awards.todos", awards_todos, topics=(CANDIDACY_TOPIC,))
