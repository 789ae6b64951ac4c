"""The grassroots intake pages: my nominations, the nomination form per kind, the record with its history
and actions, and the printable recommendation form (推荐审批表).

Thin: every view fetches the nomination through ``access_nomination`` (404 outside the user's scope),
then calls one service of ``awards.services`` or ``unionportal.selection.services``; the errors those
raise become form errors or messages, never a 500.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from unionportal.accounts.validators import mask_id_number, mask_mobile
from unionportal.audit.presenting import describe
from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.i18n import register_stored_texts
from unionportal.permissions import allows, permission
from unionportal.selection import services as selection
from unionportal.selection import submitting
from unionportal.selection.enums import Flag, State
from unionportal.selection.forms import CandidacyFilterForm
from unionportal.selection.selectors import history, reviewers_of
from unionportal.selection.workflows import SubmitterActions, is_editable, submitter_actions

from . import selectors
from .forms import NominationForm, PrintRevealForm, add_service_errors
from .frontline import awaits_confirmation
from .models import FrontlineEntry, Nomination
from .services import DETAIL_FIELDS, nomination_save, submitting_organisations

PAGE_SIZE = 20
# The history comment a withdrawal leaves; stored as written, shown in the reader's language.
WITHDRAWN_COMMENT = gettext_lazy("填报单位撤回")
register_stored_texts(WITHDRAWN_COMMENT)


# --- list -----------------------------------------------------------------------------------------


@permission("candidacy", "list")
def nomination_list(request):
    """The open programmes (with a button for those who may nominate) and the user's nominations."""
    user = request.user
    can_nominate = submitting_organisations(user).exists()
    programmes = list(selectors.award_programmes().order_by("-campaign__year", "code"))
    form = CandidacyFilterForm(request.GET or None, programmes=programmes)
    rows = selectors.nominations_for(user)
    rows = form.filter(rows)
    page = Paginator(rows.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/nomination_list.html",
        {
            "open_programmes": list(selectors.open_award_programmes()),
            "can_nominate": can_nominate,
            "form": form,
            "page": page,
        },
    )


# --- the form -------------------------------------------------------------------------------------


def _render_form(request, form, *, title, candidacy=None, status=200):
    return render(
        request,
        "awards/nomination_form.html",
        {"form": form, "title": title, "programme": form.programme, "candidacy": candidacy},
        status=status,
    )


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def nomination_create(request, programme_id):
    programme = get_object_or_404(selectors.award_programmes(), pk=programme_id)
    organisations = list(submitting_organisations(request.user).order_by("path"))
    if not organisations:
        raise Http404
    if not programme.intake_open():
        messages.error(
            request, _("“%(programme)s”不在申报时间内，不能新建推荐。") % {"programme": programme.name_label}
        )
        return redirect("awards:list")
    form = NominationForm(
        request.POST or None, request.FILES or None, programme=programme, organisations=organisations
    )
    title = _("新建推荐：%(programme)s") % {"programme": programme.name_label}
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = nomination_save(
                actor=request.user,
                programme=programme,
                organisation=form.chosen_organisation(),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("推荐已保存为草稿。请核对后提交。"))
            return redirect("awards:detail", candidacy.pk)
    return _render_form(request, form, title=title, status=400 if form.errors else 200)


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def nomination_edit(request, pk):
    candidacy = selectors.access_nomination(request.user, pk, action="change")
    actions = submitter_actions(request.user, candidacy)
    if not actions.edit:
        if is_editable(candidacy):
            messages.error(request, _("您无权修改该推荐。"))
        else:
            messages.error(request, _("已提交的推荐不能修改；如需修改，请在审核开始前撤回。"))
        return redirect("awards:detail", candidacy.pk)
    form = NominationForm(
        request.POST or None, request.FILES or None, programme=candidacy.programme, candidacy=candidacy
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination_save(
                actor=request.user, programme=candidacy.programme, instance=candidacy, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("修改已保存。"))
            return redirect("awards:detail", candidacy.pk)
    title = _("修改推荐：%(name)s") % {"name": candidacy.name}
    return _render_form(request, form, title=title, candidacy=candidacy, status=400 if form.errors else 200)


# --- the record -----------------------------------------------------------------------------------


def _history_rows(candidacy):
    return describe(history(candidacy).select_related("actor", "content_type"))


def _detail_rows(candidacy, nomination) -> list[tuple[str, str]]:
    """Label and display value of every detail of the kind, personal data masked."""
    from .models import Nomination

    rows = []
    if nomination is None:
        return rows
    for name in DETAIL_FIELDS[candidacy.programme.nominee_kind]:
        field = Nomination._meta.get_field(name)
        value = getattr(nomination, name)
        if field.choices:
            value = getattr(nomination, f"get_{name}_display")()
        elif name == "phone":
            value = mask_mobile(value)
        elif value is None:
            value = ""
        rows.append((field.verbose_name, value))
    return rows


def _flag_labels(candidacy) -> list[str]:
    return [flag.label for flag in Flag if flag.value in candidacy.flag_set()]


@permission("candidacy", "open")
def nomination_detail(request, pk):
    candidacy = selectors.access_nomination(request.user, pk)
    nomination = selectors.nomination_of(candidacy)
    entry = FrontlineEntry.objects.filter(candidacy=candidacy).first()
    pending = awaits_confirmation(candidacy, entry)
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "candidacy": candidacy,
            "nomination": nomination,
            "masked_id_number": mask_id_number(candidacy.id_number) if candidacy.id_number else "",
            "details": _detail_rows(candidacy, nomination),
            "attachments": list(candidacy.attachments.all()),
            "declarations": [
                (rule.statement(), bool((candidacy.declarations or {}).get(rule.code)))
                for rule in candidacy.programme.rules.filter(is_active=True, kind="veto")
            ],
            "flag_labels": _flag_labels(candidacy),
            "history": _history_rows(candidacy),
            "frontline": entry,
            "frontline_pending": pending,
            "frontline_phone": mask_mobile(entry.phone) if entry and entry.phone else "",
            "frontline_nominator_phone": mask_mobile(entry.nominator_phone)
            if entry and entry.nominator_phone
            else "",
            # A nomination from the public site waits for the union's confirmation, not for its edits.
            "actions": SubmitterActions() if pending else submitter_actions(request.user, candidacy),
            "problems": selection.submit_problems(candidacy)
            if candidacy.state in (State.DRAFT, State.RETURNED)
            else [],
        },
    )


