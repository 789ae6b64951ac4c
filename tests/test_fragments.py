"""Cached fragments of staff pages (unionportal.fragments): served again only while nothing they show has
changed, and never to anyone else.

The fragment cache is on here whatever the configuration (STAFF_FRAGMENT_CACHE): on SQLite the tests
use the local-memory cache, which in one process behaves as the shared one does across processes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assistance import services
from assistance.models import Household
from tests.assistance.factories import MEMBERS, household_fields, ledger
from tests.factories import Role, make_user
from unionportal import fragments
from unionportal.accounts.validators import gender_from_id

pytestmark = pytest.mark.django_db

LIST = "assistance:households"


@pytest.fixture(autouse=True)
def _fragments_on(settings):
    settings.STAFF_FRAGMENT_CACHE = True


@pytest.fixture
def world():
    return ledger()


def file(world, n, enterprise=None, actor=None):
    fields = household_fields(n)
    fields["gender"] = gender_from_id(fields["id_number"])
    return services.household_create(
        actor=actor or world.cadre, enterprise=enterprise or world.enterprise, members=MEMBERS, **fields
    )


def names_on(response) -> set[str]:
    return set(re.findall(r"data-user-content>(职工\d+)</a>", response.content.decode()))


def main_of(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def counted(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_second_request_is_served_from_the_cache_with_the_same_body(client, world):
    file(world, 1)
    file(world, 2)
    client.force_login(world.staff_a)
    client.get(reverse("home"))  # the session's first request reads a little more
    first, first_queries = counted(client, reverse(LIST))
    second, second_queries = counted(client, reverse(LIST))
    assert names_on(first) == names_on(second) == {"职工1", "职工2"}
    assert main_of(first) == main_of(second)
    # The list's own queries (enterprises, count, page, rows) are gone; the layout's remain.
    assert second_queries <= first_queries - 4


def test_a_household_filed_in_scope_shows_at_once(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    assert names_on(client.get(reverse(LIST))) == {"职工1"}
    file(world, 2)
    assert names_on(client.get(reverse(LIST))) == {"职工1", "职工2"}


def test_an_edit_and_a_delete_show_at_once(client, world):
    household = file(world, 1)
    client.force_login(world.staff_a)
    assert names_on(client.get(reverse(LIST))) == {"职工1"}
    Household.objects.filter(pk=household.pk).get().delete()
    assert names_on(client.get(reverse(LIST))) == set()


def test_a_write_in_another_county_keeps_the_cached_page(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    client.get(reverse(LIST))
    file(world, 2, enterprise=world.enterprise_b, actor=world.staff_b)
    _response, queries = counted(client, reverse(LIST))
    with CaptureQueriesContext(connection) as fresh:
        fragments.bump("household", world.tree["grassroots_a"].path)
        client.get(reverse(LIST))
    assert queries < len(fresh.captured_queries)


def test_the_bulk_write_moves_the_versions_too(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    client.get(reverse(LIST))
    row = {**Household.objects.values().get(), "id_number": household_fields(7)["id_number"]}
    for name in ("id", "created_at", "updated_at"):
        row.pop(name)
    row["worker_name"] = "职工7"
    services.households_write([row])  # COPY on PostgreSQL: no signal
    assert names_on(client.get(reverse(LIST))) == {"职工1", "职工7"}


def test_a_renamed_enterprise_redraws_every_list(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    assert "宜城水晶厂" in client.get(reverse(LIST)).content.decode()
    world.enterprise.name = "宜城新材料"
    world.enterprise.save()
    body = client.get(reverse(LIST)).content.decode()
    assert "宜城新材料" in body and "宜城水晶厂" not in body


def test_each_user_gets_their_own_fragment(client, world):
    """Two accounts asking the same address: the second never sees the first's page."""
    file(world, 1)
    file(world, 2, enterprise=world.enterprise_b, actor=world.staff_b)
    client.force_login(world.staff_a)
    assert names_on(client.get(reverse(LIST))) == {"职工1"}
    client.force_login(world.staff_b)
    assert names_on(client.get(reverse(LIST))) == {"职工2"}
    # A role granted moves the key: county a's list now holds both counties for staff_b.
    make_user("unused", org=world.tree["county_a"], role=Role.STAFF)
    from unionportal.orgs.services import membership_grant

    membership_grant(user=world.staff_b, organisation=world.tree["county_a"], role=Role.STAFF)
    assert names_on(client.get(reverse(LIST))) == {"职工1", "职工2"}


def test_the_query_string_and_the_language_are_part_of_the_key(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    assert "职工1" in client.get(reverse(LIST) + "?state=applied").content.decode()
    assert "职工1" not in client.get(reverse(LIST) + "?state=filed").content.decode()
    english = client.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ("Hardship" in english) != ("Hardship" in chinese) or english != chinese


def test_a_lost_version_makes_a_miss_never_an_old_page(client, world):
    file(world, 1)
    client.force_login(world.staff_a)
    client.get(reverse(LIST))
    # A write the signals did not see, and then the cache lost the versions (an eviction, a restart).
    household = Household.objects.get()
    Household.objects.filter(pk=household.pk).update(worker_name="职工9")
    for path in (fragments._EPOCH, *fragments._ancestors(household.org_path)):
        cache.delete(fragments._version_key("household", path))
    assert names_on(client.get(reverse(LIST))) == {"职工9"}


def test_the_review_queue_moves_with_a_submission_and_is_kept_per_browser():
    """The queue holds the bulk form's CSRF token: a second browser of the same user gets its own page,
    and a form posted from either is accepted."""
    from django.test import Client

    from tests.selection.factories import nominate
    from tests.selection.factories import world as selection_world

    w = selection_world()
    nominate(w, 1, submit=True)
    url = reverse("selection:review")
    browsers = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(w.county_a)
        browsers.append(browser)
        assert "候选人1" in browser.get(url).content.decode()
    nominate(w, 2, submit=True)
    for browser in browsers:
        page = browser.get(url).content.decode()
        assert "候选人2" in page  # the submission moved the county's version
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        # No rows picked: the queue says so (a message and a redirect), and the token was good.
        answer = browser.post(url, {"csrfmiddlewaretoken": token, "action": "forward"})
        assert answer.status_code == 302


def test_home_counts_follow_the_users_own_change_at_once(client, world):
    from unionportal.reports.registry import Todo, register_todo_provider, unregister_todo_provider

    seen = {"n": 1}
    register_todo_provider("tests.counter", lambda user: [Todo("计数", seen["n"])], topics=("household",))
    try:
        client.force_login(world.staff_a)
        assert ">1</span>" in client.get(reverse("home")).content.decode()
        seen["n"] = 2
        # Cached: the provider is not asked again.
        assert ">1</span>" in client.get(reverse("home")).content.decode()
        # Any change the user makes (here: marking the inbox read) recounts.
        client.post(reverse("notifications:mark_all_read"))
        assert ">2</span>" in client.get(reverse("home")).content.decode()
    finally:
        unregister_todo_provider("tests.counter")


def test_off_means_every_request_renders(client, world, settings):
    settings.STAFF_FRAGMENT_CACHE = False
    file(world, 1)
    client.force_login(world.staff_a)
    client.get(reverse(LIST))  # the session's first request reads a little more
    _r, first = counted(client, reverse(LIST))
    _r, second = counted(client, reverse(LIST))
    assert first == second


def test_two_accounts_with_the_same_role_in_the_same_union_never_share_a_page(client, world):
    """Cadres reach their own households: a cadre of the same county, paired with nothing, sees none."""
    file(world, 1)
    other_cadre = make_user("cadre_a2", org=world.tree["county_a"], role=Role.CADRE)
    client.force_login(world.cadre)
    assert names_on(client.get(reverse(LIST))) == {"职工1"}
    client.force_login(other_cadre)
    assert names_on(client.get(reverse(LIST))) == set()


def test_a_provider_naming_no_topic_is_counted_on_every_request(client, world):
    from unionportal.reports.registry import Todo, register_todo_provider, unregister_todo_provider

    seen = {"n": 1}
    register_todo_provider("tests.live", lambda user: [Todo("实时", seen["n"])])
    try:
        client.force_login(world.staff_a)
        assert ">1</span>" in client.get(reverse("home")).content.decode()
        seen["n"] = 3
        assert ">3</span>" in client.get(reverse("home")).content.decode()
    finally:
        unregister_todo_provider("tests.live")


def test_a_household_written_in_scope_recounts_the_home_page(client, world):
    from unionportal.reports.registry import Todo, register_todo_provider, unregister_todo_provider

    register_todo_provider(
        "tests.households", lambda user: [Todo("户数", Household.objects.count())], topics=("household",)
    )
    try:
        client.force_login(world.staff_a)
        file(world, 1)
        assert ">1</span>" in client.get(reverse("home")).content.decode()
        file(world, 2)
        assert ">2</span>" in client.get(reverse("home")).content.decode()
    finally:
        unregister_todo_provider("tests.households")
