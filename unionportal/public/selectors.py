from django.db.models import Q

from .models import News, PublicEntry

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
