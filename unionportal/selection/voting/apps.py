from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "unionportal.selection.voting"
    label = "selection_voting"
    verbose_name = _("社会评议")

    def ready(self):
        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "selection_voting.stage.save": _("保存社会评议设置"),
                "selection_voting.stage.open": _("发布社会评议"),
                "selection_voting.stage.close": _("结束社会评议"),
                "selection_voting.votes.quarantine": _("投票转入待核查"),
                "selection_voting.votes.release": _("待核查投票恢复计票"),
                "selection_voting.votes.discard": _("待核查投票作废"),
            }
        )

        from unionportal import demo
        from unionportal.imports.registry import register_resource
        from unionportal.reports.registry import register_todo_provider

        from . import resources
        from .todos import voting_todos

        register_todo_provider("selection_voting.todos", voting_todos)
        register_resource("selection_voting.daily", resources.DailyVotesResource, _("社会评议每日投票"))
        register_resource(
            "selection_voting.ranking", resources.CombinedRankingResource, _("社会评议综合排名（含得分构成）")
        )

        from .demo import seed_voting_demo

        demo.register("selection_voting", seed_voting_demo)
