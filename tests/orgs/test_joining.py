"""Joining online: the worker's profile, where they may apply, the union's decision through the
transition service, the registry row and the card with its signed, expiring check link."""

import time
from datetime import date
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from tests.factories import credit_code, make_org, make_tree, make_user
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification
from unionportal.orgs import joining, members
from unionportal.orgs.enums import (
    Industry,
    JoinRoute,
    JoinState,
    Level,
    MemberStatus,
    Occupation,
    OrgKind,
    Ownership,
    Role,
)
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.models import Enterprise, JoinApplication, Member, WorkerProfile
from unionportal.orgs.workers import worker_profile_save

pytestmark = pytest.mark.django_db
ID_W = id_number("420684", date(1994, 6, 1), 21)
ID_V = id_number("420684", date(1996, 2, 9), 42)


@pytest.fixture
def world():
    t = make_tree()
    industry = make_org(
        t["county_a"], level=Level.TOWNSHIP, name="快递行业工会", code="IND1", kind=OrgKind.INDUSTRY
    )
    with_union = Enterprise.objects.create(
        name="有工会公司",
        credit_code=credit_code(1),
        industry=Industry.MANUFACTURING,
        ownership=Ownership.PRIVATE,
        township=t["township_a"],
        union=t["grassroots_a"],
    )
    without_union = Enterprise.objects.create(
        name="未建会公司",
        credit_code=credit_code(2),
        industry=Industry.TRADE,
        ownership=Ownership.PRIVATE,
        township=t["township_a"],
    )
    users = {
        "worker": make_user("w", phone="13900000001", name=""),
        "other": make_user("v", phone="13900000002"),
        "sub_a": make_user("sub_a", org=t["grassroots_a"], role=Role.SUBMITTER),
        "sub_b": make_user("sub_b", org=t["grassroots_b"], role=Role.SUBMITTER),
        "staff_b": make_user("staff_b", org=t["county_b"], role=Role.STAFF),
        "township_a": make_user("ta", org=t["township_a"], role=Role.STAFF),
    }
    return SimpleNamespace(
        t=t, u=users, industry=industry, with_union=with_union, without_union=without_union
    )


def profile(world, who="worker", number=ID_W, employer="with_union", **fields):
    return worker_profile_save(
        user=world.u[who],
        name=fields.pop("name", "孙丽"),
        id_number=number,
        employer=getattr(world, employer) if employer else None,
        **fields,
    )


# --- the profile ------------------------------------------------------------------------------------------


def test_a_second_account_with_the_same_id_number_is_refused(world):
    profile(world)
    with pytest.raises(ValidationError) as caught:
        profile(world, who="other")
    assert caught.value.message_dict["id_number"] == [
        "该身份证号已由其他账户完成实名认证。如非本人操作，请联系工会。"
    ]
    assert WorkerProfile.objects.count() == 1


def test_the_profile_page_refuses_a_bad_id_number_and_saves_nothing(world, client):
    client.force_login(world.u["worker"])
    response = client.post(
        reverse("orgs:my_profile"),
        {
            "name": "孙丽",
            "id_number": ID_W[:17] + ("1" if ID_W[17] != "1" else "2"),
            "employment": "employee",
            "employer": world.with_union.pk,
        },
    )
    assert response.status_code == 400 and "身份证号校验位不正确，请核对。" in response.content.decode()
    assert not WorkerProfile.objects.exists()


def test_the_employer_is_found_by_name_and_a_flexible_worker_names_an_occupation(world, client):
    client.force_login(world.u["worker"])
    body = client.get(reverse("orgs:my_profile") + "?q=未建会").content.decode()
    assert f'value="{world.without_union.pk}"' in body and f'value="{world.with_union.pk}"' not in body
    response = client.post(
        reverse("orgs:my_profile"),
        {
            "name": "孙丽",
            "id_number": ID_W,
            "employment": "flexible",
            "occupation": Occupation.COURIER,
            "work_township": world.t["township_a"].pk,
        },
    )
    assert response.status_code == 302
    saved = WorkerProfile.objects.get(user=world.u["worker"])
    assert (saved.employer, saved.occupation, saved.work_township) == (None, "courier", world.t["township_a"])
    page = client.get(reverse("orgs:my_profile")).content.decode()
    assert saved.masked_id_number in page and ID_W not in page


def test_a_worker_reveals_their_own_id_number_with_a_logged_reason(world, client):
    profile(world)
    client.force_login(world.u["worker"])
    response = client.post(
        reverse("orgs:my_profile_reveal"), {"field": "id_number", "reason": "核对本人信息"}
    )
    assert response.status_code == 200 and ID_W in response.content.decode()
    assert AuditEvent.objects.filter(action="personal_data.reveal", actor=world.u["worker"]).count() == 1


# --- where to apply ---------------------------------------------------------------------------------------


def test_targets_are_the_employers_union_or_else_the_township_and_industry_unions(world):
    assert [(t.union, t.route) for t in joining.joining_targets(profile(world))] == [
        (world.t["grassroots_a"], JoinRoute.EMPLOYER)
    ]
    p = profile(world, employer="without_union")
    assert [(t.union, t.route) for t in joining.joining_targets(p)] == [
        (world.t["township_a"], JoinRoute.TOWNSHIP),
        (world.industry, JoinRoute.INDUSTRY),
    ]


def test_an_application_to_a_union_that_is_not_the_workers_is_refused(world):
    profile(world)
    with pytest.raises(joining.JoinRefused) as caught:
        joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_b"].pk)
    assert "只能申请加入本单位的工会" in caught.value.message
    assert not JoinApplication.objects.exists()


