"""The registry's member counts (orgs.MemberCount, what the coverage page sums): equal to a true count of
the registry after every write that changes a member's status or union (adding, joining, transfer,
leaving, founding approval, the import), untouched by a write that fails, put right by the recount, and
never losing a write under concurrency (PostgreSQL)."""

import threading
from datetime import date, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import Count

from tests.conftest import skip_unless_ci
from tests.factories import make_enterprise, make_tree, make_user
from unionportal import periodic
from unionportal.imports.resources import ImportRejected
from unionportal.orgs import founding, joining, members
from unionportal.orgs.enums import MemberStatus, Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.member_import import MemberBatch
from unionportal.orgs.member_resources import MemberResource
from unionportal.orgs.models import Member
from unionportal.orgs.models_members import MemberCount
from unionportal.orgs.workers import worker_profile_save

HEADERS = ["姓名", "身份证号", "手机号", "性别", "出生日期", "入会日期", "工会组织代码"]


def person(n: int) -> str:
    return id_number("420684", date(1970, 1, 1) + timedelta(days=n), n % 500 * 2 + 1)


def true_counts() -> dict[int, int]:
    rows = Member.objects.current().values_list("organisation_id").annotate(n=Count("pk")).order_by()
    return dict(rows)


def kept_counts() -> dict[int, int]:
    return {pk: n for pk, n in MemberCount.objects.values_list("organisation_id", "current") if n}


def assert_counts_true():
    assert kept_counts() == true_counts()


@pytest.fixture
def world(db):
    t = make_tree()
    users = {
        "county": make_user("county_staff", org=t["county_a"], role=Role.STAFF),
        "province": make_user("province_staff", org=t["province"], role=Role.STAFF),
        "sub": make_user("union_sub", org=t["grassroots_a"], role=Role.SUBMITTER),
        "township": make_user("township_staff", org=t["township_a"], role=Role.STAFF),
    }
    return SimpleNamespace(t=t, u=users)


def add(world, n: int, union="grassroots_a", who="county"):
    return members.member_add(
        actor=world.u[who],
        organisation=world.t[union],
        name=f"会员{n}",
        id_number=person(n),
        joined_on=date(2020, 5, 1),
    )


def rows_for(codes: list[str], start: int, count: int, **cells) -> list[list[str]]:
    return [
        [
            cells.get("name", f"导入{n}"),
            person(n),
            cells.get("phone", f"139{n:08d}"),
            "",
            "",
            "2021-05-01",
            codes[n % len(codes)],
        ]
        for n in range(start, start + count)
    ]


def test_adding_transferring_and_leaving_keep_the_counts_true(world):
    a = add(world, 1)
    add(world, 2)
    add(world, 3, union="township_a")
    assert_counts_true()
    assert kept_counts() == {world.t["grassroots_a"].pk: 2, world.t["township_a"].pk: 1}
    members.member_transfer(
        actor=world.u["province"], member_id=a.pk, to_union=world.t["grassroots_b"], on=date(2024, 1, 1)
    )
    assert_counts_true()
    assert kept_counts()[world.t["grassroots_b"].pk] == 1
    b = Member.objects.current().get(organisation=world.t["grassroots_a"])
    members.member_leave(actor=world.u["county"], member_id=b.pk, on=date(2025, 1, 1), reason="退休")
    assert_counts_true()
    assert world.t["grassroots_a"].pk not in kept_counts()


def test_a_refused_write_leaves_the_counts_as_they_were(world):
    a = add(world, 1)
    before = kept_counts()
    with pytest.raises(members.MemberConflict):
        add(world, 1, union="township_a")  # a member of grassroots_a already
    with pytest.raises(ValidationError):  # a transfer before the joining date
        members.member_transfer(
            actor=world.u["county"], member_id=a.pk, to_union=world.t["township_a"], on=date(2000, 1, 1)
        )
    members.member_leave(actor=world.u["county"], member_id=a.pk, on=date(2025, 1, 1), reason="调离")
    with pytest.raises(ValidationError):  # no longer a member: leaving again
        members.member_leave(actor=world.u["county"], member_id=a.pk, on=date(2025, 2, 1), reason="调离")
    assert before == {world.t["grassroots_a"].pk: 1}
    assert_counts_true()


def test_accepting_an_application_counts_the_new_member(world):
    employer = make_enterprise(world.t["township_a"], union=world.t["grassroots_a"], name="有工会公司")
    worker = make_user("w", phone="13900000001")
    worker_profile_save(user=worker, name="孙丽", id_number=person(7), employer=employer)
    application = joining.join_apply(applicant=worker, union_id=world.t["grassroots_a"].pk)
    joining.join_accept(actor=world.u["sub"], application_id=application.pk)
    assert kept_counts() == {world.t["grassroots_a"].pk: 1}
    assert_counts_true()


