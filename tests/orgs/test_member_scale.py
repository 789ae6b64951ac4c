"""The member registry at a million members' shape: a capped count, a county's page read union by union
(the same queries at any size), every search form on its indexed columns, the import keeping them."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse

from tests.factories import make_org, make_tree, make_user
from unionportal import pagination
from unionportal.imports.resources import ImportRejected
from unionportal.orgs import members
from unionportal.orgs.enums import Level, MemberStatus, OrgKind, Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.member_resources import MemberResource
from unionportal.orgs.models import Member

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "入会日期", "工会组织代码"]
SURNAMES = "王李张刘陈"


@pytest.fixture(autouse=True)
def _rendered(settings):
    """The page as rendered, not its cached fragment (that is test_the_cached_list_shows_each_write_at_once's)."""
    settings.STAFF_FRAGMENT_CACHE = False


@pytest.fixture
def world():
    t = make_tree()
    unions = [t["grassroots_a"], t["township_a"]]
    unions += [
        make_org(
            t["township_a"],
            level=Level.GRASSROOTS,
            name=f"Union a{i}",
            code=f"UA{i}",
            kind=OrgKind.ENTERPRISE,
        )
        for i in range(2, 5)
    ]
    users = {
        "county": make_user("county_staff", org=t["county_a"], role=Role.STAFF),
        "province": make_user("province_staff", org=t["province"], role=Role.STAFF),
        "sub": make_user("union_sub", org=t["grassroots_a"], role=Role.SUBMITTER),
    }
    return SimpleNamespace(t=t, u=users, unions=unions, seq=iter(range(10**6)))


def fill(world, n: int, *, other_county: int = 0) -> None:
    """``n`` members spread over the county's unions (and ``other_county`` in the other county), written
    in bulk with their tails as save() would set them."""
    rows = []
    for k in range(n + other_county):
        i = next(world.seq)
        union = world.t["grassroots_b"] if k >= n else world.unions[i % len(world.unions)]
        m = Member(
            organisation=union,
            org_path=union.path,
            name=f"{SURNAMES[i % len(SURNAMES)]}{i}",
            id_number=id_number("420684", date(1970, 1, 1) + timedelta(days=i), i % 1000),
            phone=f"139{i:08d}",
            gender="male",
            birth_date=date(1970, 1, 1),
            joined_on=date(2015, 1, 1) + timedelta(days=i % 3000),
        )
        m.set_search_keys()
        rows.append(m)
    Member.objects.bulk_create(rows, batch_size=500)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- the list ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county", "province", "sub"])
def test_list_queries_do_not_grow_from_one_to_300_members(world, client, who, django_assert_max_num_queries):
    fill(world, 1)
    client.force_login(world.u[who])
    url = reverse("orgs:members")
    client.get(url)  # the session and content-type caches
    with django_assert_max_num_queries(12) as one:
        assert len(client.get(url).context["page"].object_list) == 1
    fill(world, 300, other_county=40)
    for query in ("", "?status=member", "?q=王", "?q=" + Member.objects.last().id_tail, "?page=2"):
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = client.get(url + query)
        assert response.status_code == 200
        assert response.context["page"].object_list


def test_a_countys_page_read_union_by_union_is_the_newest_first_order(world):
    fill(world, 200, other_county=30)
    staff = world.u["county"]
    unions = members.member_list_unions(staff)
    if connection.vendor == "postgresql":
        assert unions is not None and set(unions) == set(world.unions)
    else:
        assert unions is None  # the per-union read is PostgreSQL's (ARRAY subqueries)
    assert members.member_list_unions(world.u["province"]) is None
    for q, status in (("", ""), ("王", ""), ("", "member")):
        rows = members.members_for(staff, q=q, status=status)
        expected = list(rows.values_list("pk", flat=True))
        got, number, more = [], 1, True
        while more:
            page = members.member_page(staff, rows, number, 25)
            got += [m.pk for m in page.object_list]
            number, more = number + 1, page.has_next()
        assert got == expected
        assert len(got) > 25
        assert all(
            pk not in got
            for pk in Member.objects.filter(org_path=world.t["grassroots_b"].path).values_list(
                "pk", flat=True
            )
        )


def test_the_count_stops_at_the_cap_and_says_so(world, client, monkeypatch):
    fill(world, 60)
    monkeypatch.setattr(pagination.CappedCountPaginator, "cap", 30)
    client.force_login(world.u["county"])
    response = client.get(reverse("orgs:members"))
    paginator = response.context["page"].paginator
    assert paginator.is_capped and paginator.count == 30 and str(paginator.count) == "30+"
    assert "共 30+ 名会员" in text(response)
    assert "第 1 页，共 2+ 页" in text(response)
    last = client.get(reverse("orgs:members"), {"page": 2})
    assert len(last.context["page"].object_list) == 5
    assert not last.context["page"].has_next()
    exact = client.get(reverse("orgs:members"), {"q": "王"})
    assert not exact.context["page"].paginator.is_capped
    assert f"共 {Member.objects.filter(name__startswith='王').count()} 名会员" in text(exact)


# --- the search forms -------------------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    fill(world, 40)
    a = members.member_add(
        actor=world.u["county"],
        organisation=world.t["grassroots_a"],
        name="欧阳明",
        id_number=id_number("420684", date(1990, 3, 7), 123),
        phone="13812345678",
        joined_on=date(2020, 5, 1),
    )
    b = members.member_add(
        actor=world.u["county"],
        organisation=world.unions[2],
        name="欧阳丽",
        id_number=id_number("420684", date(1991, 4, 8), 456),
        phone="13698765432",
        joined_on=date(2021, 5, 1),
    )
    return SimpleNamespace(a=a, b=b, staff=world.u["county"])


def found(pair, q):
    return [m.name for m in members.members_for(pair.staff, q=q)]


def test_each_search_form_finds_the_person(pair):
    a = pair.a
    assert (a.id_tail, a.phone_tail) == (a.id_number[-4:], "5678")
    masked_id = a.id_number[:3] + "*" * 11 + a.id_number[-4:]
    for q in (
        a.id_number,
        a.id_number.lower(),
        masked_id,
        a.id_number[:6] + "*" * 8 + a.id_number[-4:],
        "138****5678",
        "13812345678",
        a.id_number[-4:],
        "5678",
        "欧阳明",
        " 欧阳明 ",
    ):
        assert found(pair, q) == ["欧阳明"], q
    assert found(pair, "欧阳") == ["欧阳丽", "欧阳明"]  # a prefix; newest first
    assert found(pair, "阳明") == []  # never from the middle of a name
    assert found(pair, "139****5678") == []  # the visible start must match too
    unused = next(
        f"{n:04d}"
        for n in range(10_000)
        if not Member.objects.filter(
            Q(id_number__endswith=f"{n:04d}") | Q(phone__endswith=f"{n:04d}")
        ).exists()
    )
    assert found(pair, unused) == []


def test_a_corrected_phone_is_found_by_its_new_last_four(pair):
    members.member_update(actor=pair.staff, member=pair.a, name="欧阳明", phone="13700002468")
    assert found(pair, "2468") == ["欧阳明"]
    assert found(pair, "5678") == []
    assert Member.objects.get(pk=pair.a.pk).phone_tail == "2468"


def test_a_transfer_keeps_the_tails(pair, world):
    moved = members.member_transfer(
        actor=pair.staff, member_id=pair.a.pk, to_union=world.unions[3], on=date(2024, 1, 1)
    )
    assert Member.objects.filter(id_tail=moved.id_number[-4:], phone_tail="5678").count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
@pytest.mark.parametrize(
    "q, index",
    [
        ("1234", "member_phone_tail_scope"),
        ("139****1234", "member_phone_tail_scope"),
        ("masked-id", "member_id_tail_scope"),
    ],
)
def test_the_searches_use_their_indexes_over_a_countys_thousands(world, q, index):
    fill(world, 4000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orgs_member")
    if q == "masked-id":
        number = Member.objects.get(phone_tail="1234").id_number
        q = number[:3] + "*" * 11 + number[-4:]
    plan = members.members_for(world.u["county"], q=q).explain()
    assert index in plan, plan


# --- the import -------------------------------------------------------------------------------------------


def test_an_import_sets_the_tails_and_a_bad_row_still_writes_nothing(world):
    code = world.t["grassroots_a"].code
    good = id_number("420684", date(1990, 3, 7), 123)
    other = id_number("420684", date(1985, 11, 2), 244)
    bad = other[:17] + ("0" if other[17] != "0" else "1")
    resource = MemberResource(user=world.u["county"])
    with pytest.raises(ImportRejected) as caught, transaction.atomic():
        resource.run(
            HEADERS,
            [
                ["王五", good, "13800001111", "", "", "2021-05-01", code],
                ["赵六", bad, "", "", "", "2021-05-01", code],
            ],
            dry_run=False,
        )
    assert caught.value.outcome.errors == ["第 3 行：身份证号：身份证号校验位不正确，请核对。"]
    assert Member.objects.count() == 0
    with transaction.atomic():
        MemberResource(user=world.u["county"]).run(
            HEADERS, [["王五", good, "13800001111", "", "", "2021-05-01", code]], dry_run=False
        )
    assert list(Member.objects.values_list("id_tail", "phone_tail")) == [(good[-4:], "1111")]
    # A row that changes the phone of a known member moves its tail with it.
    with transaction.atomic():
        MemberResource(user=world.u["county"]).run(
            HEADERS, [["王五", good, "13800002222", "", "", "2021-05-01", code]], dry_run=False
        )
    assert list(Member.objects.values_list("phone", "phone_tail")) == [("13800002222", "2222")]


# --- the cached list --------------------------------------------------------------------------------------


def test_the_cached_list_shows_each_write_at_once(world, client, settings):
    settings.STAFF_FRAGMENT_CACHE = True
    cache.clear()  # no fragment of an earlier run (the same user ids) in a shared Redis
    fill(world, 3)
    client.force_login(world.u["county"])
    url = reverse("orgs:members")

    def names():
        return [
            row.split(" ")[0]
            for row in re.findall(r"data-user-content>([^<]+)</a>", client.get(url).content.decode())
        ]

    assert len(names()) == 3
    Member.objects.update(name="改名")  # a write that bypasses the services is not seen: the page is cached
    assert "改名" not in names()
    m = members.member_add(
        actor=world.u["province"],
        organisation=world.t["grassroots_a"],
        name="新会员",
        id_number=id_number("420684", date(1990, 3, 7), 123),
        joined_on=date(2026, 5, 1),
    )
    assert names()[0] == "新会员"
    members.member_leave(actor=world.u["province"], member_id=m.pk, on=date(2026, 6, 1), reason="退休")
    assert str(MemberStatus.LEFT.label) in text(client.get(url))
    code = world.t["grassroots_a"].code
    with transaction.atomic():
        MemberResource(user=world.u["province"]).run(
            HEADERS,
            [["导入者", id_number("420684", date(1991, 4, 8), 456), "", "", "", "2026-07-01", code]],
            dry_run=False,
        )
    assert names()[0] == "导入者"
    union = world.t["grassroots_a"]
    union.name = "改名的工会"
    union.save()
    assert "改名的工会" in text(client.get(url))
