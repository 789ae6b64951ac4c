"""Publicity and education in the browser: the news list filtered by category, a story's share card (Open
Graph tags and the QR code of its public address), the RSS and Atom feeds, the cartoon gallery and the
honouree's cartoon, and the worker completing a lesson on a phone-sized window."""

import io
import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from stdnum.cn import ric

from tests.browser.conftest import shot, sign_in
from tests.factories import Role, make_org, make_user
from unionportal.orgs.enums import MemberStatus
from unionportal.orgs.models import Member
from unionportal.public.demo_education import cartoon_image
from unionportal.public.models import Course, Lesson, LessonCompletion, News, PublicEntry
from unionportal.public.services import cartoon_attach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cover() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), (176, 42, 48)).save(buffer, "JPEG")
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def build():
    province = make_org(name="湖北省总工会")
    union = make_org(make_org(province, name="襄阳市总工会"), name="楚都食品有限公司工会")
    staff = make_user("p_staff", org=province, role=Role.STAFF)
    worker = make_user("worker", name="孙丽娟")
    body = "42068419920315002"
    Member.objects.create(
        organisation=union,
        name="孙丽娟",
        id_number=body + ric.calc_check_digit(body),
        joined_on=date(2024, 3, 1),
        status=MemberStatus.MEMBER,
        user=worker,
    )
    past = timezone.now() - timedelta(hours=2)
    story = News.objects.create(
        title="劳模故事｜罗海波：让腊制品切配“快”起来",
        category=News.Category.STORY,
        summary="首创腊制品自动化切配工艺，获国家实用新型专利4项。",
        body="走进宜城市楚都食品有限公司生产车间，自动化切配线正有节奏地运转。" * 3,
        publish_at=past,
    )
    News.objects.create(
        title="关于开展2026年湖北省五一劳动奖推荐评选工作的通知",
        category=News.Category.ANNOUNCEMENT,
        summary="评选表彰50个五一劳动奖状、100名五一劳动奖章。",
        body="各市州总工会：" * 10,
        publish_at=past - timedelta(days=1),
    )
    News.objects.create(
        title="竞赛动态｜宜城市节能减排班组竞赛首轮成绩出炉",
        category=News.Category.COMPETITION,
        body="首轮成绩出炉。" * 10,
        publish_at=past - timedelta(days=2),
    )
    honourees = []
    for n, (name, unit) in enumerate([("罗海波", "宜城市楚都食品有限公司"), ("吴桂兰", "宜城市包装厂")]):
        entry = PublicEntry.objects.create(
            year=2025,
            programme="五一劳动奖",
            award="五一劳动奖章",
            name=name,
            unit=unit,
            region="襄阳市",
            stage=PublicEntry.Stage.PUBLISHED,
            summary="事迹摘要",
            source=f"walk:{n}",
            published_at=past,
        )
        cartoon_attach(
            actor=staff,
            entry_id=entry.pk,
            file=cartoon_image(seed=n + 1),
            title=f"{name}：把手艺传给年轻人",
            caption="两格漫画",
        )
        honourees.append(entry)
    course = Course.objects.create(
        title="弘扬劳模精神、劳动精神、工匠精神", summary="从劳模故事里学。", is_published=True
    )
    lessons = [
        Lesson.objects.create(
            course=course,
            position=n,
            title=title,
            body="劳模精神是爱岗敬业、争创一流。" * 4,
            video_url="https://www.bilibili.com/video/BV1GJ411x7h7" if n == 1 else "",
        )
        for n, title in enumerate(["劳模精神的时代内涵", "荆楚工匠的绝活", "立足岗位成才"])
    ]
    return story, honourees, course, lessons, worker


