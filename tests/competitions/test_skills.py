"""Skills contests (技能大赛): events per trade, results entered or imported (all or nothing), the public
results page, and putting a winner or a champion forward to an open May Day award programme."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from competitions import services, skills
from competitions.enums import WinnerState
from competitions.models import PutForward, SkillsEvent, SkillsResult, Theme, WinnerTitle
from tests.competitions.factories import competition_data, entrant, indicators, world
from unionportal.campaigns.models import Campaign
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.models import Candidacy, Programme

pytestmark = pytest.mark.django_db


def make_programme(*, kind=NomineeKind.INDIVIDUAL, code="medal", open_=True, app="awards"):
    campaign = Campaign.objects.get_or_create(
        year=2026,
        defaults={
            "theme": "五一",
            "starts_on": date(2026, 3, 1),
            "ends_on": date(2026, 5, 31),
            "is_current": True,
        },
    )[0]
    now = timezone.now()
    shift = timedelta(days=0 if open_ else 30)
    return Programme.objects.create(
        campaign=campaign,
        app=app,
        code=code,
        name=f"五一劳动奖 {code}",
        award="湖北省五一劳动奖章",
        nominee_kind=kind,
        total_quota=10,
        intake_opens_at=now - timedelta(days=10) - shift,
        intake_closes_at=now + timedelta(days=10) - shift,
    )


@pytest.fixture
def w():
    w = world()
    w.skills = services.competition_save(
        actor=w.organiser,
        data=competition_data(
            w.tree,
            title="县职工技能大赛",
            theme=Theme.objects.get(code="skills-contest"),
            entrant_kind="individual",
        ),
        indicators=indicators(),
    )
    w.event = skills.event_save(
        actor=w.organiser,
        competition_id=w.skills.pk,
        data={
            "trade": "电工",
            "held_on": date(2026, 4, 20),
            "place": "县职教中心",
            "organiser": "县职教中心",
        },
    )
    return w


def row(w, rank=1, name="王建国", score="96.5", **extra):
    return {
        "rank": rank,
        "score": Decimal(score),
        "contestant": name,
        "enterprise": w.enterprise,
        "unit": "",
        "organisation": w.tree["grassroots_a"],
        **extra,
    }


def test_an_event_belongs_to_a_skills_contest_within_its_dates(w):
    assert w.event.org_path == w.skills.org_path
    with pytest.raises(services.CompetitionError, match="职工技能大赛"):
        skills.event_save(
            actor=w.organiser,
            competition_id=w.competition.pk,
            data={"trade": "焊工", "held_on": date(2026, 4, 20), "place": "x", "organiser": "y"},
        )
    with pytest.raises(services.CompetitionError, match="比赛日期须在竞赛期间"):
        skills.event_save(
            actor=w.organiser,
            competition_id=w.skills.pk,
            data={"trade": "焊工", "held_on": date(2027, 1, 1), "place": "x", "organiser": "y"},
        )
    with pytest.raises(services.CompetitionError, match="已有“电工”赛项"):
        skills.event_save(
            actor=w.organiser,
            competition_id=w.skills.pk,
            data={"trade": "电工", "held_on": date(2026, 4, 21), "place": "x", "organiser": "y"},
        )
    with pytest.raises(Http404):
        skills.event_save(
            actor=w.other_county,
            competition_id=w.skills.pk,
            data={"trade": "焊工", "held_on": date(2026, 4, 20), "place": "x", "organiser": "y"},
        )
    assert SkillsEvent.objects.count() == 1


def test_results_are_all_or_nothing_with_row_numbers(w):
    with pytest.raises(services.CompetitionError) as error:
        skills.results_add(
            actor=w.organiser,
            event_id=w.event.pk,
            rows=[row(w), row(w, 2, "李明", "120"), row(w, 3, "赵强", organisation=w.tree["grassroots_b"])],
        )
    assert "第 2 行" in error.value.message and "0 至 100" in error.value.message
    assert "第 3 行" in error.value.message and "参赛范围" in error.value.message
    assert not SkillsResult.objects.exists()
    skills.results_add(actor=w.organiser, event_id=w.event.pk, rows=[row(w), row(w, 2, "李明", "90")])
    with pytest.raises(services.CompetitionError, match="已有成绩"):
        skills.results_add(actor=w.organiser, event_id=w.event.pk, rows=[row(w, 3)])
    with pytest.raises(Http404):
        skills.results_add(actor=w.other_county, event_id=w.event.pk, rows=[row(w, 3, "孙浩")])
    assert list(skills.results_of(w.event).values_list("contestant", flat=True)) == ["王建国", "李明"]


def test_publishing_shows_the_public_page_and_freezes_the_results(w, client):
    url = reverse("competitions:skills_public", args=[w.event.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(services.CompetitionError, match="尚未录入成绩"):
        skills.event_publish(actor=w.organiser, event_id=w.event.pk)
    skills.results_add(actor=w.organiser, event_id=w.event.pk, rows=[row(w)])
    skills.event_publish(actor=w.organiser, event_id=w.event.pk)
    page = client.get(url)
    assert page.status_code == 200 and "王建国" in page.content.decode()
    assert "电工" in client.get(reverse("competitions:skills_public_index")).content.decode()
    with pytest.raises(services.CompetitionError, match="已公布"):
        skills.results_add(actor=w.organiser, event_id=w.event.pk, rows=[row(w, 2, "李明")])
    result = SkillsResult.objects.get()
    with pytest.raises(services.CompetitionError, match="已公布"):
        skills.result_delete(actor=w.organiser, result_id=result.pk)


def test_a_champion_is_put_forward_once_as_a_draft_of_an_open_programme(w):
    skills.results_add(actor=w.organiser, event_id=w.event.pk, rows=[row(w), row(w, 2, "李明", "90")])
    first, second = skills.results_of(w.event)
    with pytest.raises(services.CompetitionError, match="尚未公布"):
        skills.put_forward(actor=w.organiser, programme_id=0, result_id=first.pk)
    skills.event_publish(actor=w.organiser, event_id=w.event.pk)
    with pytest.raises(services.CompetitionError, match="没有正在申报"):
        skills.put_forward(actor=w.organiser, programme_id=0, result_id=first.pk)
    closed = make_programme(code="closed", open_=False)
    other_app = make_programme(code="craft", app="craftsmen")
    programme = make_programme()
    for pk in (closed.pk, other_app.pk):
        with pytest.raises(services.CompetitionError, match="不在申报时间内"):
            skills.put_forward(actor=w.organiser, programme_id=pk, result_id=first.pk)
    with pytest.raises(services.CompetitionError, match="第一名"):
        skills.put_forward(actor=w.organiser, programme_id=programme.pk, result_id=second.pk)
    with pytest.raises(Http404):
        skills.put_forward(actor=w.other_county, programme_id=programme.pk, result_id=first.pk)
    candidacy = skills.put_forward(actor=w.organiser, programme_id=programme.pk, result_id=first.pk)
    assert candidacy.state == State.DRAFT and candidacy.programme == programme
    assert candidacy.organisation == w.tree["grassroots_a"] and candidacy.name == "王建国"
    assert candidacy.unit == w.enterprise.name and "电工赛项第一名" in candidacy.summary
    assert PutForward.objects.get(result=first).candidacy == candidacy
    with pytest.raises(services.CompetitionError, match="不能重复推荐"):
        skills.put_forward(actor=w.organiser, programme_id=programme.pk, result_id=first.pk)
    assert Candidacy.objects.count() == 1


def test_a_published_winner_is_put_forward_to_a_programme_of_its_kind(w):
    e = entrant(w)
    title = WinnerTitle.objects.filter(entrant_kind="team").first()
    winner = services.winner_propose(
        actor=w.organiser, competition_id=w.competition.pk, entrant_id=e.pk, title_id=title.pk
    )
    team = make_programme(kind=NomineeKind.TEAM, code="team")
    make_programme(code="medal")
    with pytest.raises(services.CompetitionError, match="已公布"):
        skills.put_forward(actor=w.organiser, programme_id=team.pk, winner_id=winner.pk)
    services.winners_move(actor=w.organiser, competition_id=w.competition.pk, to=WinnerState.NOTICE)
    services.winners_move(actor=w.organiser, competition_id=w.competition.pk, to=WinnerState.PUBLISHED)
    medal = Programme.objects.get(code="medal")
    with pytest.raises(services.CompetitionError, match="不适用"):
        skills.put_forward(actor=w.organiser, programme_id=medal.pk, winner_id=winner.pk)
    candidacy = skills.put_forward(actor=w.organiser, programme_id=team.pk, winner_id=winner.pk)
    assert candidacy.organisation == e.organisation and candidacy.name == e.name
    assert title.name in candidacy.summary
    with pytest.raises(services.CompetitionError, match="不能重复推荐"):
        skills.put_forward(actor=w.organiser, programme_id=team.pk, winner_id=winner.pk)


def test_the_staff_pages_enter_import_publish_and_put_forward(w):
    client = Client()
    client.force_login(w.organiser)
    url = reverse("competitions:skills_event", args=[w.event.pk])
    page = client.post(
        url,
        {
            "add-rank": "1",
            "add-score": "95",
            "add-contestant": "王建国",
            "add-enterprise": str(w.enterprise.pk),
            "add-unit": "",
            "add-organisation": str(w.tree["grassroots_a"].pk),
        },
    )
    assert page.status_code == 302
    bad = client.post(
        url, {"imp-rows": f"2,91,李明,县电力公司,{w.tree['grassroots_a'].name}\n3,abc,赵强,x,y"}
    )
    assert bad.status_code == 200 and "第 2 行" in bad.content.decode()
    assert SkillsResult.objects.count() == 1
    good = client.post(url, {"imp-rows": f"2\t91\t李明\t县电力公司\t{w.tree['grassroots_a'].name}"})
    assert good.status_code == 302 and SkillsResult.objects.count() == 2
    assert client.get(reverse("competitions:skills_publish", args=[w.event.pk])).status_code == 200
    assert SkillsEvent.objects.get().published_at is None  # the confirmation page writes nothing
    client.post(reverse("competitions:skills_publish", args=[w.event.pk]))
    assert SkillsEvent.objects.get().published_at is not None
    champion = SkillsResult.objects.get(rank=1)
    put = reverse("competitions:skills_put_forward", args=[champion.pk])
    assert "目前没有正在申报" in client.get(put).content.decode()
    programme = make_programme()
    assert client.post(put, {"programme": str(programme.pk)}).status_code == 302
    assert PutForward.objects.filter(result=champion).exists()
    outsider = Client()
    outsider.force_login(w.other_county)
    assert outsider.get(url).status_code == 404
    assert outsider.get(put).status_code == 404
