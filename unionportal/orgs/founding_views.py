"""Pages of founding a union: the applicant's own (``@signed_in``, their records only), the upper union's
queue and decision (the matrix's "founding_application" row), and the founding drive's target list (the
"enterprise" row). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from unionportal import permissions
from unionportal.audit.transitions import TransitionError
from unionportal.permissions import permission

from . import founding
from .enums import Level
from .forms_founding import (
    EnterpriseSearchForm,
    FoundingDecisionForm,
    FoundingForm,
    QueueFilterForm,
    TargetFilterForm,
    known_people,
    person_line,
)
from .founding_resources import FoundingTargetResource
from .models_founding import FoundingState

PAGE_SIZE = 25


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# --- the applicant ----------------------------------------------------------------------------------------


@never_cache
@permission("founding_application", "change")
def my_founding(request):
    """The user's founding applications and a new one (POST saves a draft or submits)."""
    return _application_form(request, None)


@never_cache
@permission("founding_application", "change")
def my_founding_detail(request, pk):
    """One of the user's applications: its state and the upper union's guidance; editable when returned
    or a draft."""
    application = founding.own_application(request.user, pk)
    if request.method == "POST" or request.GET.get("edit"):
        if not application.is_editable:
            messages.error(request, _("该申请已提交或已处理，不能修改。"))
            return redirect("orgs:my_founding_detail", pk=pk)
        return _application_form(request, application)
    return render(
        request,
        "orgs/founding_mine.html",
        {"application": application, "first_members": list(application.first_members.all())},
    )


@never_cache
@permission("founding_application", "change")
def my_founding_withdraw(request, pk):
    """GET: the question; POST: the open application withdrawn (the enterprise may be applied for again)."""
    application = founding.own_application(request.user, pk)
    detail = reverse("orgs:my_founding_detail", args=[pk])
    if not application.is_withdrawable:
        messages.error(request, _("该申请已处理，不能撤回。"))
        return redirect(detail)
    if request.method == "POST":
        try:
            founding.founding_withdraw(actor=request.user, application_id=pk)
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect(detail)
        messages.success(request, _("建会申请已撤回。"))
        return redirect("orgs:my_founding")
    name = application.enterprise.name
    return render(
        request,
        "selection/confirm.html",
        {
            "title": _("撤回建会申请"),
            "question": _("确定撤回“%(name)s”的建会申请吗？撤回后不能恢复，可重新申请。") % {"name": name},
            "user_data": (name,),
            "button": _("撤回"),
            "cancel": detail,
        },
    )


