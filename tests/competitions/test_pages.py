"""The pages through the test client: scoping (404 for another county), the forms' bad input, query
counts that do not grow with the rows, and every competitions URL for each role against the matrix."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competitions import services, tours
from competitions.enums import EntrantState, ReportState
from competitions.models import Entrant, Period, ScoreReport
from competitions.workflows import report_transition
from tests.competitions.factories import TODAY, competition_data, entrant, indicators, values, world
from tests.test_permission_matrix import _answer, _verdict, expected_allowed
from unionportal import clock

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def w(module_db):
    with clock.travel(TODAY):
        with module_db.unblock():
            w = world()
            w.entrant = entrant(w, "一班")
            w.pending = entrant(w, "待审班组", approve=False)
            w.report = services.report_save(
                actor=w.submitter,
                entrant_id=w.entrant.pk,
                period_id=Period.objects.get(competition=w.competition, number=1).pk,
                values=values(w),
                today=TODAY,
            )
            report_transition(actor=w.submitter, report_id=w.report.pk, to=ReportState.SUBMITTED)
            w.tour = tours.tour_create(
                actor=w.organiser,
                title="明星报告团县内巡讲",
                organiser=w.tree["county_a"],
                speakers="王劲松，劳动模范",
            )
            for day, venue, audience in (
                (date(2026, 5, 10), "一中礼堂", 300),
                (date(2026, 6, 1), "楚都食品", None),
            ):
                tours.stop_add(
                    actor=w.organiser,
                    tour_id=w.tour.pk,
                    data={
                        "date": day,
                        "venue": venue,
                        "venue_kind": "school",
                        "host": w.tree["township_a"],
                        "audience": audience,
                        "feedback": "",
                    },
                )
            _skills_world(w)
        yield w


def _skills_world(w):
    """A skills contest of county a: a published 电工 event (its champion and a winner of the team
    competition to put forward) and an unpublished 焊工 event with a result."""
    from competitions import skills
    from competitions.models import Theme, WinnerTitle

    w.skills = services.competition_save(
        actor=w.organiser,
        data=competition_data(
            w.tree,
            title="县技能大赛",
            theme=Theme.objects.get(code="skills-contest"),
            entrant_kind="individual",
        ),
        indicators=indicators(),
    )
    row = {"rank": 1, "score": Decimal("95"), "enterprise": None, "unit": "县电力公司"}
    w.events = []
    for trade, publish in (("电工", True), ("焊工", False)):
        event = skills.event_save(
            actor=w.organiser,
            competition_id=w.skills.pk,
            data={
                "trade": trade,
                "held_on": date(2026, 4, 20),
                "place": "县职教中心",
                "organiser": "县职教中心",
            },
        )
        skills.results_add(
            actor=w.organiser,
            event_id=event.pk,
            rows=[{**row, "contestant": f"{trade}选手", "organisation": w.tree["grassroots_a"]}],
        )
        if publish:
            skills.event_publish(actor=w.organiser, event_id=event.pk)
        w.events.append(event)
    w.winner = services.winner_propose(
        actor=w.organiser,
        competition_id=w.competition.pk,
        entrant_id=w.entrant.pk,
        title_id=WinnerTitle.objects.get(entrant_kind="team").pk,
    )


@pytest.fixture(autouse=True)
def _today(w):
    with clock.travel(TODAY):
        yield


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def _checked(w, e, number, output="110"):
    report = services.report_save(
        actor=w.submitter,
        entrant_id=e.pk,
        period_id=Period.objects.get(competition=w.competition, number=number).pk,
        values=values(w, output=output),
        today=TODAY,
    )
    report_transition(actor=w.submitter, report_id=report.pk, to=ReportState.SUBMITTED)
    report_transition(actor=w.organiser, report_id=report.pk, to=ReportState.CHECKED)
    return report


# --- scoping -------------------------------------------------------------------------------------------


def test_another_county_gets_404_on_every_record_page(w):
    client = client_for(w.other_county)
    for url in (
        reverse("competitions:detail", args=[w.competition.pk]),
        reverse("competitions:ranking", args=[w.competition.pk]),
        reverse("competitions:edit", args=[w.competition.pk]),
        reverse("competitions:entrant", args=[w.entrant.pk]),
        reverse("competitions:report", args=[w.report.pk]),
        reverse("competitions:report_return", args=[w.report.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("competitions:report_check", args=[w.report.pk])).status_code == 404
    assert ScoreReport.objects.get(pk=w.report.pk).state == ReportState.SUBMITTED


def test_another_countys_submitter_does_not_see_the_competition(w):
    client = client_for(w.outsider)
    page = client.get(reverse("competitions:list"))
    assert page.status_code == 200
    assert w.competition.title not in page.content.decode()
    assert client.get(reverse("competitions:register", args=[w.competition.pk])).status_code == 404
    mine = client_for(w.submitter).get(reverse("competitions:list"))
    assert w.competition.title in mine.content.decode()


def test_the_list_searches_by_title(w):
    client = client_for(w.organiser)
    assert w.competition.title in client.get(reverse("competitions:list"), {"q": "重大"}).content.decode()
    assert (
        w.competition.title
        not in client.get(reverse("competitions:list"), {"q": "无此竞赛"}).content.decode()
    )


# --- forms ---------------------------------------------------------------------------------------------


def test_registering_through_the_page(w):
    response = client_for(w.submitter).post(
        reverse("competitions:register", args=[w.competition.pk]),
        {
            "organisation": w.tree["grassroots_a"].pk,
            "name": "焊接二班",
            "leader": "王五",
            "enterprise": w.enterprise.pk,
            "members": "王五，班长\n赵六",
        },
    )
    entrant = Entrant.objects.get(name="焊接二班")
    assert response.status_code == 302 and response["Location"] == entrant.get_absolute_url()
    assert entrant.state == EntrantState.SUBMITTED
    assert [(m.name, m.post) for m in entrant.members.all()] == [("王五", "班长"), ("赵六", "")]


def test_a_team_without_members_is_told_and_nothing_is_saved(w):
    response = client_for(w.submitter).post(
        reverse("competitions:register", args=[w.competition.pk]),
        {"organisation": w.tree["grassroots_a"].pk, "name": "空班组", "members": ""},
    )
    assert response.status_code == 200
    assert "班组参赛须填写班组成员。" in response.content.decode()
    assert not Entrant.objects.filter(name="空班组").exists()


def test_a_value_of_the_wrong_type_is_told_and_nothing_is_saved(w):
    ind = {i.name: i.pk for i in w.competition.indicators.all()}
    period = Period.objects.get(competition=w.competition, number=2)
    response = client_for(w.submitter).post(
        reverse("competitions:report_create", args=[w.entrant.pk]),
        {
            "period": period.pk,
            f"i{ind['产值']}": "很多",
            f"i{ind['安全事故']}": "0",
            f"i{ind['现场管理']}": "11",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>输入一个数字。</strong>" in body
    assert not ScoreReport.objects.filter(entrant=w.entrant, period=period).exists()


def test_a_value_out_of_range_is_told_and_nothing_is_saved(w):
    ind = {i.name: i.pk for i in w.competition.indicators.all()}
    period = Period.objects.get(competition=w.competition, number=2)
    response = client_for(w.submitter).post(
        reverse("competitions:report_create", args=[w.entrant.pk]),
        {
            "period": period.pk,
            f"i{ind['产值']}": "100",
            f"i{ind['安全事故']}": "0",
            f"i{ind['现场管理']}": "11",
        },
    )
    assert response.status_code == 200
    assert "指标“现场管理”的数值应在 0 至 10 之间。" in response.content.decode()
    assert not ScoreReport.objects.filter(entrant=w.entrant, period=period).exists()


def test_creating_a_competition_with_weights_off_is_told_and_nothing_is_saved(w):
    from competitions.models import Competition, Theme

    data = {
        "title": "页面竞赛",
        "theme": Theme.objects.first().pk,
        "organiser": w.tree["county_a"].pk,
        "scope": w.tree["county_a"].pk,
        "starts_on": "2026-05-01",
        "ends_on": "2026-10-31",
        "period_months": 1,
        "report_days": 10,
        "entrant_kind": "team",
        "rules": "",
        "ind-TOTAL_FORMS": 2,
        "ind-INITIAL_FORMS": 0,
    }
    for i, weight in enumerate(("50", "30")):
        data.update(
            {
                f"ind-{i}-name": f"指标{i}",
                f"ind-{i}-weight": weight,
                f"ind-{i}-method": "target",
                f"ind-{i}-direction": "higher",
                f"ind-{i}-target": "10",
                f"ind-{i}-base": "60",
                f"ind-{i}-points_better": "1",
                f"ind-{i}-points_worse": "1",
                f"ind-{i}-cap": "100",
            }
        )
    client = client_for(w.organiser)
    response = client.post(reverse("competitions:create"), data)
    assert response.status_code == 200
    assert "各项指标的权重合计应为 100，现为 80。" in response.content.decode()
    assert not Competition.objects.filter(title="页面竞赛").exists()
    data["ind-1-weight"] = "50"
    response = client.post(reverse("competitions:create"), data)
    created = Competition.objects.get(title="页面竞赛")
    assert response["Location"] == created.get_absolute_url()
    assert created.periods.count() == 6 and created.indicators.count() == 2


def test_the_organiser_checks_a_report_from_its_page(w):
    client = client_for(w.organiser)
    page = client.get(reverse("competitions:report", args=[w.report.pk])).content.decode()
    assert 'id="check-report"' in page and "84.00" in page
    response = client.post(reverse("competitions:report_check", args=[w.report.pk]), {"state": "submitted"})
    assert response.status_code == 302
    assert ScoreReport.objects.get(pk=w.report.pk).state == ReportState.CHECKED


# --- query counts --------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_entrants_and_reports(w, settings):
    settings.STAFF_FRAGMENT_CACHE = False  # the pages as drawn, not their cached bodies
    client = client_for(w.organiser)
    _checked(w, w.entrant, 2)
    urls = [
        reverse("competitions:ranking", args=[w.competition.pk]),
        reverse("competitions:ranking", args=[w.competition.pk]) + "?period=2",
        reverse("competitions:detail", args=[w.competition.pk]),
        reverse("competitions:list"),
        reverse("competitions:entrant", args=[w.entrant.pk]),
        reverse("competitions:report", args=[w.report.pk]),
    ]
    for url in urls:  # the first request of a session fills caches
        client.get(url)
    before = [_queries(client, url) for url in urls]
    for n in range(6):
        e = entrant(w, f"追加班组{n}")
        _checked(w, e, 1, output=str(100 + n))
        _checked(w, e, 2, output=str(90 + n))
    after = [_queries(client, url) for url in urls]
    assert after == before
    ranking = client.get(urls[0]).content.decode()
    assert ranking.index("追加班组5") < ranking.index("追加班组0")  # 105 + 95 beats 100 + 90
    assert 'id="ranking-data"' in ranking


def test_the_cached_ranking_moves_when_a_report_is_checked_and_is_shared_by_its_viewers(w, settings):
    """With the fragment cache on (a shared cache in production; one process's memory here), the ranking
    is summed once for everyone who may open it and drawn again once a report in the scope changes."""
    from unionportal import fragments

    settings.STAFF_FRAGMENT_CACHE = True
    challenger = entrant(w, "追赶班组")
    _checked(w, challenger, 1, output="100")
    organiser, city = client_for(w.organiser), client_for(w.city)
    url = reverse("competitions:ranking", args=[w.competition.pk])
    first = organiser.get(url).content.decode()
    assert first.index("追赶班组") < first.index(">一班<")
    calls = []
    real = fragments._stored

    def counting(key, versions, compute, timeout):
        return real(key, versions, lambda: calls.append(key) or compute(), timeout)

    import unittest.mock

    with unittest.mock.patch.object(fragments, "_stored", counting):
        city.get(url)  # another viewer: its own page fragment, the standings already summed
        assert [k for k in calls if k.startswith("frag:shared:")] == []
        organiser.get(url)  # the same page again: nothing drawn
        assert calls == [k for k in calls if k.startswith("frag:page:")] and len(calls) == 1
        calls.clear()
        _checked(w, w.entrant, 2, output="150")  # the other team overtakes
        after = organiser.get(url).content.decode()
        assert any(k.startswith("frag:shared:competition-ranking") for k in calls)
    assert after.index(">一班<") < after.index("追赶班组")


def test_each_competitions_cached_ranking_is_its_own(w, settings):
    """Two competitions' ranking pages with the same query string are two fragments, not one."""
    from competitions.workflows import entrant_transition

    settings.STAFF_FRAGMENT_CACHE = True
    other = services.competition_save(
        actor=w.organiser, data=competition_data(w.tree, title="第二项竞赛"), indicators=indicators()
    )
    second = services.entrant_register(
        actor=w.submitter,
        competition_id=other.pk,
        organisation_id=w.tree["grassroots_a"].pk,
        name="乙班",
        members=[services.MemberRow("赵六")],
        today=TODAY,
    )
    entrant_transition(actor=w.organiser, entrant_id=second.pk, to=EntrantState.APPROVED)
    client = client_for(w.organiser)
    first = client.get(reverse("competitions:ranking", args=[w.competition.pk])).content.decode()
    again = client.get(reverse("competitions:ranking", args=[other.pk])).content.decode()
    assert ">一班<" in first and "乙班" not in first
    assert "乙班" in again and ">一班<" not in again


# --- the matrix, for every competitions URL and role ---------------------------------------------------


ROLES = ["anonymous", "organiser", "city", "township", "other_county", "submitter", "outsider"]


def _samples(w):
    from types import SimpleNamespace

    c, e, r = w.competition, w.pending, w.report
    return {
        "competitions:list": ({}, None),
        "competitions:create": ({}, None),
        "competitions:mine": ({}, None),
        "competitions:detail": ({"pk": c.pk}, c),
        "competitions:edit": ({"pk": c.pk}, c),
        "competitions:ranking": ({"pk": c.pk}, c),
        "competitions:winners": ({"pk": c.pk}, c),
        "competitions:register": ({"pk": c.pk}, SimpleNamespace(org_path=w.tree["grassroots_a"].path)),
        "competitions:report_sheet": ({"pk": c.pk}, SimpleNamespace(org_path=w.tree["grassroots_a"].path)),
        "competitions:entrant": ({"pk": e.pk}, e),
        "competitions:entrant_approve": ({"pk": e.pk}, e),
        "competitions:entrant_return": ({"pk": e.pk}, e),
        "competitions:entrant_resubmit": ({"pk": e.pk}, e),
        "competitions:report_create": ({"pk": w.entrant.pk}, w.entrant),
        "competitions:report": ({"pk": r.pk}, r),
        "competitions:report_edit": ({"pk": r.pk}, r),
        "competitions:report_submit": ({"pk": r.pk}, r),
        "competitions:report_check": ({"pk": r.pk}, r),
        "competitions:report_return": ({"pk": r.pk}, r),
        "competitions:tours": ({}, None),
        "competitions:tour": ({"pk": w.tour.pk}, w.tour),
        "competitions:schedule": ({}, None),
        "competitions:tour_stop": ({"pk": w.tour.stops.order_by("date").first().pk}, w.tour),
        "competitions:skills_event_create": ({"pk": w.skills.pk}, w.skills),
        "competitions:skills_event": ({"pk": w.events[1].pk}, w.events[1]),
        "competitions:skills_publish": ({"pk": w.events[1].pk}, w.events[1]),
        "competitions:skills_result_delete": ({"pk": w.events[1].results.get().pk}, w.events[1]),
        "competitions:skills_put_forward": ({"pk": w.events[0].results.get().pk}, w.events[0]),
        "competitions:winner_put_forward": ({"pk": w.winner.pk}, w.competition),
        "competitions:skills_public_index": ({}, None),
        "competitions:export": ({"pk": c.pk, "what": "ranking"}, c),
        "competitions:skills_public": ({"pk": w.events[0].pk}, w.events[0]),
    }


def test_every_competitions_url_has_a_sample(w):
    from tests.test_permission_matrix import url_patterns

    names = {name for name, _entry in url_patterns() if name.startswith("competitions:")}
    assert names == set(_samples(w))


@pytest.mark.parametrize("role", ROLES)
def test_every_competitions_url_answers_each_role_as_the_matrix_says(w, role):
    from django.contrib.auth.models import AnonymousUser
    from django.urls import resolve

    users = {
        "organiser": w.organiser,
        "city": w.city,
        "township": w.township,
        "other_county": w.other_county,
        "submitter": w.submitter,
        "outsider": w.outsider,
    }
    user = users.get(role) or AnonymousUser()
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(user)
    wrong = []
    for name, (kwargs, obj) in _samples(w).items():
        url = reverse(name, kwargs=kwargs)
        callback = resolve(url).func
        access, post = callback.access, getattr(callback, "access_post", None)
        for method in ("get", "post"):
            allowed = expected_allowed(user, access, obj, post if method == "post" else None)
            want = (
                {"sign in", "refused", "method"}
                if role == "anonymous" and not allowed
                else {
                    "served" if allowed else "refused",
                    "method",
                }
            )
            got = _verdict(_answer(client, method, url))
            if got not in want:
                wrong.append(f"{method.upper()} {url} ({name}): {got}, the matrix says {want}")
    assert wrong == [], "\n".join(wrong)
    assert Decimal(ScoreReport.objects.get(pk=w.report.pk).total) == Decimal("84.00")


# --- the report group's tours --------------------------------------------------------------------------


def test_the_public_schedule_shows_upcoming_and_past_stops_and_totals_per_level(w):
    page = Client().get(reverse("competitions:schedule"))
    assert page.status_code == 200
    body = page.content.decode()
    upcoming, past = body.index('id="upcoming"'), body.index('id="past"')
    assert upcoming < body.index("楚都食品") < past < body.index("一中礼堂")
    assert [(t["level"], t["talks"], t["people"]) for t in tours.totals_per_level(w.tour.stops.all())] == [
        ("乡镇街道", 1, 300)
    ]


def test_bad_stops_are_refused_and_nothing_is_saved(w):
    from competitions.models import Stop

    before = Stop.objects.count()
    with pytest.raises(services.CompetitionError) as error:
        tours.stop_add(
            actor=w.organiser,
            tour_id=w.tour.pk,
            data={
                "date": date(2026, 7, 1),
                "venue": "外县",
                "venue_kind": "county",
                "host": w.tree["county_b"],
                "audience": 50,
                "feedback": "",
            },
        )
    assert error.value.message == "承办工会须在主办单位及其下级组织之内。 尚未举行的场次不能填写听众人数。"
    assert Stop.objects.count() == before
    with pytest.raises(services.CompetitionError) as error:
        tours.tour_create(actor=w.organiser, title="无人", organiser=w.tree["county_a"], speakers=" \n")
    assert error.value.message == "请填写至少一位报告人。"
    assert client_for(w.other_county).get(reverse("competitions:tour", args=[w.tour.pk])).status_code == 404


def test_the_schedule_queries_do_not_grow_with_stops(w):
    client = Client()
    url = reverse("competitions:schedule")
    client.get(url)
    before = _queries(client, url)
    for n in range(5):
        for day in (date(2026, 5, 1 + n), date(2026, 7, 1 + n)):
            tours.stop_add(
                actor=w.organiser,
                tour_id=w.tour.pk,
                data={
                    "date": day,
                    "venue": f"场次{n}",
                    "venue_kind": "enterprise",
                    "host": w.tree["grassroots_a"],
                    "audience": None,
                    "feedback": "",
                },
            )
    assert _queries(client, url) == before


# --- speakers from the honourees, photos and feedback per stop ---------------------------------------------------


def _jpeg(name="stop.jpg"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_speakers_are_chosen_from_the_published_honourees(w):
    from unionportal.public.models import PublicEntry

    entry = PublicEntry.objects.create(
        year=2025,
        programme="五一劳动奖章",
        award="湖北省五一劳动奖章",
        name="陈国华",
        unit="襄阳电力公司",
        region="襄阳市",
        stage=PublicEntry.Stage.PUBLISHED,
        source="test:speaker",
    )
    tour = tours.tour_create(
        actor=w.organiser,
        title="劳模宣讲",
        organiser=w.tree["county_a"],
        speakers="李秀芳，荆楚工匠",
        honourees=[entry],
    )
    assert tour.speakers.splitlines() == [
        "陈国华，襄阳电力公司 · 2025年湖北省五一劳动奖章",
        "李秀芳，荆楚工匠",
    ]
    page = client_for(w.organiser).get(reverse("competitions:tours"))
    assert "陈国华，襄阳电力公司" in page.content.decode()
    entry.stage = PublicEntry.Stage.NOTICE
    entry.save()
    with pytest.raises(services.CompetitionError, match="已公布的获奖名单"):
        tours.tour_create(
            actor=w.organiser, title="x", organiser=w.tree["county_a"], speakers="", honourees=[entry]
        )


def test_a_held_stop_gets_audience_feedback_and_checked_photos_on_the_public_schedule(w):
    held, coming = w.tour.stops.order_by("date")
    client = client_for(w.organiser)
    url = reverse("competitions:tour_stop", args=[held.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(
        url,
        {
            "audience": "320",
            "feedback": "反响热烈",
            "photos": [SimpleUploadedFile("x.jpg", b"<html>", "image/jpeg")],
        },
    )
    assert bad.status_code == 200 and held.photos.count() == 0
    held.refresh_from_db()
    assert held.audience == 300  # nothing saved
    done = client.post(url, {"audience": "320", "feedback": "反响热烈", "photos": [_jpeg()]})
    assert done.status_code == 302
    held.refresh_from_db()
    assert held.audience == 320 and held.feedback == "反响热烈" and held.photos.count() == 1
    photo = held.photos.get()
    assert photo.is_public
    schedule = Client().get(reverse("competitions:schedule")).content.decode()
    assert photo.get_absolute_url() in schedule
    with pytest.raises(services.CompetitionError, match="尚未举行"):
        tours.stop_report(actor=w.organiser, stop_id=coming.pk, audience=10, feedback="")
    assert client_for(w.other_county).get(url).status_code == 404


def test_the_organiser_exports_entrants_reports_and_the_ranking_as_xlsx(w):
    import io

    from openpyxl import load_workbook

    client = client_for(w.organiser)
    for what, expected in (("entrants", "一班"), ("reports", "一班"), ("ranking", "一班")):
        response = client.get(reverse("competitions:export", args=[w.competition.pk, what]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        cells = [
            c
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert expected in cells
    assert client.get(reverse("competitions:export", args=[w.competition.pk, "nothing"])).status_code == 404
    assert (
        client_for(w.submitter)
        .get(reverse("competitions:export", args=[w.competition.pk, "ranking"]))
        .status_code
        == 404
    )
    assert (
        client_for(w.other_county)
        .get(reverse("competitions:export", args=[w.competition.pk, "ranking"]))
        .status_code
        == 404
    )