def test_approving_a_founding_counts_its_first_members_in_the_new_union(world):
    target = make_enterprise(world.t["township_a"], name="新星印务有限公司", employees=40)
    applicant = make_user("app", phone="13900000101", name="黄志刚")
    worker_profile_save(user=applicant, name="黄志刚", id_number=person(10), employer=target)
    first = [{"name": "黄志刚", "id_number": person(10), "phone": "13900000101"}]
    first += [{"name": f"会员{n}", "id_number": person(11 + n), "phone": ""} for n in range(2)]
    data = founding.FoundingInput(
        enterprise=target,
        capacity="worker",
        employees=40,
        committee=[{"name": f"筹备{n}", "job": "职工"} for n in range(3)],
        chair_name="黄志刚",
        chair_job="车间主任",
        first_members=first,
        contact_phone="13900000101",
        note="",
    )
    app = founding.founding_save(applicant=applicant, data=data, submit=True)
    founding.founding_approve(actor=world.u["township"], application_id=app.pk, on=date(2026, 4, 10))
    union = Member.objects.get(id_number=person(10)).organisation
    assert kept_counts() == {union.pk: 3}
    assert_counts_true()


def test_an_import_counts_its_new_rows_and_an_update_or_a_refused_file_changes_no_count(world):
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    with transaction.atomic():
        MemberResource(user=world.u["county"]).run(HEADERS, rows_for(codes, 0, 30), dry_run=False)
    assert kept_counts() == {world.t["grassroots_a"].pk: 15, world.t["township_a"].pk: 15}
    assert_counts_true()
    # The same people again with new phones: updates, no new member.
    with transaction.atomic():
        outcome = MemberResource(user=world.u["county"]).run(
            HEADERS, rows_for(codes, 0, 30, phone="13700000000"), dry_run=False
        )
    assert outcome.counts["changed"] == 30
    assert_counts_true()
    assert sum(kept_counts().values()) == 30
    # A file with one bad row writes nothing, counts included.
    bad = rows_for(codes, 100, 5)
    bad[3][1] = bad[3][1][:17] + ("0" if bad[3][1][17] != "0" else "1")
    with pytest.raises(ImportRejected), transaction.atomic():
        MemberResource(user=world.u["county"]).run(HEADERS, bad, dry_run=False)
    assert sum(kept_counts().values()) == 30
    assert_counts_true()


def test_the_recount_puts_right_rows_written_around_the_services(world):
    add(world, 1)
    union = world.t["grassroots_a"]
    Member.objects.bulk_create(
        [
            Member(
                organisation=union,
                org_path=union.path,
                name=f"直写{n}",
                id_number=person(n),
                joined_on=date(2020, 1, 1),
            )
            for n in range(2, 6)
        ]
    )
    MemberCount.objects.create(organisation=world.t["grassroots_b"], current=7)  # a stale row
    assert kept_counts() != true_counts()
    assert members.member_counts_recount(organisation_ids=[union.pk]) == 1
    assert kept_counts() == {union.pk: 5, world.t["grassroots_b"].pk: 7}
    out = StringIO()
    call_command("recount_members", stdout=out)
    assert "1 union(s) corrected" in out.getvalue()
    assert_counts_true()
    assert members.member_counts_recount() == 0


def test_the_daily_job_recounts_once_a_day(world, settings):
    cache.delete(members.RECOUNT_MARK)
    job = periodic.jobs()["orgs.member_counts_recount"]
    add(world, 1)
    MemberCount.objects.filter(organisation=world.t["grassroots_a"]).update(current=9)
    now = date(2026, 5, 1)
    assert job(now=now) == "1 corrected"
    assert_counts_true()
    MemberCount.objects.filter(organisation=world.t["grassroots_a"]).update(current=9)
    assert job(now=now) == "skipped"  # already ran today
    cache.delete(members.RECOUNT_MARK)


# --- the import's quick path stores what the full checks would ---------------------------------------------


def test_the_quick_path_and_the_full_checks_store_the_same_rows(world, monkeypatch):
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    rows = rows_for(codes, 0, 40)
    for i, row in enumerate(rows):
        if i % 2:  # gender and birth date given, in two spellings
            number = row[1]
            row[3] = "男" if i % 4 == 1 else "male"  # every person() is a man (an odd sequence)
            row[4] = f"{number[6:10]}-{number[10:12]}-{number[12:14]}" if i % 4 == 1 else number[6:14]
        if i % 5 == 0:
            row[2] = ""
    rows[7][0] = "王\\五\t六"  # a backslash and a tab survive the COPY's text format
    fields = ("organisation_id", "org_path", "name", "id_number", "phone", "id_tail", "phone_tail")
    fields += ("gender", "birth_date", "joined_on", "status", "left_on", "user_id")

    def stored():
        return sorted(Member.objects.values_list(*fields))

    with transaction.atomic():
        quick = MemberResource(user=world.u["county"]).run(HEADERS, [list(r) for r in rows], dry_run=False)
    by_quick = stored()
    Member.objects.all().delete()
    MemberCount.objects.all().delete()
    monkeypatch.setattr(MemberBatch, "quick", lambda self, cells, number, now: None)
    with transaction.atomic():
        full = MemberResource(user=world.u["county"]).run(HEADERS, [list(r) for r in rows], dry_run=False)
    assert stored() == by_quick
    assert quick.as_preview() == full.as_preview()
    assert ("王\\五\t六",) in {(r[2],) for r in by_quick}
    assert_counts_true()


