"""The publicity provider of the six-function dashboard: stories (province-wide, news carries no union),
course completions and learners per subtree, the weekly trend; queries constant in the number of paths."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from stdnum.cn import ric

from tests.factories import make_tree
from unionportal.orgs.enums import MemberStatus
from unionportal.orgs.models import Member
from unionportal.public import dashboard
from unionportal.public.models import Course, Lesson, News
from unionportal.public.services import member_lesson_record, news_withdraw
from unionportal.reports import registry

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def member(org, n):
    body = f"42068419850302{n:03d}"
    return Member.objects.create(
        organisation=org,
        name=f"会员{n}",
        id_number=body + ric.calc_check_digit(body),
        joined_on=date(2024, 5, 1),
        status=MemberStatus.MEMBER,
    )


@pytest.fixture
def world():
    tree = make_tree()
    course = Course.objects.create(title="课程", is_published=True)
    lessons = [
        Lesson.objects.create(course=course, title=f"第{n}课", body="内容", position=n) for n in range(3)
    ]
    when = datetime(2026, 4, 21, 20, tzinfo=TZ)
    a1, a2, b1 = (
        member(tree["grassroots_a"], 1),
        member(tree["township_a"], 2),
        member(tree["grassroots_b"], 3),
    )
    for lesson in lessons:
        member_lesson_record(member=a1, lesson=lesson, now=when)
    member_lesson_record(member=a2, lesson=lessons[0], now=when - timedelta(days=7))
    member_lesson_record(member=b1, lesson=lessons[0], now=when)
    past = timezone.now() - timedelta(days=1)
    for n, category in enumerate(
        [News.Category.STORY, News.Category.CRAFTSMAN, News.Category.STORY, News.Category.NEWS]
    ):
        News.objects.create(title=f"新闻{n}", body="正文", category=category, publish_at=past)
    news_withdraw(news_id=News.objects.get(title="新闻2").pk)
    News.objects.create(
        title="将来", body="正文", category=News.Category.STORY, publish_at=timezone.now() + timedelta(days=1)
    )
    return tree


def values(figures):
    return {f.key: f.value for f in figures}


def test_figures_for_two_sibling_subtrees_and_their_parent(world):
    paths = [world["county_a"].path, world["county_b"].path, world["province"].path]
    found = dashboard.provider(paths)
    assert values(found[world["county_a"].path]) == {
        "publicity.stories": 2,
        "publicity.completions": 4,
        "publicity.learners": 2,
    }
    assert values(found[world["county_b"].path]) == {
        "publicity.stories": 2,
        "publicity.completions": 1,
        "publicity.learners": 1,
    }
    assert values(found[world["province"].path]) == {
        "publicity.stories": 2,
        "publicity.completions": 5,
        "publicity.learners": 3,
    }
    assert {f.function for figures in found.values() for f in figures} == {"publicity"}


def test_the_query_count_does_not_grow_with_paths(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        dashboard.provider([world["county_a"].path])
    siblings = [world[k].path for k in ("county_a", "county_b", "city_a", "city_b")]
    with django_assert_num_queries(5):  # stories once; completions and learners per distinct path length
        dashboard.provider(siblings)


def test_the_provider_is_registered():
    assert "publicity" in registry._dashboard_providers
    assert registry._trend_providers["publicity"] is dashboard.trend


def test_the_weekly_trend(world, django_assert_num_queries):
    start, end = date(2026, 4, 6), date(2026, 4, 26)
    with django_assert_num_queries(2):
        series = dashboard.trend(world["county_a"].path, start, end)
    done = {s.key: s for s in series}["publicity.completions"]
    assert done.points == ((date(2026, 4, 6), 0), (date(2026, 4, 13), 1), (date(2026, 4, 20), 3))
    (b_done,) = [
        s for s in dashboard.trend(world["county_b"].path, start, end) if s.key == "publicity.completions"
    ]
    assert [n for _w, n in b_done.points] == [0, 0, 1]
    today = timezone.localdate()
    (news,) = [
        s
        for s in dashboard.trend(world["province"].path, today - timedelta(days=14), today)
        if s.key == "publicity.news"
    ]
    assert (
        sum(n for _w, n in news.points) == 3
    )  # live items only: the withdrawn and the scheduled ones left out
