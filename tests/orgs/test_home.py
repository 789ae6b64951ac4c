"""/home/: each user's organisations and roles, and the "waiting for you" list built from providers."""

import re
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_enterprise, make_tree, make_user
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Membership, Organisation
from unionportal.orgs.services import membership_grant, user_create_in_subtree
from unionportal.reports import registry
from unionportal.reports.registry import Todo, register_todo_provider, unregister_todo_provider

User = get_user_model()
pytestmark = pytest.mark.django_db

NEVER_SIGNED_IN = "您管辖范围内从未登录的账户"
NEVER_SIGNED_IN_EN = "Accounts in your organisations that have never signed in"


@pytest.fixture(scope="module")
def world(module_db):
    with module_db.unblock():
        t = make_tree()
        make_enterprise(t["township_a"], t["grassroots_a"], name="Ent a1")
        make_enterprise(t["township_b"], t["grassroots_b"], name="Ent b1")
        admin = make_user("admin_ka", org=t["county_a"], role=Role.ORG_ADMIN, name="县管理员")
        membership_grant(user=admin, organisation=t["county_a"], role=Role.STAFF)
        make_user("submitter_ga", org=t["grassroots_a"], role=Role.SUBMITTER, name="张三")
        make_user("cadre_ta", org=t["township_a"], role=Role.CADRE)
        make_user("submitter_gb", org=t["grassroots_b"], role=Role.SUBMITTER)
        make_user("inactive_ga", org=t["grassroots_a"], role=Role.WORKER, is_active=False)
        two = make_user("two_hats", org=t["grassroots_b"], role=Role.EXPERT, name="双岗")
        membership_grant(user=two, organisation=t["grassroots_a"], role=Role.SUBMITTER)
        lapsed = membership_grant(user=two, organisation=t["city_b"], role=Role.STAFF)
        Membership.objects.filter(pk=lapsed.pk).update(is_active=False)
        make_user("loner", name="无组织")
    return SimpleNamespace(org={k: v.pk for k, v in t.items()})


@pytest.fixture(autouse=True)
def _only_orgs_providers(monkeypatch):
    """Other apps' providers come and go; these tests count what the orgs app (and they) register."""
    assert "orgs.accounts_never_signed_in" in registry._todo_providers  # registered in OrgsConfig.ready
    mine = {k: v for k, v in registry._todo_providers.items() if k.startswith("orgs.")}
    monkeypatch.setattr(registry, "_todo_providers", mine)


def login(client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    return user


def todo_items(html: str) -> dict[str, int]:
    """The "waiting for you" list as shown: label → count."""
    found = re.findall(
        r'<li class="list-group-item[^"]*">\s*(?:<a href="[^"]*">)?([^<]+)(?:</a>)?\s*'
        r'<span class="badge[^"]*todo-count">(\d+)</span>',
        html,
    )
    return {label.strip(): int(count) for label, count in found}


def test_home_requires_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('home')}"


def test_home_shows_organisations_and_roles(world, client):
    login(client, "two_hats")

    response = client.get(reverse("home"))

    assert response.status_code == 200
    # Active memberships only, in tree order; the lapsed staff role in City b is not shown.
    assert [(m.organisation.name, m.role) for m in response.context["memberships"]] == [
        ("Union a", Role.SUBMITTER),
        ("Union b", Role.EXPERT),
    ]
    html = response.content.decode()
    assert "Union a · 填报人" in html
    assert "Union b · 评审专家" in html
    assert "City b" not in html
    assert "欢迎，双岗" in html


def test_home_of_a_user_without_organisations(world, client):
    login(client, "loner")

    response = client.get(reverse("home"))

    assert response.context["memberships"] == []
    assert "您尚未加入任何组织。" in response.content.decode()


def test_home_in_english(world, client):
    login(client, "admin_ka")

    response = client.get(f"/en{reverse('home')}")

    html = response.content.decode()
    assert "Welcome, <span data-user-content>县管理员</span>" in html  # the name as typed, marked as data
    assert "<span data-user-content>County a</span> · Union staff" in html
    assert "<span data-user-content>County a</span> · Organisation admin" in html
    assert todo_items(html) == {NEVER_SIGNED_IN_EN: 3}


