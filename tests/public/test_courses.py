"""Online courses: lessons with video links from allowed sites only; a signed-in worker marks a lesson done
and sees the course's progress; staff see the completion counts of their subtree's members."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from tests.factories import Role, make_tree, make_user
from unionportal.orgs.enums import MemberStatus
from unionportal.orgs.models import Member
from unionportal.public.models import Course, Lesson, LessonCompletion
from unionportal.public.services import lesson_complete, member_lesson_record
from unionportal.public.videos import video_link_check

pytestmark = pytest.mark.django_db


def id_number(n: int) -> str:
    body = f"42068419900115{n:03d}"
    return body + ric.calc_check_digit(body)


def member(org, n, user=None):
    return Member.objects.create(
        organisation=org,
        name=f"会员{n}",
        id_number=id_number(n),
        joined_on=date(2025, 1, 1),
        status=MemberStatus.MEMBER,
        user=user,
    )


def course(title="劳模精神", lessons=4, published=True):
    c = Course.objects.create(title=title, summary="简介", is_published=published)
    for n in range(lessons):
        Lesson.objects.create(course=c, position=n, title=f"{title}第{n + 1}课", body="课时内容")
    return c


@pytest.mark.parametrize(
    "url",
    [
        "https://www.bilibili.com/video/BV1GJ411x7h7",
        "https://v.qq.com/x/page/k3210abcdef.html",
        "https://tv.cctv.com/2026/04/20/VIDE.shtml",
    ],
)
def test_links_on_allowed_video_sites_pass(url):
    assert video_link_check(url) == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://evil.example.com/video/1", "video_host"),
        ("https://www.bilibili.com.evil.cn/video/1", "video_host"),
        ("http://www.bilibili.com/video/BV1GJ411x7h7", "video_scheme"),
        ("javascript:alert(1)", "video_scheme"),
        ('<iframe src="https://v.qq.com/x"></iframe>', "video_link"),
        ("https://user:pw@v.qq.com/x/page/a.html", "video_scheme"),
        ("https://v.qq.com:8443/x/page/a.html", "video_host"),
    ],
)
def test_links_elsewhere_are_refused_with_a_reason(url, code):
    with pytest.raises(ValidationError) as refused:
        video_link_check(url)
    assert refused.value.code == code


def test_the_host_list_is_a_setting(settings):
    settings.PUBLIC_VIDEO_HOSTS = ["video.example.org"]
    assert video_link_check("https://video.example.org/v/1") == "https://video.example.org/v/1"
    with pytest.raises(ValidationError):
        video_link_check("https://www.bilibili.com/video/BV1GJ411x7h7")


def test_a_lesson_with_a_link_to_another_host_does_not_validate():
    lesson = Lesson(course=course(lessons=0), title="课", body="内容", video_url="https://evil.example.com/v")
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "video_url" in refused.value.message_dict
    assert "不在其中" in refused.value.message_dict["video_url"][0]


@pytest.fixture
def world():
    tree = make_tree()
    worker = make_user("w1")
    return {
        **tree,
        "worker": worker,
        "member": member(tree["grassroots_a"], 1, user=worker),
        "staff_a": make_user(org=tree["county_a"], role=Role.STAFF),
        "staff_b": make_user(org=tree["county_b"], role=Role.STAFF),
        "province_staff": make_user(org=tree["province"], role=Role.STAFF),
    }


def test_a_worker_marks_lessons_done_and_sees_the_progress(client, world):
    c = course()
    first, second, *_rest = c.lessons.all()
    client.force_login(world["worker"])
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'id="mark-done"' in page
    response = client.post(f"/courses/lessons/{first.pk}/done/")
    assert response.status_code == 302 and response["Location"] == f"/courses/lessons/{second.pk}/"
    record = LessonCompletion.objects.get()
    assert (record.user, record.member, record.org_path) == (
        world["worker"],
        world["member"],
        world["grassroots_a"].path,
    )
    client.post(f"/courses/lessons/{first.pk}/done/")  # again: kept once
    assert LessonCompletion.objects.count() == 1
    detail = client.get(c.get_absolute_url())
    html = detail.content.decode()
    assert "学习进度：已完成 1/4 个课时" in html and 'value="1" max="4"' in html
    assert "private" in detail["Cache-Control"] and "public" not in detail["Cache-Control"]
    assert "已学 1/4" in client.get("/courses/").content.decode()
    assert 'id="lesson-done"' in client.get(first.get_absolute_url()).content.decode()


def test_the_last_lesson_leads_back_to_the_course(client, world):
    c = course(lessons=2)
    last = c.lessons.last()
    client.force_login(world["worker"])
    assert client.post(f"/courses/lessons/{last.pk}/done/")["Location"] == c.get_absolute_url()


def test_anonymous_readers_read_but_record_nothing(client, world):
    c = course()
    lesson = c.lessons.first()
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200 and response.cookies == {}
    assert 'id="mark-done"' not in response.content.decode()
    assert client.post(f"/courses/lessons/{lesson.pk}/done/").status_code == 302  # to sign in
    assert not LessonCompletion.objects.exists()


def test_an_unpublished_course_is_404_everywhere(client, world):
    hidden = course("草稿课程", published=False)
    lesson = hidden.lessons.first()
    client.force_login(world["worker"])
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(lesson.get_absolute_url()).status_code == 404
    assert client.post(f"/courses/lessons/{lesson.pk}/done/").status_code == 404
    assert "草稿课程" not in client.get("/courses/").content.decode()
    assert not LessonCompletion.objects.exists()


def test_staff_see_completion_counts_of_their_subtree(client, world):
    c = course(lessons=2)
    one, two = c.lessons.all()
    lesson_complete(actor=world["worker"], lesson_id=one.pk)
    lesson_complete(actor=world["worker"], lesson_id=two.pk)  # finished, in county a
    b_member = member(world["grassroots_b"], 2)
    member_lesson_record(member=b_member, lesson=one, now=one.course.created_at)  # half, in county b

    def row(user):
        client.force_login(user)
        (found,) = client.get("/staff/courses/").context["rows"]
        return found["learners"], found["finished"], found["done"]

    assert row(world["staff_a"]) == (1, 1, 2)
    assert row(world["staff_b"]) == (1, 0, 1)
    assert row(world["province_staff"]) == (2, 1, 3)
    client.force_login(world["worker"])
    assert client.get("/staff/courses/").status_code == 403


def test_course_pages_queries_do_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world["worker"])
    course("一")
    with django_assert_max_num_queries(40) as one:
        client.get("/courses/")
    with django_assert_max_num_queries(40) as report_one:
        client.force_login(world["province_staff"])
        client.get("/staff/courses/")
    for n in range(6):
        c = course(f"课程{n}")
        for lesson in c.lessons.all()[:2]:
            lesson_complete(actor=world["worker"], lesson_id=lesson.pk)
    client.force_login(world["worker"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get("/courses/").context["courses"]) == 7
    client.force_login(world["province_staff"])
    with django_assert_max_num_queries(len(report_one.captured_queries)):
        assert len(client.get("/staff/courses/").context["rows"]) == 7


def test_the_course_pages_answer_under_en(client, world):
    c = course(lessons=2)
    client.force_login(world["worker"])
    lesson_complete(actor=world["worker"], lesson_id=c.lessons.first().pk)
    response = client.get(f"/en/courses/{c.pk}/")
    assert response.status_code == 200 and response.context["done_count"] == 1
    assert client.get("/en/courses/").status_code == 200
    assert client.get(f"/en/courses/lessons/{c.lessons.last().pk}/").status_code == 200
