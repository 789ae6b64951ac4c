"""The grassroots intake pages: the form per kind, bad input, submit / withdraw / resubmit, history, print."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from awards.models import Nomination
from tests.awards.forms_data import DECLARE, individual_post
from tests.factories import Role, make_enterprise, make_user
from tests.selection.factories import id_number, make_programme, nominate, world
from unionportal.audit.models import AuditEvent
from unionportal.selection import services
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.models import Candidacy

pytestmark = pytest.mark.django_db


def last_message(resp) -> list[str]:
    return [str(m) for m in resp.context["messages"]][-1:]


@pytest.fixture
def w():
    return world()


@pytest.fixture
def sub(client, w):
    client.force_login(w.submitter_a)
    return client


def create_url(w):
    return reverse("awards:create", args=[w.programme.pk])


# --- the form per kind --------------------------------------------------------------------------------


def test_individual_form_saves_a_draft_with_details_flags_declarations_and_consent(sub, w):
    resp = sub.post(create_url(w), individual_post())
    c = Candidacy.objects.get()
    assert resp.status_code == 302
    assert resp.url == reverse("awards:detail", args=[c.pk])
    assert c.state == State.DRAFT
    assert c.organisation == w.tree["grassroots_a"]
    assert c.id_number == id_number(1)
    assert c.tags == ["innovation", "green"]
    assert c.flags == {"frontline": True, "migrant": True, "enterprise_head": False, "official": False}
    assert c.declarations == {"safety": True, "arrears": True, "environment": True, "union": True}
    assert c.consent_at is not None
    assert c.photo is not None
    n = c.nomination
    assert (n.gender, n.ethnicity, n.position, n.phone) == ("M", "汉族", "班组长", "13800001234")
    assert str(n.birth_date) == "1985-03-15"


def test_unit_form_saves_the_enterprise_with_its_credit_code(sub, w):
    programme = make_programme(w.programme.campaign, kind=NomineeKind.UNIT, code="unit")
    enterprise = make_enterprise(w.tree["township_a"], union=w.tree["grassroots_a"])
    resp = sub.post(
        reverse("awards:create", args=[programme.pk]),
        {
            "name": enterprise.name,
            "enterprise": enterprise.pk,
            "unit_type": "enterprise",
            "employees": "230",
            "summary": "安全生产零事故。",
            "deeds": "创新驱动。",
            "consent": "on",
            **DECLARE,
        },
    )
    assert resp.status_code == 302
    n = Nomination.objects.get(candidacy__programme=programme)
    assert n.enterprise == enterprise
    assert n.credit_code == enterprise.credit_code
    assert n.employees == 230
    assert n.candidacy.id_number == ""


def test_an_individuals_workplace_is_typed_or_taken_from_the_enterprise_chosen(sub, w):
    page = sub.get(create_url(w)).content.decode()
    assert "姓名" in page and "所在企业（企业库）" in page
    enterprise = make_enterprise(
        w.tree["township_a"], union=w.tree["grassroots_a"], name="宜城示例纺织有限公司"
    )
    resp = sub.post(create_url(w), individual_post(1, unit="", employer=enterprise.pk))
    assert resp.status_code == 302
    n = Nomination.objects.get(candidacy__id_number=id_number(1))
    assert (n.employer, n.candidacy.unit) == (enterprise, "宜城示例纺织有限公司")


def test_unit_form_lists_only_enterprises_of_the_submitting_union(sub, w):
    programme = make_programme(w.programme.campaign, kind=NomineeKind.UNIT, code="unit")
    mine = make_enterprise(w.tree["township_a"], union=w.tree["grassroots_a"])
    other = make_enterprise(w.tree["township_b"], union=w.tree["grassroots_b"])
    resp = sub.get(reverse("awards:create", args=[programme.pk]))
    choices = list(resp.context["form"].fields["enterprise"].queryset)
    assert choices == [mine]
    assert other not in choices


def test_team_form_requires_a_leader_and_saves_members(sub, w):
    programme = make_programme(w.programme.campaign, kind=NomineeKind.TEAM, code="team")
    url = reverse("awards:create", args=[programme.pk])
    base = {"name": "焊接班", "parent_unit": "示例公司", "member_count": "12", "members": "李四 焊工"}
    resp = sub.post(url, {**base, "leader": ""})
    assert resp.status_code == 400
    assert resp.context["form"].errors["leader"] == ["请填写班组负责人。"]
    resp = sub.post(url, {**base, "leader": "王五"})
    assert resp.status_code == 302
    n = Nomination.objects.get(candidacy__programme=programme)
    assert (n.leader, n.member_count, n.members) == ("王五", 12, "李四 焊工")


def test_individual_form_shows_every_active_veto_as_a_checkbox(sub, w):
    w.programme.rules.filter(code="union").update(is_active=False)
    resp = sub.get(create_url(w))
    form = resp.context["form"]
    assert [f.label for f in form.declaration_fields] == [
        "近3年未发生重大及以上生产安全责任事故",
        "近3年无拖欠职工工资、社会保险费行为",
        "近3年未发生严重环境违法行为",
    ]
    assert "organisation" not in form.fields  # one union: no choice


def test_a_user_submitting_for_several_unions_chooses_one(client, w):
    user = make_user("two", org=w.tree["grassroots_a"], role=Role.SUBMITTER)
    from unionportal.orgs.services import membership_grant

    membership_grant(user=user, organisation=w.tree["grassroots_b"], role=Role.SUBMITTER)
    client.force_login(user)
    resp = client.post(create_url(w), individual_post(organisation=w.tree["grassroots_b"].pk))
    assert resp.status_code == 302
    assert Candidacy.objects.get().organisation == w.tree["grassroots_b"]


def test_new_nomination_outside_the_intake_window_is_refused_with_a_message(sub, w):
    w.programme.intake_closes_at = timezone.now() - timedelta(minutes=1)
    w.programme.intake_opens_at = timezone.now() - timedelta(days=5)
    w.programme.save()
    resp = sub.get(create_url(w), follow=True)
    assert resp.redirect_chain == [(reverse("awards:list"), 302)]
    assert [str(m) for m in resp.context["messages"]] == ["“Programme medal”不在申报时间内，不能新建推荐。"]


def test_a_user_who_may_not_nominate_gets_404_on_the_form(client, w):
    outsider = make_user("nobody")
    client.force_login(outsider)
    assert client.get(create_url(w)).status_code == 404


# --- bad input ----------------------------------------------------------------------------------------


def test_hostile_file_as_photo_is_refused_with_the_checkers_message_and_nothing_saved(sub, w):
    hostile = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    resp = sub.post(create_url(w), individual_post(photo=hostile))
    assert resp.status_code == 400
    assert resp.context["form"].errors["photo"] == [
        "文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。"
    ]
    assert Candidacy.objects.count() == 0


def test_summary_over_the_limit_is_a_field_error_with_the_count(sub, w):
    resp = sub.post(create_url(w), individual_post(summary="字 " * 501))
    assert resp.status_code == 400
    assert resp.context["form"].errors["summary"] == ["事迹摘要不能超过 500 字（不计空白），现为 501 字。"]
    assert Candidacy.objects.count() == 0


def test_deeds_over_the_limit_is_a_field_error_with_the_count(sub, w):
    resp = sub.post(create_url(w), individual_post(deeds="事" * 2001))
    assert resp.context["form"].errors["deeds"] == ["主要事迹不能超过 2000 字（不计空白），现为 2001 字。"]
    assert Candidacy.objects.count() == 0


def test_deeds_at_the_limit_with_whitespace_are_accepted(sub, w):
    resp = sub.post(create_url(w), individual_post(deeds="事\n" * 2000))
    assert resp.status_code == 302


def test_invalid_id_number_is_a_field_error(sub, w):
    bad = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    resp = sub.post(create_url(w), individual_post(id_number=bad))
    assert resp.status_code == 400
    assert resp.context["form"].errors["id_number"] == ["身份证号校验位不正确，请核对。"]
    assert Candidacy.objects.count() == 0


def test_birth_date_contradicting_the_id_number_is_a_field_error(sub, w):
    resp = sub.post(create_url(w), individual_post(birth_date="1990-01-01"))
    assert resp.status_code == 400
    assert resp.context["form"].errors["birth_date"] == [
        "出生日期 1990-01-01 与身份证号中的 1985-03-15 不一致。"
    ]


def test_a_person_already_nominated_this_campaign_is_a_field_error(sub, w):
    nominate(w, 1, org=w.tree["grassroots_b"])
    resp = sub.post(create_url(w), individual_post(1))
    assert resp.status_code == 400
    assert resp.context["form"].errors["id_number"] == [
        "此人已由 Union b 推荐参加本年度“Programme medal”，同一人每年只能被推荐一次。"
    ]


# --- scope --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["detail", "edit", "print", "withdraw", "delete"])
def test_another_unions_nomination_is_404(client, w, name):
    c = nominate(w, 1, org=w.tree["grassroots_b"])
    client.force_login(w.submitter_a)
    assert client.get(reverse(f"awards:{name}", args=[c.pk])).status_code == 404


def test_submitting_another_unions_nomination_is_404(client, w):
    c = nominate(w, 1, org=w.tree["grassroots_b"])
    client.force_login(w.submitter_a)
    assert client.post(reverse("awards:submit", args=[c.pk])).status_code == 404
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_the_reviewer_sees_the_details_with_personal_data_masked(client, w):
    c = nominate(w, 1, submit=True)
    Nomination.objects.filter(candidacy=c).update(phone="13812345678")
    client.force_login(w.county_a)
    resp = client.get(reverse("selection:candidacy", args=[c.pk]), follow=True)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    assert c.id_number not in html
    assert resp.context["masked_id_number"] in html
    assert resp.context["actions"].edit is False
    assert resp.context["actions"].withdraw is False


# --- the path -----------------------------------------------------------------------------------------


def test_submit_withdraw_fix_and_resubmit_through_the_views(sub, w):
    sub.post(create_url(w), individual_post())
    c = Candidacy.objects.get()
    resp = sub.post(reverse("awards:submit", args=[c.pk]), follow=True)
    assert last_message(resp) == ["推荐已提交，等待上级工会审核。"]
    c.refresh_from_db()
    assert c.state == State.REVIEW3
    # Editing after submission is refused and changes nothing.
    resp = sub.post(reverse("awards:edit", args=[c.pk]), individual_post(name="李四"), follow=True)
    assert last_message(resp) == ["已提交的推荐不能修改；如需修改，请在审核开始前撤回。"]
    c.refresh_from_db()
    assert c.name == "张三"
    # Withdraw: a confirmation page, then back to draft.
    assert sub.get(reverse("awards:withdraw", args=[c.pk])).status_code == 200
    sub.post(reverse("awards:withdraw", args=[c.pk]))
    c.refresh_from_db()
    assert c.state == State.DRAFT
    sub.post(reverse("awards:submit", args=[c.pk]))
    services.send_back(actor=w.county_a, pks=[c.pk], reason="事迹材料不完整")
    c.refresh_from_db()
    assert c.state == State.RETURNED
    resp = sub.post(reverse("awards:edit", args=[c.pk]), individual_post(deeds="补充后的事迹。", photo=None))
    assert resp.status_code == 302
    sub.post(reverse("awards:submit", args=[c.pk]))
    c.refresh_from_db()
    assert c.state == State.REVIEW3
    assert c.deeds == "补充后的事迹。"
    resp = sub.get(reverse("awards:detail", args=[c.pk]))
    rows = resp.context["history"]
    assert [(r.action, r.to_state) for r in rows] == [
        ("新建推荐", ""),
        ("状态变更", "县（市、区）审核中"),
        ("状态变更", "草稿"),
        ("状态变更", "县（市、区）审核中"),
        ("状态变更", "退回修改"),
        ("修改推荐", ""),
        ("状态变更", "县（市、区）审核中"),
    ]
    assert "事迹材料不完整" in resp.content.decode()


def test_submit_with_problems_shows_them_and_stays_draft(sub, w):
    sub.post(create_url(w), individual_post(consent=None, photo=None))
    c = Candidacy.objects.get()
    resp = sub.post(reverse("awards:submit", args=[c.pk]), follow=True)
    assert last_message(resp) == ["尚未记录被推荐人（单位）同意。 请上传照片。"]
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_withdraw_after_the_first_level_forwarded_is_refused(sub, w):
    c = nominate(w, 1, submit=True)
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[c.pk])
    resp = sub.get(reverse("awards:detail", args=[c.pk]))
    assert resp.context["actions"].withdraw is False
    resp = sub.post(reverse("awards:withdraw", args=[c.pk]), follow=True)
    c.refresh_from_db()
    assert c.state == State.REVIEW2
    assert last_message(resp) == ["审核已经开始，不能撤回。"]


def test_delete_draft_asks_for_confirmation_then_deletes(sub, w):
    c = nominate(w, 1)
    resp = sub.get(reverse("awards:delete", args=[c.pk]))
    assert resp.status_code == 200
    assert Candidacy.objects.filter(pk=c.pk).exists()
    resp = sub.post(reverse("awards:delete", args=[c.pk]))
    assert resp.url == reverse("awards:list")
    assert not Candidacy.objects.filter(pk=c.pk).exists()
    assert AuditEvent.objects.filter(action="selection.candidacy.delete").count() == 1


def test_print_page_renders_the_a4_form_with_a_signature_cell_per_level(sub, w):
    c = nominate(w, 1)
    resp = sub.get(reverse("awards:print", args=[c.pk]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "推荐审批表" in html
    assert [o.name for o in resp.context["opinions"]] == ["Union a", "County a", "City a", "Province"]
    assert html.count("负责人签字") == 4
    assert c.id_number not in html
    assert "扎根一线二十年。" in html


def test_printing_the_full_id_and_phone_needs_a_reason_and_is_logged(sub, w):
    from awards.models import Nomination
    from unionportal.audit.models import AuditEvent
    from unionportal.audit.services import REVEAL_ACTION

    c = nominate(w, 1)
    Nomination.objects.filter(candidacy=c).update(phone="13800001234")
    url = reverse("awards:print", args=[c.pk])
    refused = sub.post(url, {"reason": "打印"})
    assert refused.status_code == 400
    assert refused.context["reveal_form"].errors["reason"] == ["请说明查看完整信息的理由（至少 4 个字）。"]
    assert c.id_number not in refused.content.decode() and "13800001234" not in refused.content.decode()
    assert not AuditEvent.objects.filter(action=REVEAL_ACTION).exists()

    shown = sub.post(url, {"reason": "正式报送省总工会"})
    html = shown.content.decode()
    assert shown.status_code == 200
    assert c.id_number in html and "13800001234" in html
    events = AuditEvent.objects.filter(action=REVEAL_ACTION).order_by("id")
    assert [(e.changes["field"], e.comment, e.org_path) for e in events] == [
        ("id_number", "正式报送省总工会", c.organisation.path),
        ("phone", "正式报送省总工会", c.organisation.path),
    ]


def test_print_css_sets_a4_page_size():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/portal.css").read_text()
    assert "@page award-a4 { size: A4;" in css


# --- the list -----------------------------------------------------------------------------------------


def test_list_shows_open_programmes_with_new_button_and_filters(sub, w):
    a = nominate(w, 1)
    b = nominate(w, 2, submit=True)
    nominate(w, 3, org=w.tree["grassroots_b"])
    resp = sub.get(reverse("awards:list"))
    assert [p.pk for p in resp.context["open_programmes"]] == [w.programme.pk]
    assert reverse("awards:create", args=[w.programme.pk]) in resp.content.decode()
    assert {c.pk for c in resp.context["page"].object_list} == {a.pk, b.pk}
    resp = sub.get(reverse("awards:list"), {"state": "review3"})
    assert [c.pk for c in resp.context["page"].object_list] == [b.pk]


def test_the_nomination_pages_are_not_for_experts_or_workers(client, w):
    """A role the matrix's "candidacy" row does not name opens none of the pages, whatever its union."""
    nomination = nominate(w, 1)
    for role in (Role.EXPERT, Role.WORKER, Role.CADRE):
        client.force_login(make_user(f"{role}_a", org=w.tree["grassroots_a"], role=role))
        assert client.get(reverse("awards:list")).status_code == 403
        for name in ("awards:detail", "awards:print", "awards:edit", "awards:delete"):
            assert client.get(reverse(name, args=[nomination.pk])).status_code == 404, (role, name)


def test_list_query_count_does_not_grow_with_rows(sub, w, django_assert_max_num_queries):
    nominate(w, 1)
    with django_assert_max_num_queries(9):
        assert sub.get(reverse("awards:list")).status_code == 200
    for n in range(2, 8):
        nominate(w, n)
    with django_assert_max_num_queries(9):
        resp = sub.get(reverse("awards:list"))
    assert len(resp.context["page"].object_list) == 7
