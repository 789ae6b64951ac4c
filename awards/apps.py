from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("五一劳动奖")

    def ready(self):
        from unionportal.selection import registry

        registry.register_app("awards", detail_url_name="awards:detail")

        from unionportal import demo
        from unionportal.imports.registry import register_resource

        from .demo import seed_awards_demo
        from .resources_register import NationalRegisterResource

        register_resource("awards.national_register", NationalRegisterResource, _("全国五一劳动奖推荐名册"))
        demo.register("awards", seed_awards_demo)

        # Grassroots intake: the offline import of paper nominations and the submitters' to-dos.
        from unionportal.reports.registry import register_todo_provider

        from .resources import NominationImportResource
        from .todos import awards_todos

        register_resource("awards.nomination", NominationImportResource, _("五一劳动奖章推荐（线下收集）"))
        from unionportal.selection.models import CANDIDACY_TOPIC

        register_todo_provider("awards.todos", awards_todos, topics=(CANDIDACY_TOPIC,))
