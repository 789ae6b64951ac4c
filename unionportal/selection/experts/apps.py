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
