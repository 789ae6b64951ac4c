from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "unionportal.selection"
    label = "selection"
    verbose_name = _("评选")

    def ready(self):
        from unionportal.reports.registry import register_todo_provider

        from .todos import selection_todos

        register_todo_provider("selection.todos", selection_todos)
