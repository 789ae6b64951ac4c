"""Founding a union: the application and its checks, the upper union's return, refusal and approval
through the transition service, the new union's place in the tree, the registry entries, scoping, the
target list and the coverage counts."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_enterprise, make_tree, make_user
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification
from unionportal.orgs import founding
from unionportal.orgs.enums import Level, MemberStatus, OrgKind, Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.members import member_add
from unionportal.orgs.models import Enterprise, FoundingApplication, Member, Membership, Organisation
from unionportal.orgs.models_founding import FoundingState
from unionportal.orgs.workers import worker_profile_save
from unionportal.reports.coverage import coverage

pytestmark = pytest.mark.django_db

ID_APPLICANT = id_number("420684", date(1988, 3, 1), 11)
IDS = [id_number("420684", date(1990, 1, 1 + n), 20 + n) for n in range(6)]


@pytest.fixture
def world():
    t = make_tree()
    target = make_enterprise(t["township_a"], name="新星印务有限公司", employees=40)
    with_union = make_enterprise(t["township_a"], union=t["grassroots_a"], name="老牌工厂")
    far = make_enterprise(t["township_b"], name="远方公司")
    users = {
        "applicant": make_user("app", phone="13900000101", name="黄志刚"),
        "township_a": make_user("ta", org=t["township_a"], role=Role.STAFF),
        "township_b": make_user("tb", org=t["township_b"], role=Role.STAFF),
        "county_a": make_user("ca", org=t["county_a"], role=Role.STAFF),
        "sub_a": make_user("sa", org=t["grassroots_a"], role=Role.SUBMITTER),
    }
    worker_profile_save(user=users["applicant"], name="黄志刚", id_number=ID_APPLICANT, employer=target)
    return SimpleNamespace(t=t, u=users, target=target, with_union=with_union, far=far)


def data(world, enterprise=None, *, members=None, committee=3, **over):
    members = (
        members
        if members is not None
        else [{"name": "黄志刚", "id_number": ID_APPLICANT, "phone": "13900000101"}]
        + [{"name": f"会员{n}", "id_number": IDS[n], "phone": ""} for n in range(2)]
    )
    fields = {
        "enterprise": enterprise or world.target,
        "capacity": "worker",
        "employees": 40,
        "committee": [{"name": f"筹备{n}", "job": "职工"} for n in range(committee)],
        "chair_name": "黄志刚",
        "chair_job": "车间主任",
        "first_members": members,
        "contact_phone": "13900000101",
        "note": "",
    }
    fields.update(over)
    return founding.FoundingInput(**fields)


def submitted(world, **kwargs):
    return founding.founding_save(applicant=world.u["applicant"], data=data(world, **kwargs), submit=True)


# --- the application --------------------------------------------------------------------------------------


def test_a_draft_is_saved_then_submitted_to_the_township_union_with_audit_and_notice(world):
    draft = founding.founding_save(applicant=world.u["applicant"], data=data(world))
    assert draft.state == FoundingState.DRAFT and draft.upper == world.t["township_a"]
    assert draft.first_members.count() == 3
    assert not Notification.objects.exists()
    app = founding.founding_submit(actor=world.u["applicant"], application_id=draft.pk)
    assert app.state == FoundingState.SUBMITTED and app.submitted_at is not None
    event = AuditEvent.objects.get(action="orgs.founding_application.transition")
    assert (event.from_state, event.to_state, event.org_path) == (
        "draft",
        "submitted",
        world.t["township_a"].path,
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["ta"]


def test_the_upper_union_is_the_county_when_the_township_is_inactive(world):
    Organisation.objects.filter(pk=world.t["township_a"].pk).update(is_active=False)
    app = submitted(world)
    assert app.upper == world.t["county_a"]


def test_an_enterprise_with_a_union_is_refused_and_nothing_saved(world):
    with pytest.raises(ValidationError) as caught:
        submitted(world, enterprise=world.with_union)
    assert caught.value.message_dict["enterprise"] == [
        "“老牌工厂”已建立工会（Union a），不能再申请建会；职工可直接申请加入该工会。"
    ]
    assert not FoundingApplication.objects.exists()


def test_an_id_number_failing_its_checksum_is_refused(world):
    bad = IDS[0][:17] + ("1" if IDS[0][17] != "1" else "2")
    members = [
        {"name": "甲", "id_number": ID_APPLICANT},
        {"name": "乙", "id_number": bad},
        {"name": "丙", "id_number": IDS[1]},
    ]
    with pytest.raises(ValidationError) as caught:
        submitted(world, members=members)
    assert caught.value.message_dict["first_members"] == ["第 2 行：身份证号校验位不正确，请核对。"]
    assert not FoundingApplication.objects.exists()


def test_a_first_member_already_a_member_elsewhere_is_refused_naming_the_union(world):
    member_add(
        actor=None,
        organisation=world.t["grassroots_b"],
        name="会员0",
        id_number=IDS[0],
        joined_on=date(2020, 1, 1),
        check_scope=False,
    )
    with pytest.raises(ValidationError) as caught:
        submitted(world)
    assert caught.value.message_dict["first_members"] == [
        "第 2 行：会员0 已是“Union b”的会员，一人只能在一个工会登记会籍。"
    ]
    assert not FoundingApplication.objects.exists()


def test_too_few_first_members_a_wrong_committee_and_repeated_numbers_are_refused(world, settings):
    settings.FOUNDING_MIN_MEMBERS = 4
    members = [{"name": "甲", "id_number": IDS[0]}, {"name": "乙", "id_number": IDS[0]}]
    with pytest.raises(ValidationError) as caught:
        submitted(world, members=members, committee=8)
    errors = caught.value.message_dict
    assert errors["committee"] == ["筹备组须有 3 至 7 人，现填写了 8 人。"]
    assert errors["first_members"] == [
        "首批会员至少 4 人，现填写了 2 人。",
        "第 2 行：身份证号与第 1 行重复。",
    ]
    assert not FoundingApplication.objects.exists()


def test_a_second_open_application_for_the_enterprise_is_refused(world):
    submitted(world)
    other = make_user("other", phone="13900000102")
    worker_profile_save(user=other, name="罗晓梅", id_number=IDS[5], employer=world.target)
    with pytest.raises(ValidationError) as caught:
        founding.founding_save(applicant=other, data=data(world), submit=True)
    assert caught.value.message_dict["enterprise"] == ["该企业已有一份正在办理的建会申请，请与上级工会联系。"]
    assert FoundingApplication.objects.count() == 1


def test_an_account_without_a_profile_cannot_apply(world):
    nobody = make_user("nobody")
    with pytest.raises(ValidationError) as caught:
        founding.founding_save(applicant=nobody, data=data(world), submit=True)
    assert caught.value.messages == ["请先完善实名信息，再申请建会。"]


# --- the upper union's decision ---------------------------------------------------------------------------


def test_return_with_guidance_then_the_applicant_edits_and_resubmits(world):
    app = submitted(world)
    with pytest.raises(TransitionError) as caught:
        founding.founding_return(actor=world.u["township_a"], application_id=app.pk, comment=" ")
    assert caught.value.message == "请填写理由。"
    app = founding.founding_return(actor=world.u["township_a"], application_id=app.pk, comment="请补充岗位")
    assert (app.state, app.comment) == (FoundingState.RETURNED, "请补充岗位")
    assert Notification.objects.filter(recipient=world.u["applicant"]).count() == 1
    with pytest.raises(TransitionError):
        founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)
    again = founding.founding_save(
        applicant=world.u["applicant"], data=data(world, committee=4), application_id=app.pk, submit=True
    )
    assert again.pk == app.pk and again.state == FoundingState.SUBMITTED and len(again.committee) == 4
    states = list(
        AuditEvent.objects.filter(action="orgs.founding_application.transition")
        .order_by("id")
        .values_list("to_state", flat=True)
    )
    assert states == ["submitted", "returned", "submitted"]


def test_a_submitted_application_cannot_be_edited(world):
    app = submitted(world)
    with pytest.raises(TransitionError) as caught:
        founding.founding_save(applicant=world.u["applicant"], data=data(world), application_id=app.pk)
    assert caught.value.message == "该申请已提交或已处理，不能修改。"


def test_refuse_with_a_reason(world):
    app = submitted(world)
    app = founding.founding_refuse(actor=world.u["township_a"], application_id=app.pk, reason="企业已停产")
    assert (app.state, app.comment, app.decided_by) == (
        FoundingState.REFUSED,
        "企业已停产",
        world.u["township_a"],
    )
    assert not Organisation.objects.filter(level=Level.GRASSROOTS, name__startswith="新星").exists()


def test_approval_places_the_union_under_the_upper_union_and_fills_the_registry(world):
    app = submitted(world)
    done = founding.founding_approve(actor=world.u["township_a"], application_id=app.pk, on=date(2026, 4, 10))
    union = done.union
    assert done.state == FoundingState.APPROVED
    assert (union.name, union.level, union.kind) == (
        "新星印务有限公司工会委员会",
        Level.GRASSROOTS,
        OrgKind.ENTERPRISE,
    )
    assert union.parent_organisation() == world.t["township_a"]
    assert union.code == world.t["township_a"].code + "001"
    assert union.founded_on == date(2026, 4, 10)
    assert Enterprise.objects.get(pk=world.target.pk).union == union
    rows = Member.objects.filter(organisation=union).order_by("id")
    assert [(m.name, m.status, m.joined_on) for m in rows] == [
        ("黄志刚", MemberStatus.MEMBER, date(2026, 4, 10)),
        ("会员0", MemberStatus.MEMBER, date(2026, 4, 10)),
        ("会员1", MemberStatus.MEMBER, date(2026, 4, 10)),
    ]
    assert rows[0].user == world.u["applicant"] and rows[1].user is None
    assert Membership.objects.filter(
        user=world.u["applicant"], organisation=union, role=Role.SUBMITTER
    ).exists()
    assert AuditEvent.objects.filter(action="orgs.member.add", org_path=union.path).count() == 3
    assert AuditEvent.objects.filter(action="orgs.organisation.found").count() == 1
    assert (
        Notification.objects.filter(recipient=world.u["applicant"], event="orgs.founding.approved").count()
        == 1
    )
    with pytest.raises(TransitionError):
        founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)


def test_approval_is_refused_and_writes_nothing_when_a_first_member_joined_elsewhere_meanwhile(world):
    app = submitted(world)
    member_add(
        actor=None,
        organisation=world.t["grassroots_b"],
        name="会员1",
        id_number=IDS[1],
        joined_on=date(2020, 1, 1),
        check_scope=False,
    )
    with pytest.raises(TransitionError) as caught:
        founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)
    assert caught.value.message == "首批会员 会员1 已是“Union b”的会员，一人只能在一个工会登记会籍。"
    app.refresh_from_db()
    assert app.state == FoundingState.SUBMITTED
    assert Enterprise.objects.get(pk=world.target.pk).union is None
    assert not Organisation.objects.filter(name="新星印务有限公司工会委员会").exists()
    assert Member.objects.filter(id_number=ID_APPLICANT).count() == 0


def test_the_county_above_may_approve_but_the_applicant_and_a_submitter_may_not(world):
    app = submitted(world)
    with pytest.raises(TransitionError):
        founding.founding_approve(actor=world.u["applicant"], application_id=app.pk)
    with pytest.raises(Http404):
        founding.founding_approve(actor=world.u["sub_a"], application_id=app.pk)
    done = founding.founding_approve(actor=world.u["county_a"], application_id=app.pk)
    assert done.union.parent_organisation() == world.t["township_a"]


# --- scoping and pages ------------------------------------------------------------------------------------


def test_another_townships_staff_get_404_and_an_empty_queue(world, client):
    app = submitted(world)
    with pytest.raises(Http404):
        founding.founding_approve(actor=world.u["township_b"], application_id=app.pk)
    client.force_login(world.u["township_b"])
    assert client.get(reverse("orgs:founding_detail", args=[app.pk])).status_code == 404
    assert (
        client.post(reverse("orgs:founding_detail", args=[app.pk]), {"decision": "approve"}).status_code
        == 404
    )
    body = client.get(reverse("orgs:founding")).content.decode()
    assert "新星印务有限公司" not in body
    assert FoundingApplication.objects.get(pk=app.pk).state == FoundingState.SUBMITTED


def test_the_applicant_applies_through_the_page_and_the_township_approves_on_its_page(world, client):
    client.force_login(world.u["applicant"])
    page = client.get(reverse("orgs:my_founding"))
    assert page.status_code == 200 and "新星印务有限公司" in page.content.decode()
    form = {
        "enterprise": world.target.pk,
        "capacity": "worker",
        "employees": "40",
        "committee": "黄志刚，车间主任\n李红，财务\n张伟 职工代表",
        "chair_name": "黄志刚",
        "chair_job": "车间主任",
        "first_members": f"黄志刚，{ID_APPLICANT}，13900000101\n李红，{IDS[0]}\n张伟，{IDS[1]}，13900000103",
        "submit": "提交申请",
    }
    bad = client.post(reverse("orgs:my_founding"), {**form, "first_members": "李红，12345"})
    assert bad.status_code == 400 and not FoundingApplication.objects.exists()
    response = client.post(reverse("orgs:my_founding"), form)
    assert response.status_code == 302
    app = FoundingApplication.objects.get()
    assert app.state == FoundingState.SUBMITTED and app.committee[2] == {"name": "张伟", "job": "职工代表"}
    client.force_login(world.u["township_a"])
    detail = client.get(reverse("orgs:founding_detail", args=[app.pk])).content.decode()
    assert IDS[0] not in detail and IDS[0][:3] + "***********" + IDS[0][-4:] in detail
    refused = client.post(
        reverse("orgs:founding_detail", args=[app.pk]), {"decision": "return", "comment": ""}
    )
    assert refused.status_code == 400 and "请填写指导意见或理由。" in refused.content.decode()
    done = client.post(reverse("orgs:founding_detail", args=[app.pk]), {"decision": "approve"})
    assert done.status_code == 302
    assert Enterprise.objects.get(pk=world.target.pk).union.name == "新星印务有限公司工会委员会"


def test_an_applicant_cannot_open_anothers_application(world, client):
    app = submitted(world)
    stranger = make_user("stranger")
    client.force_login(stranger)
    assert client.get(reverse("orgs:my_founding_detail", args=[app.pk])).status_code == 404


def test_the_queue_costs_the_same_queries_at_two_sizes(world, client):
    client.force_login(world.u["county_a"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("orgs:founding")).status_code == 200
        return len(ctx.captured_queries)

    submitted(world)
    queries()
    few = queries()
    for n in range(6):
        e = make_enterprise(world.t["township_a"], name=f"企业{n}")
        user = make_user(f"founder{n}")
        worker_profile_save(
            user=user,
            name=f"创始人{n}",
            id_number=id_number("420684", date(1980, 2, 1 + n), 300 + n),
            employer=e,
        )
        members = [
            {"name": f"员工{n}{k}", "id_number": id_number("420684", date(1981, 3, 1 + n), 400 + 3 * n + k)}
            for k in range(3)
        ]
        founding.founding_save(applicant=user, data=data(world, enterprise=e, members=members), submit=True)
    assert queries() == few
    assert few <= 10


def test_the_target_list_counts_per_level_and_costs_the_same_queries_at_two_sizes(world, client):
    app = submitted(world)
    client.force_login(world.u["county_a"])
    response = client.get(reverse("orgs:founding_targets") + f"?level={Level.TOWNSHIP}")
    rows = {r.org.name: (r.without_union, r.in_progress, r.founded) for r in response.context["level_page"]}
    assert rows == {"Township a": (1, 1, 0)}
    founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)
    response = client.get(reverse("orgs:founding_targets") + f"?level={Level.COUNTY}")
    rows = {r.org.name: (r.without_union, r.in_progress, r.founded) for r in response.context["level_page"]}
    assert rows == {"County a": (0, 0, 1)}
    assert "远方公司" not in response.content.decode()

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("orgs:founding_targets")).status_code == 200
        return len(ctx.captured_queries)

    make_enterprise(world.t["township_a"], name="目标企业")  # one row: an empty page reads no rows
    queries()
    few = queries()
    for n in range(8):
        make_enterprise(world.t["township_a"], name=f"目标企业{n}")
    assert queries() == few
    assert few <= 14


def test_the_target_export_lists_enterprises_without_a_union_in_scope(world):
    from unionportal.orgs.founding_resources import FoundingTargetResource

    submitted(world)
    resource = FoundingTargetResource(user=world.u["township_a"])
    sheet = resource.export(queryset=resource.export_queryset())
    assert [row[2] for row in sheet] == ["新星印务有限公司"]
    assert sheet[0][7] == "待审批"
    assert FoundingTargetResource.can_export(world.u["township_a"])


def test_coverage_counts_the_new_union_and_its_members(world):
    before = coverage(world.u["county_a"])["total"]
    app = submitted(world)
    founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)
    after = coverage(world.u["county_a"])["total"]
    assert after.unions == before.unions + 1
    assert after.members == before.members + 3
    assert after.with_account == before.with_account + 1  # the applicant is its submitter


def test_the_approving_staff_see_a_home_todo(world):
    from unionportal.orgs.founding_todos import founding_applicant_todos, founding_todos

    assert founding_todos(world.u["township_a"])[0].count == 0
    app = submitted(world)
    assert founding_todos(world.u["township_a"])[0].count == 1
    assert founding_todos(world.u["township_b"])[0].count == 0
    assert founding_todos(world.u["applicant"]) == []
    founding.founding_return(actor=world.u["township_a"], application_id=app.pk, comment="补充")
    assert founding_applicant_todos(world.u["applicant"])[0].count == 1


# --- the applicant's own page: masked numbers, withdrawal -------------------------------------------------


def edit_form(client, app):
    return client.get(reverse("orgs:my_founding_detail", args=[app.pk]) + "?edit=1")


def test_the_edit_form_shows_first_members_masked_and_a_line_typed_back_keeps_the_stored_person(
    world, client
):
    draft = founding.founding_save(applicant=world.u["applicant"], data=data(world))
    client.force_login(world.u["applicant"])
    page = edit_form(client, draft).content.decode()
    for number in (ID_APPLICANT, IDS[0], IDS[1]):
        assert number not in page
    masked = f"会员0，{IDS[0][:3]}***********{IDS[0][-4:]}"
    assert masked in page and "139****0101" in page

    form = {
        "enterprise": world.target.pk,
        "capacity": "worker",
        "employees": "41",
        "committee": "黄志刚，车间主任\n李红，财务\n张伟，职工代表",
        "chair_name": "黄志刚",
        "first_members": f"黄志刚，{ID_APPLICANT[:3]}***********{ID_APPLICANT[-4:]}，139****0101\n{masked}\n"
        f"会员9，{IDS[3]}",
        "save": "保存草稿",
    }
    assert client.post(reverse("orgs:my_founding_detail", args=[draft.pk]), form).status_code == 302
    rows = list(draft.first_members.values_list("name", "id_number", "phone"))
    assert rows == [("黄志刚", ID_APPLICANT, "13900000101"), ("会员0", IDS[0], ""), ("会员9", IDS[3], "")]


def test_a_masked_number_that_stands_for_nobody_stored_is_refused_and_nothing_changes(world, client):
    draft = founding.founding_save(applicant=world.u["applicant"], data=data(world))
    client.force_login(world.u["applicant"])
    form = {
        "enterprise": world.target.pk,
        "capacity": "worker",
        "employees": "40",
        "committee": "黄志刚，车间主任\n李红，财务\n张伟，职工代表",
        "chair_name": "黄志刚",
        # The name changed, so the mask no longer stands for 会员0; a masked phone of another person.
        "first_members": f"黄志刚，{ID_APPLICANT}，139****0000\n别人，{IDS[0][:3]}***********{IDS[0][-4:]}",
        "save": "保存草稿",
    }
    response = client.post(reverse("orgs:my_founding_detail", args=[draft.pk]), form)
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 1 行：手机号已隐藏显示，请填写完整的手机号。" in body
    assert "第 2 行：身份证号已隐藏显示，请填写完整的身份证号。" in body
    assert list(draft.first_members.values_list("id_number", flat=True)) == [ID_APPLICANT, IDS[0], IDS[1]]


def test_the_applicant_withdraws_a_submitted_application_after_a_confirmation(world, client):
    app = submitted(world)
    client.force_login(world.u["applicant"])
    url = reverse("orgs:my_founding_withdraw", args=[app.pk])
    assert url in client.get(reverse("orgs:my_founding_detail", args=[app.pk])).content.decode()
    question = client.get(url)
    assert (
        question.status_code == 200 and "确定撤回“新星印务有限公司”的建会申请吗" in question.content.decode()
    )
    assert FoundingApplication.objects.get(pk=app.pk).state == FoundingState.SUBMITTED

    assert client.post(url).status_code == 302
    assert FoundingApplication.objects.get(pk=app.pk).state == FoundingState.WITHDRAWN
    assert AuditEvent.objects.filter(to_state=FoundingState.WITHDRAWN).count() == 1
    told = Notification.objects.filter(event="orgs.founding.withdrawn").values_list("recipient", flat=True)
    assert set(told) == {world.u["township_a"].pk}
    # The enterprise may be applied for again, and the withdrawn application can no longer move.
    founding.founding_save(applicant=world.u["applicant"], data=data(world), submit=True)
    again = client.post(url, follow=True)
    assert "该申请已处理，不能撤回。" in again.content.decode()
    with pytest.raises(TransitionError):
        founding.founding_approve(actor=world.u["township_a"], application_id=app.pk)


def test_a_decided_application_cannot_be_withdrawn_and_nobody_else_may_withdraw_one(world, client):
    app = submitted(world)
    client.force_login(world.u["township_a"])
    assert client.post(reverse("orgs:my_founding_withdraw", args=[app.pk])).status_code == 404
    with pytest.raises(TransitionError):
        founding.founding_withdraw(actor=world.u["township_a"], application_id=app.pk)
    founding.founding_refuse(actor=world.u["township_a"], application_id=app.pk, reason="材料不全")
    with pytest.raises(TransitionError):
        founding.founding_withdraw(actor=world.u["applicant"], application_id=app.pk)
    assert FoundingApplication.objects.get(pk=app.pk).state == FoundingState.REFUSED
