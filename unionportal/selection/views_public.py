"""The public side of a notice (公示): the list on notice, the objection form, the receipt lookup.

The notice page has a form (captcha, CSRF, a single-use token), so it is never cached; the list of
notices is a plain read page and is. Candidates are shown from the public table only, so no ID number,
phone or birth date can reach these pages.
"""

from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from unionportal.http import client_ip, ratelimited
from unionportal.permissions import public
from unionportal.public.cache import public_page
from unionportal.public.models import PublicEntry
from unionportal.uploads.services import UploadRejected

from . import services
from .enums import State
from .forms_public import ObjectionForm, ReceiptLookupForm
from .models import Candidacy, Notice, Objection

RECENT_DAYS = 60  # ended notices stay listed this long, then move to the archive
ARCHIVE_PAGE = 20


def _client_key(group, request) -> str:
    return client_ip(request)


def _objection_rate(group, request) -> str:
    return settings.OBJECTION_RATE


def _lookup_rate(group, request) -> str:
    return settings.RECEIPT_LOOKUP_RATE


def notice_entries(notice: Notice) -> list[tuple[int, PublicEntry]]:
    """(candidacy id, public row) of a notice batch's own list, in the approved order: public fields only
    (the objection form offers these, and only these)."""
    pks = list(
        Candidacy.objects.filter(notice=notice, state__in=(State.NOTICE, State.PUBLISHED))
        .order_by("rank", "id")
        .values_list("pk", flat=True)
    )
    sources = {f"selection.candidacy:{pk}": pk for pk in pks}
    rows = PublicEntry.objects.filter(
        source__in=sources, stage__in=(PublicEntry.Stage.NOTICE, PublicEntry.Stage.PUBLISHED)
    ).only("id", "name", "unit", "award", "region", "summary", "stage", "photo_id", "source")
    by_pk = {sources[row.source]: row for row in rows}
    return [(pk, by_pk[pk]) for pk in pks if pk in by_pk]


@public_page
def notice_list(request):
    """The running and recently ended notices, then the archive of earlier ones (20 a page)."""
    today = timezone.localdate()
    since = today - timedelta(days=RECENT_DAYS)
    started = Notice.objects.filter(starts_on__lte=today).select_related("programme__campaign")
    notices = started.filter(ends_on__gte=since).order_by("-ends_on", "-id")
    archive = Paginator(started.filter(ends_on__lt=since).order_by("-ends_on", "-id"), ARCHIVE_PAGE)
    return render(
        request,
        "selection/public/notice_list.html",
        {"notices": notices, "archive": archive.get_page(request.GET.get("page")), "today": today},
    )


@public
@never_cache
@ratelimit(group="notices.objection", key=_client_key, rate=_objection_rate, method="POST", block=False)
def notice_detail(request, pk):
    notice = get_object_or_404(Notice.objects.select_related("programme__campaign"), pk=pk)
    today = timezone.localdate()
    entries = notice_entries(notice)
    running = notice.is_running(today)
    candidates = [
        (cpk, _("%(name)s（%(unit)s）") % {"name": row.name, "unit": row.unit} if row.unit else row.name)
        for cpk, row in entries
        if row.stage == PublicEntry.Stage.NOTICE
    ]
    form = None
    if running and candidates:
        if request.method == "POST":
            if getattr(request, "limited", False):
                return ratelimited(request, None)
            form = ObjectionForm(request.POST, request.FILES, candidates=candidates)
            if form.is_valid():
                objection = _lodge(request, notice, form, today)
                if objection is not None:
                    return render(
                        request,
                        "selection/public/objection_receipt.html",
                        {"notice": notice, "objection": objection},
                    )
            # A fresh token and captcha for the next try (the old token may already be spent).
            data = form.data.copy()
            data["token"] = services.objection_form_token()
            form.data = data
        else:
            form = ObjectionForm(initial={"token": services.objection_form_token()}, candidates=candidates)
    return render(
        request,
        "selection/public/notice_detail.html",
        {"notice": notice, "entries": entries, "running": running, "today": today, "form": form},
    )


def _lodge(request, notice: Notice, form: ObjectionForm, today) -> Objection | None:
    """Lodge with the evidence; any refusal becomes a form error and leaves nothing behind."""
    data = form.cleaned_data
    try:
        return services.objection_lodge(
            notice=notice,
            candidacy_id=data["candidacy"],
            name=data["name"],
            contact=data["contact"],
            reason=data["reason"],
            token=data["token"],
            evidence_file=form.evidence,
            evidence_kind=form.evidence_kind,
            uploader=request.user,
            client_ip=client_ip(request) or None,
            today=today,
        )
    except services.NotOnNotice as error:
        form.add_error("candidacy", error.message)
    except services.SelectionError as error:
        form.add_error(None, error.message)
    except UploadRejected as rejected:
        form.add_error(None, rejected.message)
    return None


@public
@never_cache
@ratelimit(group="notices.receipt", key=_client_key, rate=_lookup_rate, method="POST", block=False)
def receipt_lookup(request):
    objection = None
    if request.method == "POST":
        if getattr(request, "limited", False):
            return ratelimited(request, None)
        form = ReceiptLookupForm(request.POST)
        if form.is_valid():
            objection = (
                Objection.objects.filter(
                    receipt_no=form.cleaned_data["receipt_no"], contact=form.cleaned_data["contact"]
                )
                .select_related("notice__programme")
                .first()
            )
            if objection is None:
                form.add_error(None, _("没有找到与受理编号和联系方式相符的异议，请核对后重试。"))
    else:
        form = ReceiptLookupForm()
    return render(request, "selection/public/receipt_lookup.html", {"form": form, "objection": objection})
