from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from assistance import services
from assistance.enums import Category, HouseholdState
from assistance.models import Household, Threshold
from assistance.reminders import plan_follow_up_reminders, verification_reminders, yearly_reviews
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, id_number, ledger
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return ledger()


def file(world, n=1, members=MEMBERS, actor=None, **overrides):
    return services.household_create(
        actor=actor or world.cadre,
        enterprise=world.enterprise,
        members=members,
        **household_fields(n, **overrides),
    )


def test_category_is_derived_from_the_county_line_and_explained(world):
    # 1,200 for three people = 400 a head, below 宜城's line of 650.
    household = file(world)
    assert household.per_capita_income == Decimal("400.00")
    assert household.category == Category.DEEP
    assert (
        household.category_explanation
        == "家庭人均月收入 400.00 元，低于County a低保线 650.00 元，认定为深度困难。"
    )
    assert household.organisation == world.tree["grassroots_a"]
    assert household.verify_due_on > household.applied_on


@pytest.mark.parametrize(
    ("income", "causes", "sudden_days_ago", "expected"),
    [
        (Decimal("1800"), ["illness"], None, Category.DEEP),  # 600 a head < 650
        (Decimal("3000"), ["schooling"], None, Category.RELATIVE),  # 1,000 < 2 × 650 with a cause
        (Decimal("3000"), [], None, Category.NONE),  # below 1,300 but no cause
        (Decimal("6000"), ["accident"], 30, Category.ACCIDENT),  # 2,000 a head, sudden cause a month ago
        (Decimal("6000"), ["accident"], 400, Category.NONE),  # the accident is older than 12 months
        (Decimal("6000"), ["illness"], None, Category.NONE),
    ],
)
def test_categories(world, income, causes, sudden_days_ago, expected):
    sudden = timezone.localdate() - timedelta(days=sudden_days_ago) if sudden_days_ago else None
    household = file(world, worker_income=income, causes=causes, sudden_cause_on=sudden)
    assert household.category == expected


def test_changing_the_county_line_changes_the_derived_category(world):
    household = file(world, worker_income=Decimal("3000"), causes=["schooling"])
    assert household.category == Category.RELATIVE
    Threshold.objects.filter(organisation=world.tree["county_a"]).update(dibao_line=Decimal("1100"))
    household = services.household_update(actor=world.staff_a, household=household)
    assert household.category == Category.DEEP
    assert "低于County a低保线 1,100.00 元" in household.category_explanation


def test_a_category_contradicting_income_and_thresholds_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        file(world, claimed_category=Category.RELATIVE)
    assert excinfo.value.message_dict["category"] == [
        "填写的类别“相对困难”与收入和认定标准不符：家庭人均月收入 400.00 元，低于County a低保线 650.00 元，认定为深度困难。"
    ]
    assert Household.objects.count() == 0


def test_one_active_file_per_worker_in_the_whole_province(world):
    file(world, n=7)
    with pytest.raises(ValidationError) as excinfo:
        services.household_create(
            actor=world.staff_b, enterprise=world.enterprise_b, members=[], **household_fields(7)
        )
    assert "该职工已有一份在档的困难职工档案，不能重复建档。" in str(excinfo.value)
    assert Household.objects.count() == 1


def test_a_closed_file_allows_a_new_one(world):
    first = file(world, n=8)
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=first.pk, to=to)
    household_transition(actor=world.staff_a, household_id=first.pk, to="exited", comment="调离本省")
    second = file(world, n=8)
    assert second.state == HouseholdState.APPLIED


def test_invalid_id_number_is_refused(world):
    bad = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    with pytest.raises(ValidationError) as excinfo:
        file(world, id_number=bad)
    assert excinfo.value.message_dict["id_number"] == ["身份证号校验位不正确，请核对。"]


def test_an_enterprise_outside_the_users_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.household_create(
            actor=world.cadre, enterprise=world.enterprise_b, members=[], **household_fields(9)
        )
    assert Household.objects.count() == 0


