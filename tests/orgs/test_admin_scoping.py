"""The scoped admin: lists, forms and object URLs follow the user's subtree; the rest answers 404."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import make_enterprise, make_tree, make_user
from unionportal.orgs.enums import Level, OrgKind, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation

User = get_user_model()
pytestmark = pytest.mark.django_db

INVALID_CHOICE = "选择一个有效的选项： 该选择不在可用的选项中。"


@pytest.fixture(scope="module")
def world(module_db):
    with module_db.unblock():
        t = make_tree()
        enterprises = {
            "a1": make_enterprise(t["township_a"], t["grassroots_a"], name="Ent a1"),
            "a2": make_enterprise(t["township_a"], None, name="Ent a2"),
            "b1": make_enterprise(t["township_b"], t["grassroots_b"], name="Ent b1"),
        }
        users = {
            "staff_ka": make_user("staff_ka", org=t["county_a"], role=Role.STAFF),
            "admin_ka": make_user("admin_ka", org=t["county_a"], role=Role.ORG_ADMIN),
            "submitter_ga": make_user("submitter_ga", org=t["grassroots_a"], role=Role.SUBMITTER),
            "submitter_gb": make_user("submitter_gb", org=t["grassroots_b"], role=Role.SUBMITTER),
            "root": make_user("root", is_superuser=True, is_staff=True),
        }
    return SimpleNamespace(
        org={k: v.pk for k, v in t.items()},
        ent={k: v.pk for k, v in enterprises.items()},
        user={k: v.pk for k, v in users.items()},
    )


@pytest.fixture
def login(client, world):
    def _login(username):
        client.force_login(User.objects.get(pk=world.user[username]))
        return client

    return _login


def result_names(response) -> list[str]:
    return [str(obj) for obj in response.context["cl"].result_list]


def org_url(world, key, view="change"):
    return reverse(f"admin:orgs_organisation_{view}", args=[world.org[key]])


def add_org_data(parent_pk, **overrides):
    data = {
        "parent": parent_pk,
        "name": "新建基层工会",
        "code": "NEW-0001",
        "level": Level.GRASSROOTS,
        "kind": OrgKind.ENTERPRISE,
        "member_count": "35",
        "contact_person": "",
        "contact_phone": "",
        "address": "",
        "founded_on": "",
        "is_active": "on",
        "_save": "保存",
    }
    data.update(overrides)
    return data


# --- lists -------------------------------------------------------------------------------------------


def test_organisation_changelist_lists_only_the_subtree(world, login):
    response = login("staff_ka").get(reverse("admin:orgs_organisation_changelist"))

    assert response.status_code == 200
    assert result_names(response) == ["County a", "Township a", "Union a"]
    assert "County b" not in response.content.decode()


def test_enterprise_changelist_lists_only_the_subtree(world, login):
    response = login("staff_ka").get(reverse("admin:orgs_enterprise_changelist"))

    assert response.status_code == 200
    assert result_names(response) == ["Ent a1", "Ent a2"]


def test_superuser_sees_every_organisation(world, login):
    response = login("root").get(reverse("admin:orgs_organisation_changelist"))

    assert len(result_names(response)) == Organisation.objects.count() == 9


def test_user_changelist_lists_only_the_subtree(world, login):
    response = login("admin_ka").get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
    assert sorted(u.username for u in response.context["cl"].result_list) == [
        "admin_ka",
        "staff_ka",
        "submitter_ga",
    ]


def test_staff_without_org_admin_role_cannot_open_accounts(world, login):
    response = login("staff_ka").get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 403


# --- object URLs outside the subtree -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["county_b", "grassroots_b", "city_a", "province"])
def test_organisation_outside_the_subtree_answers_404(world, login, key):
    response = login("staff_ka").get(org_url(world, key))

    assert response.status_code == 404


def test_organisation_inside_the_subtree_opens_with_its_parent(world, login):
    response = login("staff_ka").get(org_url(world, "township_a"))

    assert response.status_code == 200
    assert response.context["original"].name == "Township a"
    readonly = {
        f.field["name"]: f.contents() for fs in response.context["adminform"] for line in fs for f in line
    }
    assert readonly["parent_name"] == "County a"


def test_enterprise_outside_the_subtree_answers_404(world, login):
    client = login("staff_ka")

    outside = client.get(reverse("admin:orgs_enterprise_change", args=[world.ent["b1"]]))
    inside = client.get(reverse("admin:orgs_enterprise_change", args=[world.ent["a1"]]))

    assert outside.status_code == 404
    assert inside.status_code == 200


def test_enterprise_history_outside_the_subtree_answers_404(world, login):
    client = login("staff_ka")

    outside = client.get(reverse("admin:orgs_enterprise_history", args=[world.ent["b1"]]))
    inside = client.get(reverse("admin:orgs_enterprise_history", args=[world.ent["a1"]]))

    assert outside.status_code == 404
    assert inside.status_code == 200


def test_enterprise_delete_is_refused_alike_inside_and_outside(world, login):
    # Staff hold no delete permission: the answer must not tell which records exist.
    client = login("staff_ka")

    outside = client.get(reverse("admin:orgs_enterprise_delete", args=[world.ent["b1"]]))
    inside = client.get(reverse("admin:orgs_enterprise_delete", args=[world.ent["a1"]]))

    assert outside.status_code == inside.status_code == 403
    assert Enterprise.objects.filter(pk=world.ent["a1"]).exists()


def test_user_outside_the_subtree_answers_404(world, login):
    client = login("admin_ka")

    outside = client.get(reverse("admin:accounts_user_change", args=[world.user["submitter_gb"]]))
    superuser = client.get(reverse("admin:accounts_user_change", args=[world.user["root"]]))
    inside = client.get(reverse("admin:accounts_user_change", args=[world.user["submitter_ga"]]))

    assert outside.status_code == 404
    assert superuser.status_code == 404
    assert inside.status_code == 200


def test_enterprise_form_offers_only_organisations_in_scope(world, login):
    response = login("staff_ka").get(reverse("admin:orgs_enterprise_add"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [o.name for o in form.fields["township"].queryset] == ["County a", "Township a", "Union a"]
    assert [o.name for o in form.fields["union"].queryset] == ["County a", "Township a", "Union a"]


def test_enterprise_cannot_be_placed_outside_the_subtree(world, login):
    before = Enterprise.objects.count()

    response = login("staff_ka").post(
        reverse("admin:orgs_enterprise_add"),
        {
            "name": "Smuggled",
            "credit_code": "91420600MA0000990X",
            "industry": "C",
            "ownership": "private",
            "employees": "10",
            "address": "",
            "township": world.org["township_b"],
            "union": "",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["township"] == [INVALID_CHOICE]
    assert Enterprise.objects.count() == before


# --- adding organisations ------------------------------------------------------------------------------


def test_org_admin_is_offered_parents_in_the_subtree(world, login):
    response = login("admin_ka").get(reverse("admin:orgs_organisation_add"))

    assert response.status_code == 200
    parents = response.context["adminform"].form.fields["parent"].queryset
    assert [o.name for o in parents] == ["County a", "Township a", "Union a"]


def test_org_admin_adds_an_organisation_under_township_a(world, login):
    response = login("admin_ka").post(
        reverse("admin:orgs_organisation_add"), add_org_data(world.org["township_a"])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:orgs_organisation_changelist")
    created = Organisation.objects.get(code="NEW-0001")
    township = Organisation.objects.get(pk=world.org["township_a"])
    assert created.parent_organisation() == township
    assert created.path.startswith(township.path)
    assert (created.depth, created.level, created.kind, created.member_count) == (
        5,
        Level.GRASSROOTS,
        OrgKind.ENTERPRISE,
        35,
    )
    township.refresh_from_db()
    assert township.numchild == 2


def test_adding_under_an_organisation_outside_the_subtree_is_refused(world, login):
    before = Organisation.objects.count()

    response = login("admin_ka").post(
        reverse("admin:orgs_organisation_add"), add_org_data(world.org["county_b"], level=Level.TOWNSHIP)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [INVALID_CHOICE]
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(code="NEW-0001").exists()


def test_adding_against_the_parent_rule_is_refused(world, login):
    before = Organisation.objects.count()

    response = login("admin_ka").post(
        reverse("admin:orgs_organisation_add"), add_org_data(world.org["township_a"], level=Level.COUNTY)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "县市区不能隶属于乡镇街道：上级组织的层级必须更高。"
    ]
    assert Organisation.objects.count() == before


def test_org_admin_must_choose_a_parent(world, login):
    before = Organisation.objects.count()

    response = login("admin_ka").post(
        reverse("admin:orgs_organisation_add"), add_org_data("", level=Level.PROVINCE)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == ["这个字段是必填项。"]
    assert Organisation.objects.count() == before


def test_a_second_province_is_refused_in_the_admin(world, login):
    before = Organisation.objects.count()

    response = login("root").post(
        reverse("admin:orgs_organisation_add"), add_org_data("", level=Level.PROVINCE)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == ["只有省总工会位于组织树的顶层。"]
    assert Organisation.objects.count() == before


def test_staff_cannot_add_organisations(world, login):
    response = login("staff_ka").get(reverse("admin:orgs_organisation_add"))

    assert response.status_code == 403


def test_org_admin_edits_an_organisation_in_the_subtree(world, login):
    data = add_org_data("", name="Township a (renamed)", code="T-RENAMED")
    for key in ("parent", "level"):
        data.pop(key)

    response = login("admin_ka").post(org_url(world, "township_a"), data)

    assert response.status_code == 302
    township = Organisation.objects.get(pk=world.org["township_a"])
    assert (township.name, township.code, township.level) == (
        "Township a (renamed)",
        "T-RENAMED",
        Level.TOWNSHIP,
    )


def test_org_admin_cannot_post_to_an_organisation_outside_the_subtree(world, login):
    data = add_org_data("", name="Hijacked")
    data.pop("parent")

    response = login("admin_ka").post(org_url(world, "township_b"), data)

    assert response.status_code == 404
    assert Organisation.objects.get(pk=world.org["township_b"]).name == "Township b"


# --- who may enter -------------------------------------------------------------------------------------


def test_submitter_is_sent_to_the_admin_login(world, login):
    url = reverse("admin:orgs_organisation_changelist")

    response = login("submitter_ga").get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_anonymous_is_sent_to_the_admin_login(world, client):
    url = reverse("admin:orgs_enterprise_changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# --- memberships ---------------------------------------------------------------------------------------


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "orgs", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_membership_autocomplete_offers_only_the_subtree(world, login):
    client = login("admin_ka")

    assert autocomplete(client, "membership", "organisation") == ["County a", "Township a", "Union a"]
    assert sorted(autocomplete(client, "membership", "user")) == ["admin_ka", "staff_ka", "submitter_ga"]


def test_org_admin_grants_a_role_in_the_subtree(world, login):
    response = login("admin_ka").post(
        reverse("admin:orgs_membership_add"),
        {
            "user": world.user["submitter_ga"],
            "organisation": world.org["township_a"],
            "role": Role.CADRE,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user_id=world.user["submitter_ga"], role=Role.CADRE)
    assert (membership.organisation_id, membership.created_by_id) == (
        world.org["township_a"],
        world.user["admin_ka"],
    )


def test_granting_a_role_outside_the_subtree_is_refused(world, login):
    before = Membership.objects.count()

    response = login("admin_ka").post(
        reverse("admin:orgs_membership_add"),
        {
            "user": world.user["submitter_ga"],
            "organisation": world.org["grassroots_b"],
            "role": Role.SUBMITTER,
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [INVALID_CHOICE]
    assert Membership.objects.count() == before
