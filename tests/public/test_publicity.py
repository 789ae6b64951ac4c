"""News categories, the RSS and Atom feeds, the sitemap and the share cards: none of them ever shows a
scheduled or withdrawn news item, nor an honouree on notice or revoked."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from unionportal.public.models import News, PublicEntry
from unionportal.public.services import news_withdraw

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def xml(content: bytes):
    """Our own server's answer, parsed (no entities or DTDs in what Django's feed generator writes)."""
    return ElementTree.fromstring(content)  # noqa: S314


def news(title, *, publish_at=None, **fields):
    return News.objects.create(
        title=title,
        body=fields.pop("body", "正文内容"),
        summary=fields.pop("summary", f"{title}的摘要"),
        publish_at=publish_at or timezone.now() - timedelta(minutes=5),
        **fields,
    )


def entry(n, stage=PublicEntry.Stage.PUBLISHED):
    return PublicEntry.objects.create(
        year=2026,
        programme="五一劳动奖",
        award="五一劳动奖章",
        name=f"李{n}",
        unit=f"单位{n}",
        stage=stage,
        source=f"test:pub:{n}",
        published_at=timezone.now(),
    )


@pytest.fixture
def items():
    return {
        "live": news("劳模故事一", category=News.Category.STORY),
        "craft": news("工匠风采一", category=News.Category.CRAFTSMAN),
        "race": news("竞赛动态一", category=News.Category.COMPETITION),
        "future": news("明天的通知", publish_at=timezone.now() + timedelta(hours=3)),
        "withdrawn": news_withdraw(news_id=news("撤回的新闻", category=News.Category.STORY).pk),
    }


def test_the_list_filters_by_each_new_category_and_the_detail_names_it(client, items):
    html = client.get("/news/?category=craftsman").content.decode()
    assert "工匠风采一" in html and "劳模故事一" not in html and "竞赛动态一" not in html
    html = client.get("/news/?category=competition").content.decode()
    assert "竞赛动态一" in html and "工匠风采一" not in html
    detail = client.get(f"/news/{items['race'].pk}/").content.decode()
    assert 'id="news-category-badge">竞赛动态</span>' in detail
    assert 'href="/news/?category=competition" id="news-category"' in detail


def test_an_unknown_category_lists_everything_live(client, items):
    names = [i.title for i in client.get("/news/?category=<script>").context["page"].object_list]
    assert sorted(names) == ["劳模故事一", "工匠风采一", "竞赛动态一"]


def test_a_withdrawn_item_leaves_the_list_and_its_page(client, items):
    assert "撤回的新闻" not in client.get("/news/").content.decode()
    assert client.get(f"/news/{items['withdrawn'].pk}/").status_code == 404
    assert client.get(f"/news/{items['withdrawn'].pk}/share.png").status_code == 404
    assert client.get(f"/news/{items['future'].pk}/share.png").status_code == 404


def test_the_news_pages_link_their_feeds(client, items):
    html = client.get("/news/?category=story").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/news/feed/rss/?category=story"' in html
    assert 'href="/news/feed/atom/?category=story"' in html
    detail = client.get(f"/news/{items['live'].pk}/").content.decode()
    assert 'type="application/atom+xml"' in detail and 'href="/news/feed/atom/"' in detail


def test_the_rss_feed_holds_only_live_items(client, items):
    response = client.get("/news/feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assert response.cookies == {}
    channel = xml(response.content).find("channel")
    titles = [i.findtext("title") for i in channel.findall("item")]
    assert sorted(titles) == ["劳模故事一", "工匠风采一", "竞赛动态一"]
    links = [i.findtext("link") for i in channel.findall("item")]
    assert f"http://testserver/news/{items['live'].pk}/" in links


def test_the_atom_feed_per_category(client, items):
    response = client.get("/news/feed/atom/?category=story")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = xml(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["劳模故事一"]  # the withdrawn story is not there
    assert "劳模故事" in feed.findtext(f"{ATOM}title")


def test_a_feed_of_an_unknown_category_is_404(client, items):
    assert client.get("/news/feed/rss/?category=secret").status_code == 404


def test_the_feed_drops_an_item_withdrawn_after_it_was_cached(client, items):
    assert "劳模故事一" in client.get("/news/feed/rss/").content.decode()
    news_withdraw(news_id=items["live"].pk)
    assert "劳模故事一" not in client.get("/news/feed/rss/").content.decode()


def test_the_sitemap_lists_only_what_is_public(client, items):
    shown = entry(1)
    noticed = entry(2, stage=PublicEntry.Stage.NOTICE)
    revoked = entry(3, stage=PublicEntry.Stage.REVOKED)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = {u.findtext(f"{ns}loc") for u in xml(response.content).findall(f"{ns}url")}
    assert f"http://127.0.0.1:8000/news/{items['live'].pk}/" in locs
    assert f"http://127.0.0.1:8000/honourees/{shown.pk}/" in locs
    for hidden in (items["future"], items["withdrawn"]):
        assert f"http://127.0.0.1:8000/news/{hidden.pk}/" not in locs
    for hidden in (noticed, revoked):
        assert f"http://127.0.0.1:8000/honourees/{hidden.pk}/" not in locs


def test_the_news_share_card_meta_and_qr(client, items):
    html = client.get(f"/news/{items['live'].pk}/").content.decode()
    url = f"http://127.0.0.1:8000/news/{items['live'].pk}/"
    assert '<meta property="og:title" content="劳模故事一">' in html
    assert '<meta property="og:description" content="劳模故事一的摘要">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:image" content="{url}share.png">' in html
    assert 'id="share-qr" src="data:image/svg+xml' in html
    png = client.get(f"/news/{items['live'].pk}/share.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_the_honouree_share_card_has_a_qr_of_its_public_address(client):
    import segno

    shown = entry(4)
    html = client.get(f"/honourees/{shown.pk}/").content.decode()
    expected = segno.make(f"http://127.0.0.1:8000/honourees/{shown.pk}/", error="m").svg_data_uri(
        scale=5, border=2
    )
    assert f'src="{expected}"' in html
    assert '<meta property="og:url" content="http://127.0.0.1:8000/honourees/' in html


@pytest.mark.parametrize("stage", [PublicEntry.Stage.NOTICE, PublicEntry.Stage.REVOKED])
def test_no_share_card_for_an_honouree_not_published(client, stage):
    hidden = entry(5, stage=stage)
    assert client.get(f"/honourees/{hidden.pk}/").status_code == 404
    assert client.get(f"/honourees/{hidden.pk}/share.png").status_code == 404


def test_feed_queries_do_not_grow_with_items(client, django_assert_max_num_queries):
    news("一")
    with django_assert_max_num_queries(3) as one:
        client.get("/news/feed/rss/")
    for n in range(15):
        news(f"新闻{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/news/feed/atom/")
    assert response.content.count(b"<entry>") == 16
