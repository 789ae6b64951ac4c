"""Writes of the public site: the public rows a stage writes (a vote), keeping the whole-page cache
honest when time, not a save, changes it, the honourees' cartoons and the members' learning records."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal import permissions
from unionportal.audit import services as audit
from unionportal.orgs.models import Member
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import stored_file_delete, upload_store

from . import cache as page_cache
from .models import Cartoon, Lesson, LessonCompletion, News, PublicEntry

NEWS_TICK_KEY = "public:news_tick"


def news_went_live(*, now: datetime) -> int:
    """Periodic: drop the cached public pages when a news item's publication time passed since the last
    run, so the May Day announcement set for 00:00 shows on the cached lists at once.

    Without a record of the last run (first run, cache flushed) it looks back one page-cache lifetime:
    a page cached earlier than that has expired on its own. Returns how many items went live.
    """
    last = cache.get(NEWS_TICK_KEY)
    since = last if last is not None else now - timedelta(seconds=page_cache.TIMEOUT)
    went_live = News.objects.filter(publish_at__gt=since, publish_at__lte=now).count()
    if went_live:
        page_cache.invalidate()
    if last is None or now > last:
        cache.set(NEWS_TICK_KEY, now, timeout=None)
    return went_live


VOTE = PublicEntry.Stage.VOTE


def entries_write(*, rows) -> list[PublicEntry]:
    """Write the public rows of a stage (``rows``: (source, stage, public fields) each), creating or
    rewriting the row each source speaks for; returns them in order. Each save drops the cached public
    pages (signals), so a caller need not."""
    entries = []
    for source, stage, fields in rows:
        entry, _created = PublicEntry.objects.update_or_create(
            source=source, defaults={**fields, "stage": stage}
        )
        entries.append(entry)
    return entries


# --- model-worker cartoons (劳模漫画) ----------------------------------------------------------------------


class EducationRejected(Exception):
    """Input the user can fix (a cartoon for an honouree not published, a lesson not open): the message
    is shown as it is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def cartoon_attach(*, actor, entry_id: int, file, title: str, caption: str = "") -> Cartoon:
    """Attach (or replace) the cartoon of a published honouree. Province staff only (``public_cartoon``
    change): others get 404. The image goes through the upload check (content, size, re-encoding, a
    thumbnail) and stays private: the public reaches it through the honouree while published.
    Raises ``UploadRejected`` for a hostile or unreadable file and ``EducationRejected`` for an honouree
    that is not published; in both cases nothing is saved."""
    if not permissions.allows(actor, "public_cartoon", "change"):
        raise Http404
    title = (title or "").strip()
    if not title:
        raise EducationRejected(_("请填写漫画标题。"))
    with transaction.atomic():
        entry = PublicEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        if entry.stage != PublicEntry.Stage.PUBLISHED:
            raise EducationRejected(_("只能为已公布的获奖者添加劳模漫画。"))
        stored = upload_store(file=file, kind=StoredFile.Kind.IMAGE, actor=actor, public=False)
        old = Cartoon.objects.filter(entry=entry).select_related("image").first()
        previous = old.image if old is not None else None
        cartoon, _created = Cartoon.objects.update_or_create(
            entry=entry,
            defaults={"image": stored, "title": title[:60], "caption": (caption or "").strip()[:200]},
            create_defaults={
                "image": stored,
                "title": title[:60],
                "caption": (caption or "").strip()[:200],
                "created_by": actor,
            },
        )
        audit.record(actor=actor, action="public.cartoon.attach", obj=cartoon, org_path="")
        if previous is not None and previous.pk != stored.pk:
            stored_file_delete(stored_file=previous)
    return cartoon


# --- online courses -----------------------------------------------------------------------------------------


def lesson_complete(*, actor, lesson_id: int, now: datetime | None = None) -> tuple[LessonCompletion, bool]:
    """The signed-in ``actor`` finished a lesson of a published course (else 404); marking it again keeps
    the first record. The record carries the actor's current union (a member's) for the staff counts.
    Returns (record, created)."""
    lesson = Lesson.objects.filter(pk=lesson_id, course__is_published=True).first()
    if lesson is None or not getattr(actor, "is_authenticated", False):
        raise Http404
    member = Member.objects.current().filter(user=actor).only("pk", "org_path").first()
    with transaction.atomic():
        record, created = LessonCompletion.objects.get_or_create(
            lesson=lesson,
            user=actor,
            defaults={
                "member": member,
                "org_path": member.org_path if member else "",
                "completed_at": now or timezone.now(),
            },
        )
    return record, created


def member_lesson_record(*, member, lesson, now: datetime) -> tuple[LessonCompletion, bool]:
    """Record a lesson a member finished at the union's learning session (no account needed)."""
    return LessonCompletion.objects.get_or_create(
        lesson=lesson,
        member=member,
        defaults={"user_id": member.user_id, "org_path": member.org_path, "completed_at": now},
    )


def news_withdraw(*, news_id: int, now: datetime | None = None) -> News:
    """Take a news item back: it leaves every page, feed and sitemap (the cached pages drop, signals)."""
    item = News.objects.get(pk=news_id)
    if item.withdrawn_at is None:
        item.withdrawn_at = now or timezone.now()
        item.save(update_fields=["withdrawn_at", "updated_at"])
    return item
