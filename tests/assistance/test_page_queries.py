"""The staff pages of the ledger cost the same number of queries at 5 and at 50 households, rendered and
from their cached fragments (unionportal.fragments): the county
household list (all, and by state), the level report, the admin changelist and a county's home page.

Each page is requested once to warm the per-process caches (content types, the session), counted on the
bench tree with 5 households in the county, then the county gets 50 and the count must be the same."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance import rollups
from assistance.models import DriveEnterprise, Household
from bench.households import COUNTY_USER

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[False, True], ids=["rendered", "from the fragment cache"])
def fragment_cache(request, settings):
    """Each count twice: the page rendered whole, and served from its cached fragment (the next request
    of the same user while nothing changed)."""
    settings.STAFF_FRAGMENT_CACHE = request.param
    return request.param


def seed_county(households: int):
    """``households`` bench households, all in the bench county (its first paired enterprise), with the
    report rollups rebuilt; returns the county's staff account."""
    call_command("seed_bench", "--households", str(households), stdout=StringIO())
    staff = get_user_model().objects.get(username=COUNTY_USER)
    county = staff.memberships.get().organisation
    drive = DriveEnterprise.objects.filter(enterprise__union__path__startswith=county.path).first()
    union = drive.enterprise.union
    Household.objects.update(enterprise=drive.enterprise, organisation=union, org_path=union.path)
    # Filed households at either size, so that the filtered list is never the (cheaper) empty page.
    Household.objects.filter(pk__in=Household.objects.order_by("pk").values("pk")[:3]).update(state="filed")
    rollups.rollup_refresh()
    return staff


def queries(client, url) -> int:
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as counted:
        assert client.get(url).status_code == 200
    return len(counted)


def county_pages(staff) -> list[str]:
    county = staff.memberships.get().organisation
    return [
        reverse("assistance:households"),
        reverse("assistance:households") + "?state=filed",
        reverse("assistance:report") + f"?org={county.pk}",
        reverse("home"),
    ]


def test_county_pages_cost_the_same_queries_at_5_and_50_households(client, django_assert_num_queries):
    staff = seed_county(5)
    client.force_login(staff)
    small = {url: queries(client, url) for url in county_pages(staff)}
    assert Household.objects.count() == 5
    seed_county(50)
    assert Household.objects.count() == 50
    for url, count in small.items():
        client.get(url)
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_the_county_list_shows_its_rows_without_a_query_per_row(client):
    staff = seed_county(50)
    client.force_login(staff)
    response = client.get(reverse("assistance:households"))
    assert len(response.context["page"].object_list) == 25
    # Every row carries its labels and badges, read once for the page.
    assert all(h.state_label and h.state_badge.startswith("text-bg-") for h in response.context["page"])


def test_admin_changelist_costs_the_same_queries_at_5_and_50_households(
    admin_client, django_assert_num_queries
):
    seed_county(5)
    url = reverse("admin:assistance_household_changelist")
    count = queries(admin_client, url)
    seed_county(50)
    admin_client.get(url)
    with django_assert_num_queries(count):
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 50


def test_a_county_home_page_reads_nothing_of_the_expert_review_or_the_vote(client, fragment_cache):
    # Their to-do items are for experts and province staff: other users' pages pay no query for them.
    staff = seed_county(5)
    client.force_login(staff)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as counted:
        assert client.get(reverse("home")).status_code == 200
    asked = [q["sql"] for q in counted if "selection_experts" in q["sql"] or "selection_voting" in q["sql"]]
    assert asked == []