def _application_form(request, application):
    from .joining import profile_of

    profile = profile_of(request.user)
    search_form = EnterpriseSearchForm(request.GET or None)
    search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    initial = FoundingForm.initial_for(application) if application is not None else {}
    # The form shows ID numbers and phones masked; a masked line typed back stands for the person stored.
    people = [(m.name, m.id_number, m.phone) for m in application.first_members.all()] if application else []
    if profile is not None:
        people.append((profile.name, profile.id_number, request.user.phone or ""))
    if application is None and profile is not None and profile.employer_id and not profile.employer.union_id:
        initial["enterprise"] = profile.employer_id
        initial["first_members"] = person_line(profile.name, profile.id_number, request.user.phone or "")
    current = application.enterprise if application is not None else None
    if current is None and profile is not None and profile.employer_id and not profile.employer.union_id:
        current = profile.employer
    form = FoundingForm(
        request.POST or None,
        initial=initial,
        search=search,
        current_enterprise=current,
        known=known_people(people),
    )
    status = 200
    if request.method == "POST":
        if profile is None:
            messages.error(request, _("请先完善实名信息，再申请建会。"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = founding.founding_save(
                    applicant=request.user,
                    application_id=application.pk if application is not None else None,
                    submit=form.wants_submit,
                    data=founding.FoundingInput(
                        enterprise=data["enterprise"],
                        capacity=data["capacity"],
                        employees=data["employees"],
                        committee=data["committee"],
                        chair_name=data["chair_name"],
                        chair_job=data["chair_job"],
                        first_members=data["first_members"],
                        contact_phone=data["contact_phone"],
                        note=data["note"],
                    ),
                )
            except ValidationError as error:
                _add_errors(form, error)
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                if saved.state == FoundingState.SUBMITTED:
                    messages.success(
                        request,
                        _("建会申请已提交给%(upper)s，请等待审批。") % {"upper": saved.upper.name},
                    )
                else:
                    messages.success(request, _("草稿已保存。"))
                return redirect("orgs:my_founding_detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "orgs/founding_form.html",
        {
            "form": form,
            "search_form": search_form,
            "profile": profile,
            "application": application,
            "applications": list(founding.own_applications(request.user)) if application is None else [],
            "minimum": founding.first_members_min(),
        },
        status=status,
    )


# --- the upper union --------------------------------------------------------------------------------------


@permission("founding_application", "list")
def founding_queue(request):
    """The applications in the user's scope, waiting ones first, with filters by state and name."""
    form = QueueFilterForm(request.GET or None)
    state = q = ""
    if form.is_valid():
        state, q = form.cleaned_data["state"], form.cleaned_data["q"]
    rows = founding.founding_queue(request.user, state=state, q=q)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/founding_queue.html", {"form": form, "page": page})


@permission("founding_application", "open", post="review")
def founding_detail(request, pk):
    """One application; POST approves, returns with guidance or refuses with a reason."""
    application = founding.access_founding_application(request.user, pk)
    if not permissions.allows(request.user, "founding_application", "open", application):
        raise Http404  # the applicant follows their application on their own page
    if application.state == FoundingState.DRAFT:
        raise Http404  # a draft is the applicant's until they submit it
    form = FoundingDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
            try:
                if decision == form.APPROVE:
                    done = founding.founding_approve(actor=request.user, application_id=application.pk)
                    messages.success(
                        request,
                        _("已批准建会：%(union)s，首批会员已登记入会员名册。") % {"union": done.union.name},
                    )
                elif decision == form.RETURN:
                    founding.founding_return(
                        actor=request.user, application_id=application.pk, comment=comment
                    )
                    messages.success(request, _("已退回申请人并附指导意见。"))
                else:
                    founding.founding_refuse(
                        actor=request.user, application_id=application.pk, reason=comment
                    )
                    messages.success(request, _("已告知申请人不予批准的理由。"))
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                return redirect("orgs:founding_detail", pk=application.pk)
        status = 400
    return render(
        request,
        "orgs/founding_detail.html",
        {
            "application": application,
            "first_members": list(application.first_members.all()),
            "form": form,
            "can_decide": application.state == FoundingState.SUBMITTED
            and founding.is_reviewer(request.user, application),
        },
        status=status,
    )


@permission("enterprise", "list")
def founding_targets(request):
    """The founding drive: enterprises without a union by township, and counts per union of a level."""
    levels = founding.drive_levels(request.user)
    form = TargetFilterForm(request.GET or None, user=request.user, levels=levels)
    level = levels[-1] if levels else Level.TOWNSHIP
    township = None
    q = ""
    if form.is_valid():
        level = form.cleaned_data["level"] or level
        township, q = form.cleaned_data["township"], form.cleaned_data["q"]
    year = timezone.localdate().year
    rows, total = founding.drive_counts(request.user, level=level, year=year)
    targets = founding.targets_for(request.user, township=township, q=q)
    page = Paginator(targets, PAGE_SIZE).get_page(request.GET.get("page"))
    level_page = Paginator(rows, 50).get_page(request.GET.get("lpage"))
    return render(
        request,
        "orgs/founding_targets.html",
        {
            "form": form,
            "page": page,
            "level_page": level_page,
            "level_label": Level(level).label,
            "total": total,
            "year": year,
            "can_export": FoundingTargetResource.can_export(request.user),
        },
    )
