from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("帮扶台账")

    def ready(self):
        from unionportal import demo, periodic, permissions
        from unionportal.audit.presenting import register_action_labels

        register_action_labels(
            {
                "assistance.household.create": _("提交建档申请"),
                "assistance.household.update": _("修改档案"),
                "assistance.household.recategorise": _("按新标准重新认定类别"),
                "assistance.measure.add": _("登记帮扶措施"),
                "assistance.plan.add": _("添加帮扶计划"),
                "assistance.plan.done": _("完成帮扶计划"),
                "assistance.threshold.change": _("修改困难认定标准"),
            }
        )
        from unionportal.reports.registry import register_report_section, register_todo_provider

        from . import reminders, rollups
        from .models import HOUSEHOLD_TOPIC
        from .reports import report_section
        from .todos import assistance_todos
        from .workflows import owns_drive_enterprise, owns_household

        # A cadre's own households and enterprises are those of the enterprises paired with them.
        permissions.register_owner_test("household", owns_household)
        permissions.register_owner_test("drive_enterprise", owns_drive_enterprise)
        periodic.register("assistance.verification_reminders")(reminders.verification_reminders)
        periodic.register("assistance.plan_follow_up_reminders")(reminders.plan_follow_up_reminders)
        periodic.register("assistance.yearly_reviews")(reminders.yearly_reviews)
        periodic.register("assistance.report_rollups")(rollups.refresh_if_stale)
        register_todo_provider("assistance.todos", assistance_todos, topics=(HOUSEHOLD_TOPIC,))
        register_report_section("assistance.report", report_section)

        from unionportal.orgs.paths import register_after_move, register_path_copy

        from .models import (
            DriveLevelRollup,
            Household,
            HouseholdLevelRollup,
            HouseholdRollup,
            MeasureLevelRollup,
            MeasureRollup,
        )

        # Copies of organisation paths follow the tree; the rollups' sums per ancestor are rebuilt after
        # a union changes parent (a prefix rewrite cannot move its figures from one county to another).
        register_path_copy(Household, "org_path")
        register_path_copy(HouseholdRollup, "org_path")
        register_path_copy(MeasureRollup, "org_path")
        register_path_copy(HouseholdLevelRollup, "key")
        register_path_copy(MeasureLevelRollup, "key")
        register_path_copy(DriveLevelRollup, "key")
        register_after_move(rollups.rollup_refresh)

        from unionportal import fragments
        from unionportal.accounts.models import User
        from unionportal.orgs.models import Enterprise, Organisation

        from .models import DriveEnterprise, Measure

        # The household list shows each household's enterprise (and whether it cuts capacity), its cadre's
        # name and its organisation's place in the tree: a change to any of them redraws every list.
        fragments.follow(HOUSEHOLD_TOPIC, Household, lambda h: (h.org_path, h.previous_org_path))
        # A report read live (below the township, several subtrees) counts the measures too.
        fragments.follow(HOUSEHOLD_TOPIC, Measure, lambda m: (m.household.org_path,))
        for model in (Enterprise, DriveEnterprise, Organisation):
            fragments.follow_all(HOUSEHOLD_TOPIC, model)
        fragments.follow_all(HOUSEHOLD_TOPIC, User, ignore_fields=frozenset({"last_login"}))
        register_after_move(lambda: fragments.bump_all(HOUSEHOLD_TOPIC))

        from .demo import seed_assistance_demo

        demo.register("assistance", seed_assistance_demo)

        from unionportal.imports.registry import register_importer, register_resource

        from .household_import import KEY, HouseholdImporter
        from .resources import HouseholdResource

        register_resource("assistance.household", HouseholdResource, _("困难职工家庭"))
        register_importer(KEY, HouseholdImporter, _("困难职工家庭及成员"))

        from . import dashboard  # the relief figures of the six-function dashboard

        dashboard.register()