def test_an_application_without_a_profile_is_refused(world):
    with pytest.raises(joining.JoinRefused) as caught:
        joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    assert caught.value.message == "请先完善实名信息，再申请入会。"


# --- the decision -----------------------------------------------------------------------------------------


def test_accepting_enters_the_registry_and_the_card_checks_valid(world, client):
    profile(world)
    application = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    assert Notification.objects.filter(
        recipient=world.u["sub_a"], event="orgs.join_application.submitted"
    ).exists()
    joining.join_accept(actor=world.u["sub_a"], application_id=application.pk)
    application.refresh_from_db()
    member = Member.objects.get(user=world.u["worker"])
    assert (application.state, application.member, application.decided_by) == (
        JoinState.ACCEPTED,
        member,
        world.u["sub_a"],
    )
    assert (member.organisation, member.status, member.gender) == (
        world.t["grassroots_a"],
        MemberStatus.MEMBER,
        "male",
    )
    assert (
        AuditEvent.objects.filter(action="orgs.join_application.transition", to_state="accepted").count() == 1
    )
    client.force_login(world.u["worker"])
    page = client.get(reverse("orgs:my_card")).content.decode()
    assert 'id="card-qr" src="data:image/svg+xml' in page and ID_W not in page
    token = joining.card_token(member)
    assert signing.loads(token, salt=joining.CARD_SALT) == {"m": member.pk}  # the row, never the ID number
    client.logout()
    check = client.get(reverse("orgs:card_check") + "?t=" + token).content.decode()
    assert "有效：" in check and "Union a" in check


def test_refusing_needs_a_reason_and_tells_the_applicant(world):
    profile(world)
    application = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    with pytest.raises(TransitionError) as caught:
        joining.join_refuse(actor=world.u["sub_a"], application_id=application.pk, reason=" ")
    assert caught.value.message == "请填写理由。"
    joining.join_refuse(actor=world.u["sub_a"], application_id=application.pk, reason="非本单位职工")
    application.refresh_from_db()
    assert (application.state, application.reason) == (JoinState.REFUSED, "非本单位职工")
    assert Notification.objects.filter(
        recipient=world.u["worker"], event="orgs.join_application.refused"
    ).exists()
    assert not Member.objects.exists()


def test_a_union_outside_scope_cannot_decide(world):
    profile(world)
    application = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    for who in ("sub_b", "staff_b"):
        with pytest.raises(Http404):
            joining.join_accept(actor=world.u[who], application_id=application.pk)
    application.refresh_from_db()
    assert application.state == JoinState.SUBMITTED and not Member.objects.exists()


def test_accepting_a_person_who_is_a_member_elsewhere_is_refused_and_changes_nothing(world):
    profile(world)
    application = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    members.member_add(
        actor=None,
        organisation=world.t["grassroots_b"],
        name="孙丽",
        id_number=ID_W,
        joined_on=date(2020, 1, 1),
        check_scope=False,
    )
    with pytest.raises(TransitionError) as caught:
        joining.join_accept(actor=world.u["sub_a"], application_id=application.pk)
    assert caught.value.message.startswith("该身份证号已是“Union b”的会员")
    application.refresh_from_db()
    assert application.state == JoinState.SUBMITTED and Member.objects.count() == 1


def test_the_staff_page_accepts_and_the_worker_sees_only_their_own(world, client):
    profile(world)
    profile(world, who="other", number=ID_V, name="李明")
    mine = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    joining.join_apply(applicant=world.u["other"], union_id=world.t["grassroots_a"].pk)
    client.force_login(world.u["worker"])
    body = client.get(reverse("orgs:my_joining")).content.decode()
    assert "李明" not in body
    assert client.get(reverse("orgs:joining_detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("orgs:joining")).status_code == 403
    client.force_login(world.u["sub_a"])
    response = client.post(reverse("orgs:joining_detail", args=[mine.pk]), {"decision": "accept"})
    assert response.status_code == 302
    assert Member.objects.filter(user=world.u["worker"], status=MemberStatus.MEMBER).exists()
    client.force_login(world.u["other"])
    assert "您已是" not in client.get(reverse("orgs:my_joining")).content.decode()
    assert "您还不是工会会员。" in client.get(reverse("orgs:my_card")).content.decode()


# --- the card check ---------------------------------------------------------------------------------------


@pytest.fixture
def card(world):
    profile(world)
    application = joining.join_apply(applicant=world.u["worker"], union_id=world.t["grassroots_a"].pk)
    joining.join_accept(actor=world.u["sub_a"], application_id=application.pk)
    return Member.objects.get(user=world.u["worker"])


def test_a_forged_altered_or_expired_card_link_is_not_valid(card, client):
    token = joining.card_token(card)
    assert joining.card_check(token).valid
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    forged = signing.dumps({"m": card.pk}, salt="another-salt", compress=True)
    with mock.patch("time.time", return_value=time.time() - joining.CARD_MAX_AGE - 60):
        old = joining.card_token(card)
    for bad in (altered, forged, old, "", "not-a-token"):
        assert joining.card_check(bad) == joining.CardCheck(False)
        body = client.get(reverse("orgs:card_check"), {"t": bad}).content.decode()
        assert "无效：该会员卡链接无效或已过期" in body and "Union a" not in body


def test_the_card_of_a_member_who_left_is_not_valid(card, world):
    token = joining.card_token(card)
    members.member_leave(actor=world.u["sub_a"], member_id=card.pk, on=date.today(), reason="离职")
    assert joining.card_check(token) == joining.CardCheck(False)
