"""The grassroots pages of the 荆楚工匠 selection: my recommendations, the recommendation form with its
patents, the record with its history and actions.

Thin: every view fetches the recommendation through ``access_recommendation`` (404 outside the user's
scope), then calls one service of ``craftsmen.services`` or ``unionportal.selection.services``; the
errors those raise become form errors or messages, never a 500. Review up the tree happens on the shared
review queue (/selection/review/), which links back here.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from unionportal.accounts.validators import mask_id_number
from unionportal.audit.presenting import describe
from unionportal.audit.transitions import TransitionError
from unionportal.i18n import register_stored_texts
from unionportal.imports.services import export_table
from unionportal.permissions import is_province_staff, permission
from unionportal.selection import services as selection
from unionportal.selection import submitting
from unionportal.selection.forms import CandidacyFilterForm, ConfirmForm, confirm_token
from unionportal.selection.selectors import history
from unionportal.selection.workflows import is_editable, submitter_actions

from . import selectors
from .forms import RecommendationForm, add_service_errors, patent_formset
from .resources import CraftsmanBatchResource
from .services import (
    batch_approve,
    batch_problems,
    limit_problem,
    recommendation_save,
    recommendation_submit,
    settings_of,
    submitting_organisations,
)

PAGE_SIZE = 20
WITHDRAWN_COMMENT = gettext_lazy("推荐单位撤回")
register_stored_texts(WITHDRAWN_COMMENT)


@permission("candidacy", "list")
def recommendation_list(request):
    """The open programmes (with a button for those who may recommend) and the user's recommendations."""
    user = request.user
    can_recommend = submitting_organisations(user).exists()
    programmes = list(selectors.craftsman_programmes().order_by("-campaign__year", "code"))
    form = CandidacyFilterForm(request.GET or None, programmes=programmes)
    rows = selectors.recommendations_for(user)
    rows = form.filter(rows)
    page = Paginator(rows.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "craftsmen/recommendation_list.html",
        {
            "open_programmes": list(selectors.open_craftsman_programmes()),
            # Province staff run the later stages: each programme's expert review, vote, batch, notice.
            "staff_programmes": programmes if is_province_staff(user) else [],
            "can_recommend": can_recommend,
            "form": form,
            "page": page,
        },
    )


def _render_form(request, form, patents, *, title, candidacy=None, status=200):
    return render(
        request,
        "craftsmen/recommendation_form.html",
        {
            "form": form,
            "patents": patents,
            "title": title,
            "programme": form.programme,
            "settings": settings_of(form.programme),
            "candidacy": candidacy,
        },
        status=status,
    )


