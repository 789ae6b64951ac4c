"""The relief figures (帮扶救助) of the six-function dashboard, read from the ledger's report rollups.

At a million households the ledger is too big to count for a page a leader refreshes, so the figures sum
``HouseholdRollup`` (households per organisation, state and category, with how many had a measure),
which the periodic job rebuilds every few minutes; each figure says when the rollup was taken.
"""

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionportal.reports.registry import Figure, register_dashboard_provider, subtree_counts

from .enums import HouseholdState
from .models import HouseholdRollup
from .reports import IN_FILE_STATES
from .rollups import refreshed_at


def relief_figures(paths) -> dict[str, list[Figure]]:
    """Per path: households in the file (filed or being assisted), of those helped with a measure, and
    households that escaped hardship. Three grouped queries per distinct path length, plus one for the
    rollup's time."""
    in_file = HouseholdRollup.objects.filter(state__in=IN_FILE_STATES)
    households = subtree_counts(in_file, paths, total=Sum("households"))
    helped = subtree_counts(in_file, paths, total=Sum("helped"))
    escaped = subtree_counts(
        HouseholdRollup.objects.filter(state=HouseholdState.ESCAPED), paths, total=Sum("households")
    )
    as_of = refreshed_at()
    url = reverse("assistance:report")
    return {
        path: [
            Figure("relief", "assistance.households", _("在档困难职工家庭"), households[path], as_of, url),
            Figure("relief", "assistance.helped", _("已获帮扶家庭"), helped[path], as_of, url),
            Figure("relief", "assistance.escaped", _("已脱困家庭"), escaped[path], as_of, url),
        ]
        for path in paths
    }


def register() -> None:
    register_dashboard_provider("assistance", relief_figures)
