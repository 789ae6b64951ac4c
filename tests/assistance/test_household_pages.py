"""The household pages through the test client: filing with members, masking and reveal, scope (404),
the identification path, measures, the plan, the yearly review and the history."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import services
from assistance.enums import Category, HouseholdState
from assistance.models import Household, HouseholdMember, Measure, PlanItem, Threshold, YearlyReview
from assistance.workflows import household_transition
from tests.assistance.factories import MEMBERS, household_fields, id_number, ledger
from unionportal.accounts.validators import gender_from_id, mask_id_number
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION

pytestmark = pytest.mark.django_db

DUPLICATE = "该职工已有一份在档的困难职工档案，不能重复建档。"


@pytest.fixture
def world():
    return ledger()


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def text(response) -> str:
    """The page without tags, whitespace collapsed: what a reader sees."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def members_data(members, *, prefix="members", extra_blank=1, initial=0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(members) + extra_blank),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"{prefix}-{i}-{key}"] = str(value)
    # An untouched extra row carries the model defaults the page rendered.
    for i in range(len(members), len(members) + extra_blank):
        data.update({f"{prefix}-{i}-health": "healthy", f"{prefix}-{i}-schooling": "none"})
        data[f"{prefix}-{i}-monthly_income"] = "0"
    return data


TWO_MEMBERS = [
    {
        "name": "张秀兰",
        "relation": "spouse",
        "age": 45,
        "health": "serious",
        "schooling": "none",
        "monthly_income": "0",
    },
    {
        "name": "刘洋",
        "relation": "child",
        "age": 15,
        "health": "healthy",
        "schooling": "junior",
        "monthly_income": "0",
    },
]


def form_data(enterprise, n=1, *, members=TWO_MEMBERS, **overrides) -> dict:
    number = overrides.pop("id_number", id_number(n))
    data = {
        "enterprise": str(enterprise.pk),
        "worker_name": f"职工{n}",
        "id_number": number,
        "gender": gender_from_id(id_number(n)),
        "phone": "13800001234",
        "job_status": "laid_off",
        "worker_income": "1200",
        "causes": ["illness"],
        "sudden_cause_on": "",
        "claimed_category": "",
    }
    data.update(overrides)
    data.update(members_data(members))
    return data


def file(world, n=1, actor=None, **overrides) -> Household:
    fields = household_fields(n, **overrides)
    fields["gender"] = gender_from_id(fields["id_number"])
    return services.household_create(
        actor=actor or world.cadre,
        enterprise=world.enterprise,
        members=MEMBERS,
        **fields,
    )


def walk_to_filed(world, household):
    household_transition(actor=world.cadre, household_id=household.pk, to="verified")
    for to in ("appraised", "noticed", "filed"):
        household_transition(actor=world.staff_a, household_id=household.pk, to=to)
    household.refresh_from_db()
    return household


def url(name, household, *args):
    return reverse(f"assistance:{name}", args=[household.pk, *args])


# --- filing ---------------------------------------------------------------------------------------------


def test_cadre_files_a_household_with_two_members_and_sees_the_derived_category(world, as_user):
    client = as_user(world.cadre)
    page = client.get(reverse("assistance:household_create"))
    assert page.status_code == 200
    # Only the enterprises the cadre covers are offered.
    choices = [str(label) for _value, label in page.context["form"].fields["enterprise"].choices]
    assert "宜城水晶厂" in choices and "夷陵磷化" not in choices
    assert page.context["formset"].total_form_count() == 2

    response = client.post(reverse("assistance:household_create"), form_data(world.enterprise), follow=True)
    household = Household.objects.get()
    assert response.redirect_chain[-1][0] == url("household", household)
    assert household.state == HouseholdState.APPLIED
    assert household.category == Category.DEEP
    assert household.per_capita_income == Decimal("400.00")
    assert list(household.members.values_list("name", flat=True)) == ["张秀兰", "刘洋"]
    assert household.cadre == world.cadre  # the enterprise's responsible cadre
    body = text(response)
    assert "家庭人均月收入 400.00 元，低于County a低保线 650.00 元，认定为深度困难。" in body
    assert "深度困难" in body
    assert "张秀兰" in body and "刘洋" in body
    # The record masks the ID number and phone.
    assert id_number(1) not in response.content.decode()
    assert mask_id_number(id_number(1)) in body
    assert "138****1234" in body
    assert AuditEvent.objects.filter(
        action="assistance.household.create", object_id=str(household.pk)
    ).exists()


