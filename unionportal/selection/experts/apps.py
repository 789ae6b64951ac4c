from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "unionportal.selection.experts"
    label = "selection_experts"
    verbose_name = _("专家评审")

    def ready(self):
        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "selection_experts.stage.save": _("保存专家评审设置"),
                "selection_experts.expert.save": _("保存专家库信息"),
                "selection_experts.panel.save": _("保存评审组"),
                "selection_experts.assignment.create": _("分配评审专家"),
                "selection_experts.assignment.remove": _("撤销专家分配"),
                "selection_experts.assignment.declare": _("专家申报回避情况"),
                "selection_experts.score.submit": _("提交专家评分"),
                "selection_experts.score.reopen": _("退回专家评分"),
            }
        )

        from unionportal import demo, periodic
        from unionportal.imports.registry import register_importer, register_resource
        from unionportal.reports.registry import register_todo_provider

        from . import resources, services
        from .todos import expert_todos

        register_todo_provider("selection_experts.todos", expert_todos)
        register_resource("selection_experts.sheet", resources.ScoreSheetResource, _("专家评分表"))
        register_resource("selection_experts.pool", resources.PoolResource, _("评审专家库"))
        register_importer("selection_experts.pool_import", resources.PoolImporter, _("评审专家库（导入）"))
        periodic.register("selection_experts.remind")(services.remind)

        from .demo import seed_experts_demo

        demo.register("selection_experts", seed_experts_demo)
