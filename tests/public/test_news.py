"""News: list and detail show only what has gone live; a scheduled item goes live on the cached pages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import make_user
from tests.selection.factories import photo
from unionportal import periodic
from unionportal.public import cache as page_cache
from unionportal.public.models import News
from unionportal.public.services import news_went_live

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def news(title, *, publish_at=None, **fields):
    return News.objects.create(
        title=title, body=fields.pop("body", "正文"), publish_at=publish_at or timezone.now(), **fields
    )


def test_list_and_detail_show_only_items_whose_time_has_come(client):
    live = news("劳动节慰问", summary="走访一线", category=News.Category.ANNOUNCEMENT)
    future = news("五一表彰大会", publish_at=timezone.now() + timedelta(hours=2))
    response = client.get("/news/")
    html = response.content.decode()
    assert response.cookies == {}
    assert "劳动节慰问" in html and "走访一线" in html
    assert "五一表彰大会" not in html
    assert client.get(f"/news/{live.pk}/").status_code == 200
    assert client.get(f"/news/{future.pk}/").status_code == 404


def test_category_filter(client):
    news("通知一", category=News.Category.ANNOUNCEMENT)
    news("劳模故事", category=News.Category.STORY)
    html = client.get("/news/?category=story").content.decode()
    assert "劳模故事" in html and "通知一" not in html


def test_news_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    news("一")
    with django_assert_max_num_queries(4) as one:
        client.get("/news/")
    for n in range(20):
        news(f"新闻{n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/news/")
    assert len(response.context["page"].object_list) == 20


def test_home_page_shows_the_latest_news(client):
    item = news("五一劳动奖评选启动")
    html = client.get("/").content.decode()
    assert f'<a href="/news/{item.pk}/">五一劳动奖评选启动</a>' in html
    assert 'id="news-empty"' not in html


def test_scheduled_announcement_goes_live_at_midnight_on_the_cached_list(client):
    midnight = datetime(2026, 5, 1, 0, 0, tzinfo=SHANGHAI)
    item = news("致全省职工的节日慰问信", publish_at=timezone.now() + timedelta(hours=1))
    assert "致全省职工的节日慰问信" not in client.get("/news/").content.decode()  # cached now
    # Time passes (no save happens): pretend the item was always due at midnight and now is just after.
    News.objects.filter(pk=item.pk).update(publish_at=midnight)
    assert "致全省职工的节日慰问信" not in client.get("/news/").content.decode()  # the stale cached page
    version = page_cache.version()

    assert news_went_live(now=midnight - timedelta(minutes=1)) == 0
    assert page_cache.version() == version
    assert news_went_live(now=midnight + timedelta(minutes=1)) == 1
    assert page_cache.version() == version + 1
    assert "致全省职工的节日慰问信" in client.get("/news/").content.decode()
    # The next run has nothing new: the cache stays.
    assert news_went_live(now=midnight + timedelta(minutes=2)) == 0
    assert page_cache.version() == version + 1


def test_news_job_is_registered_as_a_periodic_job():
    assert periodic.jobs()["public.news_went_live"] is news_went_live


def test_saving_news_in_the_admin_stores_a_public_cover_and_drops_cached_pages(client):
    client.get("/news/")
    version = page_cache.version()
    admin = make_user("editor", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/public/news/add/",
        {
            "title": "五一特刊",
            "category": News.Category.NEWS,
            "summary": "",
            "body": "正文内容",
            "publish_at_0": "2025-04-30",
            "publish_at_1": "08:00:00",
            "cover_upload": photo("cover.jpg"),
        },
    )
    assert response.status_code == 302
    item = News.objects.get()
    assert item.cover.is_public and item.cover.kind == "image"
    assert page_cache.version() > version
    client.logout()
    html = client.get(f"/news/{item.pk}/").content.decode()
    assert f'src="/files/{item.cover.pk}/"' in html
