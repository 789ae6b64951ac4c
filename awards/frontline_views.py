"""The 最美一线职工 pages: the public ways in (phone code, nomination, submitted, the nominee's consent),
the grassroots union's confirmation queue and the province's choice after the combined ranking.

Thin: each view parses, calls one function of ``awards.frontline`` (or ``awards.services``) and turns
its errors into form errors or messages with a 4xx, never a 500. The public pages carry a form, so they
set the session cookie and are never cached.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from unionportal.accounts.validators import mask_mobile
from unionportal.audit.transitions import TransitionError
from unionportal.http import client_ip
from unionportal.permissions import permission, public
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy
from unionportal.uploads.services import UploadRejected

from . import frontline
from .forms import add_service_errors
from .forms_frontline import ChooseForm, ConsentForm, FrontlineNominationForm, PhoneForm, UnionSearchForm
from .models import NominationWay
from .services import medal_grant_from_frontline

SUBMITTED_KEY = "frontline_submitted"


def _programme_or_404():
    programme = frontline.current_programme()
    if programme is None:
        raise Http404
    return programme


# --- public: the start, the phone, the form, the receipt, the consent ---------------------------


@public
@never_cache
def start(request):
    programme = _programme_or_404()
    return render(
        request,
        "awards/frontline/start.html",
        {"programme": programme, "open": programme.intake_open()},
    )


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, way):
    """The nominator's phone: a code is sent, typed back, and the session remembers the number."""
    programme = _programme_or_404()
    form = PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        phone, code = form.cleaned_data["phone"], form.cleaned_data["code"]
        try:
            if "send" in request.POST:
                frontline.nominator_code_send(phone=phone, client_ip=client_ip(request) or None)
                messages.info(request, _("验证码已发送，请查看短信。"))
            else:
                verified = frontline.nominator_verify(phone=phone, code=code)
                request.session.cycle_key()
                frontline.remember_verified(request.session, verified)
                messages.success(request, _("手机号验证成功，请填写推荐表。"))
                return redirect(_nominate_url(way))
        except frontline.FrontlineError as error:
            form.add_error("code" if "verify" in request.POST else "phone", error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "awards/frontline/verify.html",
        {"programme": programme, "form": form, "way": way, "way_label": NominationWay(way).label},
        status=status,
    )


def _nominate_url(way: str) -> str:
    return reverse("awards:frontline_self" if way == NominationWay.SELF else "awards:frontline_other")


def _verify_url(way: str) -> str:
    return reverse(
        "awards:frontline_self_verify" if way == NominationWay.SELF else "awards:frontline_other_verify"
    )


@public
@never_cache
@require_http_methods(["GET", "POST"])
def nominate(request, way):
    """The nomination form, for the holder of a number verified in this session only."""
    programme = _programme_or_404()
    phone = frontline.verified_phone(request.session)
    if phone is None:
        if request.method == "POST":
            # Nothing is stored: the same refusal the service gives, on the page that verifies.
            return render(
                request,
                "awards/frontline/verify.html",
                {
                    "programme": programme,
                    "form": PhoneForm(),
                    "way": way,
                    "way_label": NominationWay(way).label,
                    "error": _("请先通过短信验证码验证手机号，再提交推荐。"),
                },
                status=400,
            )
        messages.info(request, _("请先验证手机号。"))
        return redirect(_verify_url(way))
    search = UnionSearchForm(request.GET or None)
    union_q = search.cleaned_data.get("union_q", "") if search.is_valid() else ""
    union_q = request.POST.get("union_q", union_q) if request.method == "POST" else union_q
    form = FrontlineNominationForm(request.POST or None, request.FILES or None, way=way, union_q=union_q)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                candidacy = frontline.frontline_nominate(
                    programme=programme,
                    way=way,
                    verified=phone,
                    fields=form.service_fields(),
                    photo=form.cleaned_data.get("photo"),
                    consent=form.cleaned_data.get("consent", False),
                    client_ip=client_ip(request) or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except UploadRejected as error:
                form.add_error("photo", getattr(error, "message", str(error)))
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                request.session[SUBMITTED_KEY] = candidacy.pk
                return redirect("awards:frontline_submitted")
        status = 400
    selected = form.cleaned_data.get("union") if form.is_bound and hasattr(form, "cleaned_data") else None
    form.show_unions(selected)
    return render(
        request,
        "awards/frontline/nominate.html",
        {
            "programme": programme,
            "form": form,
            "search": UnionSearchForm(initial={"union_q": union_q}),
            "union_q": union_q,
            "way": way,
            "masked_phone": mask_mobile(phone),
            "found": len(form.fields["union"].queryset),
        },
        status=status,
    )


@public
@never_cache
@require_GET
def submitted(request):
    """What happens next, for the nomination this session just submitted (masked, no ID number)."""
    pk = request.session.get(SUBMITTED_KEY)
    candidacy = (
        Candidacy.objects.filter(pk=pk, programme__code=frontline.CODE)
        .select_related("frontline", "organisation", "programme__campaign")
        .first()
        if pk
        else None
    )
    if candidacy is None:
        # Nothing submitted in this session (or it was long ago): the start page says what to do.
        return redirect("awards:frontline")
    return render(
        request,
        "awards/frontline/submitted.html",
        {
            "candidacy": candidacy,
            "entry": candidacy.frontline,
            "masked_phone": mask_mobile(candidacy.frontline.phone),
        },
    )


@public
@never_cache
@require_http_methods(["GET", "POST"])
def consent(request):
    """The nominee types the code sent to their phone and consents to being nominated."""
    form = ConsentForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send" in request.POST:
                frontline.consent_code_resend(phone=data["phone"], client_ip=client_ip(request) or None)
                messages.info(request, _("如该手机号有等待确认的推荐，验证码已发送，请查看短信。"))
            else:
                rows = frontline.nominee_consent(
                    phone=data["phone"], code=data["code"], consent=data.get("consent", False)
                )
                return render(request, "awards/frontline/consented.html", {"rows": rows})
        except frontline.FrontlineError as error:
            form.add_error("code" if "verify" in request.POST else "phone", error.message)
            status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "awards/frontline/consent.html", {"form": form}, status=status)


