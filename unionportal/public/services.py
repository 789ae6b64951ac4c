"""Writes of the public site: the public rows a stage writes (a vote), and keeping the whole-page cache
honest when time, not a save, changes it."""

from datetime import datetime, timedelta

from django.core.cache import cache

from . import cache as page_cache
from .models import News, PublicEntry

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