@permission("candidacy", "change")
@require_POST
def nomination_submit(request, pk):
    candidacy = selectors.access_nomination(request.user, pk, action="change")
    if awaits_confirmation(candidacy, FrontlineEntry.objects.filter(candidacy=candidacy).first()):
        # A public nomination enters review by the union's confirmation (the frontline rule is checked).
        messages.error(request, _("职工自荐或他人推荐须在“待确认的最美一线职工推荐”页面确认。"))
        return redirect("awards:detail", candidacy.pk)
    try:
        selection.candidacy_submit(actor=request.user, pk=candidacy.pk)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("推荐已提交，等待上级工会审核。"))
    return redirect("awards:detail", candidacy.pk)


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def nomination_withdraw(request, pk):
    candidacy = selectors.access_nomination(request.user, pk, action="change")
    detail = reverse("awards:detail", args=[candidacy.pk])
    return submitting.withdraw(request, candidacy, detail_url=detail, comment=str(WITHDRAWN_COMMENT))


@permission("candidacy", "delete")
@require_http_methods(["GET", "POST"])
def nomination_delete(request, pk):
    candidacy = selectors.access_nomination(request.user, pk, action="delete")
    detail = reverse("awards:detail", args=[candidacy.pk])
    return submitting.delete(request, candidacy, detail_url=detail, list_url=reverse("awards:list"))


@permission("candidacy", "print", post="reveal")
@require_http_methods(["GET", "POST"])
def nomination_print(request, pk):
    """The A4 recommendation form, personal data masked. The form that goes on paper needs the full ID
    number and phone: posting a reason reveals them for this print, a logged action."""
    candidacy = selectors.access_nomination(request.user, pk, action="print")
    nomination = selectors.nomination_of(candidacy)
    details = _detail_rows(candidacy, nomination)
    id_number = mask_id_number(candidacy.id_number) if candidacy.id_number else ""
    form = PrintRevealForm(request.POST or None)
    if request.method == "POST" and not allows(request.user, "candidacy", "reveal", candidacy):
        raise Http404
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if candidacy.id_number:
                id_number = reveal(actor=request.user, obj=candidacy, field="id_number", reason=reason)
            if nomination is not None and nomination.phone:
                phone = reveal(actor=request.user, obj=nomination, field="phone", reason=reason)
                label = Nomination._meta.get_field("phone").verbose_name
                details = [(name, phone if name == label else value) for name, value in details]
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            form = None
    return render(
        request,
        "awards/nomination_print.html",
        {
            "candidacy": candidacy,
            "nomination": nomination,
            "masked_id_number": id_number,
            "details": details,
            "detail_pairs": [details[i : i + 2] for i in range(0, len(details), 2)],
            "flag_labels": _flag_labels(candidacy),
            "opinions": [candidacy.organisation, *reviewers_of(candidacy)],
            "back_url": reverse("awards:detail", args=[candidacy.pk]),
            "reveal_form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )
