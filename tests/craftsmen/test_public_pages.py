"""The public 荆楚工匠 pages: by year and batch, one craftsman with films, skills, patents and deeds; only
public fields; the frame-src of the content security policy; caching and its invalidation; revocation."""

import re

import pytest
from django.urls import reverse

from craftsmen.films import films_save
from craftsmen.models import CraftsmanPublic, VideoHost
from unionportal.accounts.validators import mask_id_number
from unionportal.selection import services

from .factories import jpeg
from .factories_public import published_craftsmen

pytestmark = pytest.mark.django_db

BATCHES = "/jingchu-craftsmen/"


def page_url(entry):
    return reverse("craftsmen_public:craftsman", args=[entry.pk])


def frame_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    found = re.search(r"frame-src ([^;]*)", policy)
    return found.group(1).split() if found else []


@pytest.fixture
def one():
    return published_craftsmen(1)


def test_the_public_record_is_written_at_publication_with_public_fields_only(one):
    _w, (c,), (entry,) = one
    record = CraftsmanPublic.objects.get(entry=entry)
    assert (record.batch, record.trade, record.skill_grade, record.years_in_trade) == (
        1,
        "焊工",
        "technician",
        20,
    )
    assert [f["kind"] for f in record.films] == ["feature", "teaching"]
    assert record.poster is not None and record.poster.is_public
    # Nothing of the record names the ID number.
    assert c.id_number not in str(CraftsmanPublic.objects.filter(entry=entry).values().get())


def test_the_craftsman_page_shows_films_skills_patents_and_deeds_but_no_personal_data(client, one):
    w, (c,), (entry,) = one
    response = client.get(page_url(entry))
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    assert "工匠1" in html and "焊工" in html and "技师" in html and "仰焊一次合格率百分之百。" in html
    assert "攻克技术难题，带出一支技能队伍。" in html
    assert html.count("<iframe ") == 2
    assert (
        '<iframe src="https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD&amp;autoplay=0" title="匠心·工匠1" '
        'data-user-content sandbox="allow-scripts allow-same-origin allow-presentation" referrerpolicy="no-referrer" loading="lazy"'
    ) in html
    assert f'id="craftsman-poster" src="{entry.craftsman.poster.get_absolute_url()}"' in html
    assert c.id_number not in html and mask_id_number(c.id_number) not in html
    assert c.id_number[-6:] not in html
    for user in (w.submitter_a, w.province):
        if user.phone:
            assert user.phone not in html
    # The share card of the public row, with absolute Open Graph links.
    assert f'/honourees/{entry.pk}/share.png"' in html
    assert client.get(f"/honourees/{entry.pk}/share.png")["Content-Type"] == "image/png"


def test_the_page_shows_patents_from_the_public_record(client, hosts_and_patent):
    entry = hosts_and_patent
    html = client.get(page_url(entry)).content.decode()
    assert "ZL202110000001.1" in html and "一种薄壁套筒车削夹具" in html and "发明专利" in html


@pytest.fixture
def hosts_and_patent():
    from craftsmen.models import Patent

    from .factories import recommend
    from .factories_public import approve, big_world, notice, publish

    w = big_world()
    c = recommend(w, 1, submit=True)
    Patent.objects.create(
        craftsman_id=c.pk,
        kind="invention",
        number="ZL202110000001.1",
        title="一种薄壁套筒车削夹具",
        granted_on="2023-04-18",
    )
    approve(w, [c])
    notice(w)
    publish(w)
    return CraftsmanPublic.objects.get(entry__source=c.public_source).entry


def test_frame_src_names_only_the_players_on_the_page_and_other_pages_forbid_frames(client, one):
    _w, (_c,), (entry,) = one
    assert frame_src(client.get(page_url(entry))) == ["https://player.bilibili.com", "https://v.qq.com"]
    for path in ("/", "/honourees/", f"/honourees/{entry.pk}/", BATCHES, "/news/", "/accounts/login/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert frame_src(response) == ["'none'"], path


def test_a_host_taken_off_the_list_is_no_longer_embedded_nor_allowed(client, one):
    _w, (_c,), (entry,) = one
    assert "https://v.qq.com" in frame_src(client.get(page_url(entry)))  # cached now
    VideoHost.objects.filter(host="v.qq.com").update(is_active=False)
    VideoHost.objects.get(host="v.qq.com").save()  # a save through the admin drops the cached pages
    response = client.get(page_url(entry))
    assert frame_src(response) == ["https://player.bilibili.com"]
    assert response.content.decode().count("<iframe ") == 1


def test_a_page_without_films_frames_nothing(client):
    _w, (_c,), (entry,) = published_craftsmen(1, films=False, poster=False)
    response = client.get(page_url(entry))
    assert frame_src(response) == ["'none'"]
    html = response.content.decode()
    assert "<iframe" not in html and 'id="craftsman-poster"' not in html


def test_pages_are_cached_and_redrawn_when_staff_change_the_films(client, one, django_assert_num_queries):
    w, (c,), (entry,) = one
    assert "匠心·工匠1" in client.get(page_url(entry)).content.decode()
    client.get(BATCHES)
    with django_assert_num_queries(0):
        assert client.get(page_url(entry)).status_code == 200
        assert client.get(BATCHES).status_code == 200
    films_save(
        actor=w.province,
        pk=c.pk,
        films=[{"kind": "feature", "title": "新专题片", "url": "https://www.ixigua.com/7212345678901234567"}],
    )
    response = client.get(page_url(entry))
    html = response.content.decode()
    assert "新专题片" in html and "匠心·工匠1" not in html
    assert frame_src(response) == ["https://www.ixigua.com"]


def test_revoking_takes_the_craftsman_off_the_pages_and_withdraws_the_poster(client, one):
    w, (c,), (entry,) = one
    poster = entry.craftsman.poster
    assert client.get(page_url(entry)).status_code == 200
    assert "工匠1" in client.get(BATCHES).content.decode()
    served = client.get(poster.get_absolute_url())
    assert served.status_code == 200
    b"".join(served.streaming_content)  # read to its end: the client then closes the file
    services.honour_revoke(actor=w.province, pk=c.pk, reason="弄虚作假")
    assert client.get(page_url(entry)).status_code == 404
    assert "工匠1" not in client.get(BATCHES).content.decode()
    poster.refresh_from_db()
    assert poster.is_public is False
    assert client.get(poster.get_absolute_url()).status_code == 404


def test_a_craftsman_on_notice_has_a_record_but_no_public_page_yet(client):
    from .factories import recommend
    from .factories_public import approve, big_world, notice

    w = big_world()
    c = recommend(w, 1, submit=True)
    approve(w, [c])
    films_save(
        actor=w.province,
        pk=c.pk,
        films=[],
        poster=jpeg(),
    )
    notice(w)
    record = CraftsmanPublic.objects.get(entry__source=c.public_source)
    assert record.poster.is_public is True  # public while on notice, as the photo is
    assert client.get(page_url(record.entry)).status_code == 404
    assert "工匠1" not in client.get(BATCHES).content.decode()


def test_the_batch_page_lists_by_year_and_batch(client, one):
    html = client.get(BATCHES).content.decode()
    assert "2026年 第1批" in html and "工匠1" in html
    assert client.get(BATCHES + "?year=1999").status_code == 200  # an unknown year shows the latest
    assert client.get(BATCHES + "?year=abc").status_code == 200
    assert "尚未公布荆楚工匠名单。" not in html


def test_the_batch_page_without_craftsmen_says_so(client):
    assert "尚未公布荆楚工匠名单。" in client.get(BATCHES).content.decode()


def test_batch_page_queries_do_not_grow_with_the_craftsmen(client, django_assert_max_num_queries):
    w, _cs, _entries = published_craftsmen(1, films=False)
    with django_assert_max_num_queries(4) as one:
        response = client.get(BATCHES + "?year=2026")
    assert sum(len(rows) for _batch, rows in response.context["batches"]) == 1
    # Nine more in the same year (a second programme batch would be the same queries).
    from .factories import recommend
    from .factories_public import approve, notice, publish

    more = [recommend(w, n, submit=True, name=f"工匠{n}") for n in range(2, 11)]
    approve(w, more)
    for c in more:
        films_save(
            actor=w.province,
            pk=c.pk,
            films=[],
            poster=jpeg(),
        )
    notice(w)
    publish(w)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(BATCHES + "?year=2026&n=10")
    batches = response.context["batches"]
    assert [(batch, len(rows)) for batch, rows in batches] == [(1, 1), (2, 9)]


def test_the_english_pages_translate_the_labels(client, one):
    _w, (_c,), (entry,) = one
    html = client.get("/en" + page_url(entry)).content.decode()
    assert "Welder" in html and "Technician" in html and "Feature film" in html
    assert "Jingchu craftsmen" in client.get("/en" + BATCHES).content.decode()


def test_each_craftsman_is_on_the_honourees_list_with_a_programme_filter(client, one):
    _w, (_c,), (entry,) = one
    from unionportal.public.models import PublicEntry

    PublicEntry.objects.create(
        year=2026,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name="张三",
        stage="published",
        source="test:1",
    )
    rows = client.get("/honourees/", {"programme": entry.programme}).context["page"].object_list
    assert [e.name for e in rows] == ["工匠1"]
    rows = client.get("/honourees/", {"programme": "五一劳动奖"}).context["page"].object_list
    assert [e.name for e in rows] == ["张三"]
    html = client.get("/honourees/").content.decode()
    assert f'<option data-user-content value="{entry.programme}">{entry.programme}</option>' in html


def test_the_honouree_page_of_a_craftsman_links_to_the_craftsman_page(client, one):
    _w, _cs, (entry,) = one
    html = client.get(f"/honourees/{entry.pk}/").content.decode()
    assert (
        f'<a class="btn btn-danger btn-sm" id="own-page" href="{page_url(entry)}">查看工匠风采：影片、绝活和专利</a>'
        in html
    )
    from unionportal.public.models import PublicEntry

    other = PublicEntry.objects.create(
        year=2026,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name="张三",
        stage="published",
        source="test:2",
    )
    assert 'id="own-page"' not in client.get(f"/honourees/{other.pk}/").content.decode()
