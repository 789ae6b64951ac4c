"""The May Day award path as its users walk it, on the demo data and the demo accounts:

`grassroots` submits a team nomination with a photo → `county` forwards → `city` forwards → `province`
approves and opens the public notice → a member of the public lodges an objection → the province
dismisses it → the notice period ends → the province publishes → the honouree is on /honourees/.
Then no page of the public site shows an ID number or a phone number.
"""

import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from awards.models import Nomination
from tests.browser.conftest import jpeg_file, shot, sign_in
from unionportal.public.models import PublicEntry
from unionportal.selection.enums import ObjectionState, State
from unionportal.selection.models import Candidacy, Notice, Objection, Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-pass-2026"
TEAM = "焊接突击队（走查）"
# An 18-character resident ID number, or a mainland mobile number, anywhere in a page's text.
ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def confirm(page, expect: str) -> None:
    """On a confirm page: it lists what will happen; confirm it."""
    page.wait_for_selector("#confirm-form")
    assert expect in page.inner_text("#confirm-rows")
    page.click("#confirm-submit")


def forward_from_queue(page, base, programme, candidacy, screenshot=None):
    page.goto(base + f"/selection/review/?programme={programme.pk}")
    page.check(f"#pick-{candidacy.pk}")
    if screenshot:
        shot(page, screenshot[0], screenshot[1])
    page.click("#do-forward")
    confirm(page, candidacy.name)
    page.wait_for_selector(".alert-success")


