"""The scoping rule read from the permission matrix: what each role sees of organisations, enterprises
and memberships."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_enterprise, make_tree, make_user
from unionportal import permissions
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Membership, Organisation
from unionportal.orgs.scoping import get_scope, has_role, scope_q
from unionportal.orgs.selectors import users_managed_by, users_visible_to
from unionportal.orgs.services import membership_grant

User = get_user_model()
pytestmark = pytest.mark.django_db

ALL_ORGS = {
    "Province",
    "City a",
    "County a",
    "Township a",
    "Union a",
    "City b",
    "County b",
    "Township b",
    "Union b",
}
ALL_ENTERPRISES = {"Ent a1", "Ent a2 (no union)", "Ent b1", "Ent cross"}


@pytest.fixture(scope="module")
def world(module_db):
    """One tree, four enterprises and a user per case, built once for the module and rolled back after."""
    with module_db.unblock():
        t = make_tree()
        make_enterprise(t["township_a"], t["grassroots_a"], name="Ent a1")
        make_enterprise(t["township_a"], None, name="Ent a2 (no union)")
        make_enterprise(t["township_b"], t["grassroots_b"], name="Ent b1")
        # Located in township b, but its union is union a: both sides may see it.
        make_enterprise(t["township_b"], t["grassroots_a"], name="Ent cross")

        make_user("staff_ka", org=t["county_a"], role=Role.STAFF)
        make_user("admin_ca", org=t["city_a"], role=Role.ORG_ADMIN)
        make_user("submitter_ga", org=t["grassroots_a"], role=Role.SUBMITTER)
        make_user("expert_gb", org=t["grassroots_b"], role=Role.EXPERT)
        make_user("root", is_superuser=True, is_staff=True)
        make_user("nobody")
        lapsed = make_user("lapsed_member", org=t["county_a"], role=Role.STAFF)
        Membership.objects.filter(user=lapsed).update(is_active=False)
        make_user("inactive_user", org=t["county_a"], role=Role.STAFF, is_active=False)
        two_hats = make_user("two_hats", org=t["grassroots_b"], role=Role.SUBMITTER)
        membership_grant(user=two_hats, organisation=t["township_a"], role=Role.STAFF)
        overlap = make_user("overlap", org=t["county_a"], role=Role.STAFF)
        membership_grant(user=overlap, organisation=t["grassroots_a"], role=Role.SUBMITTER)
    return SimpleNamespace(tree={k: v.pk for k, v in t.items()})


def get(username):
    """A fresh user object, so no scope is cached from another test."""
    if username == "anonymous":
        return AnonymousUser()
    return User.objects.get(username=username)


def org_names(user) -> set[str]:
    return set(Organisation.objects.visible_to(user).values_list("name", flat=True))


def enterprise_names(user) -> set[str]:
    return set(Enterprise.objects.visible_to(user).values_list("name", flat=True))


def membership_pairs(user) -> set[tuple[str, str]]:
    return set(Membership.objects.visible_to(user).values_list("user__username", "organisation__name"))


SUBTREE_A_MEMBERSHIPS = {
    ("staff_ka", "County a"),
    ("lapsed_member", "County a"),
    ("inactive_user", "County a"),
    ("overlap", "County a"),
    ("two_hats", "Township a"),
    ("submitter_ga", "Union a"),
    ("overlap", "Union a"),
}
ALL_MEMBERSHIPS = SUBTREE_A_MEMBERSHIPS | {
    ("admin_ca", "City a"),
    ("expert_gb", "Union b"),
    ("two_hats", "Union b"),
}

CASES = {
    # username: (organisations, enterprises, memberships): the matrix's "list" rows of "organisation",
    # "enterprise" and "account" (accounts: organisation admins only).
    "staff_ka": (
        {"County a", "Township a", "Union a"},
        {"Ent a1", "Ent a2 (no union)", "Ent cross"},
        set(),
    ),
    "admin_ca": (
        {"City a", "County a", "Township a", "Union a"},
        {"Ent a1", "Ent a2 (no union)", "Ent cross"},
        SUBTREE_A_MEMBERSHIPS | {("admin_ca", "City a")},
    ),
    # A membership alone grants nothing: submitters and experts list no organisations, enterprises or
    # accounts, not even their own union's.
    "submitter_ga": (set(), set(), set()),
    "expert_gb": (set(), set(), set()),
    "root": (ALL_ORGS, ALL_ENTERPRISES, ALL_MEMBERSHIPS),
    "anonymous": (set(), set(), set()),
    "nobody": (set(), set(), set()),
    "lapsed_member": (set(), set(), set()),
    "inactive_user": (set(), set(), set()),
    # Staff of township a and submitter of union b: the staff role reaches the subtree, the submitter
    # role adds nothing here.
    "two_hats": (
        {"Township a", "Union a"},
        {"Ent a1", "Ent a2 (no union)", "Ent cross"},
        set(),
    ),
    # Staff of county a and submitter of union a: the second membership adds nothing.
    "overlap": (
        {"County a", "Township a", "Union a"},
        {"Ent a1", "Ent a2 (no union)", "Ent cross"},
        set(),
    ),
}


@pytest.mark.parametrize("username", list(CASES))
def test_organisations_visible_to(world, username):
    assert org_names(get(username)) == CASES[username][0]


@pytest.mark.parametrize("username", list(CASES))
def test_enterprises_visible_to(world, username):
    assert enterprise_names(get(username)) == CASES[username][1]


@pytest.mark.parametrize("username", list(CASES))
def test_memberships_visible_to(world, username):
    assert membership_pairs(get(username)) == CASES[username][2]


def test_scope_of_a_user_with_two_memberships(world):
    tree = {k: Organisation.objects.get(pk=pk) for k, pk in world.tree.items()}

    scope = get_scope(get("two_hats"))

    assert scope.everything is False
    assert scope.subtree_paths == (tree["township_a"].path,)
    assert scope.own_paths == (tree["grassroots_b"].path,)
    # Nominations: the staff role reaches township a's subtree, the submitter role union b itself.
    user = get("two_hats")
    assert permissions.covers(user, "candidacy", "open", tree["grassroots_a"].path)
    assert permissions.covers(user, "candidacy", "open", tree["grassroots_b"].path)
    assert not permissions.covers(user, "candidacy", "open", tree["county_a"].path)
    assert not permissions.covers(user, "candidacy", "open", tree["township_b"].path)
    # Deleting a draft reaches neither: only its author (OWN) or the union's admin.
    assert not permissions.covers(user, "candidacy", "delete", tree["grassroots_b"].path)
    assert permissions.covers(user, "candidacy", "delete", tree["grassroots_b"].path, own=True)


def test_own_path_inside_the_subtree_is_folded_in(world):
    tree = {k: Organisation.objects.get(pk=pk) for k, pk in world.tree.items()}

    scope = get_scope(get("overlap"))

    assert scope.subtree_paths == (tree["county_a"].path,)
    assert scope.own_paths == ()


def test_scope_limited_to_roles(world):
    user = get("two_hats")
    tree = {k: Organisation.objects.get(pk=pk) for k, pk in world.tree.items()}

    assert get_scope(user, roles=[Role.SUBMITTER]).own_paths == (tree["grassroots_b"].path,)
    assert get_scope(user, roles=[Role.SUBMITTER]).subtree_paths == ()
    assert get_scope(user, roles=[Role.ORG_ADMIN]) == get_scope(get("nobody"))
    assert set(
        Organisation.objects.filter(scope_q(user, "path", roles=[Role.STAFF])).values_list("name", flat=True)
    ) == {
        "Township a",
        "Union a",
    }


def test_superuser_and_anonymous_scopes(world):
    assert get_scope(get("root")).everything is True
    assert get_scope(AnonymousUser()).everything is False
    assert get_scope(AnonymousUser()).subtree_paths == get_scope(AnonymousUser()).own_paths == ()


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("staff_ka", {Role.STAFF}),
        ("admin_ca", {Role.ORG_ADMIN}),
        ("submitter_ga", {Role.SUBMITTER}),
        ("expert_gb", {Role.EXPERT}),
        ("two_hats", {Role.STAFF, Role.SUBMITTER}),
        ("root", set(Role)),
        ("anonymous", set()),
        ("nobody", set()),
        ("lapsed_member", set()),
        ("inactive_user", set()),
    ],
)
def test_has_role(world, username, expected):
    user = get(username)

    assert {role for role in Role if has_role(user, role)} == expected
    assert has_role(user) is bool(expected)


def test_scope_q_costs_one_query_then_none(world, django_assert_num_queries):
    user = get("two_hats")

    with django_assert_num_queries(1):
        q = permissions.scope_q(user, "organisation", "list", "path")
    with django_assert_num_queries(0):
        scope_q(user, "organisation__path", roles=[Role.STAFF])
        permissions.scope_q(user, "enterprise", "list", "township__path")
        permissions.may(user, "candidacy", "open")
        has_role(user)
    with django_assert_num_queries(1):
        assert set(Organisation.objects.filter(q).values_list("name", flat=True)) == CASES["two_hats"][0]
    with django_assert_num_queries(1):
        assert enterprise_names(user) == CASES["two_hats"][1]


@pytest.mark.parametrize("username", ["root", "anonymous"])
def test_scope_q_of_superuser_and_anonymous_needs_no_query(world, username, django_assert_num_queries):
    user = get(username)

    with django_assert_num_queries(0):
        scope_q(user, "path", roles=[Role.STAFF])
        permissions.scope_q(user, "candidacy", "open", "organisation__path")
        has_role(user, Role.STAFF)


def test_scope_q_without_roles_is_refused(world):
    with pytest.raises(TypeError):
        scope_q(get("staff_ka"), "path")
    with pytest.raises(ValueError, match="roles"):
        scope_q(get("staff_ka"), "path", roles=[])


def test_granting_a_role_refreshes_the_cached_scope(world):
    user = get("expert_gb")
    assert org_names(user) == set()

    membership_grant(user=user, organisation=Organisation.objects.get(name="County b"), role=Role.STAFF)

    assert org_names(user) == {"Union b", "County b", "Township b"}
    assert User.objects.get(pk=user.pk).is_staff is True


def test_users_visible_to(world):
    assert set(users_visible_to(get("submitter_ga")).values_list("username", flat=True)) == set()
    assert set(users_visible_to(get("staff_ka")).values_list("username", flat=True)) == set()
    assert set(users_visible_to(get("admin_ca")).values_list("username", flat=True)) == {
        "admin_ca",
        "staff_ka",
        "submitter_ga",
        "lapsed_member",
        "inactive_user",
        "two_hats",
        "overlap",
    }
    assert set(users_visible_to(get("anonymous")).values_list("username", flat=True)) == set()
    assert users_visible_to(get("root")).count() == User.objects.count()


def test_users_managed_by_counts_only_the_org_admin_role(world):
    # Staff of county a do not manage accounts; the org admin of city a manages its whole subtree.
    assert list(users_managed_by(get("staff_ka"))) == []
    assert {u.username for u in users_managed_by(get("admin_ca"))} == {
        "admin_ca",
        "staff_ka",
        "submitter_ga",
        "lapsed_member",
        "inactive_user",
        "two_hats",
        "overlap",
    }


def test_everything_survives_being_ored_with_another_condition(django_user_model):
    from django.db.models import Q

    from unionportal.orgs.models import Organisation
    from unionportal.orgs.scoping import scope_q

    root = django_user_model.objects.create_superuser("root_or", password="x")
    rows = Organisation.objects.filter(scope_q(root, "path", roles=[Role.STAFF]) | Q(code="no-such-code"))
    assert rows.count() == Organisation.objects.count() > 0


def test_the_request_users_lazy_wrapper_and_the_user_it_wraps_share_one_read_of_the_memberships(
    world, django_assert_num_queries
):
    """``request.user`` is a lazy wrapper; ``user.has_perm`` (a template's ``{% has_perm %}``) hands the
    rules the user inside it. Both read the memberships once."""
    from django.utils.functional import SimpleLazyObject

    from unionportal.orgs.scoping import forget_scope, membership_rows

    county = Organisation.objects.get(pk=world.tree["county_a"])
    user = get("staff_ka")
    lazy = SimpleLazyObject(lambda: user)
    with django_assert_num_queries(1):
        assert membership_rows(lazy) == [(Role.STAFF, county.path)]
        assert membership_rows(user) == membership_rows(lazy)
    forget_scope(lazy)
    with django_assert_num_queries(1):
        membership_rows(user)
