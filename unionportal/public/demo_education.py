"""Demo publicity and education for ``seed_demo`` (registered in apps.py): two online courses with their
lessons, members' learning records (the ``worker`` has finished one course and half of the other), and
model-worker cartoons (劳模漫画) on four published honourees, drawn with Pillow (no person's picture).

The honourees are published by the domain apps' seeders; this one is registered to run after them
(``demo.register(..., last=True)``). Idempotent: courses by title, lessons by course and title, records once per learner and
lesson, a cartoon once per honouree.
"""

import io
import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from unionportal.demo_images import PALETTE
from unionportal.orgs.models import Member

from .cache import invalidate
from .models import Cartoon, Course, Lesson, LessonCompletion, PublicEntry
from .services import cartoon_attach, lesson_complete, member_lesson_record

User = get_user_model()

COURSES = [
    (
        "弘扬劳模精神、劳动精神、工匠精神",
        "从五一劳动奖章获得者和荆楚工匠的故事里，读懂“爱岗敬业、争创一流”的时代内涵。",
        [
            (
                "劳模精神的时代内涵",
                "劳模精神是“爱岗敬业、争创一流，艰苦奋斗、勇于创新，淡泊名利、甘于奉献”。本课时结合2025年湖北省五一劳动奖章"
                "获得者的事迹，讲解一线职工如何在转型发展、创新驱动、绿色发展中立足岗位建功立业。",
                "",
                12,
            ),
            (
                "荆楚工匠的“绝活”是怎样练成的",
                "首批“荆楚工匠”通过企业推荐、专家论证、社会评议产生。观看专题片，了解他们坚守专注、精益求精、推陈出新的成长之路，"
                "以及“师带徒”把绝活传给年轻人的做法。",
                "https://www.bilibili.com/video/BV1GJ411x7h7",
                18,
            ),
            (
                "身边的“最美一线职工”",
                "“最美一线职工”面向基层、面向一线，经个人自荐、他人推荐和组织推荐，由专家评审与社会评议产生。本课时介绍推荐条件、"
                "评议方式和往届人选的故事，鼓励职工推荐身边的榜样。",
                "",
                10,
            ),
            (
                "学技术、增本领，立足岗位成才",
                "职工技能大赛、“我为节能减排作贡献”和“学习技能、提升质量、创优服务”劳动竞赛是一线职工成长的舞台。本课时讲解如何"
                "报名参赛、如何在班组中开展小改小革和技术攻关。",
                "https://v.qq.com/x/page/k3210abcdef.html",
                15,
            ),
        ],
    ),
    (
        "职工权益与工资集体协商知识",
        "集中要约行动、集体合同审议和困难职工帮扶的基本规则，职工和基层工会干部都用得上。",
        [
            (
                "工资集体协商的基本程序",
                "工会代表职工向企业发出书面协商要约，企业应在收到要约之日起20日内书面回应。协商双方代表人数对等，每方3至10人，"
                "首席代表分别由工会主席和企业法定代表人或其委托的人担任。",
                "",
                12,
            ),
            (
                "集体合同草案的审议与报送",
                "合同草案提交职工代表大会审议：到会代表须达全体代表的三分之二，经全体代表半数以上同意方可通过。双方签字后10日内"
                "报劳动保障部门审查，15日内未提出异议即行生效，期限一般为1至3年。",
                "",
                14,
            ),
            (
                "困难职工帮扶政策问答",
                "深度困难、相对困难和意外致困职工家庭如何认定？建档立卡、精准识别、因户施策各是什么意思？本课时用问答的方式讲解"
                "“万名工会干部进万企帮万户”活动中的帮扶政策和申请渠道。",
                "",
                10,
            ),
            (
                "在平台上申请帮扶和维权",
                "演示如何在“互联网+”服务职工平台上实名注册、网上入会、申请帮扶救助和职工维权，并随时查看办理进度。",
                "https://www.ixigua.com/7012345678901234567",
                8,
            ),
        ],
    ),
]

CARTOON_TITLES = [
    ("{name}：把手艺传给年轻人", "漫画：师傅带徒弟，一个动作练上百遍。"),
    ("{name}的“绝活”", "漫画讲述{name}在岗位上攻克技术难题的故事。"),
    ("一线就是赛场——{name}", "漫画再现{name}带领班组提质增效的日常。"),
    ("{name}与班组的小改小革", "从一张草图到一项专利：{name}的创新之路。"),
]


