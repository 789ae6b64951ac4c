from django.urls import reverse
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.reports.registry import Todo

from . import selectors, skills


def competition_todos(user) -> list[Todo]:
    """The organiser's staff: registrations and score reports waiting for them."""
    if not permissions.may(user, "competition", "review"):
        return []
    return [
        Todo(
            _("待审核的竞赛报名"),
            selectors.waiting_entrants(user).count(),
            reverse("competitions:list"),
            "warning",
        ),
        Todo(
            _("待核查的竞赛成绩"),
            selectors.waiting_reports(user).count(),
            reverse("competitions:list"),
            "warning",
        ),
        Todo(
            _("待公布的技能大赛成绩"),
            skills.events_waiting(user).count(),
            reverse("competitions:list"),
            "info",
        ),
    ]
