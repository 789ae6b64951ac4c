"""The demo's publicity and education (seed_demo, seeded once for the module): categories on the news,
two courses, the worker's progress (one course finished, the other half done), members' learning records
in several unions, and four cartoons on published honourees (this seeder runs after the domain apps')."""

import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings

from unionportal.public.demo_education import seed_education_demo
from unionportal.public.models import Cartoon, Course, LessonCompletion, News, PublicEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=StringIO())
        yield


def test_every_news_category_has_items(seeded):
    for category in News.Category.values:
        assert News.objects.live().filter(category=category).exists(), category
    assert News.objects.filter(category=News.Category.STORY, title__contains="最美一线职工").exists()


def test_two_courses_of_three_to_five_lessons(seeded):
    courses = list(Course.objects.published())
    assert len(courses) == 2
    assert all(3 <= c.lessons.count() <= 5 for c in courses)
    assert all(
        lesson.video_url.startswith("https://")
        for c in courses
        for lesson in c.lessons.all()
        if lesson.video_url
    )


def test_the_worker_finished_one_course_and_half_of_the_other(seeded):
    worker = get_user_model().objects.get(username="worker")
    first, second = Course.objects.published()
    done = LessonCompletion.objects.filter(user=worker)
    assert done.filter(lesson__course=first).count() == first.lessons.count()
    assert done.filter(lesson__course=second).count() == second.lessons.count() // 2
    assert {r.org_path for r in done} == {done.first().member.org_path}


def test_members_of_several_unions_have_learned(seeded):
    records = LessonCompletion.objects.exclude(member=None)
    assert records.values("member").distinct().count() >= 10
    assert len({path[:8] for path in records.values_list("org_path", flat=True)}) >= 2


def test_four_cartoons_on_published_honourees(seeded, client):
    cartoons = list(Cartoon.objects.select_related("entry", "image"))
    assert len(cartoons) == 4
    assert all(c.entry.stage == PublicEntry.Stage.PUBLISHED and c.image.thumbnail for c in cartoons)
    assert client.get("/cartoons/").context["page"].paginator.count == 4


def test_seeding_again_adds_nothing_and_is_quick(seeded):
    counts = (Course.objects.count(), LessonCompletion.objects.count(), Cartoon.objects.count())
    started = time.monotonic()
    seed_education_demo(stdout=StringIO())
    assert time.monotonic() - started < 10
    assert (Course.objects.count(), LessonCompletion.objects.count(), Cartoon.objects.count()) == counts
