"""A voter on a phone (390×844): verifies the number by code with consent, votes, and a second vote for
the same candidate that day is refused with the rule shown; province staff then see the flagged burst in
the quarantine and release it on a desktop, and read the combined ranking with both of its parts."""

import re
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import shot, sign_in
from tests.voting.factories import cast, scored_vote_world, vote_world
from unionportal.selection.voting.enums import VoteStatus
from unionportal.selection.voting.models import Vote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screens"


def keep(path: Path) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENS / path.name)


def test_a_voter_verifies_by_code_votes_and_is_refused_over_the_limit(
    phone_page, live_server, artifacts, sms_outbox
):
    w = vote_world(candidates=4, candidates_per_day=3)
    base = live_server.url
    page = phone_page
    page.goto(f"{base}/vote/{w.stage.pk}/")
    assert page.locator("#candidates .card").count() == 4
    assert "每位投票人每天可为同一候选人投 1 票。" in page.inner_text("#vote-rules")
    assert "距投票截止还有" in page.inner_text("#time-left")
    assert page.locator(".vote-form").count() == 0
    # The page fits the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    keep(shot(page, artifacts, "vote-phone-before"))
    page.fill("#vote-search input[name=q]", "候选人2")
    page.click("#vote-search button")
    assert page.locator("#candidates .card").count() == 1

    page.click("#verify-link")
    page.fill("#id_phone", "13712345678")
    page.click("#send-code")
    page.wait_for_selector(".alert-info")
    code = re.search(r"您的验证码为 (\d{6})", sms_outbox[-1][1]).group(1)
    page.fill("#id_code", code)
    page.check("#id_consent")
    keep(shot(page, artifacts, "vote-phone-verify"))
    page.click("#verify")
    page.wait_for_selector("#voter")
    a = w.candidates[0]
    page.click(f"#vote-{a.pk}")
    page.wait_for_selector(".alert-success")
    assert "投票成功：您为 候选人1 投了一票。" in page.inner_text("main")
    keep(shot(page, artifacts, "vote-phone-voted"))
    assert Vote.objects.filter(status=VoteStatus.COUNTED).count() == 1

    page.click(f"#vote-{a.pk}")
    page.wait_for_selector("#vote-refusal")
    assert (
        page.inner_text("#vote-refusal") == "每位投票人每天可为同一候选人投 1 票。您已为 候选人1 投过 1 票。"
    )
    assert "投票规则" in page.inner_text("#vote-rules")
    keep(shot(page, artifacts, "vote-phone-refused"))
    assert Vote.objects.count() == 1


def test_province_staff_release_a_quarantined_burst(page, live_server, artifacts):
    w = vote_world(candidates=3)
    now = timezone.now()
    for n in range(5):
        cast(w.stage, w.candidates[1], ip=f"192.0.{n}.7", device=f"ok{n}")
    for n in range(30):
        cast(w.stage, w.candidates[0], ip=f"198.51.100.{n + 1}", device=f"b{n}", now=now)
    base = live_server.url
    sign_in(page, base, "prov")
    page.goto(f"{base}/selection/votes/programmes/{w.programme.pk}/")
    assert page.inner_text("#total-quarantined") == "30"
    keep(shot(page, artifacts, "vote-staff-live-counts"))
    page.click("#quarantine-link")
    assert page.locator("#group-table tbody tr").count() == 1
    assert "同一网段大量投票人" in page.inner_text("#group-table")
    keep(shot(page, artifacts, "vote-staff-quarantine"))
    page.check("#group-1")
    page.fill("#id_reason", "经核实为同一企业职工集中投票")
    page.click("#do-release")
    page.wait_for_selector(".alert-success")
    assert "已处理 30 张投票。" in page.inner_text("main")
    assert Vote.objects.filter(status=VoteStatus.COUNTED).count() == 35


def test_the_combined_ranking_shows_the_expert_and_the_public_part(page, live_server, artifacts):
    w, stage, (a, b, _c) = scored_vote_world()
    for n in range(4):
        cast(stage, a, ip=f"192.0.{n}.1", device=f"a{n}")
    cast(stage, b, ip="192.1.0.1", device="b")
    base = live_server.url
    sign_in(page, base, "prov")
    page.goto(f"{base}/selection/votes/programmes/{w.programme.pk}/")
    page.click("#ranking-link")
    page.wait_for_selector("#combined-ranking")
    rows = page.locator("#combined-ranking tbody tr")
    assert rows.count() == 3
    first = rows.nth(0)
    assert first.get_attribute("id") == f"line-{a.pk}"
    assert (first.locator(".expert").inner_text(), first.locator(".votes").inner_text()) == ("70.00", "4")
    assert (first.locator(".public").inner_text(), first.locator(".combined").inner_text()) == (
        "100.00",
        "79.00",
    )
    assert rows.nth(1).locator(".working").inner_text() == "100.00 × 70% + 25.00 × 30% = 77.50"
    assert "未评分" in rows.nth(2).inner_text()
    assert "综合得分相同时，专家评审得分高者排名在前" in page.inner_text("#formula")
    keep(shot(page, artifacts, "vote-combined-ranking"))
