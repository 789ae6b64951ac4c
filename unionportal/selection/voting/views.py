"""The public side of a vote (社会评议): the list of votes, a vote's page, the phone verification and the
vote itself. They read the public table (stage "vote") and the vote tables only.

A vote's page for a visitor who has not verified is the same for everyone: it carries no cookie and no
form token, and is cached whole for a few seconds (its counts are at most that old), under the public
pages' version (``unionportal.public.cache``) and the same rule of what may be cached. A verified voter's
page carries a single-use vote token and a CSRF token, so it is made for them; its counts come from the
same few seconds' copy.
"""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unionportal.http import client_ip
from unionportal.permissions import public
from unionportal.public import cache as public_cache
from unionportal.selection import registry

from . import selectors, services
from .forms import VerifyForm

PHOTO_MAX_AGE = 3600


def _voter_key(request) -> str:
    return request.COOKIES.get(services.SESSION_COOKIE, "")


def _page_cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and services.SESSION_COOKIE not in request.COOKIES
    )


def _stage_or_404(pk):
    stage = selectors.public_stage(pk)
    if stage is None:
        raise Http404
    return stage


def time_left(stage, now) -> str:
    """What the page says of the time: before, during (days and hours left) or after the window."""
    if stage.has_ended(now):
        return _("投票已结束。")
    if now < stage.opens_at:
        return _("投票将于 %(start)s 开始。") % {"start": services.fmt_time(stage.opens_at)}
    left = stage.ends_at - now
    days, seconds = left.days, left.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if days:
        return _("距投票截止还有 %(days)s 天 %(hours)s 小时。") % {"days": days, "hours": hours}
    if hours:
        return _("距投票截止还有 %(hours)s 小时 %(minutes)s 分钟。") % {"hours": hours, "minutes": minutes}
    return _("距投票截止还有 %(minutes)s 分钟。") % {"minutes": max(minutes, 1)}


@public_cache.public_page
def vote_list(request):
    now = timezone.now()
    stages = list(selectors.public_stages())
    return render(request, "selection/voting/vote_list.html", {"stages": stages, "now": now})


def _stage_page(request, stage, *, session=None, refusal=None, status=200):
    now = timezone.now()
    q = request.GET.get("q", "") if request.method == "GET" else request.POST.get("q", "")
    rows = selectors.candidates(stage, q=q)
    shown = stage.results_public(now)
    counts = selectors.public_counts(stage) if shown else {}
    # The programme app's public details of each candidate (a craftsman's trade, grade, skills).
    facts = registry.candidate_facts(stage.programme.app, [row.candidacy_id for row in rows], public=True)
    context = {
        "stage": stage,
        "programme": stage.programme,
        "rows": [(row, counts.get(row.pk, 0), facts.get(row.candidacy_id, [])) for row in rows],
        "results_shown": shown,
        "running": stage.is_running(now),
        "time_left": time_left(stage, now),
        "rules": services.rules_text(stage),
        "q": q,
        "session": session,
        "token": services.vote_token(session) if session is not None else "",
        "refusal": refusal,
    }
    return render(request, "selection/voting/vote_page.html", context, status=status)


@public
def vote_page(request, pk):
    """A vote's candidates with photo, deeds summary, search, the rules in words and the time left."""
    if not _page_cacheable(request):
        stage = _stage_or_404(pk)
        session = services.voter_session(_voter_key(request))
        response = _stage_page(request, stage, session=session)
        patch_cache_control(response, private=True, no_store=True)
        return response
    key = f"public:vote-page:{public_cache.version()}:{request.get_full_path()}"
    try:
        hit = cache.get(key)
    except Exception:
        hit = None
    if hit is not None:
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
    else:
        response = _stage_page(request, _stage_or_404(pk))
        if response.status_code == 200 and not response.cookies:
            with contextlib.suppress(Exception):
                cache.set(key, (response.content, response["Content-Type"]), selectors.COUNTS_MAX_AGE)
    patch_cache_control(response, public=True, max_age=selectors.COUNTS_MAX_AGE)
    return response