def test_the_cadres_claimed_category_is_accepted_when_it_matches(world, as_user):
    client = as_user(world.cadre)
    client.post(reverse("assistance:household_create"), form_data(world.enterprise, claimed_category="deep"))
    assert Household.objects.get().category == Category.DEEP


def test_an_id_number_with_a_bad_checksum_is_refused_next_to_the_field(world, as_user):
    good = id_number(3)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = as_user(world.cadre).post(
        reverse("assistance:household_create"), form_data(world.enterprise, 3, id_number=bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["身份证号校验位不正确，请核对。"]
    assert "身份证号校验位不正确，请核对。" in text(response)
    assert Household.objects.count() == 0 and HouseholdMember.objects.count() == 0


def test_a_second_active_file_for_the_same_worker_is_refused_and_nothing_saved(world, as_user):
    file(world, 4)
    response = as_user(world.staff_a).post(reverse("assistance:household_create"), form_data(world.other, 4))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [DUPLICATE]
    assert DUPLICATE in text(response)
    assert Household.objects.count() == 1
    assert HouseholdMember.objects.count() == 2  # only the first file's members


def test_a_claimed_category_that_contradicts_income_gets_the_explanation(world, as_user):
    response = as_user(world.cadre).post(
        reverse("assistance:household_create"), form_data(world.enterprise, claimed_category="relative")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["claimed_category"] == [
        "填写的类别“相对困难”与收入和认定标准不符：家庭人均月收入 400.00 元，低于County a低保线 650.00 元，认定为深度困难。"
    ]
    assert Household.objects.count() == 0


def test_a_forged_enterprise_outside_the_scope_is_refused(world, as_user):
    response = as_user(world.cadre).post(
        reverse("assistance:household_create"), form_data(world.enterprise_b)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    assert Household.objects.count() == 0


def test_gender_must_match_the_id_number_and_member_income_cannot_be_negative(world, as_user):
    members = [dict(TWO_MEMBERS[0], monthly_income="-5")]
    data = form_data(world.enterprise, 1, members=members, gender="female")
    response = as_user(world.cadre).post(reverse("assistance:household_create"), data)
    assert "性别与身份证号不符" in response.context["form"].errors["gender"][0]
    assert response.context["formset"].forms[0].errors["monthly_income"] == ["确保该值大于或等于0。"]
    assert Household.objects.count() == 0


def test_users_without_drive_enterprises_cannot_file(world, as_user):
    assert as_user(world.submitter_b).get(reverse("assistance:household_create")).status_code == 403


def test_edit_keeps_the_id_number_when_left_blank_and_derives_the_category_again(world, as_user):
    household = file(world)
    client = as_user(world.cadre)
    page = client.get(url("household_edit", household))
    assert page.status_code == 200
    assert id_number(1) not in page.content.decode()  # personal data is not put into the form
    formset = page.context["formset"]
    assert formset.initial_form_count() == 2 and formset.total_form_count() == 4  # 2 members + 2 extra
    assert [f.initial["name"] for f in formset.initial_forms] == ["配偶", "孩子"]
    data = form_data(world.enterprise, id_number="", phone="", worker_income="3000", causes=["schooling"])
    del data["enterprise"]
    data.update(members_data(TWO_MEMBERS, extra_blank=2, initial=2))
    response = client.post(url("household_edit", household), data, follow=True)
    household.refresh_from_db()
    assert household.id_number == id_number(1) and household.phone == "13800001234"
    assert household.category == Category.RELATIVE  # 1,000 a head, below 2 × 650, with a cause
    assert "认定为相对困难" in text(response)
    event = AuditEvent.objects.get(action="assistance.household.update")
    assert [Decimal(v) for v in event.changes["worker_income"]] == [Decimal("1200"), Decimal("3000")]
    assert "id_number" not in event.changes


def test_edit_can_remove_a_member(world, as_user):
    household = file(world)
    data = form_data(world.enterprise, id_number="", phone="")
    del data["enterprise"]
    data.update(members_data(TWO_MEMBERS, extra_blank=0, initial=2))
    data["members-1-DELETE"] = "on"
    as_user(world.cadre).post(url("household_edit", household), data)
    assert list(household.members.values_list("name", flat=True)) == ["张秀兰"]
    household.refresh_from_db()
    assert household.per_capita_income == Decimal("600.00")


# --- list, masking, scope -------------------------------------------------------------------------------


def test_list_masks_and_scopes(world, as_user):
    household = file(world, phone="13912345678")
    response = as_user(world.staff_a).get(reverse("assistance:households"))
    html = response.content.decode()
    assert household.worker_name in html
    assert mask_id_number(id_number(1)) in html and id_number(1) not in html
    assert "139****5678" in html and "13912345678" not in html
    assert "去产能" in html  # the enterprise is in capacity cutting
    assert 'data-label="身份证号"' in html

    for outsider in (world.staff_b, world.submitter_b):
        client = as_user(outsider)
        assert household.worker_name not in client.get(reverse("assistance:households")).content.decode()
        for name in ("household", "household_edit", "measure_create", "plan_item_create", "yearly_review"):
            assert client.get(url(name, household)).status_code == 404, name
        for name in ("household_transition", "household_reveal"):
            response = client.post(url(name, household), {"to": "verified", "reason": "核对身份信息"})
            assert response.status_code == 404, name
    household.refresh_from_db()
    assert household.state == HouseholdState.APPLIED
    assert not AuditEvent.objects.filter(action=REVEAL_ACTION).exists()


def test_list_filters(world, as_user):
    a = file(world, 1)
    b = services.household_create(
        actor=world.cadre,
        enterprise=world.other,
        members=[],
        **dict(
            household_fields(2, worker_name="李四", worker_income=Decimal("1000"), causes=["schooling"]),
            gender=gender_from_id(id_number(2)),
        ),
    )
    walk_to_filed(world, a)
    client = as_user(world.staff_a)

    def names(**params):
        response = client.get(reverse("assistance:households"), params)
        return [h.worker_name for h in response.context["page"].object_list]

    assert sorted(names()) == sorted([a.worker_name, b.worker_name])
    assert names(state="filed") == [a.worker_name]
    assert names(category="relative") == [b.worker_name]
    assert names(enterprise=world.other.pk) == [b.worker_name]
    assert names(capacity_cutting="1") == [a.worker_name]
    assert names(capacity_cutting="0") == [b.worker_name]
    assert names(q="李") == [b.worker_name]


def test_list_query_count_does_not_grow_with_households(
    world, as_user, django_assert_max_num_queries, settings
):
    settings.STAFF_FRAGMENT_CACHE = False  # the page as rendered (the cached one: tests/test_fragments.py)
    client = as_user(world.staff_a)
    file(world, 1)
    client.get(reverse("assistance:households"))  # warm the session and content-type caches
    with django_assert_max_num_queries(10) as one:
        client.get(reverse("assistance:households"))
    for n in range(2, 31):
        file(world, n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("assistance:households"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30


# --- reveal ---------------------------------------------------------------------------------------------


def test_reveal_needs_a_reason_shows_the_value_once_and_is_logged(world, as_user):
    household = file(world)
    client = as_user(world.staff_a)
    short = client.post(url("household_reveal", household), {"field": "id_number", "reason": "看看"})
    assert short.status_code == 200
    assert short.context["reveal_form"].errors["reason"] == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert id_number(1) not in short.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL_ACTION).exists()

    response = client.post(
        url("household_reveal", household), {"field": "id_number", "reason": "核对低保申报材料"}
    )
    assert response.status_code == 200
    assert id_number(1) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=REVEAL_ACTION)
    assert event.actor == world.staff_a
    assert event.comment == "核对低保申报材料"
    assert event.changes == {"field": "id_number"}
    # Once: the record itself is masked again, and the history says who looked and why.
    again = client.get(url("household", household))
    assert id_number(1) not in again.content.decode()
    assert "查看完整个人信息" in text(again) and "查看字段：身份证号" in text(again)
    assert "核对低保申报材料" in text(again)

    phone = client.post(url("household_reveal", household), {"field": "phone", "reason": "电话回访核实"})
    assert "13800001234" in phone.content.decode()
    assert client.get(url("household_reveal", household)).status_code == 405


# --- the identification path ----------------------------------------------------------------------------


def test_a_transition_out_of_order_gets_a_message_and_changes_nothing(world, as_user):
    household = file(world)
    response = as_user(world.staff_a).post(
        url("household_transition", household),
        {"to": "exited", "expected_from": "applied", "comment": "调离本省"},
        follow=True,
    )
    assert response.status_code == 200
    assert page_messages(response) == ["不能从“已申请”变为“已退档”。"]
    household.refresh_from_db()
    assert household.state == HouseholdState.APPLIED
    assert not AuditEvent.objects.filter(action="assistance.household.transition").exists()


def test_walk_applied_to_filed_as_the_right_users(world, as_user):
    household = file(world)
    client = as_user(world.cadre)
    page = client.get(url("household", household))
    assert [m["to"] for m in page.context["moves"]] == ["verified"]  # the cadre verifies at home

    refused = client.post(
        url("household_transition", household), {"to": "appraised", "expected_from": "applied"}, follow=True
    )
    assert page_messages(refused) == ["不能从“已申请”变为“已民主评议”。"]
    client.post(url("household_transition", household), {"to": "verified", "expected_from": "applied"})
    household.refresh_from_db()
    assert household.state == HouseholdState.VERIFIED

    # The cadre may not appraise; the union's staff may.
    cadre_try = client.post(
        url("household_transition", household), {"to": "appraised", "expected_from": "verified"}, follow=True
    )
    assert page_messages(cadre_try)[-1] == "您无权执行此操作。"

    client = as_user(world.staff_a)
    page = client.get(url("household", household))
    moves = {m["to"]: m for m in page.context["moves"]}
    assert set(moves) == {"appraised", "rejected"}
    assert moves["rejected"]["needs_comment"] and not moves["appraised"]["needs_comment"]
    assert 'name="comment"' in page.content.decode()
    for source, target in (("verified", "appraised"), ("appraised", "noticed"), ("noticed", "filed")):
        response = client.post(
            url("household_transition", household), {"to": target, "expected_from": source}, follow=True
        )
        assert response.status_code == 200
    household.refresh_from_db()
    assert household.state == HouseholdState.FILED
    assert household.filed_on == timezone.localdate()
    body = text(client.get(url("household", household)))
    assert "已在单位公示 → 已建档" in body
    assert "已申请 → 已入户核实" in body


def test_a_stale_page_is_told_instead_of_acting(world, as_user):
    household = file(world)
    household_transition(actor=world.cadre, household_id=household.pk, to="verified")
    response = as_user(world.staff_a).post(
        url("household_transition", household),
        {"to": "rejected", "expected_from": "applied", "comment": "不符合条件"},
        follow=True,
    )
    assert page_messages(response) == ["该记录已被他人处理，当前状态为“已入户核实”，请刷新后再操作。"]
    household.refresh_from_db()
    assert household.state == HouseholdState.VERIFIED


def test_a_closing_move_needs_a_reason(world, as_user):
    household = file(world)
    client = as_user(world.staff_a)
    response = client.post(
        url("household_transition", household), {"to": "rejected", "expected_from": "applied"}, follow=True
    )
    assert page_messages(response) == ["请填写理由。"]
    client.post(
        url("household_transition", household),
        {"to": "rejected", "expected_from": "applied", "comment": "人均收入超过标准"},
    )
    household.refresh_from_db()
    assert household.state == HouseholdState.REJECTED
    assert household.closed_reason == "人均收入超过标准"


# --- measures and plan ----------------------------------------------------------------------------------


def measure_data(**overrides):
    data = {
        "type": "medical",
        "form": "cash",
        "amount": "3000",
        "given_on": timezone.localdate().isoformat(),
        "fund_source": "union",
        "giver": "宜城市总工会",
        "note": "",
    }
    data.update(overrides)
    return data


def test_measures_only_for_filed_households_amount_checked_first_one_assists(world, as_user):
    household = file(world)
    client = as_user(world.cadre)
    early = client.post(url("measure_create", household), measure_data())
    assert "只有已建档的家庭才能登记帮扶措施。" in text(early)
    assert not Measure.objects.exists()

    walk_to_filed(world, household)
    page = client.get(url("household", household))
    assert page.context["can_add_measure"]
    assert 'id="measure-form"' in page.content.decode()

    negative = client.post(url("measure_create", household), measure_data(amount="-100"))
    assert negative.context["form"].errors["amount"] == ["确保该值大于或等于0。"]
    absurd = client.post(url("measure_create", household), measure_data(amount="5000000"))
    assert absurd.context["form"].errors["amount"] == ["确保该值小于或等于200000。"]
    assert not Measure.objects.exists()

    response = client.post(url("measure_create", household), measure_data(), follow=True)
    assert page_messages(response) == ["已登记帮扶措施。"]
    household.refresh_from_db()
    assert household.state == HouseholdState.ASSISTED
    assert Measure.objects.get().recorded_by == world.cadre
    body = text(response)
    assert "医疗救助" in body and "3000.00" in body
    assert "已建档 → 帮扶中" in body


def test_plan_item_add_and_done(world, as_user):
    household = walk_to_filed(world, file(world))
    client = as_user(world.cadre)
    follow_up = timezone.localdate() + timedelta(days=14)
    response = client.post(
        url("plan_item_create", household),
        {"action": "联系人社局安排技能培训", "follow_up_on": follow_up.isoformat()},
        follow=True,
    )
    item = PlanItem.objects.get()
    assert item.follow_up_on == follow_up and item.created_by == world.cadre
    assert "联系人社局安排技能培训" in text(response)
    assert f'id="plan-done-{item.pk}"' in response.content.decode()

    missing_date = client.post(url("plan_item_create", household), {"action": "回访"})
    assert "follow_up_on" in missing_date.context["form"].errors

    done = client.post(url("plan_item_done", household, item.pk), follow=True)
    assert page_messages(done) == ["已标记完成：联系人社局安排技能培训"]
    item.refresh_from_db()
    assert item.done_on == timezone.localdate()
    again = client.post(url("plan_item_done", household, item.pk), follow=True)
    assert page_messages(again)[0].startswith("该帮扶计划已于")
    assert AuditEvent.objects.filter(action="assistance.plan.done").count() == 1
    assert client.get(url("plan_item_done", household, item.pk)).status_code == 405


def test_a_plan_item_of_another_household_is_404(world, as_user):
    first = file(world, 1)
    second = file(world, 2)
    item = services.plan_item_add(
        actor=world.cadre, household=second, action="回访", follow_up_on=timezone.localdate()
    )
    response = as_user(world.cadre).post(url("plan_item_done", first, item.pk))
    assert response.status_code == 404


# --- yearly review --------------------------------------------------------------------------------------


def test_yearly_review_confirms_or_changes_the_category(world, as_user):
    household = walk_to_filed(world, file(world, worker_income=Decimal("3000"), causes=["schooling"]))
    assert household.category == Category.RELATIVE
    client = as_user(world.cadre)
    assert client.get(url("yearly_review", household), follow=True).status_code == 200  # none open yet
    today = timezone.localdate()
    review = YearlyReview.objects.create(
        household=household, year=today.year, requested_on=today, category_before=household.category
    )
    page = client.get(url("household", household))
    assert page.context["review"] == review
    # The county raised its line: the same income is now deep hardship.
    Threshold.objects.filter(organisation=world.tree["county_a"]).update(dibao_line=Decimal("1100"))
    form_page = client.get(url("yearly_review", household))
    assert form_page.context["form"].initial["category"] == Category.DEEP
    assert "低于County a低保线 1,100.00 元" in text(form_page)

    stale = client.post(url("yearly_review", household), {"category": "relative"})
    assert stale.context["form"].errors["category"][0].startswith("填写的类别“相对困难”与收入和认定标准不符")
    review.refresh_from_db()
    assert review.done_on is None

    response = client.post(url("yearly_review", household), {"category": "deep"}, follow=True)
    assert page_messages(response) == [f"已完成 {today.year} 年度复核：深度困难。"]
    review.refresh_from_db()
    household.refresh_from_db()
    assert (review.done_on, review.category_after, review.reviewed_by) == (today, Category.DEEP, world.cadre)
    assert household.category == Category.DEEP and household.last_reviewed_on == today
    assert response.context["review"] is None


def test_paired_cadres_and_staff_may_review_others_get_404(world, as_user):
    household = walk_to_filed(world, file(world))
    today = timezone.localdate()
    YearlyReview.objects.create(
        household=household, year=today.year, requested_on=today, category_before=household.category
    )
    from tests.factories import Role, make_user

    paired = make_user("paired", org=world.tree["county_a"], role=Role.CADRE)
    world.drive.cadres.add(paired)  # paired with the enterprise, though not the household's responsible cadre
    unpaired = make_user("unpaired", org=world.tree["county_a"], role=Role.CADRE)
    assert as_user(paired).get(url("yearly_review", household)).status_code == 200
    assert as_user(world.staff_a).get(url("yearly_review", household)).status_code == 200
    assert as_user(unpaired).get(url("yearly_review", household)).status_code == 404
