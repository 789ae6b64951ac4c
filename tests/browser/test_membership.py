"""A new worker on a phone signs up, fills in the real-name profile and applies to their employer's union;
the union accepts; the worker opens the card, whose QR code links to the public check page."""

import re
from datetime import date, timedelta
from importlib import import_module

import pytest
from django.utils import timezone

from tests.browser.conftest import shot
from tests.factories import credit_code, make_tree, make_user
from unionportal.notifications.sms import LocMemSmsBackend
from unionportal.orgs.enums import Industry, Ownership, Role
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.models import Enterprise, Member, PrivacyNotice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = "13912340001"
PASSWORD = "Lao-dong-2026!"


def _shot(page, artifacts, name):
    shot(page, artifacts, f"membership-{name}")


def test_a_worker_signs_up_joins_and_shows_the_card(phone_page, page, live_server, artifacts):
    first = import_module("unionportal.orgs.migrations.0004_privacy_notice_first_version")
    PrivacyNotice.objects.get_or_create(
        version=first.VERSION,
        defaults={
            "title": first.TITLE,
            "body": first.BODY,
            "published_at": timezone.now() - timedelta(days=1),
        },
    )
    tree = make_tree()
    Enterprise.objects.create(
        name="楚都食品有限公司",
        credit_code=credit_code(7),
        industry=Industry.MANUFACTURING,
        ownership=Ownership.PRIVATE,
        township=tree["township_a"],
        union=tree["grassroots_a"],
    )
    make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER, name="刘建华")
    base = live_server.url
    p = phone_page

    # Sign up: the phone, the code sent to it, a password and the consent.
    p.goto(base + "/accounts/signup/")
    p.fill("#id_phone", PHONE)
    _shot(p, artifacts, "signup")
    p.click("input[type=submit]")
    p.wait_for_url(re.compile(r".*/accounts/signup/confirm/$"))
    code = re.search(r"(\d{6})", LocMemSmsBackend.outbox[-1][1]).group(1)
    p.fill("#id_code", code)
    p.fill("#id_password1", PASSWORD)
    p.fill("#id_password2", PASSWORD)
    p.check("#id_consent")
    assert p.locator("#privacy-notice").is_visible()
    _shot(p, artifacts, "signup-confirm")
    p.click("input[type=submit]")
    p.wait_for_url(re.compile(r".*/orgs/me/profile/$"))

    # The real-name profile: find the employer by name.
    p.fill("#employer-q", "楚都")
    p.click("#employer-search button")
    p.wait_for_url(re.compile(r".*/orgs/me/profile/\?q=.*"))
    p.fill("#id_name", "孙丽娟")
    p.fill("#id_id_number", id_number("420684", date(1992, 5, 12), 2))
    p.select_option("#id_employer", label="楚都食品有限公司")
    _shot(p, artifacts, "profile")
    p.click("form.form-horizontal input[type=submit], form input[name=submit][value='保存实名信息']")
    p.wait_for_url(re.compile(r".*/orgs/me/joining/$"))

    # Apply to the employer's union.
    p.check("input[name=union]")
    p.check("#id_pledge")
    p.click("input[type=submit][value='提交入会申请']")
    p.wait_for_url(re.compile(r".*/orgs/me/joining/$"))
    assert "Union a" in p.locator("#waiting").inner_text()
    width = p.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone

    # The union's submitter accepts.
    page.goto(base + "/accounts/login/?next=/orgs/joining/")
    page.fill("#id_username", "sub_a")
    page.fill("#id_password", "test-pass-2026")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/orgs/joining/$"))
    _shot(page, artifacts, "joining-queue")
    page.click("#joining-waiting a.btn")
    page.check("input[name=decision][value=accept]")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/orgs/joining/$"))
    assert Member.objects.filter(user__phone=PHONE, organisation=tree["grassroots_a"]).exists()

    # The worker's card shows the QR code; its link opens the public check page.
    p.goto(base + "/orgs/me/card/")
    qr = p.locator("#card-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert p.evaluate("() => document.getElementById('card-qr').naturalWidth") > 0
    _shot(p, artifacts, "card")
    link = p.locator("#card-check-link").get_attribute("href")
    p.context.clear_cookies()
    p.goto(link)
    assert p.locator("#check-result").inner_text() == "有效：Union a会员"
    _shot(p, artifacts, "check")
    p.goto(link[:-3] + "AAA")
    assert p.locator("#check-result").inner_text() == "无效：该会员卡链接无效或已过期"
