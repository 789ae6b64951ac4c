"""seed_competitions_bench: the bench competition at two tiny sizes, its ranking summed in the database,
and the ranking page's query count the same whatever the number of entrants and periods."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from competitions.models import Competition, Entrant, ScoreReport

pytestmark = pytest.mark.django_db


def seed(entrants: int, periods: int) -> int:
    out = StringIO()
    call_command(
        "seed_competitions_bench", "--entrants", str(entrants), "--periods", str(periods), stdout=out
    )
    line = next(x for x in out.getvalue().splitlines() if x.startswith("bench "))
    return int(line.split("competition_pk=")[1])


def ranking_queries(client, pk, query="") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/competitions/{pk}/ranking/{query}")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_ranking_page_costs_the_same_queries_at_two_sizes(settings):
    settings.STAFF_FRAGMENT_CACHE = (
        False  # the page as drawn (a cached body: tests/competitions/test_pages.py)
    )
    small, large = seed(30, 2), seed(70, 5)
    assert seed(30, 2) == small  # idempotent per size
    assert Entrant.objects.filter(competition_id=large).count() == 70
    assert ScoreReport.objects.filter(entrant__competition_id=large).count() == 70 * 5
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-staff"))
    ranking_queries(client, small)  # the first request of a session loads what later ones find cached
    counts = []
    for pk in (small, large):
        n, html = ranking_queries(client, pk)
        counts.append(n)
        best = (
            Entrant.objects.filter(competition_id=pk)
            .annotate(points=Sum("reports__total"))
            .order_by("-points", "id")
            .first()
        )
        assert best.name in html
        assert best.points > Decimal(0)
    assert counts[0] == counts[1]
    assert (
        ranking_queries(client, small, "?period=1&page=2")[0]
        == ranking_queries(client, large, "?period=1&page=2")[0]
    )
    assert Competition.objects.get(pk=large).periods.count() == 5


def test_refuses_sizes_out_of_range():
    with pytest.raises(CommandError):
        call_command("seed_competitions_bench", "--entrants", "0", stdout=StringIO())
