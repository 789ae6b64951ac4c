"""``python manage.py seed_demo``: the Hubei demo tree, enterprises, campaign and the ten demo accounts;
then the whole demo (every app's seeder) once for the module: something waits on every account's home
page, activity reports in every state, and a second run changes nothing."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory, override_settings
from django.utils import timezone
from stdnum.cn import uscc

from unionportal import clock, demo
from unionportal.campaigns.models import ActivityReport, Campaign
from unionportal.orgs import demo_data
from unionportal.orgs.enums import Level, OrgKind, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation

User = get_user_model()
PASSWORD = "demo-pass-2026"

# fmt: off
CITY_NAMES = {
    "武汉市总工会", "黄石市总工会", "十堰市总工会", "宜昌市总工会", "襄阳市总工会", "鄂州市总工会",
    "荆门市总工会", "孝感市总工会", "荆州市总工会", "黄冈市总工会", "咸宁市总工会", "随州市总工会",
    "恩施土家族苗族自治州总工会", "仙桃市总工会", "潜江市总工会", "天门市总工会", "神农架林区总工会",
}
CITY_CODES = {
    "420100", "420200", "420300", "420500", "420600", "420700", "420800", "420900", "421000",
    "421100", "421200", "421300", "422800", "429004", "429005", "429006", "429021",
}
YICHENG_TOWNSHIPS = {
    "420684001", "420684002", "420684003", "420684102", "420684103", "420684104",
    "420684105", "420684106", "420684107", "420684108", "420684109", "420684452",
}
# fmt: on

# account → the (organisation code, role) pairs it must hold, exactly (DESIGN.md §6).
EXPECTED_ROLES = {
    "province": {("420000", Role.STAFF), ("420000", Role.ORG_ADMIN)},
    "city": {("420600", Role.STAFF)},
    "county": {("420684", Role.STAFF)},
    "township": {("420684001", Role.STAFF)},
    "grassroots": {("420684001001", Role.SUBMITTER)},
    "county2": {("420506", Role.STAFF)},
    "grassroots2": {("420506101001", Role.SUBMITTER)},
    "expert": {("420111080001", Role.EXPERT)},
    "cadre": {("420684", Role.CADRE)},
    "worker": {("420684001001", Role.WORKER)},
}


@pytest.fixture(autouse=True)
def base_data_only(request, monkeypatch):
    """The tests of the base data run the command without the apps' seeders (those are tested with the
    whole demo at the end of this module, and with their apps)."""
    if "full_demo" not in request.fixturenames:
        monkeypatch.setattr(demo, "_seeders", {})


def seed(**kwargs) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def parent(node: Organisation) -> Organisation | None:
    return Organisation.objects.get_parent(node)


def children(node: Organisation):
    return Organisation.objects.get_children(node)


def tree_problems():
    return Organisation.objects.find_problems()


def held(user) -> set[tuple[str, str]]:
    return set(Membership.objects.filter(user=user, is_active=True).values_list("organisation__code", "role"))


def snapshot() -> dict:
    """Every row the command writes, with the fields that would move if anything were written again."""
    return {
        "orgs": sorted(Organisation.objects.values_list("code", "path", "numchild", "updated_at")),
        "enterprises": sorted(
            Enterprise.objects.values_list("credit_code", "township_id", "union_id", "updated_at")
        ),
        "campaigns": sorted(Campaign.objects.values_list("year", "theme", "is_current")),
        "users": sorted(User.objects.values_list("username", "password", "is_staff", "phone_verified_at")),
        "memberships": sorted(
            Membership.objects.values_list("pk", "user__username", "organisation__code", "role", "is_active")
        ),
    }


@pytest.mark.django_db
def test_tree_has_the_province_and_its_seventeen_cities():
    seed(verbosity=0)

    top = Organisation.objects.filter(level__lte=Level.CITY)
    assert top.count() == 18
    province = Organisation.objects.get(level=Level.PROVINCE)
    assert (province.name, province.code, province.depth) == ("湖北省总工会", "420000", 1)
    cities = top.filter(level=Level.CITY)
    assert set(cities.values_list("name", flat=True)) == CITY_NAMES
    assert set(cities.values_list("code", flat=True)) == CITY_CODES
    assert all(parent(city) == province for city in cities)

    yicheng = org("420684")
    assert (yicheng.name, yicheng.level) == ("宜城市总工会", Level.COUNTY)
    assert parent(yicheng).code == "420600"
    assert parent(org("420506")).code == "420500"  # 夷陵区 under 宜昌市
    assert children(org("420100")).filter(level=Level.COUNTY).count() == 13
    assert children(org("420500")).filter(level=Level.COUNTY).count() == 13
    assert children(org("420600")).filter(level=Level.COUNTY).count() == 9
    for code in ("429004", "429005", "429006", "429021"):  # the cities with no counties
        assert not children(org(code)).filter(level=Level.COUNTY).exists()


@pytest.mark.django_db
def test_grassroots_unions_and_the_parent_rule():
    seed(verbosity=0)

    grassroots = Organisation.objects.filter(level=Level.GRASSROOTS)
    assert grassroots.count() >= 40
    assert grassroots.filter(kind=OrgKind.ENTERPRISE).count() > grassroots.count() // 2
    # Every township in 宜城市 exists with its real code, under the county.
    townships = children(org("420684")).filter(
        level=Level.TOWNSHIP, kind__in=[OrgKind.FEDERATION, OrgKind.PARK]
    )
    assert set(townships.values_list("code", flat=True)) == YICHENG_TOWNSHIPS
    # Level is a kind: a grassroots union under an industry union, directly under a county, under 仙桃市.
    crystal = org("420684901")
    assert (crystal.level, crystal.kind) == (Level.TOWNSHIP, OrgKind.INDUSTRY)
    assert children(crystal).filter(level=Level.GRASSROOTS).count() >= 3
    assert children(org("420684")).filter(level=Level.GRASSROOTS).exists()
    assert children(org("429004")).filter(level=Level.GRASSROOTS).exists()
    # Every node obeys the parent rule and the tree is consistent.
    for node in Organisation.objects.all():
        above = parent(node)
        if above is None:
            assert node.level == Level.PROVINCE
        else:
            assert above.level < node.level, node.code
    assert tree_problems() == ([], [], [], [], [])
    assert all(g.member_count > 0 and g.contact_person and g.founded_on for g in grassroots)


@pytest.mark.django_db
def test_enterprises_have_valid_credit_codes_and_sit_in_the_tree():
    seed(verbosity=0)

    enterprises = list(Enterprise.objects.select_related("township", "union"))
    assert len(enterprises) >= 40
    assert all(uscc.is_valid(e.credit_code) for e in enterprises)
    assert all(e.township.level < Level.GRASSROOTS for e in enterprises)
    assert all(e.union is None or e.union.level == Level.GRASSROOTS for e in enterprises)
    assert any(e.union is None for e in enterprises)
    # Crystal enterprises whose union sits under the industry union, located in their townships.
    crystal = [e for e in enterprises if e.union and parent(e.union).code == "420684901"]
    assert len(crystal) >= 3
    assert all(parent(e.township).code == "420684" for e in crystal)


@pytest.mark.django_db
def test_the_current_campaign():
    seed(verbosity=0)

    campaign = Campaign.objects.get(is_current=True)
    assert campaign.year == 2026
    assert campaign.theme == "践行新理念，有为新常态，争当主力军"
    assert (campaign.starts_on.isoformat(), campaign.ends_on.isoformat()) == ("2026-03-01", "2026-12-31")


@pytest.mark.django_db
def test_the_ten_demo_accounts_sign_in_and_hold_their_roles(client):
    output = seed()

    assert set(User.objects.values_list("username", flat=True)) == set(EXPECTED_ROLES)
    for username, roles in EXPECTED_ROLES.items():
        request = RequestFactory().get("/")
        assert client.login(request=request, username=username, password=PASSWORD), username
        client.logout()
        user = User.objects.get(username=username)
        assert held(user) == {(code, str(role)) for code, role in roles}, username
        assert user.name and not user.must_change_password and user.is_active and not user.is_superuser
        assert user.is_staff == any(role in (Role.STAFF, Role.ORG_ADMIN) for _code, role in roles), username
        assert username in output
    assert output.count(PASSWORD) >= 10

    # The grassroots submitter and the worker belong to an enterprise union under the township.
    union = org("420684001001")
    assert parent(union).code == "420684001" and union.kind == OrgKind.ENTERPRISE
    assert union.enterprises.exists()
    # The expert sits in a third city, the second county in another city than 襄阳.
    assert org("420111080001").ancestors_and_self().filter(code="420100").exists()
    assert org("420506101001").ancestors_and_self().filter(code="420506").exists()

    worker = User.objects.get(username="worker")
    assert worker.phone == "13800000010" and worker.phone_verified_at is not None
    assert client.login(request=RequestFactory().get("/"), username="13800000010", password=PASSWORD)


@pytest.mark.django_db
def test_running_twice_changes_nothing():
    seed(verbosity=0)
    first = snapshot()
    output = seed()
    assert snapshot() == first
    assert "nothing changed" in output
    assert len(first["orgs"]) == Organisation.objects.count() >= 18 + 40
    assert Enterprise.objects.count() == len(first["enterprises"])


@pytest.mark.django_db
def test_running_again_restores_what_was_changed_by_hand():
    seed(verbosity=0)
    county = User.objects.get(username="county")
    county.set_password("something-else-2026")
    county.must_change_password = True
    county.save()
    Membership.objects.create(user=county, organisation=org("420000"), role=Role.ORG_ADMIN)
    Organisation.objects.filter(code="420684001").update(name="renamed", member_count=7)
    Organisation.objects.move(
        org("420684"), org("420500"), pos="sorted-child"
    )  # 宜城市 moved under 宜昌市 by mistake
    Enterprise.objects.filter(union__code="420684001001").update(union=None, employees=1)
    Campaign.objects.filter(year=2026).update(is_current=False)

    seed(verbosity=0)

    county.refresh_from_db()
    assert county.check_password(PASSWORD) and not county.must_change_password
    assert held(county) == {("420684", "staff")}
    township = org("420684001")
    assert (township.name, township.member_count) == ("宜城市鄢城街道总工会", 0)
    assert parent(org("420684")).code == "420600"
    assert tree_problems() == ([], [], [], [], [])
    enterprise = Enterprise.objects.get(name="宜城市楚都食品有限公司")
    assert enterprise.union == org("420684001001") and enterprise.employees == 420
    assert Campaign.objects.get(is_current=True).year == 2026


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not Campaign.objects.exists()


@pytest.mark.django_db
def test_registered_demo_seeders_run_after_the_base_data_in_order():
    calls = []

    def first(*, stdout):
        calls.append(("first", Organisation.objects.count(), User.objects.filter(username="worker").exists()))
        stdout.write("first seeder ran")

    def second(*, stdout):
        calls.append(("second", Organisation.objects.count(), True))

    demo.register("test-first", first)
    demo.register("test-second", second)
    try:
        output = seed()
    finally:
        demo.unregister("test-first")
        demo.unregister("test-second")

    count = Organisation.objects.count()
    assert calls == [("first", count, True), ("second", count, True)]
    assert "first seeder ran" in output


@pytest.mark.django_db
def test_a_failing_seeder_rolls_everything_back():
    def broken(*, stdout):
        raise RuntimeError("boom")

    demo.register("test-broken", broken)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            seed()
    finally:
        demo.unregister("test-broken")
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


# --- the whole demo, seeded once for the tests below ----------------------------------------------------


@pytest.fixture(scope="module")
def full_demo(module_db, demo_day, tmp_path_factory):
    """Every app's seeder, once for the module, with the generated files in a folder of their own."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed(verbosity=0)
        yield