def test_identification_path_audit_and_notifications(world):
    household = file(world)
    household_transition(actor=world.cadre, household_id=household.pk, to="verified")
    with pytest.raises(TransitionError) as excinfo:
        household_transition(actor=world.cadre, household_id=household.pk, to="appraised")
    assert excinfo.value.message == "您无权执行此操作。"
    for to in ("appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    assert household.state == HouseholdState.FILED and household.filed_on == timezone.localdate()
    assert list(
        AuditEvent.objects.filter(action="assistance.household.transition")
        .order_by("id")
        .values_list("from_state", "to_state")
    ) == [("applied", "verified"), ("verified", "appraised"), ("appraised", "noticed"), ("noticed", "filed")]
    assert Notification.objects.filter(recipient=world.cadre, subject="职工1 家已建档立卡").exists()

    measure = services.measure_add(
        actor=world.cadre,
        household=household,
        type="medical",
        form="cash",
        amount=Decimal("2000"),
        given_on=timezone.localdate(),
        fund_source="union",
        giver="宜城市总工会",
    )
    household.refresh_from_db()
    assert household.state == HouseholdState.ASSISTED
    assert measure.amount == Decimal("2000")


def test_transition_out_of_order_changes_nothing(world):
    household = file(world)
    with pytest.raises(TransitionError) as excinfo:
        household_transition(actor=world.staff_a, household_id=household.pk, to="exited", comment="x")
    assert excinfo.value.message == "不能从“已申请”变为“已退档”。"
    household.refresh_from_db()
    assert household.state == HouseholdState.APPLIED


def test_a_household_that_does_not_qualify_cannot_be_filed(world):
    household = file(world, worker_income=Decimal("9000"), causes=[])
    for to in ("verified", "appraised", "noticed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    with pytest.raises(TransitionError) as excinfo:
        household_transition(actor=world.staff_a, household_id=household.pk, to="filed")
    assert excinfo.value.message.startswith("该家庭按现行标准不符合建档条件，不能建档：")


def test_out_of_scope_users_get_404(world):
    household = file(world)
    for user in (world.staff_b, world.submitter_b):
        with pytest.raises(Http404):
            household_transition(actor=user, household_id=household.pk, to="verified")
    assert Household.objects.visible_to(world.staff_b).count() == 0
    assert Household.objects.visible_to(world.submitter_b).count() == 0
    assert Household.objects.visible_to(world.cadre).count() == 1
    assert Household.objects.visible_to(world.staff_a).count() == 1


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("200001")])
def test_negative_or_absurd_measure_amount_is_refused(world, amount):
    household = file(world)
    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.measure_add(
            actor=world.cadre,
            household=household,
            type="living",
            form="cash",
            amount=amount,
            given_on=timezone.localdate(),
            fund_source="union",
            giver="工会",
        )
    assert "amount" in excinfo.value.message_dict
    household.refresh_from_db()
    assert household.state == HouseholdState.FILED


def test_reminders_are_sent_once(world):
    household = file(world)
    later = timezone.now() + timedelta(days=14)
    assert verification_reminders(now=later) == 1
    assert verification_reminders(now=later) == 0

    for to in ("verified", "appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    services.plan_item_add(
        actor=world.cadre,
        household=household,
        action="联系医保报销",
        follow_up_on=timezone.localdate() + timedelta(days=3),
    )
    assert plan_follow_up_reminders(now=timezone.now()) == 0
    assert plan_follow_up_reminders(now=later) == 1
    assert plan_follow_up_reminders(now=later) == 0

    next_year = timezone.now() + timedelta(days=400)
    assert yearly_reviews(now=next_year) == 1
    assert yearly_reviews(now=next_year) == 0
    subjects = set(Notification.objects.filter(recipient=world.cadre).values_list("subject", flat=True))
    assert "帮扶计划到期：职工1 家——联系医保报销" in subjects


def test_any_paired_cadre_may_verify_and_record_measures(world):
    from tests.factories import Role, make_user

    helper = make_user("helper_cadre", org=world.tree["county_a"], role=Role.CADRE)
    world.drive.cadres.add(helper)
    household = file(world)
    household_transition(actor=helper, household_id=household.pk, to="verified")
    for to in ("appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    services.measure_add(
        actor=helper,
        household=household,
        type="living",
        form="cash",
        amount=Decimal("500"),
        given_on=timezone.localdate(),
        fund_source="union",
        giver="工会",
    )
    household.refresh_from_db()
    assert household.state == HouseholdState.ASSISTED


def test_home_shows_staff_the_households_waiting_for_their_step(world, client):
    household = file(world)
    household_transition(actor=world.cadre, household_id=household.pk, to="verified")
    client.force_login(world.staff_a)
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos["待评议、公示或建档的困难家庭"] == 1
    client.force_login(world.cadre)
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert "待评议、公示或建档的困难家庭" not in todos
