"""The recommendation pages: the form with its patents and evidence, the per-enterprise limit, bad input,
submit / withdraw / delete, and who may see what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from craftsmen.models import Craftsman, CraftsmanProgramme, Patent, Trade
from craftsmen.services import recommendation_save
from tests.factories import make_enterprise, make_user
from unionportal.accounts.validators import mask_id_number
from unionportal.orgs.enums import Role
from unionportal.selection import services as selection
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.models import Candidacy, Programme

from .factories import form_post, id_number, pdf, recommend, world

pytestmark = pytest.mark.django_db

LIMIT_MESSAGE = (
    "“宜城精工机械有限公司”在“荆楚工匠”中最多推荐 2 人，已推荐 2 人（工匠1、工匠2），不能再推荐。"
    "如需更换人选，请先删除尚未提交的草稿。"
)


@pytest.fixture
def w():
    return world()


@pytest.fixture
def sub(client, w):
    client.force_login(w.submitter_a)
    return client


def create_url(w):
    return reverse("craftsmen:create", args=[w.programme.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the form -----------------------------------------------------------------------------------------


def test_form_saves_a_draft_with_the_craftsman_his_patent_and_evidence(sub, w):
    resp = sub.post(create_url(w), form_post(w, attachments=[pdf()]))
    c = Candidacy.objects.get()
    assert resp.status_code == 302
    assert resp.url == reverse("craftsmen:detail", args=[c.pk])
    assert (c.state, c.organisation, c.programme.app) == (State.DRAFT, w.tree["grassroots_a"], "craftsmen")
    assert (c.name, c.unit, c.id_number) == ("王建华", "宜城精工机械有限公司", id_number(1))
    assert c.consent_at is not None and c.photo is not None
    assert [f.original_name for f in c.attachments.all()] == ["certificate.pdf"]
    m = c.craftsman
    assert (m.enterprise, m.trade.name, m.skill_grade) == (w.enterprise_a, "车工", "senior_technician")
    assert (m.years_in_trade, m.apprentices, m.position) == (26, 21, "数控车间班长")
    assert m.signature_skills == "手工研磨精度达到0.002毫米。"
    assert [(p.kind, p.number, p.title, str(p.granted_on)) for p in m.patents.all()] == [
        ("invention", "ZL202110000001.1", "一种薄壁套筒车削夹具", "2023-04-18")
    ]


def test_form_offers_only_the_unions_own_enterprises_and_the_active_trades(sub, w):
    make_enterprise(w.tree["township_a"], union=None, name="无工会企业")
    Trade.objects.filter(code="brewer").update(is_active=False)
    form = sub.get(create_url(w)).context["form"]
    assert list(form.fields["enterprise"].queryset) == [w.enterprise_a]
    names = [t.name for t in form.fields["trade"].queryset]
    assert "车工" in names and "焊工" in names and "酿酒师" not in names
    assert len(names) == Trade.objects.filter(is_active=True).count() >= 30


def test_edit_keeps_the_masked_id_number_and_replaces_the_patents(sub, w):
    c = recommend(w, 1)
    page = sub.get(reverse("craftsmen:edit", args=[c.pk]))
    assert page.context["form"].initial["id_number"] == mask_id_number(id_number(1))
    data = form_post(
        w,
        id_number=page.context["form"].initial["id_number"],
        **{
            "patents-0-number": "ZL202220000002.2",
            "patents-0-kind": "utility",
            "patents-0-title": "焊枪防飞溅罩",
            "patents-0-granted_on": "2024-01-05",
        },
    )
    resp = sub.post(reverse("craftsmen:edit", args=[c.pk]), data)
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.id_number == id_number(1)
    assert list(Patent.objects.values_list("number", flat=True)) == ["ZL202220000002.2"]


def test_submit_then_withdraw_then_delete_walk_the_shared_pipeline(sub, w):
    c = recommend(w, 1)
    resp = sub.post(reverse("craftsmen:submit", args=[c.pk]), follow=True)
    assert messages_of(resp) == ["推荐已提交，等待上级工会审核。"]
    c.refresh_from_db()
    assert c.state == State.REVIEW3 and c.submitted_at is not None
    sub.post(reverse("craftsmen:withdraw", args=[c.pk]))
    c.refresh_from_db()
    assert c.state == State.DRAFT
    # Once submitted, a draft is kept (its history); a never-submitted one can be deleted.
    d = recommend(w, 2)
    sub.post(reverse("craftsmen:delete", args=[d.pk]))
    assert not Candidacy.objects.filter(pk=d.pk).exists()
    assert not Craftsman.objects.filter(pk=d.pk).exists()


def test_submit_without_photo_or_consent_is_refused_with_the_reasons(sub, w):
    c = recommend(w, 1)
    Candidacy.objects.filter(pk=c.pk).update(photo=None, consent_at=None)
    resp = sub.post(reverse("craftsmen:submit", args=[c.pk]), follow=True)
    assert messages_of(resp) == ["尚未记录被推荐人（单位）同意。 请上传照片。"]
    c.refresh_from_db()
    assert c.state == State.DRAFT


# --- the per-enterprise limit ---------------------------------------------------------------------------


def test_an_enterprise_over_its_limit_is_refused_with_a_clear_message_and_nothing_saved(sub, w):
    recommend(w, 1)
    recommend(w, 2, submit=True)
    resp = sub.post(create_url(w), form_post(w, n=3))
    assert resp.status_code == 400
    assert resp.context["form"].non_field_errors() == [LIMIT_MESSAGE]
    assert LIMIT_MESSAGE in resp.content.decode()
    assert Candidacy.objects.count() == 2
    assert not Candidacy.objects.filter(id_number=id_number(3)).exists()


def test_the_limit_counts_per_enterprise_and_frees_a_slot_on_rejection(sub, w):
    recommend(w, 1)
    second = recommend(w, 2, submit=True)
    other = make_enterprise(w.tree["township_a"], union=w.tree["grassroots_a"], name="宜城纺织有限公司")
    assert sub.post(create_url(w), form_post(w, n=3, enterprise=other.pk)).status_code == 302
    selection.send_back(actor=w.county_a, pks=[second.pk], reason="不符合条件。", reject=True)
    assert sub.post(create_url(w), form_post(w, n=4)).status_code == 302
    assert (
        Candidacy.objects.filter(craftsman__enterprise=w.enterprise_a).exclude(state="rejected").count() == 2
    )


def test_the_limit_is_a_programme_setting(sub, w):
    recommend(w, 1)
    recommend(w, 2)
    CraftsmanProgramme.objects.filter(programme=w.programme).update(per_enterprise_limit=3)
    assert sub.post(create_url(w), form_post(w, n=3)).status_code == 302


def test_submitting_over_a_lowered_limit_is_refused(sub, w):
    first = recommend(w, 1, submit=True)
    second = recommend(w, 2)
    CraftsmanProgramme.objects.filter(programme=w.programme).update(per_enterprise_limit=1)
    resp = sub.post(reverse("craftsmen:submit", args=[second.pk]), follow=True)
    assert messages_of(resp) == [
        "“宜城精工机械有限公司”在“荆楚工匠”中最多推荐 1 人，已推荐 1 人（工匠1），不能再推荐。"
        "如需更换人选，请先删除尚未提交的草稿。"
    ]
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.state, second.state) == (State.REVIEW3, State.DRAFT)


def test_the_detail_page_says_the_limit_before_submitting(sub, w):
    recommend(w, 1, submit=True)
    draft = recommend(w, 2)
    CraftsmanProgramme.objects.filter(programme=w.programme).update(per_enterprise_limit=1)
    page = sub.get(reverse("craftsmen:detail", args=[draft.pk]))
    assert any("最多推荐 1 人" in p for p in page.context["problems"])


# --- bad input: a clear message, 400, nothing saved ------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "420684197806120001"}, "id_number", "身份证号校验位不正确，请核对。"),
        ({"years_in_trade": "99"}, "years_in_trade", "确保该值小于或等于60。"),
        ({"years_in_trade": "二十"}, "years_in_trade", "输入整数。"),
        ({"apprentices": "-1"}, "apprentices", "确保该值大于或等于0。"),
        ({"skill_grade": "master"}, "skill_grade", "选择一个有效的选项。 master 不在可用的选项中。"),
        ({"signature_skills": "  "}, "signature_skills", "这个字段是必填项。"),
        ({"summary": "字 " * 501}, "summary", "事迹摘要不能超过 500 字（不计空白），现为 501 字。"),
        (
            {"photo": SimpleUploadedFile("a.jpg", b"<html><script>alert(1)</script>", "image/jpeg")},
            "photo",
            "文件内容不是 JPEG、PNG 或 WebP 图片，请上传这三种格式之一的图片。",
        ),
    ],
)
def test_bad_field_is_a_field_error_and_nothing_is_saved(sub, w, overrides, field, message):
    resp = sub.post(create_url(w), form_post(w, **overrides))
    assert resp.status_code == 400
    assert resp.context["form"].errors[field] == [message]
    assert Candidacy.objects.count() == 0 and Craftsman.objects.count() == 0


def test_an_enterprise_of_another_union_is_refused(sub, w):
    resp = sub.post(create_url(w), form_post(w, enterprise=w.enterprise_b.pk))
    assert resp.status_code == 400
    assert resp.context["form"].errors["enterprise"] == ["选择一个有效的选项： 该选择不在可用的选项中。"]
    assert Candidacy.objects.count() == 0


def test_the_service_refuses_an_enterprise_of_another_union_too(w):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        recommend(w, 1, enterprise=w.enterprise_b)
    assert error.value.message_dict == {"enterprise": ["只能推荐本工会所在企业的职工。"]}
    assert Candidacy.objects.count() == 0


@pytest.mark.parametrize(
    ("patent", "message"),
    [
        ({"patents-0-title": ""}, "请完整填写类型、编号、名称和授权日期，或清空这一行。"),
        (
            {"patents-0-granted_on": str(timezone.localdate() + timedelta(days=3))},
            "第 1 项专利：授权日期不能晚于今天。",
        ),
        (
            {
                "patents-1-kind": "utility",
                "patents-1-number": "zl202110000001.1",
                "patents-1-title": "重复",
                "patents-1-granted_on": "2023-01-01",
            },
            "第 2 项专利：编号 zl202110000001.1 重复。",
        ),
    ],
)
def test_a_bad_patent_row_is_shown_in_the_patent_table_and_nothing_is_saved(sub, w, patent, message):
    resp = sub.post(create_url(w), form_post(w, **patent))
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert Candidacy.objects.count() == 0 and Patent.objects.count() == 0


def test_a_person_already_nominated_this_campaign_is_refused(sub, w):
    other = Programme.objects.create(
        campaign=w.programme.campaign,
        app="awards",
        code="medal",
        name="五一劳动奖章",
        award="湖北省五一劳动奖章",
        nominee_kind=NomineeKind.INDIVIDUAL,
        total_quota=5,
        intake_opens_at=w.programme.intake_opens_at,
        intake_closes_at=w.programme.intake_closes_at,
    )
    Candidacy.objects.create(
        programme=other,
        campaign=other.campaign,
        organisation=w.tree["grassroots_b"],
        name="王建华",
        id_number=id_number(1),
    )
    resp = sub.post(create_url(w), form_post(w))
    assert resp.status_code == 400
    assert resp.context["form"].errors["id_number"] == [
        "此人已由 Union b 推荐参加本年度“五一劳动奖章”，同一人每年只能被推荐一次。"
    ]
    assert Craftsman.objects.count() == 0


def test_a_missing_patent_table_is_refused_not_a_500(sub, w):
    data = {k: v for k, v in form_post(w).items() if not k.startswith("patents-")}
    resp = sub.post(create_url(w), data)
    assert resp.status_code == 400
    assert Candidacy.objects.count() == 0


def test_outside_the_intake_window_the_form_is_refused_with_a_message(sub, w):
    Programme.objects.filter(pk=w.programme.pk).update(
        intake_opens_at=timezone.now() - timedelta(days=9),
        intake_closes_at=timezone.now() - timedelta(days=1),
    )
    resp = sub.get(create_url(w), follow=True)
    assert resp.redirect_chain == [(reverse("craftsmen:list"), 302)]
    assert messages_of(resp) == ["“荆楚工匠”不在申报时间内，不能新建推荐。"]


def test_a_submitted_recommendation_cannot_be_edited(sub, w):
    c = recommend(w, 1, submit=True)
    resp = sub.post(reverse("craftsmen:edit", args=[c.pk]), form_post(w, name="改名"), follow=True)
    assert messages_of(resp) == ["已提交的推荐不能修改；如需修改，请在审核开始前撤回。"]
    c.refresh_from_db()
    assert c.name == "工匠1"


def test_the_service_refuses_a_programme_of_another_app(w):
    from django.http import Http404

    w.programme.app = "awards"
    with pytest.raises(Http404):
        recommendation_save(
            actor=w.submitter_a,
            programme=w.programme,
            organisation=w.tree["grassroots_a"],
            fields={},
            details={},
            consent=True,
        )


# --- who sees what --------------------------------------------------------------------------------------


def test_other_unions_and_other_subtrees_get_404(client, w):
    c = recommend(w, 1, submit=True)
    for user in (w.submitter_b, w.county_b):
        client.force_login(user)
        for name in ("detail", "edit", "withdraw"):
            assert client.get(reverse(f"craftsmen:{name}", args=[c.pk])).status_code == 404, (user, name)
        assert client.post(reverse("craftsmen:submit", args=[c.pk])).status_code == 404
        assert "工匠1" not in client.get(reverse("craftsmen:list")).content.decode()


def test_reviewers_above_see_the_record_but_cannot_change_it(client, w):
    c = recommend(w, 1, submit=True)
    client.force_login(w.county_a)
    page = client.get(reverse("craftsmen:detail", args=[c.pk]))
    assert page.status_code == 200
    assert page.context["actions"].edit is False
    assert mask_id_number(id_number(1)) in page.content.decode() and id_number(1) not in page.content.decode()
    assert client.get(reverse("craftsmen:edit", args=[c.pk])).status_code == 404


def test_a_worker_and_the_public_see_nothing_private(client, w):
    c = recommend(w, 1, submit=True)
    assert client.get(reverse("craftsmen:list")).status_code == 302  # to sign in
    assert client.get(reverse("craftsmen:detail", args=[c.pk])).status_code == 302
    assert "工匠1" not in client.get(reverse("public:honourees")).content.decode()
    client.force_login(w.worker)
    assert client.get(reverse("craftsmen:list")).status_code == 403
    assert client.get(reverse("craftsmen:detail", args=[c.pk])).status_code == 404
    assert client.get(create_url(w)).status_code == 404
    assert client.get(c.photo.get_absolute_url()).status_code == 404


def test_the_stable_candidacy_address_leads_to_the_craftsman_page(sub, w):
    c = recommend(w, 1)
    resp = sub.get(reverse("selection:candidacy", args=[c.pk]))
    assert resp.status_code == 302 and resp.url == reverse("craftsmen:detail", args=[c.pk])


# --- query counts ---------------------------------------------------------------------------------------


def test_list_page_queries_do_not_grow_with_the_rows(sub, w, django_assert_max_num_queries):
    CraftsmanProgramme.objects.filter(programme=w.programme).update(per_enterprise_limit=10)
    recommend(w, 1)
    with django_assert_max_num_queries(14) as one:
        assert sub.get(reverse("craftsmen:list")).status_code == 200
    for n in range(2, 7):
        recommend(w, n, submit=n % 2 == 0)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = sub.get(reverse("craftsmen:list"))
    assert len(page.context["page"].object_list) == 6


def test_detail_page_queries_do_not_grow_with_the_patents(sub, w, django_assert_max_num_queries):
    c = recommend(w, 1)
    with django_assert_max_num_queries(40) as one:
        sub.get(reverse("craftsmen:detail", args=[c.pk]))
    craftsman = c.craftsman
    Patent.objects.bulk_create(
        Patent(
            craftsman=craftsman, kind="utility", number=f"ZL{n}", title=f"成果{n}", granted_on="2024-01-01"
        )
        for n in range(6)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = sub.get(reverse("craftsmen:detail", args=[c.pk]))
    assert len(page.context["patents"]) == 6


# --- the home page ----------------------------------------------------------------------------------------


def test_the_home_page_leads_a_submitter_to_the_open_intake_then_to_the_returned_one(sub, w):
    from craftsmen.todos import craftsmen_todos

    def todos():
        return [(t.label, t.count) for t in craftsmen_todos(w.submitter_a) if t.count]

    assert todos() == [("正在申报、本单位尚未推荐的荆楚工匠评选", 1)]
    assert "正在申报、本单位尚未推荐的荆楚工匠评选" in sub.get(reverse("home")).content.decode()
    c = recommend(w, 1, submit=True)
    assert todos() == []
    selection.send_back(actor=w.county_a, pks=[c.pk], reason="请补充。")
    assert todos() == [("退回修改的荆楚工匠推荐", 1)]
    assert craftsmen_todos(w.county_a) == [] and craftsmen_todos(w.worker) == []


def test_staff_of_a_union_without_enterprises_recommend_nobody(client, w):
    client.force_login(w.county_a)
    resp = client.get(create_url(w), follow=True)
    assert resp.redirect_chain == [(reverse("craftsmen:list"), 302)]
    assert messages_of(resp) == ["荆楚工匠由企业通过本企业工会推荐；您所在的工会下没有登记的企业，不能推荐。"]
    assert resp.context["can_recommend"] is False
    assert client.post(create_url(w), form_post(w)).status_code == 302
    assert Candidacy.objects.count() == 0


def test_the_menu_leads_submitters_to_the_recommendations_and_not_reviewers(client, w, sub):
    assert 'id="nav-craftsmen"' in sub.get(reverse("home")).content.decode()
    client.force_login(w.county_a)
    assert 'id="nav-craftsmen"' not in client.get(reverse("home")).content.decode()


def test_an_expert_sees_no_recommendation_before_the_expert_review(client, w):
    c = recommend(w, 1, submit=True)
    expert = make_user("craft_expert", org=w.tree["city_a"], role=Role.EXPERT)
    client.force_login(expert)
    assert client.get(reverse("craftsmen:list")).status_code == 403
    assert client.get(reverse("craftsmen:detail", args=[c.pk])).status_code == 404
    assert client.get(create_url(w)).status_code == 404
