from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from unionportal.campaigns.selectors import current_campaign

from . import selectors
from .cache import public_page
from .models import PublicEntry


@public_page
def index(request):
    return render(
        request,
        "public/index.html",
        {
            "campaign": current_campaign(),
            "latest": selectors.honourees()[:6],
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
    page = Paginator(selectors.honourees(year=year, award=award, region=region), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "public/honouree_list.html",
        {
            "page": page,
            "filters": {"year": year, "award": award, "region": region},
            "choices": selectors.honouree_filter_choices(),
        },
    )


@public_page
def honouree_detail(request, pk: int):
    entry = get_object_or_404(PublicEntry.objects.published(), pk=pk)
    return render(request, "public/honouree_detail.html", {"entry": entry})


@public_page
def privacy(request):
    return render(request, "public/privacy.html")
