"""A skills contest walked through: the organiser adds a trade event, enters a result, pastes two more,
publishes after confirming, the public results page shows them (also on a phone), and the champion is
put forward to the open May Day medal programme as a draft."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from competitions import catalogue, services
from competitions.models import PutForward, SkillsEvent, Theme, WinnerTitle
from tests.browser.conftest import shot, sign_in
from tests.competitions.factories import competition_data, indicators
from tests.factories import make_enterprise, make_tree, make_user
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Role
from unionportal.selection.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_skills_event_entered_published_and_its_champion_put_forward(
    page, phone_page, live_server, artifacts
):
    catalogue.ensure(Theme, WinnerTitle)  # a transactional test before this one flushed the migration's rows
    tree = make_tree()
    organiser = make_user("org_staff", org=tree["county_a"], role=Role.STAFF)
    make_enterprise(tree["township_a"], union=tree["grassroots_a"], name="楚都食品")
    today = timezone.localdate()
    competition = services.competition_save(
        actor=organiser,
        data=competition_data(
            tree,
            title="宜城市职工技能大赛",
            theme=Theme.objects.get(code="skills-contest"),
            entrant_kind="individual",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=60),
        ),
        indicators=indicators(),
    )
    campaign = Campaign.objects.create(
        year=today.year, theme="五一", starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31)
    )
    now = timezone.now()
    Programme.objects.create(
        campaign=campaign,
        code="medal",
        name="湖北五一劳动奖章",
        award="湖北省五一劳动奖章",
        nominee_kind="individual",
        total_quota=10,
        intake_opens_at=now - timedelta(days=5),
        intake_closes_at=now + timedelta(days=5),
    )
    base = live_server.url
    sign_in(page, base, "org_staff")
    page.goto(f"{base}/competitions/{competition.pk}/")
    page.click("#add-skills-event")
    page.fill("#id_trade", "电工")
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_place", "宜城市职教中心")
    page.fill("#id_organiser", "宜城市职教中心")
    page.click("input[type=submit]")
    page.wait_for_selector("#results")
    page.fill("#id_add-rank", "1")
    page.fill("#id_add-score", "96.5")
    page.fill("#id_add-contestant", "刘建华")
    page.select_option("#id_add-enterprise", label="楚都食品")
    page.select_option("#id_add-organisation", label="Union a")
    page.click("#add-result input[type=submit]")
    page.wait_for_selector("text=刘建华")
    page.fill("#id_imp-rows", "2,93,杨卫东,南营机械,Union a\n3,x,温志强,楚宜化工,Union a")
    page.click("#import-results input[type=submit]")
    page.wait_for_selector("text=第 2 行")
    shot(page, artifacts, "competitions2-import-refused")
    page.fill("#id_imp-rows", "2,93,杨卫东,南营机械,Union a\n3,90.5,温志强,楚宜化工,Union a")
    page.click("#import-results input[type=submit]")
    page.wait_for_selector("text=温志强")
    shot(page, artifacts, "competitions2-event-results")
    page.click("#publish-results")
    page.click("button.btn-danger")
    page.wait_for_selector("#public-results")
    event = SkillsEvent.objects.get()
    assert event.published_at is not None
    page.click("text=推荐参加评选")
    page.click("input[type=submit]")
    page.wait_for_selector("text=已推荐")
    assert PutForward.objects.get().candidacy.name == "刘建华"
    shot(page, artifacts, "competitions2-put-forward")
    phone_page.goto(f"{base}/competitions/skills-results/{event.pk}/")
    phone_page.wait_for_selector("text=杨卫东")
    shot(phone_page, artifacts, "competitions2-public-results-phone")
