"""The household list and admin on many rows: constant queries per page, a capped count shown as "N+"."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assistance.models import DriveEnterprise, Household
from bench.households import COUNTY_USER
from unionportal.pagination import AtLeast, CappedCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rendered(settings):
    """The page as rendered (its cached fragment is tests/test_fragments.py's): what it reads and shows."""
    settings.STAFF_FRAGMENT_CACHE = False


def seed(households: int) -> None:
    call_command("seed_bench", "--households", str(households), stdout=StringIO())


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def county_client(client):
    seed(1)
    staff = get_user_model().objects.get(username=COUNTY_USER)
    # The one household into the staff user's county, so that the page at "1" lists one row.
    county = staff.memberships.get().organisation
    drive = DriveEnterprise.objects.filter(enterprise__union__path__startswith=county.path).first()
    union = drive.enterprise.union
    Household.objects.update(enterprise=drive.enterprise, organisation=union, org_path=union.path)
    client.force_login(staff)
    return client


def test_list_queries_do_not_grow_from_one_to_300_households(county_client, django_assert_max_num_queries):
    url = reverse("assistance:households")
    county_client.get(url)  # warm the session and content-type caches
    with django_assert_max_num_queries(12) as one:
        assert len(county_client.get(url).context["page"].object_list) == 1
    seed(300)
    for query in ("", "?state=filed", "?category=deep&page=2"):
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = county_client.get(url + query)
        assert response.status_code == 200
    assert len(county_client.get(url).context["page"].object_list) == 25


def test_the_count_stops_at_the_cap_and_says_so(county_client, monkeypatch):
    seed(300)
    monkeypatch.setattr(CappedCountPaginator, "cap", 30)
    response = county_client.get(reverse("assistance:households"))
    paginator = response.context["page"].paginator
    assert paginator.is_capped
    assert paginator.count == 30
    assert isinstance(paginator.count, AtLeast)
    assert "共 30+ 户" in text(response)
    assert "第 1 页，共 2+ 页" in text(response)
    last = county_client.get(reverse("assistance:households"), {"page": 2})
    assert len(last.context["page"].object_list) == 5
    assert not last.context["page"].has_next()


def test_under_the_cap_the_count_is_exact(county_client):
    seed(300)
    response = county_client.get(reverse("assistance:households"), {"state": "filed"})
    paginator = response.context["page"].paginator
    assert not paginator.is_capped
    assert f"共 {paginator.count} 户" in text(response)


def test_admin_list_has_a_capped_count_and_no_full_count(
    admin_client, monkeypatch, django_assert_max_num_queries
):
    seed(1)
    url = reverse("admin:assistance_household_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(20) as one:
        admin_client.get(url)
    seed(300)
    monkeypatch.setattr(CappedCountPaginator, "cap", 100)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = admin_client.get(url)
    assert str(response.context["cl"].result_count) == "100+"
    assert len(response.context["cl"].result_list) == 50
    assert not any(
        "COUNT" in q["sql"].upper() and "LIMIT" not in q["sql"].upper() for q in one.captured_queries
    )


def newest_first(staff, **filters) -> list[int]:
    rows = Household.objects.visible_to(staff).filter(**filters).order_by("-created_at", "-id")
    return list(rows.values_list("pk", flat=True))


@pytest.fixture
def county_staff():
    seed(300)
    staff = get_user_model().objects.get(username=COUNTY_USER)
    # Ties on created_at across organisations: the merge must fall back on the id, as the ordering does.
    county = staff.memberships.get().organisation
    tied = Household.objects.filter(org_path__startswith=county.path).order_by("pk")[:40:2]
    Household.objects.filter(pk__in=[h.pk for h in tied]).update(created_at=tied[0].created_at)
    return staff


@pytest.mark.parametrize("query", [{}, {"state": "filed"}, {"category": "deep"}, {"q": "明"}])
def test_the_list_pages_are_the_newest_first_whatever_the_read(client, county_staff, query):
    filters = {
        "state": {"state": query.get("state")},
        "category": {"category": query.get("category")},
        "q": {"worker_name__icontains": query.get("q")},
    }
    expected = newest_first(county_staff, **{k: v for f in query for k, v in filters[f].items()})
    assert len(expected) > 1  # the seeded county holds enough for the pages to mean something
    client.force_login(county_staff)
    listed = []
    for number in range(1, len(expected) // 25 + 2):
        page = client.get(reverse("assistance:households"), {**query, "page": number}).context["page"]
        listed += [h.pk for h in page.object_list]
    assert listed == expected


def test_a_county_list_is_read_organisation_by_organisation_on_postgresql(client, county_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(county_staff)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("assistance:households"), {"state": "filed"})
    per_organisation = [q["sql"] for q in queries.captured_queries if "unnest(" in q["sql"]]
    assert len(per_organisation) == (1 if connection.vendor == "postgresql" else 0)


def test_the_admin_list_is_the_newest_first_for_county_staff(client, county_staff):
    expected = newest_first(county_staff)
    client.force_login(county_staff)
    url = reverse("admin:assistance_household_changelist")
    listed = []
    for number in range(1, len(expected) // 50 + 2):
        listed += [h.pk for h in client.get(url, {"p": number}).context["cl"].result_list]
    assert listed == expected
    by_name = client.get(url, {"o": "0"}).context["cl"].result_list  # sorted by a column: the range read
    assert [h.worker_name for h in by_name] == sorted(h.worker_name for h in by_name)