def test_org_admin_sees_never_signed_in_accounts(world, client):
    login(client, "admin_ka")

    response = client.get(reverse("home"))

    # In county a's subtree: submitter_ga, cadre_ta and two_hats (via union a) have never signed in;
    # admin_ka just did, inactive_ga is deactivated, submitter_gb is elsewhere.
    [todo] = [t for t in response.context["todos"] if t.label == NEVER_SIGNED_IN]
    assert (todo.count, todo.url, todo.kind) == (3, reverse("orgs:users") + "?never=1", "warning")
    assert todo_items(response.content.decode())[NEVER_SIGNED_IN] == 3


def test_never_signed_in_count_follows_new_accounts_and_sign_ins(world, client):
    admin = login(client, "admin_ka")
    assert todo_items(client.get(reverse("home")).content.decode())[NEVER_SIGNED_IN] == 3

    user_create_in_subtree(
        actor=admin,
        organisation=Organisation.objects.get(pk=world.org["township_a"]),
        role=Role.SUBMITTER,
        username="newcomer",
    )
    assert todo_items(client.get(reverse("home")).content.decode())[NEVER_SIGNED_IN] == 4

    # An account elsewhere does not count.
    make_user("elsewhere", org=Organisation.objects.get(pk=world.org["grassroots_b"]), role=Role.SUBMITTER)
    assert todo_items(client.get(reverse("home")).content.decode())[NEVER_SIGNED_IN] == 4

    # Once someone signs in, they are no longer waiting.
    client.force_login(User.objects.get(username="submitter_ga"))
    client.force_login(admin)
    assert todo_items(client.get(reverse("home")).content.decode())[NEVER_SIGNED_IN] == 3


def test_the_link_lists_those_accounts(world, client):
    login(client, "admin_ka")

    response = client.get(reverse("orgs:users"), {"never": "1"})

    assert sorted(u.username for u in response.context["page"].object_list) == [
        "cadre_ta",
        "submitter_ga",
        "two_hats",
    ]


@pytest.mark.parametrize("username", ["submitter_ga", "loner"])
def test_no_account_todo_for_other_roles(world, client, username):
    login(client, username)

    response = client.get(reverse("home"))

    assert NEVER_SIGNED_IN not in [t.label for t in response.context["todos"]]
    assert NEVER_SIGNED_IN not in response.content.decode()


def test_zero_counts_are_not_listed(world, client):
    admin = login(client, "admin_ka")
    User.objects.filter(username__in=["submitter_ga", "cadre_ta", "two_hats"]).update(
        last_login=admin.last_login
    )

    response = client.get(reverse("home"))

    assert NEVER_SIGNED_IN not in response.content.decode()
    assert "暂无待办事项。" in response.content.decode()


# --- a provider registered by another app --------------------------------------------------------------

TEST_TODO = "测试：您范围内的企业"


def enterprises_todo(user) -> list[Todo]:
    return [Todo(label=TEST_TODO, count=Enterprise.objects.visible_to(user).count(), url="/test-todo/")]


@pytest.fixture
def test_provider():
    register_todo_provider("tests.enterprises", enterprises_todo)
    yield
    unregister_todo_provider("tests.enterprises")


def test_registered_provider_figure_moves_with_records(world, client, test_provider):
    login(client, "admin_ka")  # enterprises are listed by union staff and admins (the matrix)
    assert todo_items(client.get(reverse("home")).content.decode())[TEST_TODO] == 1

    make_enterprise(
        Organisation.objects.get(pk=world.org["township_a"]),
        Organisation.objects.get(pk=world.org["grassroots_a"]),
        name="Ent a2",
    )
    response = client.get(reverse("home"))

    assert todo_items(response.content.decode())[TEST_TODO] == 2
    assert '<a href="/test-todo/">' in response.content.decode()


def test_registered_provider_sits_beside_the_accounts_todo(world, client, test_provider):
    login(client, "admin_ka")

    items = todo_items(client.get(reverse("home")).content.decode())

    assert items == {NEVER_SIGNED_IN: 3, TEST_TODO: 1}


def test_unregistered_provider_is_gone(world, client):
    register_todo_provider("tests.enterprises", enterprises_todo)
    unregister_todo_provider("tests.enterprises")
    login(client, "submitter_ga")

    response = client.get(reverse("home"))

    assert TEST_TODO not in response.content.decode()
    assert "暂无待办事项。" in response.content.decode()
