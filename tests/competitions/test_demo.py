"""The competitions demo (seed_demo with this app's seeder only): the 襄阳 skills contest's events in
every state with work waiting for the city account, photos on the tour's held stops; idempotent, quick."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from competitions.demo import SKILLS_CONTEST, seed_competitions_demo
from competitions.models import SkillsEvent, SkillsResult, Stop
from unionportal import demo

pytestmark = pytest.mark.django_db


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"competitions": seed_competitions_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def seeded(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_the_skills_contest_has_events_in_every_state(seeded):
    events = {e.trade: e for e in SkillsEvent.objects.filter(competition__title=SKILLS_CONTEST)}
    assert set(events) == {"电工", "焊工", "纺织挡车工", "数控车工"}
    assert events["电工"].published_at and events["焊工"].published_at
    assert events["纺织挡车工"].published_at is None and events["纺织挡车工"].results.count() == 3
    assert not events["数控车工"].results.exists()
    champion = SkillsResult.objects.get(event=events["电工"], rank=1)
    assert champion.contestant == "刘建华" and champion.enterprise is not None
    from django.contrib.auth import get_user_model

    from competitions.todos import competition_todos

    city = get_user_model().objects.get(username="city")
    assert ("待公布的技能大赛成绩", 1) in [(t.label, t.count) for t in competition_todos(city)]
    page = Client().get(reverse("competitions:skills_public", args=[events["电工"].pk]))
    assert "刘建华" in page.content.decode()


def test_held_stops_have_a_public_photo(seeded):
    held = Stop.objects.exclude(feedback="").filter(audience__isnull=False)
    assert held.exists()
    for stop in held:
        assert stop.photos.filter(is_public=True).count() == 1
    schedule = Client().get(reverse("competitions:schedule")).content.decode()
    assert held.first().photos.get().get_absolute_url() in schedule


def test_seeding_again_adds_nothing_and_is_quick(seeded):
    counts = (SkillsEvent.objects.count(), SkillsResult.objects.count(), Stop.photos.through.objects.count())
    started = time.monotonic()
    seed()
    assert time.monotonic() - started < 10
    assert counts == (
        SkillsEvent.objects.count(),
        SkillsResult.objects.count(),
        Stop.photos.through.objects.count(),
    )
