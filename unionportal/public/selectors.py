from .models import PublicEntry


def honourees(*, year: int | None = None, award: str = "", region: str = ""):
    rows = PublicEntry.objects.published()
    if year:
        rows = rows.filter(year=year)
    if award:
        rows = rows.filter(award=award)
    if region:
        rows = rows.filter(region=region)
    return rows.only("id", "year", "award", "name", "unit", "region", "summary")


def honouree_filter_choices() -> dict[str, list]:
    published = PublicEntry.objects.published()
    return {
        "years": list(published.order_by("-year").values_list("year", flat=True).distinct()),
        "awards": list(published.order_by("award").values_list("award", flat=True).distinct()),
        "regions": list(published.order_by("region").values_list("region", flat=True).distinct()),
    }
