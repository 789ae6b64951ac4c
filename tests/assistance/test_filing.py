"""The one filing rule (services.FilingRule) on a batch, and the one write behind it (households_file)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assistance import bulk, services
from assistance.enums import Category, HouseholdState
from assistance.models import Household, HouseholdMember
from tests.assistance.factories import MEMBERS, household_fields, id_number, ledger
from unionportal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return ledger()


def filing(enterprise, n, members=(), claimed="", **overrides) -> services.Filing:
    return services.Filing(enterprise, household_fields(n, **overrides), [dict(m) for m in members], claimed)


def test_a_batch_is_checked_household_by_household_with_the_forms_messages(world):
    bad_id = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    filings = services.households_check(
        actor=world.staff_a,
        filings=[
            filing(world.enterprise, 1, MEMBERS),
            filing(world.enterprise, 2, gender="male"),  # the 17th digit is even: female
            filing(world.enterprise, 3, id_number=bad_id),
            filing(world.other, 1, worker_name="又一次"),  # the worker of the first household again
            filing(world.enterprise_b, 5),  # county b: outside county a's staff scope
            filing(world.enterprise, 6, sudden_cause_on=timezone.localdate() + timedelta(days=1)),
            filing(world.enterprise, 7, claimed=Category.DEEP),  # 1,200 alone: not below the line
            filing(world.enterprise, 8, members=[{"name": "孩子", "relation": "child", "age": 130}]),
            filing(world.enterprise, 9, worker_name="名" * 61, job_status=""),
        ],
    )
    assert [(f.errors, f.member_errors) for f in filings] == [
        ({}, []),
        ({"gender": ["性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。"]}, []),
        ({"id_number": ["身份证号校验位不正确，请核对。"]}, []),
        ({"id_number": ["与第 1 行是同一职工，一名职工只能有一份在档的困难职工档案。"]}, []),
        ({"enterprise": ["该企业不在您的帮扶范围内。"]}, []),
        ({"sudden_cause_on": ["突发致困日期不能晚于今天。"]}, []),
        (
            {
                "category": [
                    "填写的类别“深度困难”与收入和认定标准不符：家庭人均月收入 1,200.00 元，"
                    "低于 2 × 低保线 650.00 元 = 1,300.00 元，且有致困原因，认定为相对困难。"
                ]
            },
            [],
        ),
        ({}, [(0, "age", "年龄应为 0 到 120 之间的整数。")]),
        ({"worker_name": ["职工姓名不能超过 60 个字。"], "job_status": ["请填写就业状态。"]}, []),
    ]
    assert filings[4].out_of_scope and not filings[1].out_of_scope
    first = filings[0]
    assert (first.assessment.category, first.as_row()["per_capita_income"]) == (
        Category.DEEP,
        Decimal("400.00"),
    )
    assert first.members[1] == {  # completed with the defaults
        "name": "孩子",
        "relation": "child",
        "age": 15,
        "health": "healthy",
        "schooling": "junior",
        "monthly_income": Decimal("0"),
    }
    assert not Household.objects.exists()


def test_a_blank_gender_is_taken_from_the_id_number(world):
    household = services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=[], **household_fields(2, gender="")
    )
    assert household.gender == "female"


def test_a_gender_contradicting_the_id_number_is_refused_by_the_service_too(world):
    with pytest.raises(ValidationError) as caught:
        services.household_create(
            actor=world.cadre, enterprise=world.enterprise, members=[], **household_fields(2, gender="male")
        )
    assert caught.value.message_dict == {
        "gender": ["性别与身份证号不符（身份证号第 17 位奇数为男、偶数为女）。"]
    }


def test_checking_a_batch_costs_the_same_queries_for_one_household_and_for_fifty(
    world, django_assert_max_num_queries, django_assert_num_queries
):
    def check(n):
        return services.households_check(
            actor=world.staff_a,
            filings=[filing(world.enterprise if i % 2 else world.other, i, MEMBERS) for i in range(1, n + 1)],
        )

    check(1)  # the actor's scope is then known
    with django_assert_max_num_queries(5) as one:
        check(1)
    with django_assert_num_queries(len(one)):
        assert all(f.ok for f in check(50))


def saved_the_ordinary_way(values: dict, members: list[dict]) -> Household:
    """What Household.save (and HouseholdMember.save) would store for the same values."""
    household = Household(**{k: v for k, v in values.items() if k != "org_path"})
    household.save()
    for member in members:
        HouseholdMember.objects.create(
            household=household, **{k: v for k, v in member.items() if k != "household_id"}
        )
    return household


def stored(household: Household) -> dict:
    row = {f.attname: getattr(household, f.attname) for f in Household._meta.concrete_fields}
    for name in ("id", "id_number", "worker_name", "created_at", "updated_at"):
        row.pop(name)
    return row


@pytest.mark.parametrize("many", [False, True], ids=["bulk_create", "large batch (COPY on PostgreSQL)"])
def test_the_bulk_write_stores_what_save_would(world, many):
    count = bulk.COPY_FROM if many else 1
    filings = services.households_check(
        actor=world.staff_a, filings=[filing(world.enterprise, n, MEMBERS) for n in range(1, count + 1)]
    )
    before = timezone.now()
    with pytest.raises(ValueError):
        services.households_file(actor=world.staff_a, filings=[filing(world.enterprise, 999)])  # unchecked
    assert services.households_file(actor=world.staff_a, filings=filings) == count
    written = Household.objects.select_related("organisation").get(pk=filings[-1].pk)
    assert written.org_path == world.tree["grassroots_a"].path == written.organisation.path
    assert before <= written.created_at <= written.updated_at <= timezone.now()
    assert (written.state, written.applied_on, written.created_by) == (
        HouseholdState.APPLIED,
        timezone.localdate(),
        world.staff_a,
    )
    assert written.cadre == world.cadre  # the enterprise's responsible cadre
    members = list(written.members.values("name", "relation", "age", "health", "schooling", "monthly_income"))
    Household.objects.filter(pk=written.pk).update(state=HouseholdState.EXITED)  # its ID number is free again
    values = {**filings[-1].as_row(), "id_number": id_number(1, born="19700101")}
    same = saved_the_ordinary_way(values, filings[-1].members)
    assert stored(written) | {"state": "applied"} == stored(same)
    assert members == list(
        same.members.values("name", "relation", "age", "health", "schooling", "monthly_income")
    )
    assert HouseholdMember.objects.filter(household__in=[f.pk for f in filings]).count() == 2 * count
    events = AuditEvent.objects.filter(action="assistance.household.create", object_id=str(written.pk))
    assert [(e.org_path, e.to_state, e.comment) for e in events] == [
        (written.org_path, "applied", written.category_explanation)
    ]
    if many and connection.vendor == "postgresql":
        # The ids came from the table's sequence: the next ordinary insert follows them.
        assert same.pk > max(f.pk for f in filings)


def test_a_row_with_a_field_the_model_lacks_is_refused(world):
    (checked,) = services.households_check(actor=world.staff_a, filings=[filing(world.enterprise, 1)])
    with pytest.raises(TypeError):
        services.households_write([{**checked.as_row(), "colour": "red"}])
