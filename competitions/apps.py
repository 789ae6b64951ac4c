from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def in_scope(user, competition) -> bool:
    """A competition is a submitter's "own" when its scope holds the submitter's union (who may enter)."""
    from unionportal import permissions
    from unionportal.orgs.scoping import membership_rows

    own_roles = set()
    for action in ("list", "open"):
        own_roles |= permissions.roles_for("competition", action, permissions.OWN)
    scope = getattr(competition, "scope_path", "")
    return bool(scope) and any(
        role in own_roles and path.startswith(scope) for role, path in membership_rows(user)
    )


class CompetitionsConfig(AppConfig):
    name = "competitions"
    verbose_name = _("劳动竞赛")

    def ready(self):
        from unionportal import demo, periodic, permissions
        from unionportal.audit.presenting import register_action_labels
        from unionportal.orgs.paths import register_path_copy
        from unionportal.reports.registry import register_todo_provider

        from . import reminders
        from .demo import seed_competitions_demo
        from .models import Competition, Entrant, ScoreReport, SkillsEvent, Tour, Winner
        from .todos import competition_todos

        register_action_labels(
            {
                "competitions.competition.create": _("举办劳动竞赛"),
                "competitions.competition.update": _("修改劳动竞赛"),
                "competitions.entrant.register": _("报名参加劳动竞赛"),
                "competitions.report.create": _("报送竞赛成绩"),
                "competitions.report.update": _("修改竞赛成绩"),
                "competitions.winner.propose": _("列入竞赛表彰名单"),
                "competitions.tour.create": _("新建报告团巡讲"),
                "competitions.tour.stop": _("添加巡讲场次"),
                "competitions.skills.event": _("添加技能大赛赛项"),
                "competitions.skills.event_update": _("修改技能大赛赛项"),
                "competitions.skills.results": _("录入技能大赛成绩"),
                "competitions.skills.result_delete": _("删除技能大赛成绩"),
                "competitions.skills.publish": _("公布技能大赛成绩"),
                "competitions.put_forward": _("推荐参加五一劳动奖评选"),
                "competitions.tour.report": _("填写巡讲场次情况"),
            }
        )
        permissions.register_owner_test("competition", in_scope)
        periodic.register("competitions.late_report_reminders")(reminders.late_report_reminders)
        from .selectors import ENTRY_TOPIC as _TOPIC

        register_todo_provider("competitions.todos", competition_todos, topics=(_TOPIC,))
        for model, field in (
            (Competition, "org_path"),
            (Competition, "scope_path"),
            (Entrant, "org_path"),
            (ScoreReport, "org_path"),
            (Winner, "org_path"),
            (Tour, "org_path"),
            (SkillsEvent, "org_path"),
        ):
            register_path_copy(model, field)
        demo.register("competitions", seed_competitions_demo)

        from unionportal import fragments

        from .selectors import ENTRY_TOPIC

        # The cached rankings (selectors.standings) are read at the competition's scope.
        fragments.follow(ENTRY_TOPIC, Entrant, lambda e: [e.org_path])
        fragments.follow(ENTRY_TOPIC, ScoreReport, lambda r: [r.org_path])
        fragments.follow(ENTRY_TOPIC, Competition, lambda c: [c.scope_path])
        fragments.follow(ENTRY_TOPIC, SkillsEvent, lambda e: [e.org_path])

        from . import dashboard  # figures of the six-function dashboard

        dashboard.register()

        from unionportal.imports.registry import register_importer

        from .report_import import ScoreReportImporter

        register_importer(
            "competitions.score_reports", ScoreReportImporter, _("劳动竞赛成绩报送（线下收集）")
        )