def test_a_team_nomination_walks_from_grassroots_to_the_public_honouree_page(
    page, live_server, artifacts, tmp_path
):
    with override_settings(DEBUG=True):  # seed_demo refuses to run on a production configuration
        call_command("seed_demo", verbosity=0)
    base = live_server.url
    programme = Programme.objects.get(campaign__year=2026, code="team")
    # The demo's team list closed its intake on 31 March; the province reopens it for a late nomination
    # (the programme's intake fields in the admin), so the walk runs on the real date.
    Programme.objects.filter(pk=programme.pk).update(
        intake_opens_at=timezone.now() - timedelta(days=1),
        intake_closes_at=timezone.now() + timedelta(days=7),
    )

    # grassroots: a new team nomination with a photo, then submit.
    sign_in(page, base, "grassroots", DEMO_PASSWORD)
    page.goto(base + "/awards/")
    page.click("#new-team")
    page.wait_for_url(re.compile(r".*/awards/new/\d+/$"))
    page.fill("#id_name", TEAM)
    page.fill("#id_unit", "宜城市楚都食品有限公司")
    page.fill("#id_parent_unit", "宜城市楚都食品有限公司生产部")
    page.fill("#id_leader", "周建军")
    page.fill("#id_member_count", "12")
    page.fill("#id_members", "周建军 班长\n李春华 焊工")
    page.fill("#id_summary", "十二人班组连续五年零事故，攻克食品罐体焊接难题。")
    page.fill("#id_deeds", "班组坚持技术革新，完成重点技改项目三项，年节约成本一百余万元。")
    page.check("input[name=tags][value=innovation]")
    page.set_input_files("#id_photo", str(jpeg_file(tmp_path, "team.jpg", (400, 300), (40, 90, 160))))
    for box in page.locator("input[id^=id_declare_]").all():
        box.check()
    page.check("#id_consent")
    shot(page, artifacts, "walk-intake-form")
    page.click("#save-nomination")
    page.wait_for_url(re.compile(r".*/awards/\d+/$"))
    page.click("#submit-nomination")
    page.wait_for_selector("text=推荐已提交，等待上级工会审核。")
    candidacy = Candidacy.objects.get(name=TEAM)
    assert candidacy.state == State.REVIEW3

    # county (宜城市) and city (襄阳市) forward it from their queues.
    sign_in(page, base, "county", DEMO_PASSWORD)
    forward_from_queue(page, base, programme, candidacy, screenshot=(artifacts, "walk-review-queue"))
    candidacy.refresh_from_db()
    assert candidacy.state == State.REVIEW2
    sign_in(page, base, "city", DEMO_PASSWORD)
    forward_from_queue(page, base, programme, candidacy)
    candidacy.refresh_from_db()
    assert candidacy.state == State.REVIEW1

    # province: approve, then open the notice with the programme's defaults.
    sign_in(page, base, "province", DEMO_PASSWORD)
    page.goto(base + f"/selection/programmes/{programme.pk}/final/")
    page.check(f"#pick-{candidacy.pk}")
    page.click("#approve")
    confirm(page, TEAM)
    page.wait_for_selector(".alert-success")
    page.click("#notice-form [type=submit]")
    confirm(page, TEAM)
    page.wait_for_selector("#notice-running")
    candidacy.refresh_from_db()
    assert candidacy.state == State.NOTICE
    notice = Notice.objects.get(programme=programme)

    # The public: the notice page, an objection with the captcha, a receipt number.
    page.context.clear_cookies()
    page.goto(base + f"/notices/{notice.pk}/")
    assert TEAM in page.inner_text("#notice-table")
    entry = PublicEntry.objects.get(source=candidacy.public_source)
    page.select_option("#id_candidacy", str(candidacy.pk))
    page.fill("#id_name", "王先生")
    page.fill("#id_contact", "13912345678")
    page.fill("#id_reason", "反映该班组人数与实际不符。")
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("#id_captcha_1", CaptchaStore.objects.get(hashkey=key).response)
    shot(page, artifacts, "walk-notice")
    page.click("#objection-form [type=submit]")
    page.wait_for_selector("#receipt-no")
    objection = Objection.objects.get(candidacy=candidacy)
    assert page.inner_text("#receipt-no") == objection.receipt_no

    # province: investigate and dismiss.
    sign_in(page, base, "province", DEMO_PASSWORD)
    page.goto(base + f"/selection/objections/{objection.pk}/")
    page.check("input[name=outcome][value=dismissed]")
    page.fill("textarea[name=findings]", "经实地核实，班组人数与申报一致，异议不成立。")
    page.click("#objection-decide [type=submit]")
    confirm(page, TEAM)
    page.wait_for_selector(".alert-success")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED

    # The notice period ends (five working days later); the province publishes.
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=timezone.localdate() - timedelta(days=10), ends_on=timezone.localdate() - timedelta(days=3)
    )
    page.goto(base + f"/selection/programmes/{programme.pk}/final/")
    page.click("#publish")
    page.click("#confirm-form [type=submit]")
    page.wait_for_selector(".alert-success")
    candidacy.refresh_from_db()
    assert candidacy.state == State.PUBLISHED

    # The honouree is on the public list and its own page, photo included.
    page.context.clear_cookies()
    page.goto(base + "/honourees/?q=" + TEAM)
    page.click(f"a[href$='/honourees/{entry.pk}/']")
    page.wait_for_url(re.compile(rf".*/honourees/{entry.pk}/$"))
    assert TEAM in page.inner_text("h1")
    assert page.locator("#honouree-photo").evaluate("img => img.naturalWidth") > 0
    shot(page, artifacts, "walk-honouree")

    # No page of the public site shows an ID number or a phone number.
    secrets = set(Candidacy.objects.exclude(id_number="").values_list("id_number", flat=True))
    secrets |= set(Nomination.objects.exclude(phone="").values_list("phone", flat=True))
    assert secrets, "the demo data has personal data to look for"
    public_paths = ["/", "/en/", "/honourees/", "/news/", "/notices/"]
    public_paths += [
        f"/honourees/{pk}/" for pk in PublicEntry.objects.published().values_list("pk", flat=True)
    ]
    public_paths += [f"/notices/{pk}/" for pk in Notice.objects.values_list("pk", flat=True)]
    for path in public_paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        text = page.content()
        assert not [s for s in secrets if s in text], path
        assert not ID_RE.search(page.inner_text("body")), path
        assert not MOBILE_RE.search(page.inner_text("body")), path
