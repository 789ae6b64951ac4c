"""Province staff keep the films (专题片, 教学片) and poster of each chosen, noticed or published craftsman.

Thin: the list and the form read through ``films``; the form posts to ``films.films_save``, whose
refusals become errors beside the fields (400), with nothing saved."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from unionportal.permissions import permission

from . import films
from .films_forms import FilmFormSet, PosterForm

PAGE_SIZE = 30


@permission("craftsman_film", "list")
@require_safe
def film_list(request):
    page = Paginator(films.film_candidacies().prefetch_related("craftsman__films"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "craftsmen_films/film_list.html", {"page": page})


def _file_errors(formset, poster_form, errors: dict[str, list[str]]) -> None:
    for key, found in errors.items():
        for message in found:
            if key == "poster":
                poster_form.add_error("poster", message)
            elif key.startswith("films-") and key.count("-") == 2:
                _prefix, n, field = key.split("-")
                formset.forms[int(n)].add_error(field, message)
            else:
                formset._non_form_errors.append(message)


@permission("craftsman_film", "open", post="change")
@require_http_methods(["GET", "POST"])
def film_edit(request, pk: int):
    candidacy = films.access_film_candidacy(request.user, pk)
    craftsman = candidacy.craftsman
    current = films.films_of(craftsman)
    status = 200
    if request.method == "POST":
        formset = FilmFormSet(request.POST, prefix="films")
        poster_form = PosterForm(request.POST, request.FILES)
        if formset.is_valid() and poster_form.is_valid():
            try:
                films.films_save(
                    actor=request.user,
                    pk=candidacy.pk,
                    films=formset.films(),
                    poster=poster_form.cleaned_data["poster"] or None,
                    remove_poster=poster_form.cleaned_data["remove_poster"],
                )
            except films.FilmRejected as rejected:
                _file_errors(formset, poster_form, _renumbered(formset, rejected.errors))
            else:
                messages.success(request, _("已保存 %(name)s 的影片和海报。") % {"name": candidacy.name})
                return redirect("craftsmen:films:edit", pk=candidacy.pk)
        status = 400
    else:
        formset = FilmFormSet(
            prefix="films", initial=[{"kind": f.kind, "title": f.title, "url": f.url} for f in current]
        )
        poster_form = PosterForm()
    return render(
        request,
        "craftsmen_films/film_form.html",
        {
            "candidacy": candidacy,
            "craftsman": craftsman,
            "films": current,
            "poster": getattr(craftsman, "poster", None),
            "formset": formset,
            "poster_form": poster_form,
            "hosts": films.VideoHost.objects.active(),
        },
        status=status,
    )


def _renumbered(formset, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The service numbers the films it was given; map them back to the form rows they came from."""
    rows = [n for n, f in enumerate(formset.forms) if f.cleaned_data and not formset._should_delete_form(f)]
    mapped = {}
    for key, found in errors.items():
        if key.startswith("films-") and key.count("-") == 2:
            _prefix, n, field = key.split("-")
            key = f"films-{rows[int(n)]}-{field}"
        mapped[key] = found
    return mapped
