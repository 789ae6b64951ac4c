from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "unionportal.selection"
    label = "selection"
    verbose_name = _("评选")

    def ready(self):
        from unionportal import periodic
        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "selection.candidacy.create": _("新建推荐"),
                "selection.candidacy.edit": _("修改推荐"),
                "selection.candidacy.delete": _("删除推荐草稿"),
                "selection.candidacy.rank": _("调整排序"),
                "selection.notice.open": _("发布公示"),
                "selection.objection.lodge": _("受理公示异议"),
                "selection.allocation.set": _("分配名额"),
            }
        )

        from . import services

        periodic.register("selection.tell_objectors")(services.objections_tell_sweep)

        from unionportal.reports.registry import register_todo_provider

        from .models import CANDIDACY_TOPIC
        from .todos import selection_todos

        register_todo_provider("selection.todos", selection_todos, topics=(CANDIDACY_TOPIC,))

        from unionportal.imports.registry import register_resource

        from . import resources

        register_resource("selection.candidacy", resources.CandidacyListResource, _("推荐审核名单"))
        register_resource("selection.approved", resources.ApprovedListResource, _("省级批准名单"))
        register_resource("selection.honourees", resources.HonoureeResource, _("表彰名单"))
        register_resource("selection.past_honour", resources.PastHonourResource, _("既往荣誉（核查用）"))

        from unionportal import fragments
        from unionportal.accounts.models import User
        from unionportal.orgs.models import Organisation
        from unionportal.orgs.paths import register_after_move

        from .models import Allocation, Candidacy, PastHonour, Programme, Rule

        # The review queue shows candidacies with their union, their nominees' past honours, the
        # programme's rules and quotas, and names of unions and people.
        fragments.follow(CANDIDACY_TOPIC, Candidacy, lambda c: (c.organisation.path,))
        for model in (Programme, Allocation, Rule, PastHonour, Organisation):
            fragments.follow_all(CANDIDACY_TOPIC, model)
        fragments.follow_all(CANDIDACY_TOPIC, User, ignore_fields=frozenset({"last_login"}))
        register_after_move(lambda: fragments.bump_all(CANDIDACY_TOPIC))