def test_a_large_import_goes_in_whole_with_its_tails_and_counts(world):
    # Past COPY_FROM rows: PostgreSQL's COPY (bulk_create on SQLite), in union order, the counts with it.
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    rows = rows_for(codes, 0, 450)
    rows[3][0] = "反斜杠\\名"
    with transaction.atomic():
        outcome = MemberResource(user=world.u["county"]).run(HEADERS, rows, dry_run=False)
    assert outcome.counts["new"] == 450
    assert Member.objects.count() == 450
    assert Member.objects.filter(name="反斜杠\\名").exists()
    m = Member.objects.get(id_number=person(5))
    assert (m.id_tail, m.phone_tail, m.gender, m.org_path) == (
        person(5)[-4:],
        f"{5:08d}"[-4:],
        "male",
        world.t["township_a"].path,
    )
    assert kept_counts() == {world.t["grassroots_a"].pk: 225, world.t["township_a"].pk: 225}


# --- concurrency (PostgreSQL) -----------------------------------------------------------------------------

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_to_one_union_lose_no_count():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks and parallel writers need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")
    t = make_tree()
    staff = make_user("prov", org=t["province"], role=Role.STAFF)
    leaving = [
        members.member_add(
            actor=staff,
            organisation=t["grassroots_a"],
            name=f"旧{n}",
            id_number=person(900 + n),
            joined_on=date(2020, 1, 1),
        )
        for n in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS * 2 + 1)
    crashed = []

    def run(work):
        try:
            barrier.wait(timeout=30)
            work()
        except Exception as exc:  # reported below: the test fails on any
            crashed.append(exc)
        finally:
            connections.close_all()

    jobs = [
        lambda n=n: members.member_add(
            actor=staff,
            organisation=t["grassroots_a"],
            name=f"新{n}",
            id_number=person(n),
            joined_on=date(2021, 1, 1),
        )
        for n in range(THREADS)
    ]
    jobs += [
        lambda m=m: members.member_transfer(
            actor=staff, member_id=m.pk, to_union=t["grassroots_b"], on=date(2024, 1, 1)
        )
        for m in leaving
    ]
    jobs.append(members.member_counts_recount)
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashed == []
    assert kept_counts() == {t["grassroots_a"].pk: THREADS, t["grassroots_b"].pk: THREADS}
    assert_counts_true()
    assert Member.objects.filter(status=MemberStatus.TRANSFERRED_OUT).count() == THREADS


def test_a_long_file_with_one_row_for_the_full_checks_goes_through_them_whole(world):
    # On PostgreSQL a long file is streamed into COPY while it is read; a row the quick path leaves to
    # the full checks (here an update, last) takes the file back to the savepoint and through them.
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    known = add(world, 5000)
    rows = rows_for(codes, 0, 2400)
    rows.append(
        ["会员5000", known.id_number, "13711112222", "", "", "2020-05-01", world.t["grassroots_a"].code]
    )
    with transaction.atomic():
        outcome = MemberResource(user=world.u["county"]).run(HEADERS, rows, dry_run=False)
    assert (outcome.counts["new"], outcome.counts["changed"]) == (2400, 1)
    assert Member.objects.count() == 2401
    assert Member.objects.get(pk=known.pk).phone == "13711112222"
    assert_counts_true()
    assert sum(kept_counts().values()) == 2401


def test_a_long_file_with_a_bad_last_row_writes_nothing(world):
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    rows = rows_for(codes, 0, 2400)
    rows[-1][5] = "下个月"
    with pytest.raises(ImportRejected) as caught, transaction.atomic():
        MemberResource(user=world.u["county"]).run(HEADERS, rows, dry_run=False)
    assert caught.value.outcome.errors == [
        "第 2401 行：入会日期：“下个月”不是有效的日期（例如 2020-05-01）。"
    ]
    assert Member.objects.count() == 0
    assert kept_counts() == {}


def test_a_long_file_of_new_people_is_streamed_whole(world):
    codes = [world.t["grassroots_a"].code, world.t["township_a"].code]
    rows = rows_for(codes, 0, 2400)
    with transaction.atomic():
        outcome = MemberResource(user=world.u["county"]).run(HEADERS, rows, dry_run=False)
    assert outcome.counts["new"] == 2400 and not outcome.has_errors
    assert [r["row"] for r in outcome.as_preview()["rows"]][:3] == [2, 3, 4]
    assert kept_counts() == {world.t["grassroots_a"].pk: 1200, world.t["township_a"].pk: 1200}
    assert_counts_true()
