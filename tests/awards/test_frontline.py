"""The 最美一线职工 selection: the three ways in, the phone codes, the union's confirmation, the frontline
rule row, the province's choice and the 五一劳动奖章 granted to the winners."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from awards import frontline
from awards.models import FrontlineEntry, NominationWay
from awards.services import medal_grant_from_frontline, nomination_save
from tests.factories import Role, make_user
from tests.selection.factories import DECLARED, id_number, photo
from tests.selection.factories import world as selection_world
from unionportal.audit.models import AuditEvent
from unionportal.orgs.enums import Level
from unionportal.public.models import PublicEntry
from unionportal.selection import services as selection
from unionportal.selection.enums import State
from unionportal.selection.models import Allocation, Candidacy
from unionportal.selection.selectors import quota_use

pytestmark = pytest.mark.django_db

WORKER_PHONE = "13912345678"
NOMINATOR_PHONE = "13698765432"
NOMINEE_PHONE = "13787654321"


def code_from(sms_outbox, phone) -> str:
    for to, text in reversed(sms_outbox):
        found = re.search(r"您的验证码为 (\d{6})", text)
        if to == phone and found:
            return found.group(1)
    raise AssertionError(f"no code sent to {phone}")


def frontline_world():
    w = selection_world()
    today = timezone.localdate()
    programme = frontline.frontline_programme_create(
        campaign=w.programme.campaign, opens_on=today - timedelta(days=5), closes_on=today + timedelta(days=5)
    )
    Allocation.objects.create(programme=programme, organisation=w.tree["city_a"], quota=5)
    Allocation.objects.create(programme=programme, organisation=w.tree["city_b"], quota=5)
    return SimpleNamespace(**vars(w), frontline=programme, medal=w.programme)


@pytest.fixture
def w():
    return frontline_world()


def fields(w, n=1, **extra):
    return {
        "name": f"职工{n}",
        "id_number": id_number(100 + n),
        "phone": NOMINEE_PHONE,
        "nominator_name": "王师傅",
        "employer": "襄阳某机械有限公司",
        "union": w.tree["grassroots_a"],
        "job": "数控车工",
        "is_manager": False,
        "skills": "高级技师，数控车削。",
        "innovations": "改进夹具三项。",
        "summary": "扎根一线十五年。",
        "deeds": "攻克薄壁件加工难题，废品率下降九成。",
        **extra,
    }


def self_nominate(w, n=1, **extra):
    return frontline.frontline_nominate(
        programme=w.frontline,
        way=NominationWay.SELF,
        verified=WORKER_PHONE,
        fields=fields(w, n, **extra),
        photo=photo(),
        consent=True,
    )


def other_nominate(w, n=2, **extra):
    return frontline.frontline_nominate(
        programme=w.frontline,
        way=NominationWay.OTHER,
        verified=NOMINATOR_PHONE,
        fields=fields(w, n, **extra),
        photo=photo(),
        consent=True,
    )


def post_data(w, n=1, **extra):
    data = {
        "name": f"职工{n}",
        "id_number": id_number(100 + n),
        "employer": "襄阳某机械有限公司",
        "union": w.tree["grassroots_a"].pk,
        "job": "数控车工",
        "skills": "高级技师。",
        "innovations": "改进夹具三项。",
        "summary": "扎根一线十五年。",
        "deeds": "攻克薄壁件加工难题。",
        "photo": photo(),
        "consent": "on",
    }
    data.update(extra)
    return data


def verified_client(client, sms_outbox, capture, *, way="self", phone=WORKER_PHONE):
    url = reverse(f"awards:frontline_{way}_verify")
    with capture(execute=True):
        assert client.post(url, {"phone": phone, "send": "1"}).status_code == 200
    resp = client.post(url, {"phone": phone, "code": code_from(sms_outbox, phone), "verify": "1"})
    assert resp.status_code == 302
    assert resp.url == reverse(f"awards:frontline_{way}")
    return client


# --- the programme and its rule row -----------------------------------------------------------------


def test_the_programme_is_an_award_programme_with_the_frontline_rule_row(w):
    p = w.frontline
    assert (p.app, p.code, p.total_quota, p.name) == ("awards", "frontline", 10, "最美一线职工")
    assert p.review_levels == [Level.CITY, Level.PROVINCE]
    rule = p.rules.get()
    assert (rule.kind, rule.flag, rule.percent) == ("min_share", "frontline", 100)
    assert rule.label == "车间主任以上管理人员不参评"
    again = frontline.frontline_programme_create(
        campaign=p.campaign, opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1)
    )
    assert again.pk == p.pk and again.rules.count() == 1


def test_the_rubric_puts_skills_and_innovation_first():
    weights = {c["name"]: c["weight"] for c in frontline.RUBRIC}
    assert weights["技能水平"] == weights["技术创新"] == max(weights.values())
    assert sum(weights.values()) == 100


# --- self-nomination -----------------------------------------------------------------------------------


def test_a_self_nomination_waits_for_the_union_with_the_worker_consent(w):
    c = self_nominate(w)
    assert c.state == State.DRAFT
    assert c.organisation == w.tree["grassroots_a"]
    assert c.consent_at is not None and c.photo is not None and c.created_by is None
    assert c.flags == {"frontline": True}
    e = c.frontline
    assert (e.way, e.phone, e.nominator_phone, e.confirmed_at) == ("self", WORKER_PHONE, "", None)
    assert (e.job, e.employer, e.is_manager) == ("数控车工", "襄阳某机械有限公司", False)
    assert c.unit == "襄阳某机械有限公司"
    assert AuditEvent.objects.filter(action="awards.frontline.nominate", object_id=str(c.pk)).count() == 1
    assert list(frontline.pending_confirmation(w.submitter_a)) == [c]


def test_a_self_nomination_without_a_verified_phone_is_refused_and_stores_nothing(w):
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.frontline_nominate(
            programme=w.frontline,
            way="self",
            verified=None,
            fields=fields(w),
            photo=photo(),
            consent=True,
        )
    assert err.value.message == "请先通过短信验证码验证手机号，再提交推荐。"
    assert not Candidacy.objects.exists() and not FrontlineEntry.objects.exists()


def test_the_form_posted_without_a_verified_phone_is_refused_with_the_message(client, w):
    resp = client.post(reverse("awards:frontline_self"), post_data(w))
    assert resp.status_code == 400
    assert "请先通过短信验证码验证手机号，再提交推荐。" in resp.content.decode()
    assert not Candidacy.objects.exists()
    resp = client.get(reverse("awards:frontline_self"))
    assert resp.status_code == 302 and resp.url == reverse("awards:frontline_self_verify")


def test_a_worker_verifies_the_phone_and_self_nominates_through_the_pages(
    client, w, sms_outbox, django_capture_on_commit_callbacks
):
    verified_client(client, sms_outbox, django_capture_on_commit_callbacks)
    resp = client.get(reverse("awards:frontline_self"), {"union_q": "Union a"})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "139****5678" in page and WORKER_PHONE not in page
    assert f'value="{w.tree["grassroots_a"].pk}"' in page
    assert f'value="{w.tree["grassroots_b"].pk}"' not in page  # only the search's matches are listed
    resp = client.post(reverse("awards:frontline_self"), post_data(w, union_q="Union a"))
    assert resp.status_code == 302 and resp.url == reverse("awards:frontline_submitted")
    c = Candidacy.objects.get()
    assert c.frontline.phone == WORKER_PHONE and c.frontline.way == "self"
    page = client.get(resp.url).content.decode()
    assert "推荐已提交" in page and "139****5678" in page and c.id_number not in page


def test_a_wrong_phone_code_is_refused(client, w, sms_outbox, django_capture_on_commit_callbacks):
    url = reverse("awards:frontline_self_verify")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"phone": WORKER_PHONE, "send": "1"})
    good = code_from(sms_outbox, WORKER_PHONE)
    resp = client.post(
        url, {"phone": WORKER_PHONE, "code": "000000" if good != "000000" else "111111", "verify": "1"}
    )
    assert resp.status_code == 400
    assert "验证码错误，还可尝试 4 次。" in resp.content.decode()
    assert frontline.verified_phone(client.session) is None


def test_a_bad_photo_is_refused_by_its_content(client, w, sms_outbox, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    verified_client(client, sms_outbox, django_capture_on_commit_callbacks)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    resp = client.post(reverse("awards:frontline_self"), post_data(w, photo=fake))
    assert resp.status_code == 400
    assert not Candidacy.objects.exists()


def test_a_manager_above_workshop_level_is_refused_by_the_rule_row(w):
    with pytest.raises(ValidationError) as err:
        self_nominate(w, is_manager=True)
    message = err.value.message_dict["is_manager"][0]
    assert message == (
        "“职工1”担任车间主任以上管理职务，不符合评选规则“一线职工比例不低于 100%”：车间主任以上管理人员不参评。"
    )
    assert not Candidacy.objects.exists()
    # The rule is a row: switched off, a manager may be nominated.
    w.frontline.rules.update(is_active=False)
    assert self_nominate(w, is_manager=True).flags == {"frontline": False}


def test_a_person_already_nominated_this_campaign_in_any_programme_is_refused(w):
    medal = nomination_save(
        actor=w.submitter_b,
        programme=w.medal,
        organisation=w.tree["grassroots_b"],
        fields={
            "name": "职工1",
            "id_number": id_number(101),
            "summary": "s",
            "deeds": "d",
            "flags": {"frontline": True},
            "declarations": DECLARED,
        },
        details={},
        consent=True,
        photo=photo(),
    )
    with pytest.raises(ValidationError) as err:
        self_nominate(w)
    assert err.value.message_dict["id_number"] == [
        f"此人已由 {medal.organisation.name} 推荐参加本年度“{w.medal.name}”，同一人每年只能被推荐一次。"
    ]
    assert Candidacy.objects.count() == 1 and not FrontlineEntry.objects.exists()


def test_intake_closed_refuses(w):
    w.frontline.intake_closes_at = timezone.now() - timedelta(minutes=1)
    w.frontline.intake_opens_at = timezone.now() - timedelta(days=3)
    w.frontline.save()
    with pytest.raises(frontline.FrontlineError) as err:
        self_nominate(w)
    assert "不在申报时间内" in err.value.message
    assert not Candidacy.objects.exists()


# --- the union's confirmation -----------------------------------------------------------------------


def test_the_union_confirms_and_the_nomination_enters_review(w):
    c = self_nominate(w)
    done = frontline.frontline_confirm(actor=w.submitter_a, pk=c.pk)
    assert done.state == State.REVIEW2  # the city is the programme's first reviewing level
    e = FrontlineEntry.objects.get(pk=c.pk)
    assert e.confirmed_by == w.submitter_a and e.confirmed_at is not None
    assert AuditEvent.objects.filter(action="awards.frontline.confirm", object_id=str(c.pk)).exists()
    assert not frontline.pending_confirmation(w.submitter_a).exists()


def test_confirming_a_nominee_of_another_union_is_404_and_changes_nothing(client, w):
    c = self_nominate(w)
    with pytest.raises(Http404):
        frontline.frontline_confirm(actor=w.submitter_b, pk=c.pk)
    client.force_login(w.submitter_b)
    resp = client.post(reverse("awards:frontline_confirm"), {"candidacy": c.pk})
    assert resp.status_code == 404
    c.refresh_from_db()
    assert c.state == State.DRAFT and c.frontline.confirmed_at is None
    # Staff above the union reach the nomination, but confirming is the union's own.
    with pytest.raises(Http404):
        frontline.frontline_confirm(actor=w.county_a, pk=c.pk)


def test_the_confirmation_page_confirms_and_lists_only_the_users_union(client, w):
    mine = self_nominate(w, 1)
    other = self_nominate(w, 3, union=w.tree["grassroots_b"])
    client.force_login(w.submitter_a)
    page = client.get(reverse("awards:frontline_confirm")).content.decode()
    assert mine.name in page and other.name not in page
    resp = client.post(reverse("awards:frontline_confirm"), {"candidacy": mine.pk})
    assert resp.status_code == 302
    mine.refresh_from_db()
    assert mine.state == State.REVIEW2


def test_the_rule_row_is_checked_again_when_the_union_confirms(w):
    w.frontline.rules.update(is_active=False)
    c = self_nominate(w, is_manager=True)
    w.frontline.rules.update(is_active=True)
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.frontline_confirm(actor=w.submitter_a, pk=c.pk)
    assert "车间主任以上管理人员不参评" in err.value.message
    c.refresh_from_db()
    assert c.state == State.DRAFT and c.frontline.confirmed_at is None


def test_the_union_declines_with_a_reason_and_the_nominator_is_told(
    client, w, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = other_nominate(w)
    client.force_login(w.submitter_b)
    resp = client.post(
        reverse("awards:frontline_confirm"), {"candidacy": c.pk, "decline": "1", "reason": "x"}
    )
    assert resp.status_code == 404
    client.force_login(w.submitter_a)
    resp = client.post(
        reverse("awards:frontline_confirm"), {"candidacy": c.pk, "decline": "1", "reason": " "}
    )
    assert resp.status_code == 400 and "请填写不予确认的理由。" in resp.content.decode()
    assert Candidacy.objects.filter(pk=c.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            reverse("awards:frontline_confirm"), {"candidacy": c.pk, "decline": "1", "reason": "非本单位职工"}
        )
    assert resp.status_code == 302
    assert not Candidacy.objects.filter(pk=c.pk).exists()
    event = AuditEvent.objects.get(action="awards.frontline.decline", object_id=str(c.pk))
    assert event.comment == "非本单位职工" and event.actor == w.submitter_a
    assert sms_outbox[-1][0] == NOMINATOR_PHONE and "理由：非本单位职工" in sms_outbox[-1][1]


def test_the_plain_submit_button_does_not_bypass_the_confirmation(client, w):
    c = self_nominate(w)
    client.force_login(w.submitter_a)
    resp = client.post(reverse("awards:submit", args=[c.pk]))
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_the_home_page_shows_the_confirmation_waiting(client, w):
    self_nominate(w)
    client.force_login(w.submitter_a)
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos["待确认的最美一线职工推荐"] == 1
    client.force_login(w.submitter_b)
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos.get("待确认的最美一线职工推荐", 0) == 0


@pytest.mark.parametrize("size", [1, 6])
def test_the_confirmation_queue_queries_do_not_grow(client, w, size, django_assert_max_num_queries):
    for n in range(size):
        self_nominate(w, 10 + n)
        other_nominate(w, 40 + n, phone=f"1370000{n:04d}")
    client.force_login(w.submitter_a)
    with django_assert_max_num_queries(5):
        resp = client.get(reverse("awards:frontline_confirm"))
    assert resp.status_code == 200
    assert len(resp.context["ready"]) == size and len(resp.context["waiting"]) == size


# --- nomination by another person and the nominee's consent ---------------------------------------


def test_a_nomination_by_another_person_waits_for_the_nominee_consent(
    w, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = other_nominate(w)
    assert c.consent_at is None
    e = c.frontline
    assert (e.way, e.nominator_name, e.nominator_phone, e.phone) == (
        "other",
        "王师傅",
        NOMINATOR_PHONE,
        NOMINEE_PHONE,
    )
    texts = [text for to, text in sms_outbox if to == NOMINEE_PHONE]
    assert any("最美一线职工" in t for t in texts) and any("您的验证码为" in t for t in texts)
    # Without consent the union cannot confirm it into review.
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.frontline_confirm(actor=w.submitter_a, pk=c.pk)
    assert err.value.message == "“职工2”尚未通过短信验证码同意被推荐，不能确认。"
    c.refresh_from_db()
    assert c.state == State.DRAFT


def test_the_nominee_consents_by_the_code_and_the_union_confirms(
    client, w, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = other_nominate(w)
    code = code_from(sms_outbox, NOMINEE_PHONE)
    resp = client.post(
        reverse("awards:frontline_consent"),
        {"phone": NOMINEE_PHONE, "code": code, "consent": "on", "verify": "1"},
    )
    assert resp.status_code == 200 and "已确认同意" in resp.content.decode()
    c.refresh_from_db()
    assert c.consent_at is not None
    assert AuditEvent.objects.filter(action="awards.frontline.consent", object_id=str(c.pk)).exists()
    assert frontline.frontline_confirm(actor=w.submitter_a, pk=c.pk).state == State.REVIEW2


def test_a_wrong_or_expired_consent_code_changes_nothing(
    client, w, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        c = other_nominate(w)
    code = code_from(sms_outbox, NOMINEE_PHONE)
    wrong = "000000" if code != "000000" else "111111"
    resp = client.post(
        reverse("awards:frontline_consent"),
        {"phone": NOMINEE_PHONE, "code": wrong, "consent": "on", "verify": "1"},
    )
    assert resp.status_code == 400 and "验证码错误" in resp.content.decode()
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.nominee_consent(
            phone=NOMINEE_PHONE, code=code, consent=True, now=timezone.now() + timedelta(minutes=6)
        )
    assert err.value.message == "验证码已过期，请重新获取。"
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.nominee_consent(phone=NOMINEE_PHONE, code=code, consent=False)
    assert err.value.message == "请阅读隐私声明并勾选同意推荐后再确认。"
    c.refresh_from_db()
    assert c.consent_at is None


def test_another_person_nominates_through_the_pages(
    client, w, sms_outbox, django_capture_on_commit_callbacks
):
    verified_client(
        client, sms_outbox, django_capture_on_commit_callbacks, way="other", phone=NOMINATOR_PHONE
    )
    data = post_data(w, 2, nominator_name="王师傅", phone=NOMINEE_PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("awards:frontline_other"), data)
    assert resp.status_code == 302
    c = Candidacy.objects.get()
    assert c.frontline.nominator_phone == NOMINATOR_PHONE and c.consent_at is None
    # The union's staff see the nominator's phone masked.
    staff = make_user("gr_staff", org=w.tree["grassroots_a"], role=Role.SUBMITTER)
    client.force_login(staff)
    page = client.get(reverse("awards:detail", args=[c.pk])).content.decode()
    assert "136****5432" in page and NOMINATOR_PHONE not in page and NOMINEE_PHONE not in page


# --- organisation nomination ---------------------------------------------------------------------------


def test_an_organisation_nominates_through_the_award_form_and_the_rule_is_checked_on_forwarding(w):
    def org_nominate(n, frontline_flag):
        c = nomination_save(
            actor=w.submitter_a,
            programme=w.frontline,
            organisation=w.tree["grassroots_a"],
            fields={
                "name": f"组织推荐{n}",
                "id_number": id_number(200 + n),
                "summary": "s",
                "deeds": "d",
                "flags": {"frontline": frontline_flag},
            },
            details={"position": "焊工", "phone": "13800001111"},
            consent=True,
            photo=photo(),
        )
        selection.candidacy_submit(actor=w.submitter_a, pk=c.pk)
        return c

    good = org_nominate(1, True)
    assert (good.frontline.way, good.frontline.nominator_name) == (
        "organisation",
        w.tree["grassroots_a"].name,
    )
    manager = org_nominate(2, False)
    with pytest.raises(selection.SelectionError) as err:
        selection.forward(
            actor=w.city_a, programme=w.frontline, organisation=w.tree["city_a"], pks=[good.pk, manager.pk]
        )
    assert "一线职工占名单 50%（1/2），要求不低于 100%。" in err.value.message
    assert Candidacy.objects.get(pk=manager.pk).state == State.REVIEW2
    selection.forward(actor=w.city_a, programme=w.frontline, organisation=w.tree["city_a"], pks=[good.pk])
    assert Candidacy.objects.get(pk=good.pk).state == State.REVIEW1


# --- choice, notice, publication and the medal -------------------------------------------------------


def _at_province(w, count):
    """``count`` confirmed self-nominations forwarded by their city to the province."""
    rows = []
    for n in range(count):
        key = "a" if n % 2 == 0 else "b"
        c = self_nominate(w, 60 + n, union=w.tree[f"grassroots_{key}"])
        actor = w.submitter_a if key == "a" else w.submitter_b
        frontline.frontline_confirm(actor=actor, pk=c.pk)
        rows.append(c)
    Allocation.objects.filter(programme=w.frontline).update(quota=20)
    city_b = make_user("city_b", org=w.tree["city_b"], role=Role.STAFF)
    for key, actor in (("a", w.city_a), ("b", city_b)):
        pks = [c.pk for c in rows if c.organisation == w.tree[f"grassroots_{key}"]]
        if pks:
            selection.forward(actor=actor, programme=w.frontline, organisation=w.tree[f"city_{key}"], pks=pks)
    return [Candidacy.objects.get(pk=c.pk) for c in rows]


def _closed_vote(w, rows):
    from unionportal.selection.voting import services as voting

    now = timezone.now()
    stage = voting.stage_save(
        actor=w.province,
        programme=w.frontline,
        values={
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(days=3),
            "period": "day",
            "votes_per_candidate": 1,
            "candidates_per_day": 3,
            "hide_results": False,
            "expert_weight": 70,
            "public_weight": 30,
        },
    )
    stage = voting.stage_open(
        actor=w.province, stage=stage, candidacy_ids=[c.pk for c in rows], now=now - timedelta(days=4)
    )
    return voting.stage_close(actor=w.province, stage=stage, now=now)


def test_the_province_chooses_at_most_the_quota_after_the_vote(w):
    rows = _at_province(w, 11)
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.frontline_choose(actor=w.province, programme=w.frontline, pks=[c.pk for c in rows[:10]])
    assert err.value.message == "社会评议结束后才能确定入选人员。"
    _closed_vote(w, rows)
    with pytest.raises(frontline.FrontlineError) as err:
        frontline.frontline_choose(actor=w.province, programme=w.frontline, pks=[c.pk for c in rows])
    assert err.value.message == "最多评选 10 名：已确定 0 名，本次选择 11 名，超出 1 名。"
    assert not Candidacy.objects.filter(programme=w.frontline, state=State.APPROVED).exists()
    with pytest.raises(frontline.FrontlineError):
        frontline.frontline_choose(actor=w.city_a, programme=w.frontline, pks=[rows[0].pk])
    chosen = frontline.frontline_choose(
        actor=w.province, programme=w.frontline, pks=[c.pk for c in rows[:10]]
    )
    assert [c.state for c in chosen] == [State.APPROVED] * 10
    assert [Candidacy.objects.get(pk=c.pk).rank for c in rows[:10]] == list(range(1, 11))


def _published_winners(w, count=2):
    rows = _at_province(w, count)
    _closed_vote(w, rows)
    frontline.frontline_choose(actor=w.province, programme=w.frontline, pks=[c.pk for c in rows])
    start = timezone.localdate() - timedelta(days=30)
    selection.notice_open(
        actor=w.province, programme=w.frontline, starts_on=start, office="省总", phone="027", address="武汉"
    )
    selection.programme_publish(actor=w.province, programme=w.frontline, today=timezone.localdate())
    return [Candidacy.objects.get(pk=c.pk) for c in rows]


def test_winners_are_granted_the_medal_outside_its_quota_with_the_source_recorded(w, client):
    winners = _published_winners(w)
    assert {c.state for c in winners} == {State.PUBLISHED}
    before = quota_use(w.medal, w.tree["province"], adding=0).used
    granted = medal_grant_from_frontline(actor=w.province, programme=w.frontline)
    assert len(granted) == 2
    for grant, winner in zip(granted, winners, strict=True):
        assert grant.programme == w.medal and grant.granted_from == winner
        assert grant.state == State.PUBLISHED and grant.id_number == winner.id_number
        event = AuditEvent.objects.get(action="awards.medal.grant", object_id=str(grant.pk))
        assert event.actor == w.province and event.changes == {"granted_from": [None, winner.pk]}
        entry = PublicEntry.objects.get(source=grant.public_source)
        assert entry.award == "湖北省五一劳动奖章（经最美一线职工评选授予）"
        assert entry.stage == PublicEntry.Stage.PUBLISHED
    # Outside the medal quota: the province's and each union's figures do not count them.
    assert quota_use(w.medal, w.tree["province"], adding=0).used == before
    assert quota_use(w.medal, w.tree["city_a"], adding=0).used == 0
    # Idempotent.
    assert medal_grant_from_frontline(actor=w.province, programme=w.frontline) == []
    assert Candidacy.objects.filter(programme=w.medal, granted_from__isnull=False).count() == 2
    # Shown on the 奖章 list, the record and the public list.
    client.force_login(w.province)
    page = client.get(reverse("awards:list"), {"programme": w.medal.pk}).content.decode()
    assert page.count("经最美一线职工评选授予") >= 2
    assert (
        "经最美一线职工评选授予"
        in client.get(reverse("awards:detail", args=[granted[0].pk])).content.decode()
    )
    client.logout()
    public = client.get(reverse("public:honourees")).content.decode()
    assert "湖北省五一劳动奖章（经最美一线职工评选授予）" in public


def test_the_medal_quota_stays_full_for_ordinary_nominations(w):
    winners = _published_winners(w, 1)
    medal_grant_from_frontline(actor=w.province, programme=w.frontline)
    w.medal.total_quota = 1
    w.medal.save()
    # One ordinary medal nomination still fits the province's quota of 1.
    use = quota_use(w.medal, w.tree["province"], adding=1)
    assert use.problem is None
    assert winners


def test_the_grant_needs_province_staff_and_published_winners(w):
    with pytest.raises(selection.SelectionError) as err:
        medal_grant_from_frontline(actor=w.province, programme=w.frontline)
    assert err.value.message == "最美一线职工评选尚未公布入选名单，不能授予五一劳动奖章。"
    with pytest.raises(selection.SelectionError):
        medal_grant_from_frontline(actor=w.city_a, programme=w.frontline)
    assert not Candidacy.objects.filter(granted_from__isnull=False).exists()


def test_the_choose_page_chooses_and_grants(client, w):
    rows = _at_province(w, 3)
    _closed_vote(w, rows)
    client.force_login(w.province)
    page = client.get(reverse("awards:frontline_choose"))
    assert page.status_code == 200 and len(page.context["lines"]) == 3
    resp = client.post(
        reverse("awards:frontline_choose"), {"choose": "1", "chosen": [rows[0].pk, rows[1].pk]}
    )
    assert resp.status_code == 302
    assert Candidacy.objects.filter(programme=w.frontline, state=State.APPROVED).count() == 2
    resp = client.post(reverse("awards:frontline_choose"), {"grant": "1"})
    assert resp.status_code == 400  # nothing published yet: refused with the message, nothing granted
    assert not Candidacy.objects.filter(granted_from__isnull=False).exists()
    client.force_login(w.submitter_a)
    assert client.get(reverse("awards:frontline_choose")).status_code == 403


# --- English -----------------------------------------------------------------------------------------


def test_the_pages_read_in_english(client, w, sms_outbox, django_capture_on_commit_callbacks):
    from tests.test_english_leftovers import offending, read

    def english(url, **params):
        resp = client.get(url, params)
        assert resp.status_code == 200, url
        return offending(" ".join(read(resp.content.decode()).parts))

    with django_capture_on_commit_callbacks(execute=True):
        other_nominate(w)
    self_nominate(w)
    verified_client(client, sms_outbox, django_capture_on_commit_callbacks)
    client.get(reverse("awards:frontline_self"))  # shows (and uses up) the Chinese page's message
    assert english("/en/awards/frontline/self/", union_q="Union") == []
    for url in (
        "/en/awards/frontline/",
        "/en/awards/frontline/self/verify/",
        "/en/awards/frontline/consent/",
    ):
        assert english(url) == [], url
    client.force_login(w.submitter_a)
    assert english("/en/awards/frontline/confirm/") == []
    for c in Candidacy.objects.all():
        assert english(f"/en/awards/{c.pk}/") == []
