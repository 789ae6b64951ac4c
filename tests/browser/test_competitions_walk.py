"""A person's path: a union registers a team, the organiser approves it, the union files two monthly
reports, the organiser checks them and the ranking moves; the winners are published and appear on
/honourees/."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from competitions import services
from competitions.enums import EntrantState, ReportState
from competitions.models import Entrant, Period, ScoreReport, Theme, WinnerTitle
from competitions.workflows import entrant_transition, report_transition
from tests.browser.conftest import shot, sign_in
from tests.competitions.factories import competition_data, indicators
from tests.factories import make_enterprise, make_tree, make_user
from unionportal.orgs.enums import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _data_rows():
    # A transactional test empties the tables after it: the migration's rows are put back here.
    Theme.objects.get_or_create(code="major-projects", defaults={"name": "重大项目建设"})
    WinnerTitle.objects.get_or_create(
        code="advanced-team", defaults={"name": "先进班组", "entrant_kind": "team"}
    )


def test_register_report_rank_and_publish(page, live_server, artifacts):
    _data_rows()
    tree = make_tree()
    organiser = make_user("org_staff", org=tree["county_a"], role=Role.STAFF)
    submitter = make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER)
    make_enterprise(tree["township_a"], union=tree["grassroots_a"], name="楚都食品")
    today = timezone.localdate()
    start = (today - relativedelta(months=2)).replace(day=1)
    competition = services.competition_save(
        actor=organiser,
        data=competition_data(
            tree, starts_on=start, ends_on=start + relativedelta(months=6) - timedelta(days=1)
        ),
        indicators=indicators(),
    )
    # A rival already in the lead with one checked month.
    rival = services.entrant_register(
        actor=submitter,
        competition_id=competition.pk,
        organisation_id=tree["grassroots_a"].pk,
        name="钢筋一班",
        members=[services.MemberRow("张三")],
    )
    entrant_transition(actor=organiser, entrant_id=rival.pk, to=EntrantState.APPROVED)
    first = Period.objects.get(competition=competition, number=1)
    ind = {i.name: i.pk for i in competition.indicators.all()}
    report = services.report_save(
        actor=submitter,
        entrant_id=rival.pk,
        period_id=first.pk,
        values={ind["产值"]: "120", ind["安全事故"]: "0", ind["现场管理"]: "9"},
    )
    report_transition(actor=submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    report_transition(actor=organiser, report_id=report.pk, to=ReportState.CHECKED)
    base = live_server.url

    # The union registers a team.
    sign_in(page, base, "sub_a")
    page.goto(f"{base}/competitions/")
    page.click(f"#competition-{competition.pk} a")
    page.click("#register-link")
    page.fill("#id_name", "焊接二班")
    page.fill("#id_members", "王五，班长\n赵六，焊工")
    page.click("input[type=submit]")
    team = Entrant.objects.get(name="焊接二班")
    page.wait_for_url(f"{base}/competitions/entrants/{team.pk}/")

    # The organiser approves it.
    sign_in(page, base, "org_staff")
    page.goto(f"{base}/competitions/entrants/{team.pk}/")
    page.click("#approve-entrant")
    page.wait_for_selector(".alert-success")
    assert Entrant.objects.get(pk=team.pk).state == EntrantState.APPROVED

    # The union files two monthly reports and submits them.
    sign_in(page, base, "sub_a")
    for number, output in ((1, "110"), (2, "130")):
        page.goto(f"{base}/competitions/entrants/{team.pk}/report/")
        page.select_option("#id_period", str(Period.objects.get(competition=competition, number=number).pk))
        page.fill(f"#id_i{ind['产值']}", output)
        page.fill(f"#id_i{ind['安全事故']}", "0")
        page.fill(f"#id_i{ind['现场管理']}", "8")
        page.click("input[type=submit]")
        page.wait_for_selector("#submit-report")
        if number == 1:
            shot(page, artifacts, "competition-score-report")
        page.click("#submit-report")
        page.wait_for_selector(".alert-success")

    # Checked month by month, the team passes the rival.
    sign_in(page, base, "org_staff")
    ranking = f"{base}/competitions/{competition.pk}/ranking/"
    reports = list(ScoreReport.objects.filter(entrant=team).order_by("period__number"))
    page.goto(f"{base}/competitions/reports/{reports[0].pk}/")
    page.click("#check-report")
    page.wait_for_selector(".alert-success")
    page.goto(ranking)
    assert page.locator("#ranking tbody tr").first.get_attribute("id") == f"rank-{rival.pk}"
    page.goto(f"{base}/competitions/reports/{reports[1].pk}/")
    page.click("#check-report")
    page.wait_for_selector(".alert-success")
    page.goto(ranking)
    assert page.locator("#ranking tbody tr").first.get_attribute("id") == f"rank-{team.pk}"
    drawn = page.evaluate(
        "() => { const c = document.getElementById('ranking-chart');"
        " return !!(window.Chart && Chart.getChart(c)) && c.width > 0; }"
    )
    assert drawn is True
    shot(page, artifacts, "competition-ranking")

    # The winners: named, on notice, published; they show on the honouree list.
    page.goto(f"{base}/competitions/{competition.pk}/winners/")
    page.select_option("#id_entrant", str(team.pk))
    page.click("#propose-winner button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.click("#open-notice")
    page.wait_for_selector(".alert-success")
    page.click("#publish-winners")
    page.wait_for_selector(".alert-success")
    page.goto(f"{base}/honourees/")
    assert "焊接二班" in page.content()

    # The report group's public schedule shows a tour, to anyone.
    from competitions import tours

    tour = tours.tour_create(
        actor=organiser, title="明星报告团县内巡讲", organiser=tree["county_a"], speakers="王劲松，劳动模范"
    )
    for day, venue, audience in (
        (today - timedelta(days=3), "一中礼堂", 300),
        (today + timedelta(days=5), "楚都食品", None),
    ):
        tours.stop_add(
            actor=organiser,
            tour_id=tour.pk,
            data={
                "date": day,
                "venue": venue,
                "venue_kind": "school",
                "host": tree["township_a"],
                "audience": audience,
                "feedback": "",
            },
        )
    page.context.clear_cookies()
    page.goto(f"{base}/competitions/report-tours/")
    assert "楚都食品" in page.locator("#upcoming").inner_text()
    assert "一中礼堂" in page.locator("#past").inner_text()
    assert "300" in page.locator("#tour-totals").inner_text()
    shot(page, artifacts, "competition-tour-schedule")