# --- the grassroots union: confirm --------------------------------------------------------------


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def confirmations(request):
    """Public nominations waiting for the user's union: confirm (POST ``candidacy``) submits one."""
    status = 200
    if request.method == "POST":
        try:
            pk = int(request.POST.get("candidacy", ""))
        except ValueError:
            messages.error(request, _("请选择要确认的推荐。"))
            status = 400
        else:
            try:
                if "decline" in request.POST:
                    name = frontline.frontline_decline(
                        actor=request.user, pk=pk, reason=request.POST.get("reason", "")
                    )
                    done = _("已不予确认“%(name)s”的推荐，并已短信告知推荐人。") % {"name": name}
                else:
                    candidacy = frontline.frontline_confirm(actor=request.user, pk=pk)
                    done = _("已确认“%(name)s”的推荐，已提交上级工会审核。") % {"name": candidacy.name}
            except TransitionError as error:
                messages.error(request, error.message)
                status = 400
            else:
                messages.success(request, done)
                return redirect("awards:frontline_confirm")
    rows = list(frontline.pending_confirmation(request.user))
    for c in rows:
        c.masked_nominator_phone = mask_mobile(c.frontline.nominator_phone)
    return render(
        request,
        "awards/frontline/confirmations.html",
        {
            "ready": [c for c in rows if c.consent_at is not None],
            "waiting": [c for c in rows if c.consent_at is None],
        },
        status=status,
    )


# --- the province: choose, grant ----------------------------------------------------------------


@permission("programme", "change")
@require_http_methods(["GET", "POST"])
def choose(request):
    """The combined ranking of the latest programme; the province ticks the winners (at most the quota)
    and, once they are published, grants them the 五一劳动奖章."""
    from unionportal.selection.experts.selectors import expert_totals
    from unionportal.selection.voting.models import VoteStage
    from unionportal.selection.voting.selectors import combined_ranking

    programme = _programme_or_404()
    stage = VoteStage.objects.filter(programme=programme, opened_at__isnull=False).first()
    lines = combined_ranking(stage, expert_totals(programme)) if stage is not None else []
    ids = [line.candidate.candidacy_id for line in lines]
    form = ChooseForm(request.POST or None, candidacy_ids=ids)
    status = 200
    if request.method == "POST":
        try:
            if "grant" in request.POST:
                granted = medal_grant_from_frontline(actor=request.user, programme=programme)
                messages.success(
                    request,
                    _("已将 %(count)s 名最美一线职工列入五一劳动奖章名单。") % {"count": len(granted)},
                )
                return redirect("awards:frontline_choose")
            if not form.is_valid():
                raise frontline.FrontlineError(_("所选人员不在本次综合排名中，请刷新后重试。"))
            chosen = set(form.cleaned_data["chosen"])
            frontline.frontline_choose(
                actor=request.user, programme=programme, pks=[pk for pk in ids if pk in chosen]
            )
        except TransitionError as error:
            messages.error(request, error.message)
            status = 400
        else:
            messages.success(request, _("入选人员已确定，可在评审页面发布公示。"))
            return redirect("awards:frontline_choose")
    states = dict(Candidacy.objects.filter(pk__in=ids).values_list("pk", "state"))
    counts = Candidacy.objects.filter(programme=programme).aggregate(
        chosen=Count("pk", filter=Q(state__in=(State.APPROVED, State.NOTICE, State.PUBLISHED))),
        published=Count("pk", filter=Q(state=State.PUBLISHED)),
    )
    counts["granted"] = Candidacy.objects.filter(granted_from__programme=programme).count()
    return render(
        request,
        "awards/frontline/choose.html",
        {
            "programme": programme,
            "stage": stage,
            "lines": [
                (line, state, State(state).label if state else "")
                for line, state in ((line, states.get(line.candidate.candidacy_id)) for line in lines)
            ],
            "ended": stage is not None and stage.has_ended(timezone.now()),
            "counts": counts,
            "review_state": State.REVIEW1,
        },
        status=status,
    )