@public
@never_cache
@require_POST
def vote_cast(request, pk):
    """Cast a vote; a refusal re-renders the page with the reason (and the rule it quotes) and a 4xx. With
    ``Accept: application/json`` the answer is JSON instead (200 when recorded)."""
    key = _voter_key(request)
    # A script (the page's own, a client) asks for JSON: 200 with {"recorded": true} or the refusal's 4xx.
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        cast = services.vote_cast(
            stage_id=pk,
            candidate_id=request.POST.get("candidate"),
            session_key=key,
            token=request.POST.get("token", ""),
            client_ip=client_ip(request) or None,
            device=request.COOKIES.get(services.DEVICE_COOKIE, ""),
        )
    except services.VoteRefused as refusal:
        if wants_json:
            response = JsonResponse({"recorded": False, "message": refusal.message}, status=refusal.status)
            if refusal.status == 429:
                response["Retry-After"] = "60"
            return response
        stage = _stage_or_404(pk)
        if refusal.status == 403:
            messages.warning(request, refusal.message)
            return redirect(reverse("voting:verify", args=[stage.pk]))
        session = services.voter_session(key)
        response = _stage_page(request, stage, session=session, refusal=refusal, status=refusal.status)
        if refusal.status == 429:
            response["Retry-After"] = "60"
        return response
    if wants_json:
        response = JsonResponse({"recorded": True, "counted": cast.counted})
        response["X-Vote"] = "recorded"
        return response
    name = cast.candidate_name
    if cast.counted:
        messages.success(request, _("投票成功：您为 %(name)s 投了一票。") % {"name": name})
    else:
        messages.warning(request, _("已收到您为 %(name)s 投的一票；该票经核查后计入。") % {"name": name})
    response = redirect(reverse("voting:stage", args=[pk]) + f"#candidate-{cast.candidate_id}")
    response["X-Vote"] = "recorded"
    return response


def _set_cookie(response, request, name, value, max_age):
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


@public
@never_cache
def verify(request, pk):
    """The voter's phone code and consent; success opens a voter session (a cookie) and returns to the vote."""
    stage = _stage_or_404(pk)
    form = VerifyForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        device = request.COOKIES.get(services.DEVICE_COOKIE) or services.new_device_id()
        try:
            if "send" in request.POST:
                services.voter_code_send(phone=data["phone"], client_ip=client_ip(request) or None)
                sent = True
                messages.info(request, _("验证码已发送，请查看短信。"))
            else:
                _session, key = services.voter_verify(
                    phone=data["phone"],
                    code=data["code"],
                    consent=data["consent"],
                    client_ip=client_ip(request) or None,
                    device=device,
                )
                messages.success(request, _("手机号验证成功，现在可以投票了。"))
                response = redirect(reverse("voting:stage", args=[stage.pk]))
                _set_cookie(response, request, services.SESSION_COOKIE, key, services.SESSION_DAYS * 86400)
                _set_cookie(response, request, services.DEVICE_COOKIE, device, 365 * 86400)
                return response
        except services.VoteRefused as refusal:
            form.add_error("code" if "verify" in request.POST else "phone", refusal.message)
            status = refusal.status
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "selection/voting/verify.html",
        {"stage": stage, "form": form, "sent": sent},
        status=status,
    )


@public
def candidate_photo(request, pk, candidate_pk):
    """The photo of a candidate in an opened vote (public once the vote opened)."""
    stage = _stage_or_404(pk)
    row = next((c for c in selectors.candidates(stage) if c.pk == candidate_pk), None)
    photo = None
    if row is not None and row.entry.photo_id:
        from unionportal.uploads.models import StoredFile

        photo = StoredFile.objects.filter(pk=row.entry.photo_id, is_public=True).first()
    if photo is None:
        raise Http404
    try:
        with photo.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        raise Http404 from None
    response = HttpResponse(content, content_type=photo.content_type)
    patch_cache_control(response, public=True, max_age=PHOTO_MAX_AGE)
    return response
