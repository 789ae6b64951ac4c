"""The publicity and education (宣传教育) figures of the six-function dashboard.

News carries no publishing union (the province publishes it), so the stories published are the
province's count for every subtree; course completions are counted at the member's union (the
completion's ``org_path``), per subtree in one grouped query per path length.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.reports.registry import Figure, Series, subtree_counts

from .models import STORY_CATEGORIES, LessonCompletion, News


def provider(paths: Sequence[str]) -> dict[str, list]:
    stories = News.objects.live().filter(category__in=STORY_CATEGORIES).count()
    done = subtree_counts(LessonCompletion.objects.all(), paths, field="org_path")
    learners = subtree_counts(
        LessonCompletion.objects.exclude(member=None),
        paths,
        field="org_path",
        total=Count("member", distinct=True),
    )
    news_url = reverse("public:news") + "?category=story"
    report_url = reverse("public:course_report")
    return {
        path: [
            Figure("publicity", "publicity.stories", _("已发布劳模工匠故事"), stories, url=news_url),
            Figure("publicity", "publicity.completions", _("课时学习完成次数"), done[path], url=report_url),
            Figure(
                "publicity", "publicity.learners", _("参加网上学习的会员"), learners[path], url=report_url
            ),
        ]
        for path in paths
    }


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(start: date, end: date) -> list[date]:
    weeks, week = [], _monday(start)
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks


def trend(path: str, start: date, end: date) -> list:
    """Weekly: news published (province-wide) and lessons completed in the subtree; two queries."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(_monday(start), time.min), tz)
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    now = timezone.now()
    published = News.objects.filter(
        withdrawn_at__isnull=True, publish_at__gte=since, publish_at__lt=min(until, now)
    ).values_list("publish_at", flat=True)
    # Completions may be many: counted per day in the database, then added up per week here.
    completed = (
        LessonCompletion.objects.filter(
            org_path__startswith=path, completed_at__gte=since, completed_at__lt=until
        )
        .annotate(day=TruncDate("completed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    news_weeks = Counter(_monday(timezone.localtime(at, tz).date()) for at in published)
    done_weeks: Counter = Counter()
    for day, n in completed:
        done_weeks[_monday(day)] += n
    weeks = _weeks(start, end)
    return [
        Series("publicity.news", _("每周发布新闻"), tuple((w, news_weeks.get(w, 0)) for w in weeks)),
        Series("publicity.completions", _("每周完成课时"), tuple((w, done_weeks.get(w, 0)) for w in weeks)),
    ]
