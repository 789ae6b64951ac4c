"""The review queue, the province's final list and a reviewer's home page cost the same number of queries
with 5 and with 50 nominations on them (the bench programmes of ``bench.nominations``)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import nominations
from bench.households import COUNTY_USER, bench_staff
from unionportal import fragments
from unionportal.selection.enums import State
from unionportal.selection.models import CANDIDACY_TOPIC, Candidacy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[False, True], ids=["rendered", "from the fragment cache"])
def fragment_cache(request, settings):
    """Each count twice: the page rendered whole, and served from its cached fragment (the next request
    of the same user while nothing changed)."""
    settings.STAFF_FRAGMENT_CACHE = request.param
    return request.param


@pytest.fixture
def bench_queue():
    """The bench tree and programmes with the county's queue cut to 5 nominations per programme; returns
    the county's staff account, the first programme and a function that fills each queue to ``n``."""
    call_command("seed_bench", "--households", "1", stdout=StringIO())
    staff = get_user_model().objects.get(username=COUNTY_USER)
    county = staff.memberships.get().organisation
    programme = nominations.programmes()[0]
    waiting = Candidacy.objects.filter(state=State.REVIEW3, organisation__path__startswith=county.path)
    keep = list(waiting.filter(programme=programme).order_by("pk").values_list("pk", flat=True)[:5])
    waiting.exclude(pk__in=keep).delete()
    template = Candidacy.objects.get(pk=keep[0])

    def fill(n: int) -> None:
        have = waiting.filter(programme=programme).count()
        Candidacy.objects.bulk_create(
            Candidacy(
                programme=programme,
                campaign_id=template.campaign_id,
                organisation=template.organisation,
                state=State.REVIEW3,
                name=f"候选{i}",
                flags=template.flags,
                tags=template.tags,
                declarations=template.declarations,
                submitted_at=template.submitted_at,
            )
            for i in range(have, n)
        )
        fragments.bump_all(CANDIDACY_TOPIC)  # bulk_create sends no signals: a bulk writer says so itself

    return staff, programme, fill


def rows_on(response) -> int:
    return response.content.decode().count('<tr id="candidacy-')


def queries(client, url) -> int:
    client.get(url)  # warm the per-process caches; the browser gets its CSRF cookie
    client.get(url)  # a page kept per browser is stored once the browser has it
    with CaptureQueriesContext(connection) as counted:
        assert client.get(url).status_code == 200
    return len(counted)


def test_review_queue_and_home_cost_the_same_queries_at_5_and_50(
    client, bench_queue, django_assert_num_queries
):
    staff, _programme, fill = bench_queue
    client.force_login(staff)
    urls = [
        reverse("selection:review"),
        reverse("selection:review") + "?flag=frontline&sort=name",
        reverse("home"),
    ]
    small = {url: queries(client, url) for url in urls}
    assert rows_on(client.get(urls[0])) == 5
    fill(50)
    for url, count in small.items():
        client.get(url)
        with django_assert_num_queries(count):
            response = client.get(url)
        assert response.status_code == 200
    assert rows_on(client.get(urls[0])) == 50


def test_final_list_costs_the_same_queries_at_5_and_50(client, bench_queue, django_assert_num_queries):
    _staff, programme, fill = bench_queue
    fill(50)
    province = bench_staff()
    client.force_login(province)
    url = reverse("selection:final", args=[programme.pk])
    approved = Candidacy.objects.filter(programme=programme).order_by("pk")
    approved.filter(pk__in=list(approved.values_list("pk", flat=True)[:5])).update(state=State.APPROVED)
    count = queries(client, url)
    assert len(client.get(url).context["approved"]) == 5
    approved.filter(pk__in=list(approved.values_list("pk", flat=True)[:50])).update(state=State.APPROVED)
    client.get(url)
    with django_assert_num_queries(count):
        response = client.get(url)
    assert len(response.context["approved"]) == 50
