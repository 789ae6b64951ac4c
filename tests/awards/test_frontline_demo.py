"""The 最美一线职工 demo (seed_demo): the programme in its public-vote stage with votes, candidates that came
in by all three ways, a confirmation waiting for ``grassroots`` and a nomination waiting for consent;
the generic stages' demos (expert panel, votes, the quarantined burst) run on it."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse

from awards.demo import seed_awards_demo
from awards.frontline_demo import seed_frontline_demo
from awards.models import FrontlineEntry
from unionportal import demo
from unionportal.selection.enums import State
from unionportal.selection.experts.demo import seed_experts_demo
from unionportal.selection.experts.models import Assignment, ExpertStage
from unionportal.selection.models import Candidacy
from unionportal.selection.voting.demo import seed_voting_demo
from unionportal.selection.voting.models import Vote, VoteStage

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def frontline_demo(module_db, demo_day, tmp_path_factory):
    # The base data, the award lists and the frontline selection; the generic stages' seeders keep their
    # place before the awards' (as the apps register them), so they find nothing on the first pass.
    seeders = {
        "selection_voting": seed_voting_demo,
        "selection_experts": seed_experts_demo,
        "awards": seed_awards_demo,
        "awards_frontline": seed_frontline_demo,
    }
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        module_db.unblock(),
    ):
        patch.setattr(demo, "_seeders", seeders)
        seed()
        yield


def rows():
    return Candidacy.objects.filter(programme__code="frontline", programme__campaign__year=2026)


def test_candidates_came_in_by_all_three_ways(frontline_demo):
    ways = Counter(rows().values_list("frontline__way", "state"))
    assert ways == {
        ("organisation", State.REVIEW1): 9,
        ("self", State.REVIEW1): 3,
        ("self", State.DRAFT): 1,
        ("other", State.DRAFT): 1,
    }
    confirmed = FrontlineEntry.objects.filter(candidacy__programme__code="frontline", way="self")
    assert Counter(confirmed.values_list("confirmed_by__username", flat=True)) == {"grassroots": 3, None: 1}
    waiting = rows().get(frontline__way="other")
    assert waiting.consent_at is None and waiting.frontline.nominator_phone


def test_the_public_vote_is_open_with_votes_and_the_burst_in_quarantine(frontline_demo, client):
    stage = VoteStage.objects.get(programme__code="frontline")
    assert stage.is_open() and stage.candidates.count() == 12
    statuses = Counter(Vote.objects.filter(stage=stage).values_list("status", flat=True))
    assert statuses["counted"] > 100 and statuses["quarantined"] > 0
    page = client.get(reverse("voting:list")).content.decode()
    assert "最美一线职工" in page
    assert client.get(reverse("voting:stage", args=[stage.pk])).status_code == 200


def test_the_expert_review_uses_the_programme_rubric_and_the_expert_has_work(frontline_demo, client):
    stage = ExpertStage.objects.get(programme__code="frontline")
    assert list(stage.criteria.order_by("position").values_list("name", flat=True)[:2]) == [
        "技能水平",
        "技术创新",
    ]
    assert Assignment.objects.filter(panel__stage=stage, expert__user__username="expert").exists()
    client.force_login(User.objects.get(username="expert"))
    todos = [t for t in client.get("/home/").context["todos"] if t.count]
    assert todos


def test_grassroots_has_a_confirmation_waiting_on_home(frontline_demo, client):
    client.force_login(User.objects.get(username="grassroots"))
    todos = {t.label: t.count for t in client.get("/home/").context["todos"]}
    assert todos["待确认的最美一线职工推荐"] == 1
    page = client.get(reverse("awards:frontline_confirm"))
    assert [c.name for c in page.context["ready"]] == ["赵春燕"]
    assert [c.name for c in page.context["waiting"]] == ["钱立新"]


def test_the_public_start_page_offers_the_ways_in(frontline_demo, client):
    page = client.get(reverse("awards:frontline")).content.decode()
    assert 'id="frontline-self"' in page and 'id="frontline-other"' in page


def test_a_second_run_changes_nothing(frontline_demo):
    before = (
        Counter(rows().values_list("frontline__way", "state")),
        Vote.objects.count(),
        Assignment.objects.count(),
    )
    seed()
    after = (
        Counter(rows().values_list("frontline__way", "state")),
        Vote.objects.count(),
        Assignment.objects.count(),
    )
    assert before == after