def test_news_share_feeds_cartoons_and_a_lesson_on_a_phone(
    page, phone_page, live_server, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    story, honourees, course, lessons, worker = build()
    base = live_server.url

    # The news list, filtered by a category pill.
    page.goto(base + "/news/")
    page.click("#news-categories >> text=劳模故事")
    page.wait_for_url(re.compile(r".*/news/\?category=story$"))
    assert page.locator(".news-item").count() == 1
    assert "罗海波" in page.locator("#news-list").inner_text()
    rss = page.locator('link[rel="alternate"][type="application/rss+xml"]').get_attribute("href")
    assert rss == "/news/feed/rss/?category=story"
    shot(page, artifacts, "publicity-news-by-category")

    # The story's share card: Open Graph tags and the QR code of the public address.
    page.click(".news-item")
    page.wait_for_url(re.compile(rf".*/news/{story.pk}/$"))
    meta = {
        prop: page.locator(f'meta[property="{prop}"]').get_attribute("content")
        for prop in ("og:title", "og:description", "og:url", "og:image")
    }
    assert meta["og:title"] == story.title
    assert meta["og:description"] == story.summary
    assert meta["og:url"].endswith(f"/news/{story.pk}/")
    assert meta["og:image"].endswith(f"/news/{story.pk}/share.png")
    qr = page.locator("#share-qr")
    assert qr.is_visible() and qr.get_attribute("src").startswith("data:image/svg+xml")
    assert page.locator("#news-category-badge").inner_text() == "劳模故事"
    shot(page, artifacts, "publicity-story-share-card")
    card = page.request.get(base + f"/news/{story.pk}/share.png")
    assert card.status == 200 and card.body()[:4] == b"\x89PNG"

    # The feeds: only the live story in the category, with its link.
    answer = page.request.get(base + rss)
    assert answer.headers["content-type"].startswith("application/rss+xml")
    feed = ElementTree.fromstring(answer.body())  # noqa: S314 (our own server's feed)
    items = feed.find("channel").findall("item")
    assert [i.findtext("title") for i in items] == [story.title]
    atom = page.request.get(base + "/news/feed/atom/")
    assert atom.body().count(b"<entry>") == 3
    page.goto(base + "/news/feed/atom/")
    shot(page, artifacts, "publicity-atom-feed")

    # The cartoon gallery, and the cartoon on the honouree's page.
    page.goto(base + "/cartoons/")
    assert page.locator(".cartoon-card").count() == 2
    page.wait_for_function("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    shot(page, artifacts, "publicity-cartoon-gallery")
    page.click(f'.cartoon-card[href="/honourees/{honourees[0].pk}/"]')
    page.wait_for_url(re.compile(rf".*/honourees/{honourees[0].pk}/$"))
    assert page.locator("#honouree-cartoon img").evaluate("i => i.naturalWidth") > 0
    assert page.locator("#share-qr").is_visible()
    shot(page, artifacts, "publicity-honouree-cartoon")

    # The worker completes a lesson on a phone: on to the next lesson, and the course shows the progress.
    sign_in(phone_page, base, "worker")
    phone_page.goto(base + "/courses/")
    phone_page.click(".course-item")
    phone_page.wait_for_url(re.compile(rf".*/courses/{course.pk}/$"))
    assert "已完成 0/3" in phone_page.locator("#course-progress").inner_text()
    phone_page.click(f'#lesson-list a[href="/courses/lessons/{lessons[0].pk}/"]')
    shot(phone_page, artifacts, "publicity-lesson-phone")
    phone_page.click("#mark-done")
    phone_page.wait_for_url(re.compile(rf".*/courses/lessons/{lessons[1].pk}/$"))
    assert "已记录本课时学习完成。" in phone_page.content()
    assert phone_page.locator("#lesson-video").get_attribute("href").startswith("https://www.bilibili.com/")
    phone_page.goto(base + course.get_absolute_url())
    assert "已完成 1/3" in phone_page.locator("#course-progress").inner_text()
    assert phone_page.locator(".lesson-done").count() == 1
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone_page, artifacts, "publicity-course-progress-phone")
    record = LessonCompletion.objects.get(user=worker)
    assert record.lesson == lessons[0] and record.org_path == record.member.org_path
