"""The public side of the awards in a browser: a notice with its objection form, an honouree, news."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone

from tests.browser.conftest import shot
from tests.selection.factories import make_programme, world
from tests.selection.test_notice_public import approve
from unionportal.public.models import News, PublicEntry
from unionportal.selection import services
from unionportal.selection.models import Allocation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_site():
    w = world()
    today = timezone.localdate()
    published = approve(w, [1])
    services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=today - timedelta(days=30),
        office="省总工会",
        phone="027-1",
        address="武汉",
    )
    services.programme_publish(actor=w.province, programme=w.programme, today=today)
    second = make_programme(w.programme.campaign, code="team")
    for key in ("a", "b"):
        Allocation.objects.create(programme=second, organisation=w.tree[f"city_{key}"], quota=6)
        Allocation.objects.create(programme=second, organisation=w.tree[f"county_{key}"], quota=5)
    approve(SimpleNamespace(**{**vars(w), "programme": second}), [3, 4])
    notice = services.notice_open(
        actor=w.province,
        programme=second,
        starts_on=today,
        office="湖北省总工会劳动和经济工作部",
        phone="027-88886666",
        address="武汉市武昌区民主路",
    )
    News.objects.create(
        title="关于开展2026年“五一”系列活动的通知",
        summary="全省各级工会组织开展五一劳动奖评选、荆楚工匠评选等活动。",
        body="正文",
        category=News.Category.ANNOUNCEMENT,
        publish_at=timezone.now() - timedelta(hours=1),
    )
    News.objects.create(title="襄阳市总工会走访慰问一线职工", body="正文", publish_at=timezone.now())
    return notice, PublicEntry.objects.get(source=published[0].public_source)


def test_notice_objection_honouree_and_news_pages(page, phone_page, live_server, artifacts):
    notice, honouree = build_site()

    page.goto(f"{live_server.url}/notices/{notice.pk}/")
    assert page.locator("#notice-phone").inner_text() == "027-88886666"
    assert page.locator("#notice-table tbody tr").count() == 2
    shot(page, artifacts, "public-notice")

    phone_page.goto(f"{live_server.url}/notices/{notice.pk}/")
    assert phone_page.locator("#objection-form").is_visible()
    shot(phone_page, artifacts, "public-notice-phone")

    page.select_option("#id_candidacy", index=1)
    page.fill("#id_name", "李四")
    page.fill("#id_contact", "13700001111")
    page.fill("#id_reason", "该同志的事迹材料有夸大。")
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("#id_captcha_1", CaptchaStore.objects.get(hashkey=key).response)
    page.click("#objection-form input[type=submit]")
    receipt = page.locator("#receipt-no").inner_text()
    assert receipt.startswith("YY")
    shot(page, artifacts, "public-objection-receipt")

    page.goto(f"{live_server.url}/honourees/{honouree.pk}/")
    assert page.locator("h1").inner_text() == "候选人1"
    assert page.locator("#honouree-photo").evaluate("img => img.naturalWidth") > 0
    shot(page, artifacts, "public-honouree")

    page.goto(f"{live_server.url}/honourees/{honouree.pk}/share.png")
    shot(page, artifacts, "public-honouree-share")

    page.goto(f"{live_server.url}/news/")
    assert page.locator(".news-item").count() == 2
    shot(page, artifacts, "public-news")

    page.goto(f"{live_server.url}/")
    assert page.locator("#notice-running").is_visible()
    shot(page, artifacts, "public-home")
