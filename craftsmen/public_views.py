"""The public 荆楚工匠 pages: the craftsmen of a year by batch, and one craftsman with films, skills,
patents and deeds. Anonymous pages cached whole (``public_page``) and dropped on every public change.

A craftsman's page embeds its films in sandboxed iframes; its content security policy allows frames from
exactly the players on that page whose host is still on the allowed list (every other page forbids frames)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from unionportal.public.cache import public_page

from . import public_selectors as selectors
from .films import frame_origins, origin
from .models import FilmKind, PatentKind


@public_page
@require_safe
def batch_list(request):
    years = selectors.craftsman_years()
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    if year not in years:
        year = years[0] if years else None
    batches = selectors.craftsman_batches(year=year) if year else []
    return render(
        request, "craftsmen/public/batch_list.html", {"years": years, "year": year, "batches": batches}
    )


@public_page
@require_safe
def craftsman_detail(request, pk: int):
    record = selectors.craftsman_public(pk)
    if record is None:
        raise Http404
    allowed = frame_origins()
    films = [
        {**film, "kind_label": FilmKind(film["kind"]).label}
        for film in record.films
        if film.get("kind") in FilmKind.values and origin(film.get("embed_url", "")) in allowed
    ]
    patents = [
        {**p, "kind_label": PatentKind(p["kind"]).label if p.get("kind") in PatentKind.values else ""}
        for p in record.patents
    ]
    entry = record.entry
    site = settings.SITE_URL.rstrip("/")
    response = render(
        request,
        "craftsmen/public/craftsman_detail.html",
        {
            "record": record,
            "entry": entry,
            "feature": [f for f in films if f["kind"] == FilmKind.FEATURE],
            "teaching": [f for f in films if f["kind"] == FilmKind.TEACHING],
            "patents": patents,
            "poster": record.poster if record.poster and record.poster.is_public else None,
            "og_url": site + reverse("craftsmen_public:craftsman", args=[entry.pk]),
            "og_image": site + reverse("public:honouree_share", args=[entry.pk]),
        },
    )
    if films:
        response._csp_replace = {"frame-src": sorted({origin(f["embed_url"]) for f in films})}
    return response