def _city_of(org: Organisation) -> str:
    return Organisation.objects.get(path=org.path[: 2 * Organisation.steplen]).name


@pytest.mark.django_db
def test_every_demo_account_finds_something_waiting_on_its_home_page(full_demo, client):
    for account in demo_data.ACCOUNTS:
        client.force_login(User.objects.get(username=account["username"]))
        response = client.get("/home/")
        assert response.status_code == 200
        todos = [(t.label, t.count) for t in response.context["todos"]]
        messages = [m.subject for m in response.context["latest_messages"]]
        assert todos or messages, account["username"]
        client.logout()
    # The two accounts no provider has anything for yet have their delivered messages.
    for username, subject in (
        ("expert", "邀请您参加2026年“荆楚工匠”专家论证评审"),
        ("worker", "公司工会“五一”职工趣味运动会开始报名"),
    ):
        client.force_login(User.objects.get(username=username))
        assert subject in [m.subject for m in client.get("/home/").context["latest_messages"]], username
        client.logout()
    # The cadre has households waiting for the home visit, the submitters work to fix.
    client.force_login(User.objects.get(username="cadre"))
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos["待入户核实的困难家庭"] >= 1
    client.force_login(User.objects.get(username="grassroots"))
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos["退回修改的推荐"] >= 1 and todos["被退回修改的活动报告"] >= 1
    # The messages of the walks are dated on the days of April their events happened.
    from unionportal.notifications.models import Notification

    inbox = Notification.objects.filter(recipient__username="grassroots", channel="inbox")
    assert inbox.count() >= 5
    assert len({timezone.localtime(n.created_at).date() for n in inbox}) >= 3


