"""The labour-competition figures of the six-function dashboard (业务管理): approved entrants and the
score reports sent up, kept at the registering union's path (the ``entrant_scope`` index)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionportal.reports.registry import Figure, register_dashboard_provider, subtree_counts

from .enums import EntrantState, ReportState
from .models import Entrant, ScoreReport


def competition_figures(paths) -> dict[str, list[Figure]]:
    """Per path: approved entrants and score reports submitted or checked; one grouped query each per
    distinct path length."""
    entrants = subtree_counts(Entrant.objects.filter(state=EntrantState.APPROVED), paths)
    reports = subtree_counts(
        ScoreReport.objects.filter(state__in=(ReportState.SUBMITTED, ReportState.CHECKED)), paths
    )
    url = reverse("competitions:list")
    return {
        path: [
            Figure("management", "competitions.entrants", _("劳动竞赛参赛单位"), entrants[path], url=url),
            Figure("management", "competitions.score_reports", _("报送竞赛成绩"), reports[path], url=url),
        ]
        for path in paths
    }


def register() -> None:
    register_dashboard_provider("competitions", competition_figures)