def _save(request, form, patents, target):
    """Run the service on a valid form and patent table (``target()``: what is created or edited); the
    refusal lands on the form. The saved candidacy, or None."""
    valid = form.is_valid()
    if not (patents.is_valid() and valid):
        return None
    try:
        return recommendation_save(actor=request.user, **target(), **form.service_kwargs(patents))
    except ValidationError as error:
        add_service_errors(form, error, patents)
    except TransitionError as error:
        form.add_error(None, error.message)
    return None


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def recommendation_create(request, programme_id):
    programme = get_object_or_404(selectors.craftsman_programmes(), pk=programme_id)
    organisations = list(submitting_organisations(request.user).order_by("path"))
    if not organisations:
        messages.error(
            request, _("荆楚工匠由企业通过本企业工会推荐；您所在的工会下没有登记的企业，不能推荐。")
        )
        return redirect("craftsmen:list")
    if not programme.intake_open():
        messages.error(
            request, _("“%(programme)s”不在申报时间内，不能新建推荐。") % {"programme": programme.name_label}
        )
        return redirect("craftsmen:list")
    form = RecommendationForm(
        request.POST or None, request.FILES or None, programme=programme, organisations=organisations
    )
    patents = patent_formset(request.POST or None)
    title = _("推荐荆楚工匠：%(programme)s") % {"programme": programme.label}
    if request.method == "POST":
        candidacy = _save(
            request,
            form,
            patents,
            lambda: {"programme": programme, "organisation": form.chosen_organisation()},
        )
        if candidacy is not None:
            messages.success(request, _("推荐已保存为草稿。请核对后提交。"))
            return redirect("craftsmen:detail", candidacy.pk)
    failed = request.method == "POST"
    return _render_form(request, form, patents, title=title, status=400 if failed else 200)


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk):
    candidacy = selectors.access_recommendation(request.user, pk, action="change")
    actions = submitter_actions(request.user, candidacy)
    if not actions.edit:
        if is_editable(candidacy):
            messages.error(request, _("您无权修改该推荐。"))
        else:
            messages.error(request, _("已提交的推荐不能修改；如需修改，请在审核开始前撤回。"))
        return redirect("craftsmen:detail", candidacy.pk)
    craftsman = selectors.craftsman_of(candidacy)
    candidacy.craftsman = craftsman
    form = RecommendationForm(
        request.POST or None, request.FILES or None, programme=candidacy.programme, candidacy=candidacy
    )
    patents = patent_formset(request.POST or None, craftsman=craftsman)
    saved = request.method == "POST" and _save(request, form, patents, lambda: {"instance": candidacy})
    if saved:
        messages.success(request, _("修改已保存。"))
        return redirect("craftsmen:detail", candidacy.pk)
    title = _("修改推荐：%(name)s") % {"name": candidacy.name}
    failed = request.method == "POST"
    return _render_form(
        request, form, patents, title=title, candidacy=candidacy, status=400 if failed else 200
    )


@permission("candidacy", "open")
def recommendation_detail(request, pk):
    candidacy = selectors.access_recommendation(request.user, pk)
    craftsman = selectors.craftsman_of(candidacy)
    actions = submitter_actions(request.user, candidacy)
    problems = []
    if actions.submit:
        problems = selection.submit_problems(candidacy)
        if craftsman is not None:
            limit = limit_problem(candidacy.programme, craftsman.enterprise, exclude_pk=candidacy.pk)
            problems += [limit] if limit else []
    return render(
        request,
        "craftsmen/recommendation_detail.html",
        {
            "candidacy": candidacy,
            "craftsman": craftsman,
            "patents": list(craftsman.patents.all()) if craftsman else [],
            "masked_id_number": mask_id_number(candidacy.id_number) if candidacy.id_number else "",
            "attachments": list(candidacy.attachments.all()),
            "history": describe(history(candidacy).select_related("actor", "content_type")),
            "actions": actions,
            "problems": problems,
        },
    )


@permission("candidacy", "change")
@require_POST
def recommendation_submit_view(request, pk):
    candidacy = selectors.access_recommendation(request.user, pk, action="change")
    try:
        recommendation_submit(actor=request.user, pk=candidacy.pk)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("推荐已提交，等待上级工会审核。"))
    return redirect("craftsmen:detail", candidacy.pk)


@permission("candidacy", "change")
@require_http_methods(["GET", "POST"])
def recommendation_withdraw(request, pk):
    candidacy = selectors.access_recommendation(request.user, pk, action="change")
    detail = reverse("craftsmen:detail", args=[candidacy.pk])
    return submitting.withdraw(request, candidacy, detail_url=detail, comment=str(WITHDRAWN_COMMENT))


@permission("candidacy", "delete")
@require_http_methods(["GET", "POST"])
def recommendation_delete(request, pk):
    candidacy = selectors.access_recommendation(request.user, pk, action="delete")
    detail = reverse("craftsmen:detail", args=[candidacy.pk])
    return submitting.delete(request, candidacy, detail_url=detail, list_url=reverse("craftsmen:list"))


# --- the batch (province staff) ---------------------------------------------------------------------------


