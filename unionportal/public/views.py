from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from unionportal.campaigns.selectors import current_campaign
from unionportal.permissions import public
from unionportal.selection.enums import Tag

from . import selectors, share
from .cache import TIMEOUT, public_page, version
from .models import News
from .registry import entry_page

PHOTO_MAX_AGE = 3600  # a withdrawn photo leaves shared caches within the hour


@public_page
def index(request):
    return render(
        request,
        "public/index.html",
        {
            "campaign": current_campaign(),
            "latest": selectors.honourees()[:6],
            "news": selectors.latest_news(limit=5),
            "notices": selectors.running_notices(today=timezone.localdate()),
        },
    )


@public_page
def honouree_list(request):
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    award = request.GET.get("award", "")[:80]
    region = request.GET.get("region", "")[:60]
    programme = request.GET.get("programme", "")[:80]
    tag = request.GET.get("tag", "")
    tag = tag if tag in Tag.values else ""
    q = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX]
    rows = selectors.honourees(year=year, award=award, region=region, tag=tag, q=q, programme=programme)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "public/honouree_list.html",
        {
            "page": page,
            "filters": {
                "year": year,
                "award": award,
                "region": region,
                "tag": tag,
                "q": q,
                "programme": programme,
            },
            "choices": selectors.honouree_filter_choices(),
            "tags": Tag.choices,
        },
    )


@public_page
def honouree_detail(request, pk: int):
    entry = selectors.honouree(pk)
    if entry is None:
        raise Http404
    site = settings.SITE_URL.rstrip("/")
    og_url = site + entry.get_absolute_url()
    return render(
        request,
        "public/honouree_detail.html",
        {
            "entry": entry,
            "tag_labels": [label for code, label in Tag.choices if f",{code}," in entry.tags],
            "og_url": og_url,
            "og_image": site + reverse("public:honouree_share", args=[entry.pk]),
            "qr": share.qr_data_uri(og_url),
            "cartoon": selectors.cartoon_shown(entry.pk),
            "own_page": entry_page(entry),
        },
    )


@public
@require_safe
def honouree_photo(request, pk: int):
    """The photo of an honouree or a candidate on notice; nothing once withdrawn or revoked."""
    entry = selectors.photo_entry(pk)
    if entry is None:
        raise Http404
    # Read through the storage (a local folder or S3-compatible); photos are small, re-encoded at upload.
    try:
        with entry.photo.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=entry.photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={PHOTO_MAX_AGE}"
    return response


@public
@require_safe
def honouree_share(request, pk: int):
    """The 1200×630 share image, kept in the cache under the public version (revoking drops it)."""
    key = f"public:{version()}:share:{pk}"
    png = cache.get(key)
    if png is None:
        entry = selectors.honouree(pk)
        if entry is None:
            raise Http404
        png = share.render(
            name=entry.name,
            award=entry.award,
            unit=entry.unit,
            year=entry.year,
            site=settings.SITE_OPERATOR,
            photo=share.open_photo(entry.photo if entry.photo and entry.photo.is_public else None),
        )
        cache.set(key, png, TIMEOUT)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=60"
    return response


@public_page
def news_list(request):
    category = request.GET.get("category", "")
    category = category if category in News.Category.values else ""
    page = Paginator(selectors.news_list(category=category), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "public/news_list.html",
        {"page": page, "category": category, "categories": News.Category.choices},
    )


@public_page
def news_detail(request, pk: int):
    item = selectors.news_item(pk)
    if item is None:
        raise Http404
    site = settings.SITE_URL.rstrip("/")
    og_url = site + item.get_absolute_url()
    return render(
        request,
        "public/news_detail.html",
        {
            "item": item,
            "og_url": og_url,
            "og_image": site + reverse("public:news_share", args=[item.pk]),
            "qr": share.qr_data_uri(og_url),
        },
    )


@public
@require_safe
def news_share(request, pk: int):
    """The 1200×630 share image of a live news item: its cover beside the title (cached like the
    honourees' cards; withdrawing or editing drops it with the public version)."""
    key = f"public:{version()}:news-share:{pk}"
    png = cache.get(key)
    if png is None:
        item = selectors.news_item(pk)
        if item is None:
            raise Http404
        png = share.render(
            name=item.title,
            award=item.get_category_display(),
            unit=item.summary,
            year=timezone.localtime(item.publish_at).year,
            site=settings.SITE_OPERATOR,
            photo=share.open_photo(item.cover if item.cover and item.cover.is_public else None),
        )
        cache.set(key, png, TIMEOUT)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=60"
    return response


@public_page
def privacy(request):
    return render(request, "public/privacy.html")
