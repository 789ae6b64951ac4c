"""The demo's films: every published craftsman gets a feature film, one or two teaching videos and a
poster, through the films service, on allowed hosts; running it again changes nothing."""

import pytest

from craftsmen.demo_films import demo_films, seed_craftsman_films
from craftsmen.films import film_link_check
from craftsmen.models import CraftsmanPublic, Film
from tests.factories import Role, make_user

from .factories_public import published_craftsmen

pytestmark = pytest.mark.django_db


def test_published_craftsmen_get_films_and_a_poster_once(client):
    w, candidacies, entries = published_craftsmen(3, films=False, poster=False)
    make_user("province", org=w.tree["province"], role=Role.STAFF)
    assert seed_craftsman_films() == 3
    for c, entry in zip(candidacies, entries, strict=True):
        kinds = list(Film.objects.filter(craftsman_id=c.pk).values_list("kind", flat=True))
        assert kinds.count("feature") == 1 and 1 <= kinds.count("teaching") <= 2
        record = CraftsmanPublic.objects.get(entry=entry)
        assert len(record.films) == len(kinds)
        assert record.poster is not None and record.poster.is_public
        assert client.get(f"/jingchu-craftsmen/{entry.pk}/").content.decode().count("<iframe ") == len(kinds)
    films_before = list(Film.objects.order_by("pk").values_list("pk", "url"))
    assert seed_craftsman_films() == 0
    assert list(Film.objects.order_by("pk").values_list("pk", "url")) == films_before


def test_the_demo_links_are_accepted_by_the_link_check(db):
    from types import SimpleNamespace

    from craftsmen.models import VideoHost
    from craftsmen.video_hosts import hosts_ensure

    hosts_ensure(VideoHost)
    for pk in range(1, 13):
        for film in demo_films(SimpleNamespace(pk=pk, name="王师傅"), "焊工"):
            assert film_link_check(film["url"]).embed_url.startswith("https://")


def test_without_the_province_account_nothing_is_seeded(db):
    published_craftsmen(1, films=False, poster=False)
    assert seed_craftsman_films() == 0
    assert Film.objects.count() == 0