def _batch_programme(request, pk):
    """A 荆楚工匠 programme, for province staff only (404 for everyone else, as the final list)."""
    if not is_province_staff(request.user):
        raise Http404
    return get_object_or_404(selectors.craftsman_programmes(), pk=pk)


def _picked(data) -> list[int]:
    return sorted({int(v) for v in data.getlist("pk") if v.isdigit()})


@permission("programme", "open", post="change")
@require_http_methods(["GET", "POST"])
def batch(request, pk):
    """The combined ranking with each part, the top ``batch_size`` preselected and the tie rule; choosing
    leads to a confirm page, whose signed POST approves the batch (``batch_approve``). A refusal (a batch
    larger than its room above all) is a message and a 400, and changes nothing."""
    programme = _batch_programme(request, pk)
    status = 200
    if request.method == "POST":
        pks = _picked(request.POST)
        selection = {"step": "craftsmen.batch", "programme": programme.pk, "pks": pks}
        if "confirm" in request.POST:
            confirm = ConfirmForm(request.POST, user=request.user, selection=selection)
            if not confirm.is_valid():
                messages.error(request, confirm.error())
            else:
                try:
                    done = batch_approve(actor=request.user, programme=programme, pks=pks)
                except TransitionError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(
                        request,
                        _("已批准 %(count)s 名荆楚工匠，可在“省级批准名单”页发布公示。")
                        % {"count": len(done)},
                    )
                    return redirect("craftsmen:batch", pk=programme.pk)
            status = 400
        else:
            problems = batch_problems(programme, pks)
            if not problems:
                return _batch_confirm(request, programme, pks, selection)
            for problem in problems:
                messages.error(request, problem)
            status = 400
    view = selectors.batch(programme)
    chosen = set(_picked(request.POST)) if request.method == "POST" else None
    return render(
        request,
        "craftsmen/batch.html",
        {
            "programme": programme,
            "batch": view,
            "checked": chosen if chosen is not None else {b.candidacy.pk for b in view.preselected},
            "has_ties": any(b.tied for b in view.lines),
        },
        status=status,
    )


def _batch_confirm(request, programme, pks, selection):
    view = selectors.batch(programme)
    lines = [b for b in view.lines if b.candidacy.pk in pks]
    rows = [b.candidacy for b in lines]
    facts = [
        (_("每批人数"), str(view.size)),
        (_("已批准（含公示中、已公布）"), str(view.taken)),
        (_("本次批准"), str(len(rows))),
        (
            _("综合排名"),
            "\n".join(
                f"{b.line.rank}. {b.candidacy.name} {b.line.combined}"
                for b in sorted(lines, key=lambda b: b.line.rank)
            ),
        ),
    ]
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("确认荆楚工匠批次"),
            "question": ngettext(
                "将以下 %(count)s 名候选人批准为“%(programme)s”：",
                "将以下 %(count)s 名候选人批准为“%(programme)s”：",
                len(rows),
            )
            % {"count": len(rows), "programme": programme.label},
            "rows": rows,
            "facts": facts,
            "consequence": _("批准后候选人进入省级批准名单，不能再退回；公示和公布在“省级批准名单”页进行。"),
            "hidden": [*(("pk", pk) for pk in pks), ("confirm", confirm_token(request.user, selection))],
            "button": _("确认批准"),
            "cancel": reverse("craftsmen:batch", args=[programme.pk]),
        },
    )


@permission("programme", "export")
@require_safe
def batch_export(request, pk):
    """The programme's batch list as xlsx (ID numbers masked), through the shared export."""
    programme = _batch_programme(request, pk)
    resource = CraftsmanBatchResource(user=request.user)
    resource.programme_id = programme.pk
    dataset = resource.export(resource.export_queryset())
    filename, content_type, content = export_table(
        actor=request.user,
        key="craftsmen.batch",
        label=_("%(programme)s 批次名单") % {"programme": programme.label},
        headers=dataset.headers,
        rows=dataset,
        fmt="xlsx",
        masked_columns=resource.masked_columns(),
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
