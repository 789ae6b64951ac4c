"""Pages of publicity and education beyond news: the cartoon gallery and the staff's cartoon uploads, the
online courses with a member's progress, and the staff's completion counts. Thin: each view calls one
selector or service and renders."""

from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from unionportal.permissions import permission, public, signed_in
from unionportal.uploads.services import UploadRejected

from . import selectors, services
from .cache import public_page
from .forms import CartoonForm, CartoonSearchForm
from .models import PublicEntry

IMAGE_MAX_AGE = 3600  # like the honourees' photos: a revoked honouree's cartoon leaves shared caches soon


# --- the cartoon gallery (public) ---------------------------------------------------------------------------


@public_page
def cartoon_gallery(request):
    page = Paginator(selectors.cartoons_shown(), 12).get_page(request.GET.get("page"))
    return render(request, "public/cartoon_gallery.html", {"page": page})


def _cartoon_file(pk: int, *, thumbnail: bool) -> HttpResponse:
    cartoon = selectors.cartoon_shown(pk)
    if cartoon is None:
        raise Http404
    field = cartoon.image.thumbnail if thumbnail and cartoon.image.thumbnail else cartoon.image.file
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=cartoon.image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response


@public
@require_safe
def cartoon_image(request, pk: int):
    """The cartoon of a published honouree (``pk``: the honouree's); 404 on notice, revoked or none."""
    return _cartoon_file(pk, thumbnail=False)


@public
@require_safe
def cartoon_thumbnail(request, pk: int):
    return _cartoon_file(pk, thumbnail=True)


# --- attaching cartoons (province staff) ---------------------------------------------------------------------


@permission("public_cartoon", "list")
def cartoon_manage(request):
    """Published honourees with their cartoon (or none), searchable; each links to its upload page."""
    form = CartoonSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    rows = PublicEntry.objects.published().select_related("cartoon").order_by("-year", "award", "name")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(unit__icontains=q))
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "public/cartoon_manage.html", {"page": page, "form": form, "q": q})


@permission("public_cartoon", "change")
def cartoon_edit(request, pk: int):
    entry = PublicEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    current = selectors.cartoon_of(entry)
    status = 200
    if request.method == "POST":
        form = CartoonForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.cartoon_attach(
                    actor=request.user,
                    entry_id=entry.pk,
                    file=form.cleaned_data["image"],
                    title=form.cleaned_data["title"],
                    caption=form.cleaned_data["caption"],
                )
            except UploadRejected as error:
                form.add_error("image", str(error))
            except services.EducationRejected as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("劳模漫画已保存。"))
                return redirect("public:cartoon_manage")
        status = 400
    else:
        initial = {"title": current.title, "caption": current.caption} if current else {}
        form = CartoonForm(initial=initial)
    return render(
        request,
        "public/cartoon_form.html",
        {"form": form, "entry": entry, "current": current},
        status=status,
    )


# --- online courses ------------------------------------------------------------------------------------------


def learning_page(view):
    """Public, and the same for every anonymous visitor (cached like the public pages); a signed-in
    reader's copy shows their progress, so it is never kept by a browser or a proxy."""
    cached = public_page(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response
        return cached(request, *args, **kwargs)

    return public(wrapped)


@learning_page
def course_list(request):
    return render(request, "public/course_list.html", {"courses": selectors.courses_for(request.user)})


@learning_page
def course_detail(request, pk: int):
    found = selectors.course_for(pk, request.user)
    if found is None:
        raise Http404
    course, lessons, done = found
    return render(
        request,
        "public/course_detail.html",
        {
            "course": course,
            "lessons": lessons,
            "done": done,
            "done_count": len(done),
            "percent": round(100 * len(done) / len(lessons)) if lessons else 0,
        },
    )


@learning_page
def lesson_detail(request, pk: int):
    lesson = selectors.lesson_for(pk)
    if lesson is None:
        raise Http404
    siblings = list(lesson.course.lessons.only("id", "title", "position"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    return render(
        request,
        "public/lesson_detail.html",
        {
            "lesson": lesson,
            "course": lesson.course,
            "done": selectors.lesson_done(lesson, request.user),
            "number": index + 1,
            "total": len(siblings),
            "next_lesson": siblings[index + 1] if index + 1 < len(siblings) else None,
        },
    )


@signed_in
@require_POST
def lesson_done(request, pk: int):
    """The signed-in reader finished the lesson: recorded once, then on to the next lesson (or the course)."""
    _record, created = services.lesson_complete(actor=request.user, lesson_id=pk)
    lesson = selectors.lesson_for(pk)
    if created:
        messages.success(request, _("已记录本课时学习完成。"))
    else:
        messages.info(request, _("本课时此前已记录完成。"))
    ids = list(lesson.course.lessons.values_list("id", flat=True))
    index = ids.index(lesson.pk)
    if index + 1 < len(ids):
        return redirect("public:lesson", pk=ids[index + 1])
    return redirect(lesson.course.get_absolute_url())


@permission("course_progress", "list")
def course_report(request):
    """Completion counts per course for the staff user's subtree (the learners' unions)."""
    return render(request, "public/course_report.html", {"rows": selectors.course_progress(request.user)})
