"""Reads of the public craftsman pages: published craftsmen only, from the public storage alone
(``PublicEntry`` and ``CraftsmanPublic``), never from the candidacy or the craftsman record."""

from itertools import groupby

from unionportal.public.models import PublicEntry

from .models import CraftsmanPublic

PUBLISHED = PublicEntry.Stage.PUBLISHED


def published_craftsmen():
    return CraftsmanPublic.objects.filter(entry__stage=PUBLISHED)


def craftsman_years() -> list[int]:
    return list(
        published_craftsmen().order_by("-entry__year").values_list("entry__year", flat=True).distinct()
    )


def craftsman_batches(*, year: int) -> list[tuple[int, list[CraftsmanPublic]]]:
    """The year's published craftsmen by batch (第一批, 第二批…), each batch by name: two queries."""
    rows = (
        published_craftsmen()
        .filter(entry__year=year)
        .select_related("entry", "poster")
        .only(
            "batch",
            "trade",
            "trade_en",
            "skill_grade",
            "years_in_trade",
            "entry__id",
            "entry__year",
            "entry__name",
            "entry__unit",
            "entry__region",
            "entry__summary",
            "entry__photo_id",
            "poster__id",
            "poster__thumbnail",
            "poster__is_public",
        )
        .order_by("batch", "entry__name", "entry__id")
    )
    return [(batch, list(group)) for batch, group in groupby(rows, key=lambda row: row.batch)]


def craftsman_public(pk: int) -> CraftsmanPublic | None:
    """A published craftsman by the public row's id (None when unpublished, revoked or not a craftsman)."""
    return published_craftsmen().select_related("entry__photo", "poster").filter(entry_id=pk).first()
