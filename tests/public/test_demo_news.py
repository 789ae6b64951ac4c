"""The demo news (seed_demo, seeded once for the module): every category, generated covers, and the May Day
announcement scheduled ahead, hidden until the periodic job puts it live."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import timezone

from unionportal import demo
from unionportal.public import selectors
from unionportal.public.demo import MAY_DAY_TITLE, seed_public_demo
from unionportal.public.models import News
from unionportal.public.services import news_went_live

pytestmark = pytest.mark.django_db


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"public": seed_public_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def news(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_ten_or_more_items_in_every_category_with_a_public_cover(news):
    items = list(News.objects.select_related("cover"))
    assert len(items) >= 10
    assert set(Counter(i.category for i in items)) == set(News.Category.values)
    assert all(i.cover and i.cover.is_public and i.cover.is_image and i.cover.thumbnail for i in items)
    assert all(i.summary and len(i.body) > 80 for i in items)
    titles = {i.title for i in items}
    assert {"全省行业集体协商推动会在宜城召开", "全省“十三五”劳动竞赛动员大会召开"} <= titles


def test_the_may_day_announcement_is_scheduled_and_goes_live_with_the_periodic_job(news, client):
    now = timezone.now()
    scheduled = News.objects.get(title=MAY_DAY_TITLE)
    assert scheduled.publish_at > now
    assert scheduled.publish_at.astimezone(timezone.get_current_timezone()).time().hour == 0
    # Only the scheduled item waits: everything else is live and listed.
    assert list(News.objects.filter(publish_at__gt=now)) == [scheduled]
    listed = client.get("/news/").content.decode()
    assert MAY_DAY_TITLE not in listed
    assert all(item.title in listed for item in News.objects.live(now)[:20])
    assert client.get(f"/news/{scheduled.pk}/").status_code == 404
    # The periodic job, run after its time, counts it live; the pages then show it.
    later = scheduled.publish_at + timedelta(minutes=1)
    assert news_went_live(now=later) >= 1
    assert scheduled in selectors.news_list(now=later)


def test_dated_by_the_plan_and_the_2025_list_in_2025(news):
    item = News.objects.get(title="全省行业集体协商推动会在宜城召开")
    assert item.publish_at.date().isoformat() == "2026-04-09"
    item = News.objects.get(title="2025年湖北省五一劳动奖状、奖章和工人先锋号获得者名单公布")
    assert item.publish_at.year == 2025


def test_a_second_run_changes_nothing(news):
    before = sorted(News.objects.values_list("title", "publish_at", "cover_id"))
    seed()
    assert sorted(News.objects.values_list("title", "publish_at", "cover_id")) == before