def _at(day, hour=20, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


def cartoon_image(*, seed: int, size=(900, 600)) -> SimpleUploadedFile:
    """A two-panel cartoon strip: a worker in a safety helmet at a machine, then raising a trophy; simple
    shapes in the campaign colours, deterministic in ``seed``."""
    rng = random.Random(seed)
    colour = PALETTE[seed % len(PALETTE)]
    width, height = size
    image = Image.new("RGB", size, (252, 246, 232))
    draw = ImageDraw.Draw(image)
    panel = width // 2
    for n in range(2):
        left = n * panel
        draw.rectangle((left + 12, 12, left + panel - 12, height - 12), outline=(30, 30, 30), width=5)
        ground = height - 120
        draw.rectangle(
            (left + 17, ground, left + panel - 17, height - 17), fill=tuple(min(255, c + 80) for c in colour)
        )
        cx = left + panel // 2 + rng.randint(-40, 40)
        # The worker: legs, body, arms, head and the red safety helmet.
        draw.line((cx, ground - 120, cx - 35, ground), fill=(30, 30, 30), width=10)
        draw.line((cx, ground - 120, cx + 35, ground), fill=(30, 30, 30), width=10)
        draw.rounded_rectangle((cx - 45, ground - 260, cx + 45, ground - 110), radius=20, fill=colour)
        arm = -90 if n else -10
        draw.line((cx - 40, ground - 230, cx - 90, ground - 180 + arm), fill=(30, 30, 30), width=10)
        draw.line((cx + 40, ground - 230, cx + 95, ground - 170 + arm), fill=(30, 30, 30), width=10)
        draw.ellipse(
            (cx - 45, ground - 350, cx + 45, ground - 260),
            fill=(250, 214, 170),
            outline=(30, 30, 30),
            width=4,
        )
        draw.ellipse((cx - 18, ground - 320, cx - 8, ground - 308), fill=(30, 30, 30))
        draw.ellipse((cx + 8, ground - 320, cx + 18, ground - 308), fill=(30, 30, 30))
        draw.arc((cx - 20, ground - 310, cx + 20, ground - 280), 20, 160, fill=(30, 30, 30), width=4)
        draw.chord((cx - 55, ground - 375, cx + 55, ground - 290), 180, 360, fill=(200, 30, 40))
        if n == 0:
            # A machine with a gear, and sparks.
            mx = left + 40
            draw.rectangle(
                (mx, ground - 150, mx + 90, ground), fill=(120, 130, 140), outline=(30, 30, 30), width=4
            )
            draw.ellipse((mx + 15, ground - 135, mx + 75, ground - 75), outline=(30, 30, 30), width=6)
            for _ in range(6):
                sx, sy = mx + 95 + rng.randint(0, 40), ground - 120 + rng.randint(-40, 40)
                draw.line((sx, sy, sx + 14, sy - 10), fill=(240, 170, 20), width=4)
        else:
            # The trophy held high, and a speech bubble.
            tx, ty = cx + 95, ground - 290
            draw.polygon(
                [(tx - 25, ty), (tx + 25, ty), (tx + 12, ty + 45), (tx - 12, ty + 45)], fill=(230, 180, 30)
            )
            draw.rectangle((tx - 16, ty + 45, tx + 16, ty + 58), fill=(180, 130, 20))
            draw.ellipse(
                (left + 30, 40, left + 200, 130), fill=(255, 255, 255), outline=(30, 30, 30), width=4
            )
            for i in range(3):
                draw.line((left + 60, 65 + 20 * i, left + 170 - 20 * i, 65 + 20 * i), fill=colour, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(f"cartoon-{seed}.png", buffer.getvalue(), content_type="image/png")


def _courses() -> list[tuple[Course, list[Lesson]]]:
    found = []
    for position, (title, summary, lessons) in enumerate(COURSES, start=1):
        course, _created = Course.objects.get_or_create(
            title=title, defaults={"summary": summary, "is_published": True, "position": position}
        )
        have = {lesson.title: lesson for lesson in course.lessons.all()}
        rows = []
        for n, (lesson_title, body, video, minutes) in enumerate(lessons, start=1):
            lesson = have.get(lesson_title)
            if lesson is None:
                lesson = Lesson(
                    course=course, title=lesson_title, body=body, video_url=video, minutes=minutes, position=n
                )
                lesson.full_clean()
                lesson.save()
            rows.append(lesson)
        found.append((course, rows))
    return found


def _learning(courses, *, now) -> int:
    """The worker: the first course finished, the second half done; members of the demo unions have
    studied some lessons at their union's learning sessions in April."""
    added = 0
    worker = User.objects.filter(username="worker").first()
    (_first, first_lessons), (_second, second_lessons) = courses
    if worker is not None:
        done = first_lessons + second_lessons[: len(second_lessons) // 2]
        for n, lesson in enumerate(done):
            _record, created = lesson_complete(
                actor=worker, lesson_id=lesson.pk, now=min(now, _at(now.date() - timedelta(days=12 - n)))
            )
            added += created
    members = list(
        Member.objects.current()
        .filter(user__isnull=True)
        .select_related(None)
        .order_by("org_path", "id")[:40]
    )
    rng = random.Random(2026)
    for n, member in enumerate(members[::2]):
        lessons = first_lessons if n % 3 else second_lessons
        for k, lesson in enumerate(lessons[: rng.randint(1, len(lessons))]):
            when = min(now, _at(now.date() - timedelta(days=rng.randint(1, 20)), 19 + k % 3))
            _record, created = member_lesson_record(member=member, lesson=lesson, now=when)
            added += created
    return added


def seed_cartoons(*, actor) -> int:
    """Cartoons on four published honourees that have none (the latest year's, by name)."""
    have = Cartoon.objects.count()
    if have >= len(CARTOON_TITLES):
        return 0
    entries = list(
        PublicEntry.objects.published()
        .filter(cartoon__isnull=True)
        .order_by("-year", "award", "id")[: len(CARTOON_TITLES) - have]
    )
    for n, entry in enumerate(entries, start=have):
        title, caption = CARTOON_TITLES[n]
        cartoon_attach(
            actor=actor,
            entry_id=entry.pk,
            file=cartoon_image(seed=entry.pk),
            title=title.format(name=entry.name)[:60],
            caption=caption.format(name=entry.name),
        )
    return len(entries)


def seed_education_demo(*, stdout=None) -> None:
    now = timezone.now()
    courses = _courses()
    added = _learning(courses, now=now)
    province = User.objects.filter(username="province").first()
    # Registered to run last, so the domain apps' seeders have published the honourees.
    cartoons = seed_cartoons(actor=province)
    invalidate()
    if stdout is not None:
        stdout.write(
            f"public: {Course.objects.count()} courses, {Lesson.objects.count()} lessons, "
            f"{LessonCompletion.objects.count()} learning records ({added} added), "
            f"{Cartoon.objects.count()} cartoons ({cartoons} added)\n"
        )
