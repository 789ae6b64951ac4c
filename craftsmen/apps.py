from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CraftsmenConfig(AppConfig):
    name = "craftsmen"
    verbose_name = _("荆楚工匠")

    def ready(self):
        from unionportal import demo
        from unionportal.imports.registry import register_resource
        from unionportal.reports.registry import register_todo_provider
        from unionportal.selection import registry
        from unionportal.selection.models import CANDIDACY_TOPIC

        from .demo import seed_craftsmen_demo
        from .films import films_ready
        from .resources import CraftsmanBatchResource
        from .selectors import candidate_facts
        from .services import room_problem
        from .todos import craftsmen_todos

        registry.register_app("craftsmen", detail_url_name="craftsmen:detail", facts=candidate_facts)
        registry.register_approval_check("craftsmen", room_problem)
        register_resource("craftsmen.batch", CraftsmanBatchResource, _("荆楚工匠批次名单"))
        demo.register("craftsmen", seed_craftsmen_demo)
        register_todo_provider("craftsmen.todos", craftsmen_todos, topics=(CANDIDACY_TOPIC,))
        films_ready()
