"""The public side of a notice: the list on notice, objections (captcha, token, rate limit), receipts,
and the rule that no public page shows an ID number, a phone or a birth date."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from captcha.models import CaptchaStore
from django.test import override_settings
from django.utils import timezone

from awards.models import Nomination
from unionportal.public.models import PublicEntry
from unionportal.selection import services
from unionportal.selection.enums import ObjectionState, State
from unionportal.selection.models import Allocation, Objection
from unionportal.uploads.models import StoredFile

from .factories import id_number, make_programme, nominate, photo, world

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def approve(w, ns):
    cands = [nominate(w, n, submit=True) for n in ns]
    pks = [c.pk for c in cands]
    for actor, org in ((w.county_a, "county_a"), (w.city_a, "city_a"), (w.province, "province")):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=pks)
    Nomination.objects.filter(candidacy__in=pks).update(phone=PHONE)
    return cands


@pytest.fixture
def site():
    """Two honourees published from an earlier notice, and two candidates on a notice running today."""
    w = world()
    today = timezone.localdate()
    published = approve(w, [1, 2])
    old = services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=today - timedelta(days=40),
        office="省总工会",
        phone="027-1",
        address="武汉",
    )
    services.programme_publish(actor=w.province, programme=w.programme, today=today)
    second = make_programme(w.programme.campaign, code="team")
    for key in ("a", "b"):
        Allocation.objects.create(programme=second, organisation=w.tree[f"city_{key}"], quota=6)
        Allocation.objects.create(programme=second, organisation=w.tree[f"county_{key}"], quota=5)
    w2 = SimpleNamespace(**{**vars(w), "programme": second})
    noticed = approve(w2, [3, 4])
    notice = services.notice_open(
        actor=w.province,
        programme=second,
        starts_on=today,
        office="湖北省总工会劳动和经济工作部",
        phone="027-88886666",
        address="武汉市武昌区",
    )
    return SimpleNamespace(w=w, today=today, published=published, noticed=noticed, old=old, notice=notice)


def form_data(client, site, **overrides):
    """A filled objection form as the page served it (its token), with the captcha answered."""
    html = client.get(f"/notices/{site.notice.pk}/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    key = re.search(r'name="captcha_0" value="([^"]+)"', html).group(1)
    data = {
        "candidacy": site.noticed[0].pk,
        "name": "李四",
        "contact": "13700001111",
        "reason": "该同志的事迹材料有夸大。",
        "token": token,
        "captcha_0": key,
        "captcha_1": CaptchaStore.objects.get(hashkey=key).response,
    }
    data.update(overrides)
    return data


def test_notice_page_lists_public_fields_terms_and_the_form(client, site):
    response = client.get(f"/notices/{site.notice.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "候选人3" in html and "候选人4" in html
    assert "候选人1" not in html  # another programme's honouree
    assert "扎根一线二十年。" in html and "City a" in html and "湖北省五一劳动奖章" in html
    assert '<span id="notice-phone">027-88886666</span>' in html
    assert "武汉市武昌区" in html
    assert (
        f"公示期：{site.notice.starts_on:%Y-%m-%d} 至 {site.notice.ends_on:%Y-%m-%d}（5个工作日）。" in html
    )
    assert 'id="objection-form"' in html and 'name="captcha_1"' in html
    assert "no-cache" in response["Cache-Control"]


def test_no_public_page_shows_an_id_number_a_phone_or_a_birth_date(client, site):
    honouree = PublicEntry.objects.get(source=site.published[0].public_source)
    paths = [
        "/",
        "/notices/",
        f"/notices/{site.notice.pk}/",
        f"/notices/{site.old.pk}/",
        "/honourees/",
        f"/honourees/{honouree.pk}/",
        "/en/honourees/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for n in (1, 2, 3, 4):
            assert id_number(n) not in html, path
        assert PHONE not in html, path
        assert "19850315" not in html and "1985-03-15" not in html and "1985年3月15日" not in html, path


def test_a_lodged_objection_gets_a_receipt_and_its_evidence_is_filed_above_the_candidates_union(client, site):
    data = form_data(client, site, evidence_image=photo("evidence.jpg"))
    response = client.post(f"/notices/{site.notice.pk}/", data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    objection = Objection.objects.get()
    assert f'<p class="display-6 font-monospace" id="receipt-no">{objection.receipt_no}</p>' in (
        response.content.decode()
    )
    assert objection.candidacy == site.noticed[0]
    assert objection.client_ip == "10.1.2.3"
    assert objection.evidence.kind == StoredFile.Kind.IMAGE
    # Above the candidate's union: its staff up the tree open it, the union objected to does not.
    assert objection.evidence.organisation == site.noticed[0].organisation.parent_organisation()
    submitter = site.noticed[0].created_by
    assert not StoredFile.objects.visible_to(submitter).filter(pk=objection.evidence.pk).exists()
    assert objection.evidence.is_public is False


def test_a_wrong_captcha_is_a_form_error_and_creates_nothing(client, site):
    data = form_data(client, site, captcha_1="WRONG")
    response = client.post(f"/notices/{site.notice.pk}/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == ["验证码错误，请重新输入。"]
    assert Objection.objects.count() == 0


def test_a_replayed_post_shows_a_message_and_creates_nothing(client, site):
    data = form_data(client, site)
    assert client.post(f"/notices/{site.notice.pk}/", data).status_code == 200
    # The same form (same token) again, even with a fresh captcha answered.
    fresh = form_data(client, site)
    replay = {**data, "captcha_0": fresh["captcha_0"], "captcha_1": fresh["captcha_1"]}
    response = client.post(f"/notices/{site.notice.pk}/", replay)
    assert response.context["form"].non_field_errors() == ["该表单已经提交过，请勿重复提交。"]
    assert Objection.objects.count() == 1


def test_an_objection_to_someone_not_on_the_list_is_refused(client, site):
    data = form_data(client, site, candidacy=site.published[0].pk)
    response = client.post(f"/notices/{site.notice.pk}/", data)
    assert "candidacy" in response.context["form"].errors
    assert Objection.objects.count() == 0


@override_settings(OBJECTION_RATE="3/h")
def test_a_flood_from_one_address_is_answered_429_after_the_limit(client, site):
    for _attempt in range(3):
        data = form_data(client, site)
        assert client.post(f"/notices/{site.notice.pk}/", data, REMOTE_ADDR="10.9.9.9").status_code == 200
    data = form_data(client, site)
    response = client.post(f"/notices/{site.notice.pk}/", data, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert Objection.objects.count() == 3
    # Another address is not held back.
    other = client.post(f"/notices/{site.notice.pk}/", form_data(client, site), REMOTE_ADDR="10.9.9.10")
    assert other.status_code == 200
    assert Objection.objects.count() == 4


def test_outside_the_period_the_form_is_not_shown_and_posts_create_nothing(client, site):
    html = client.get(f"/notices/{site.old.pk}/").content.decode()
    assert 'id="objection-form"' not in html
    assert "不在公示期内，网上异议通道已关闭。" in html
    assert "候选人1" in html  # the list stays readable
    client.post(f"/notices/{site.old.pk}/", {"candidacy": site.published[0].pk, "name": "x"})
    assert Objection.objects.count() == 0


def test_receipt_lookup_tells_the_objector_the_state_then_the_outcome(client, site):
    client.post(f"/notices/{site.notice.pk}/", form_data(client, site))
    objection = Objection.objects.get()
    lookup = {"receipt_no": objection.receipt_no.lower(), "contact": "13700001111"}
    html = client.post("/notices/receipt/", lookup).content.decode()
    assert '<strong id="receipt-state">调查核实中</strong>' in html
    assert "正在调查核实" in html

    wrong = client.post("/notices/receipt/", {**lookup, "contact": "13700002222"})
    assert wrong.context["form"].non_field_errors() == [
        "没有找到与受理编号和联系方式相符的异议，请核对后重试。"
    ]

    services.objection_decide(
        actor=site.w.province, pk=objection.pk, upheld=True, findings="经核实，情况属实。"
    )
    html = client.post("/notices/receipt/", lookup).content.decode()
    assert '<strong id="receipt-state">异议成立</strong>' in html
    assert "经核实，情况属实。" in html
    assert Objection.objects.get().state == ObjectionState.UPHELD
    # Upheld: the candidate is off the notice list at once.
    assert "候选人3" not in client.get(f"/notices/{site.notice.pk}/").content.decode()
    site.noticed[0].refresh_from_db()
    assert site.noticed[0].state == State.STRUCK


def test_notice_list_shows_running_and_recent_notices_cached_without_cookie(client, site):
    response = client.get("/notices/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.cookies == {}
    assert html.count('class="list-group-item list-group-item-action"') == 2
    assert '<span class="badge text-bg-warning">公示中</span>' in html
    assert '<span class="badge text-bg-secondary">已结束</span>' in html


def test_home_page_links_to_a_running_notice(client, site):
    html = client.get("/").content.decode()
    assert f'href="/notices/{site.notice.pk}/"' in html
    assert "拟表彰对象正在公示" in html


def test_photo_of_a_candidate_on_notice_is_served_and_withdrawn_with_the_row(client, site):
    entry = PublicEntry.objects.get(source=site.noticed[0].public_source)
    response = client.get(f"/honourees/{entry.pk}/photo/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content[:2] == b"\xff\xd8"
    client.post(f"/notices/{site.notice.pk}/", form_data(client, site))
    services.objection_decide(
        actor=site.w.province, pk=Objection.objects.get().pk, upheld=True, findings="属实。"
    )
    assert client.get(f"/honourees/{entry.pk}/photo/").status_code == 404


def test_notices_ended_long_ago_move_to_the_archive_twenty_a_page(client, site):
    from unionportal.public import cache as page_cache
    from unionportal.selection.models import Notice
    from unionportal.selection.views_public import ARCHIVE_PAGE, RECENT_DAYS

    Notice.objects.filter(pk=site.old.pk).update(
        starts_on=site.today - timedelta(days=RECENT_DAYS + 10),
        ends_on=site.today - timedelta(days=RECENT_DAYS + 3),
    )
    for n in range(ARCHIVE_PAGE):  # earlier years' notices of the same programme
        ends = site.today - timedelta(days=400 + n)
        Notice.objects.create(
            programme=site.old.programme, starts_on=ends - timedelta(days=6), ends_on=ends, batch=n + 2
        )
    page_cache.invalidate()
    html = client.get("/notices/").content.decode()
    listed, archive = html.split('id="notice-archive"')
    assert listed.count('class="list-group-item list-group-item-action"') == 1  # the running one
    assert archive.count("list-group-item-action") == ARCHIVE_PAGE
    assert f"/notices/{site.old.pk}/" in archive  # newest first: the one that just moved
    second = client.get("/notices/?page=2").content.decode().split('id="notice-archive"')[1]
    assert second.count("list-group-item-action") == 1
    assert client.get(f"/notices/{site.old.pk}/").status_code == 200
