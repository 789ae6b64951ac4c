"""The union tree: the parent rule (a parent only needs a higher level; one province at the top)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import Role, make_org, make_tree, make_user
from unionportal.orgs.enums import Level, OrgKind
from unionportal.orgs.models import Organisation, check_parent_level

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_tree()


def parent_error(excinfo) -> list[str]:
    return excinfo.value.message_dict["parent"]


def test_county_under_a_township_is_refused(tree):
    before = Organisation.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        make_org(tree["township_a"], level=Level.COUNTY, name="Upside-down county")

    assert parent_error(excinfo) == ["县市区不能隶属于乡镇街道：上级组织的层级必须更高。"]
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(name="Upside-down county").exists()


def test_refusal_message_in_english(tree):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        make_org(tree["township_a"], level=Level.COUNTY)

    assert parent_error(excinfo) == [
        "A County / district cannot sit under a Township / street / park: "
        "the parent must be of a higher level."
    ]


@pytest.mark.parametrize(
    ("parent_key", "level"),
    [
        ("township_a", Level.TOWNSHIP),  # same level
        ("grassroots_a", Level.GRASSROOTS),
        ("city_a", Level.CITY),
        ("grassroots_a", Level.TOWNSHIP),  # lower parent
    ],
)
def test_parent_of_same_or_lower_level_is_refused(tree, parent_key, level):
    with pytest.raises(ValidationError) as excinfo:
        make_org(tree[parent_key], level=level)

    parent = tree[parent_key]
    assert parent_error(excinfo) == [
        f"{Level(level).label}不能隶属于{Level(parent.level).label}：上级组织的层级必须更高。"
    ]


def test_grassroots_directly_under_a_county(tree):
    union = make_org(
        tree["county_a"], level=Level.GRASSROOTS, name="County-level union", kind=OrgKind.ENTERPRISE
    )

    union.refresh_from_db()
    assert union.parent_organisation() == tree["county_a"]
    assert union.depth == 4
    assert union.level == Level.GRASSROOTS
    union.full_clean()  # the saved node still satisfies the rule


def test_grassroots_directly_under_a_city_with_no_counties(tree):
    # 仙桃, 潜江, 天门 and 神农架 have no counties: their townships and unions sit under the city.
    city = make_org(tree["province"], level=Level.CITY, name="仙桃市总工会")
    township = make_org(city, level=Level.TOWNSHIP, name="Street")
    union = make_org(city, level=Level.GRASSROOTS, name="City-level union")

    assert union.parent_organisation() == city
    assert township.parent_organisation() == city
    assert [o.name for o in union.ancestors_and_self()] == ["Province", "仙桃市总工会", "City-level union"]


def test_root_must_be_the_province():
    with pytest.raises(ValidationError) as excinfo:
        make_org(None, level=Level.CITY, name="Floating city")

    assert parent_error(excinfo) == ["只有省总工会位于组织树的顶层。"]
    assert not Organisation.objects.exists()


def test_a_second_root_is_refused(tree):
    before = Organisation.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        make_org(None, level=Level.PROVINCE, name="Second province")

    assert parent_error(excinfo) == ["只有省总工会位于组织树的顶层。"]
    assert Organisation.objects.count() == before
    assert list(Organisation.objects.filter(depth=1)) == [tree["province"]]


def test_the_existing_province_still_validates(tree):
    province = Organisation.objects.get(pk=tree["province"].pk)
    province.name = "湖北省总工会"

    province.full_clean()  # editing the one root is not "adding a second root"


def test_check_parent_level_directly(tree):
    check_parent_level(tree["county_a"], Level.GRASSROOTS)
    check_parent_level(tree["province"], Level.GRASSROOTS)
    with pytest.raises(ValidationError):
        check_parent_level(tree["grassroots_a"], Level.GRASSROOTS)


def test_ancestors_and_self_from_the_root_down(tree, django_assert_num_queries):
    grassroots = Organisation.objects.get(pk=tree["grassroots_b"].pk)

    with django_assert_num_queries(1):
        chain = list(grassroots.ancestors_and_self())

    assert [o.name for o in chain] == ["Province", "City b", "County b", "Township b", "Union b"]
    assert [o.level for o in chain] == [
        Level.PROVINCE,
        Level.CITY,
        Level.COUNTY,
        Level.TOWNSHIP,
        Level.GRASSROOTS,
    ]


def test_ancestors_and_self_of_the_root_and_of_a_skipping_node(tree):
    assert list(tree["province"].ancestors_and_self()) == [tree["province"]]

    union = make_org(tree["county_b"], level=Level.GRASSROOTS, name="Skipper")
    assert [o.name for o in union.ancestors_and_self()] == ["Province", "City b", "County b", "Skipper"]


def test_tree_shape_of_make_tree(tree):
    assert tree["grassroots_a"].parent_organisation() == tree["township_a"]
    city = tree["city_a"]
    below = Organisation.objects.filter(path__startswith=city.path, depth__gt=city.depth).order_by("path")
    assert list(below.values_list("name", flat=True)) == [
        "County a",
        "Township a",
        "Union a",
    ]


def test_admin_access_follows_staff_roles():
    from unionportal.orgs.models import Membership
    from unionportal.orgs.services import membership_grant, membership_revoke

    tree = make_tree()
    user = make_user("person", org=tree["grassroots_a"], role=Role.SUBMITTER)
    assert user.is_staff is False
    staff = membership_grant(user=user, organisation=tree["county_a"], role=Role.STAFF)
    assert user.is_staff is True
    membership_revoke(membership=staff)
    user.refresh_from_db()
    assert user.is_staff is False
    assert Membership.objects.filter(user=user, is_active=True).count() == 1