@pytest.mark.django_db
def test_messages_delivered_when_the_seed_commits_are_dated_when_their_event_happened():
    from unionportal.notifications.models import Notification
    from unionportal.orgs.management.commands.seed_demo import date_deliveries

    user = User.objects.create(username="someone")
    with clock.travel(date(2026, 4, 21)):
        past = Notification.objects.create(recipient=user, channel="inbox", event="e", subject="s", body="b")
    begun = timezone.now()
    Notification.objects.filter(pk=past.pk).update(sent_at=timezone.now())
    during = Notification.objects.create(
        recipient=user, channel="inbox", event="e", subject="s", body="b", sent_at=begun
    )
    assert date_deliveries(since=begun) == 1
    past.refresh_from_db()
    assert timezone.localtime(past.sent_at).date() == date(2026, 4, 21) and past.sent_at == past.created_at
    during.refresh_from_db()
    assert during.sent_at == begun  # written during the seed itself: left as it is


@pytest.mark.django_db
def test_only_the_ten_demo_accounts_can_sign_in(full_demo):
    demo_accounts = {a["username"] for a in demo_data.ACCOUNTS}
    users = list(User.objects.all())
    assert {u.username for u in users if u.has_usable_password()} == demo_accounts
    # The others are the submitters and cadres of unions and enterprises without a demo account.
    helpers = [u for u in users if u.username not in demo_accounts]
    assert helpers and all(u.name and not u.is_staff for u in helpers)


