"""The real-name member registry: entry rules, one union per person, transfers with history, scoping,
search by masked fields, reveals, the import (all or nothing) and export, query counts, coverage counts."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_org, make_tree, make_user
from unionportal.audit.models import AuditEvent
from unionportal.imports.resources import ImportRejected
from unionportal.orgs import members
from unionportal.orgs.enums import Level, MemberStatus, OrgKind, Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.member_resources import MemberResource
from unionportal.orgs.models import Member
from unionportal.reports.coverage import coverage

pytestmark = pytest.mark.django_db

ID_A = id_number("420684", date(1990, 3, 7), 123)  # male (odd sequence)
ID_B = id_number("420684", date(1985, 11, 2), 244)  # female


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


@pytest.fixture
def world():
    t = make_tree()
    users = {
        "staff_a": make_user("staff_a", org=t["county_a"], role=Role.STAFF),
        "staff_b": make_user("staff_b", org=t["county_b"], role=Role.STAFF),
        "sub_a": make_user("sub_a", org=t["grassroots_a"], role=Role.SUBMITTER),
        "province": make_user("prov", org=t["province"], role=Role.STAFF),
        "worker": make_user("w1", org=t["grassroots_a"], role=Role.WORKER),
    }
    return SimpleNamespace(t=t, u=users)


def add(world, who="staff_a", union="grassroots_a", number=ID_A, **fields):
    values = {"name": "张三", "joined_on": date(2020, 5, 1), "phone": "13812345678", **fields}
    return members.member_add(actor=world.u[who], organisation=world.t[union], id_number=number, **values)


# --- entry rules ------------------------------------------------------------------------------------------


def test_gender_and_birth_date_are_read_from_the_id_number(world):
    m = add(world)
    assert (m.gender, m.birth_date, m.org_path) == ("male", date(1990, 3, 7), world.t["grassroots_a"].path)
    assert AuditEvent.objects.filter(action="orgs.member.add", object_id=str(m.pk)).count() == 1


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"number": bad_check_digit(ID_A)}, "id_number", "身份证号校验位不正确，请核对。"),
        ({"gender": "female"}, "gender", "性别与身份证号不符（身份证号中为男）。"),
        (
            {"birth_date": date(1990, 3, 8)},
            "birth_date",
            "出生日期与身份证号不符（身份证号中为 1990-03-07）。",
        ),
    ],
)
def test_a_bad_id_number_or_a_contradicting_gender_or_birth_date_is_refused(world, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        add(world, **fields)
    assert caught.value.message_dict[field] == [message]
    assert Member.objects.count() == 0


def test_a_person_is_a_member_of_one_union_at_a_time(world):
    add(world)
    with pytest.raises(members.MemberConflict) as caught:
        add(world, who="staff_b", union="grassroots_b")
    assert caught.value.messages == [
        "该身份证号已是“Union a”的会员（2020-05-01 入会），一人只能在一个工会登记会籍。"
        "如本人已调动，请由原工会办理转出（转会）后再登记。"
    ]
    assert Member.objects.count() == 1


def test_the_database_holds_one_current_membership_per_id_number(world):
    add(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            organisation=world.t["grassroots_b"], name="张三", id_number=ID_A, joined_on=date(2021, 1, 1)
        )


def test_a_union_outside_the_actors_subtree_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        add(world, union="grassroots_b")
    assert caught.value.message_dict["organisation"] == ["该工会不在您的管辖范围内。"]


def test_the_add_page_offers_a_transfer_for_a_member_elsewhere_in_scope(world, client):
    held = add(world)
    union2 = make_org(
        world.t["township_a"], level=Level.GRASSROOTS, name="Union a2", code="UA2", kind=OrgKind.ENTERPRISE
    )
    client.force_login(world.u["staff_a"])
    response = client.post(
        reverse("orgs:member_create"),
        {"organisation": union2.pk, "name": "张三", "id_number": ID_A, "joined_on": "2024-01-01"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "该身份证号已是“Union a”的会员" in body
    assert reverse("orgs:member", args=[held.pk]) + "#transfer" in body
    assert Member.objects.count() == 1


# --- transfers and history --------------------------------------------------------------------------------


def test_a_transfer_moves_the_person_and_keeps_the_history(world):
    m = add(world)
    moved = members.member_transfer(
        actor=world.u["province"], member_id=m.pk, to_union=world.t["grassroots_b"], on=date(2025, 3, 1)
    )
    m.refresh_from_db()
    assert (m.status, m.left_on) == (MemberStatus.TRANSFERRED_OUT, date(2025, 3, 1))
    assert (moved.status, moved.organisation, moved.joined_on) == (
        MemberStatus.MEMBER,
        world.t["grassroots_b"],
        date(2025, 3, 1),
    )
    assert [r.pk for r in members.person_history(moved)] == [moved.pk, m.pk]
    actions = set(
        AuditEvent.objects.filter(object_id__in=[str(m.pk), str(moved.pk)]).values_list("action", flat=True)
    )
    assert {"orgs.member.transfer_out", "orgs.member.transfer_in"} <= actions


def test_a_transfer_before_the_joining_date_changes_nothing(world):
    m = add(world)
    with pytest.raises(ValidationError):
        members.member_transfer(
            actor=world.u["staff_a"], member_id=m.pk, to_union=world.t["grassroots_b"], on=date(2019, 1, 1)
        )
    m.refresh_from_db()
    assert m.status == MemberStatus.MEMBER and Member.objects.count() == 1


def test_a_member_outside_scope_cannot_be_transferred(world):
    m = add(world)
    from django.http import Http404

    with pytest.raises(Http404):
        members.member_transfer(
            actor=world.u["staff_b"], member_id=m.pk, to_union=world.t["grassroots_b"], on=date(2025, 1, 1)
        )


# --- scoping, search, reveal ------------------------------------------------------------------------------


def test_staff_list_only_their_subtree_and_submitters_their_union(world, client):
    add(world)
    add(world, who="staff_b", union="grassroots_b", number=ID_B, name="李四")
    seen = {}
    for who in ("staff_a", "staff_b", "sub_a", "province"):
        seen[who] = set(members.members_for(world.u[who]).values_list("name", flat=True))
    assert seen == {"staff_a": {"张三"}, "staff_b": {"李四"}, "sub_a": {"张三"}, "province": {"张三", "李四"}}
    client.force_login(world.u["staff_b"])
    other = Member.objects.get(name="张三")
    assert client.get(reverse("orgs:member", args=[other.pk])).status_code == 404


def test_a_worker_may_not_open_the_registry(world, client):
    m = add(world)
    client.force_login(world.u["worker"])
    assert client.get(reverse("orgs:members")).status_code == 403
    assert client.get(reverse("orgs:member", args=[m.pk])).status_code == 404


@pytest.mark.parametrize(
    "query",
    [ID_A, ID_A[:3] + "*" * 11 + ID_A[-4:], "138****5678", "13812345678", ID_A[-4:], "张"],
)
def test_staff_search_by_name_masked_id_number_or_phone(world, query):
    add(world)
    add(world, number=ID_B, name="李四", phone="13900001111", union="grassroots_a")
    assert list(members.members_for(world.u["staff_a"], q=query).values_list("name", flat=True)) == ["张三"]


def test_the_list_masks_and_a_reveal_is_logged(world, client):
    m = add(world)
    client.force_login(world.u["staff_a"])
    body = client.get(reverse("orgs:members")).content.decode()
    assert m.masked_id_number in body and ID_A not in body and "13812345678" not in body
    response = client.post(
        reverse("orgs:member_reveal", args=[m.pk]), {"field": "id_number", "reason": "核对会员身份"}
    )
    assert response.status_code == 200 and ID_A in response.content.decode()
    event = AuditEvent.objects.get(action="personal_data.reveal")
    assert (event.comment, event.changes, event.org_path) == (
        "核对会员身份",
        {"field": "id_number"},
        m.org_path,
    )


def test_the_registry_list_costs_the_same_queries_at_two_sizes(world, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.u["staff_a"])
    add(world)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("orgs:members")).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first request of a session reads what later ones find cached
    few = queries()
    for n in range(30):
        Member.objects.create(
            organisation=world.t["grassroots_a"],
            name=f"会员{n}",
            id_number=id_number("420684", date(1980, 1, 1 + n % 28), 300 + n),
            joined_on=date(2021, 1, 1),
        )
    assert queries() == few
    assert few <= 8


# --- import and export ------------------------------------------------------------------------------------

HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "入会日期", "工会组织代码"]


def test_an_import_with_one_bad_row_writes_nothing_and_names_the_row(world):
    code = world.t["grassroots_a"].code
    rows = [
        ["王五", ID_A, "13800001111", "", "", "2021-05-01", code],
        ["赵六", bad_check_digit(ID_B), "", "", "", "2021-05-01", code],
        ["钱七", ID_B, "", "男", "", "2021-05-01", code],
    ]
    resource = MemberResource(user=world.u["staff_a"])
    with pytest.raises(ImportRejected) as caught, transaction.atomic():
        resource.run(HEADERS, rows, dry_run=False)
    errors = caught.value.outcome.errors
    assert "第 3 行：身份证号：身份证号校验位不正确，请核对。" in errors
    assert "第 4 行：性别：性别与身份证号不符（身份证号中为女）。" in errors
    assert Member.objects.count() == 0


def test_an_import_refuses_a_member_of_another_union_and_a_union_out_of_scope(world):
    add(world, who="staff_b", union="grassroots_b")
    rows = [
        ["王五", ID_A, "", "", "", "2021-05-01", world.t["grassroots_a"].code],
        ["钱七", ID_B, "", "", "", "2021-05-01", world.t["grassroots_b"].code],
    ]
    outcome = MemberResource(user=world.u["staff_a"]).run(HEADERS, rows, dry_run=True)
    assert outcome.errors == [
        "第 2 行：身份证号：该身份证号已是“Union b”的会员，一人只能在一个工会登记会籍；如已调动，请办理转会。",
        f"第 3 行：工会组织代码：组织“{world.t['grassroots_b'].code}”不在您的管辖范围内。",
    ]


def test_a_good_import_enters_every_row_with_derived_fields(world):
    rows = [
        ["王五", ID_A, "13800001111", "", "", "2021-05-01", world.t["grassroots_a"].code],
        ["钱七", ID_B, "", "女", "1985-11-02", "2022-05-01", world.t["grassroots_a"].code],
    ]
    with transaction.atomic():
        outcome = MemberResource(user=world.u["staff_a"]).run(HEADERS, rows, dry_run=False)
    assert outcome.error_count == 0
    got = {m.name: (m.gender, m.birth_date, m.org_path) for m in Member.objects.all()}
    path = world.t["grassroots_a"].path
    assert got == {"王五": ("male", date(1990, 3, 7), path), "钱七": ("female", date(1985, 11, 2), path)}


def test_the_export_masks_id_numbers_and_phones(world):
    add(world)
    dataset = MemberResource(user=world.u["staff_a"]).export(
        MemberResource(user=world.u["staff_a"]).export_queryset()
    )
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert (row["身份证号"], row["手机号"]) == (ID_A[:3] + "*" * 11 + ID_A[-4:], "138****5678")


# --- coverage ---------------------------------------------------------------------------------------------


def test_the_coverage_member_counts_come_from_the_registry(world):
    add(world)
    add(world, who="staff_b", union="grassroots_b", number=ID_B)
    figures = coverage(world.u["staff_a"])
    assert figures["total"].members == 1
    assert {row.label: row.members for row in figures["by_level"]}["基层工会"] == 1
    members.member_leave(
        actor=world.u["staff_a"],
        member_id=Member.objects.get(id_number=ID_A).pk,
        on=date(2026, 1, 1),
        reason="退休",
    )
    assert coverage(world.u["staff_a"])["total"].members == 0
    assert coverage(world.u["province"])["total"].members == 1
