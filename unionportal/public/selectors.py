from django.db.models import Count, Q

from unionportal import permissions

from .models import Cartoon, Course, Lesson, LessonCompletion, News, PublicEntry

SEARCH_MAX = 60


def honourees(
    *,
    year: int | None = None,
    award: str = "",
    region: str = "",
    tag: str = "",
    q: str = "",
    programme: str = "",
):
    """Published honourees only (a revoked or noticed row never shows here), filtered and searched."""
    rows = PublicEntry.objects.published()
    if year:
        rows = rows.filter(year=year)
    if award:
        rows = rows.filter(award=award)
    if programme:
        rows = rows.filter(programme=programme)
    if region:
        rows = rows.filter(region=region)
    if tag:
        # Tags are stored comma-wrapped (",green,innovation,"), so one LIKE matches a whole code.
        rows = rows.filter(tags__contains=f",{tag},")
    q = q.strip()[:SEARCH_MAX]
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(unit__icontains=q))
    return rows.only("id", "year", "award", "award_en", "name", "unit", "region", "summary")


def honouree_filter_choices() -> dict[str, list]:
    # One query: the distinct combinations are few (a year has a handful of programmes and 17 regions).
    combos = (
        PublicEntry.objects.published()
        .order_by()
        .values_list("year", "award", "award_en", "region", "programme")
        .distinct()
    )
    years, awards, regions, programmes = set(), set(), set(), set()
    for year, award, award_en, region, programme in combos:
        years.add(year)
        awards.add((award, award_en))
        regions.add(region)
        programmes.add(programme)
    return {
        "years": sorted(years, reverse=True),
        # (award, its English name): the filter's value is the award; English pages show the English name.
        "awards": sorted(awards),
        "regions": sorted(regions),
        "programmes": sorted(programmes),
    }


def honouree(pk: int) -> PublicEntry | None:
    return PublicEntry.objects.published().select_related("photo").filter(pk=pk).first()


def photo_entry(pk: int) -> PublicEntry | None:
    """An entry whose photo may be shown: on notice or published, with a public photo."""
    return (
        PublicEntry.objects.filter(
            pk=pk,
            stage__in=(PublicEntry.Stage.NOTICE, PublicEntry.Stage.PUBLISHED),
            photo__is_public=True,
        )
        .select_related("photo")
        .first()
    )


def news_list(*, category: str = "", now=None):
    rows = News.objects.live(now)
    if category:
        rows = rows.filter(category=category)
    return rows.select_related("cover").defer("body")


def news_item(pk: int, *, now=None) -> News | None:
    return News.objects.live(now).select_related("cover").filter(pk=pk).first()


def latest_news(*, limit: int = 5, now=None) -> list[News]:
    return list(news_list(now=now)[:limit])


def running_notices(*, today):
    """Public notices (公示) running today, for the home page's link."""
    from unionportal.selection.models import Notice

    return list(
        Notice.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("programme")
        .order_by("ends_on", "id")
    )


# --- feeds and the sitemap: what went live and was not withdrawn, published honourees ------------------------

FEED_SIZE = 30


def feed_news(*, category: str = "", now=None) -> list[News]:
    """The latest live news (never a scheduled or withdrawn item) for the RSS and Atom feeds."""
    return list(news_list(category=category, now=now)[:FEED_SIZE])


def sitemap_rows(*, now=None) -> dict[str, list]:
    return {
        "news": list(News.objects.live(now).only("id", "updated_at").order_by("-publish_at")[:1000]),
        "honourees": list(
            PublicEntry.objects.published().only("id", "published_at").order_by("-year", "id")[:5000]
        ),
        "courses": list(Course.objects.published().only("id", "updated_at")),
    }


# --- cartoons ---------------------------------------------------------------------------------------------


def cartoons_shown():
    """The gallery: cartoons of published honourees, newest first."""
    return Cartoon.objects.shown().select_related("entry", "image")


def cartoon_shown(entry_pk: int) -> Cartoon | None:
    return cartoons_shown().filter(entry_id=entry_pk).first()


def cartoon_of(entry: PublicEntry) -> Cartoon | None:
    return Cartoon.objects.filter(entry=entry).select_related("image").first()


# --- courses ----------------------------------------------------------------------------------------------


def courses_for(user) -> list[Course]:
    """Published courses with their lesson count and, for a signed-in user, how many they finished (each
    as ``lesson_count`` / ``done_count``): two queries whatever the number of courses."""
    courses = list(Course.objects.published().annotate(lesson_count=Count("lessons")))
    done = {}
    if getattr(user, "is_authenticated", False):
        done = dict(
            LessonCompletion.objects.filter(user=user, lesson__course__in=courses)
            .values("lesson__course")
            .annotate(n=Count("pk"))
            .values_list("lesson__course", "n")
        )
    for course in courses:
        course.done_count = done.get(course.pk, 0)
    return courses


def course_for(pk: int, user) -> tuple[Course, list[Lesson], set[int]] | None:
    """A published course, its lessons and the ids of those ``user`` finished; None when not published."""
    course = Course.objects.published().filter(pk=pk).first()
    if course is None:
        return None
    lessons = list(course.lessons.all())
    done = set()
    if getattr(user, "is_authenticated", False):
        done = set(
            LessonCompletion.objects.filter(user=user, lesson__course=course).values_list(
                "lesson_id", flat=True
            )
        )
    return course, lessons, done


def lesson_for(pk: int) -> Lesson | None:
    return Lesson.objects.filter(pk=pk, course__is_published=True).select_related("course").first()


def lesson_done(lesson: Lesson, user) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and LessonCompletion.objects.filter(lesson=lesson, user=user).exists()
    )


def course_progress(user) -> list[dict]:
    """Per course, in the staff user's subtree (``course_progress`` list): lessons, learners (members
    or accounts with at least one lesson done), those who finished every lesson, and lessons done.
    Three queries whatever the number of courses and learners."""
    courses = list(Course.objects.annotate(lesson_count=Count("lessons")).order_by("position", "id"))
    scoped = LessonCompletion.objects.filter(permissions.scope_q(user, "course_progress", "list", "org_path"))
    done = dict(
        scoped.values("lesson__course").annotate(n=Count("pk")).order_by().values_list("lesson__course", "n")
    )
    # One row per (course, learner): a learner is the account when there is one, else the member.
    per_learner = scoped.values("lesson__course", "user", "member").annotate(n=Count("pk")).order_by()
    learners: dict[int, int] = {}
    finished: dict[int, int] = {}
    lesson_counts = {c.pk: c.lesson_count for c in courses}
    for row in per_learner:
        course = row["lesson__course"]
        learners[course] = learners.get(course, 0) + 1
        if lesson_counts.get(course) and row["n"] >= lesson_counts[course]:
            finished[course] = finished.get(course, 0) + 1
    return [
        {
            "course": c,
            "lessons": c.lesson_count,
            "learners": learners.get(c.pk, 0),
            "finished": finished.get(c.pk, 0),
            "done": done.get(c.pk, 0),
        }
        for c in courses
    ]