@pytest.mark.django_db
def test_activity_reports_in_every_state_with_photos_from_several_cities(full_demo):
    reports = list(ActivityReport.objects.select_related("organisation").prefetch_related("photos"))
    assert {r.state for r in reports} == {"draft", "submitted", "accepted", "returned"}
    assert all(r.photos.all() for r in reports)
    assert all(p.is_image and p.thumbnail for r in reports for p in r.photos.all())
    cities = {_city_of(r.organisation) for r in reports}
    assert {"襄阳市总工会", "宜昌市总工会", "武汉市总工会", "仙桃市总工会"} <= cities
    by_city = Counter((_city_of(r.organisation), r.state) for r in reports if r.state != "draft")
    assert by_city[("武汉市总工会", "accepted")] and by_city[("武汉市总工会", "returned")]
    # Written in the days after each activity, never before it.
    assert all(r.created_at.date() >= r.date for r in reports if r.state != "draft")


def _counts() -> dict:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "axes", "admin", "captcha", "contenttypes")
    }


@pytest.mark.django_db
def test_a_second_run_of_the_whole_demo_changes_nothing(full_demo):
    before = _counts()
    assert before["public.PublicEntry"] >= 250 and before["assistance.Household"] >= 200
    output = seed()
    assert _counts() == before
    assert "nothing changed" in output


# The foundation's done-when: every demo account signs in through the form and lands on its home page, in
# Chinese and in English (on the whole demo of this module).
@pytest.mark.django_db
@pytest.mark.parametrize("prefix, welcome", [("", "欢迎，"), ("/en", "Welcome, ")])
@pytest.mark.parametrize("username", [account["username"] for account in demo_data.ACCOUNTS])
def test_demo_account_signs_in_and_lands_on_its_home(full_demo, client, username, prefix, welcome):
    response = client.post(
        f"{prefix}/accounts/login/", {"username": username, "password": demo_data.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{prefix}/home/"
    assert welcome in response.content.decode()
    assert response.context["memberships"], f"{username} holds no role"
