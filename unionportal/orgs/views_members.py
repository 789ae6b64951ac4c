"""Pages of workers (their own profile, joining and card), of the registry (staff and the union's
submitters) and the public card check. Thin: parse, call one service or selector, render.

A worker's pages show only the worker's own records (``@signed_in``, filtered by the user); the registry
and the applications are read through ``visible_to`` (the matrix's "member" and "join_application" rows),
so a record outside the user's scope answers 404. ID numbers and phones are masked; a reveal is logged.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unionportal import fragments
from unionportal.audit.services import reveal
from unionportal.audit.transitions import TransitionError
from unionportal.permissions import permission, public, signed_in

from . import joining, members, workers
from .enums import Gender, JoinState, MemberStatus
from .forms_members import (
    ApplyForm,
    DecisionForm,
    EnterpriseSearchForm,
    LeaveForm,
    MemberFilterForm,
    MemberForm,
    ProfileForm,
    RevealForm,
    TransferForm,
)

PAGE_SIZE = 25
FIELD_LABELS = {"id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号")}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# --- the worker's own pages -------------------------------------------------------------------------------


def _profile_page(request, form, *, search_form, profile, revealed=None, reveal_form=None, status=200):
    return render(
        request,
        "orgs/my_profile.html",
        {
            "form": form,
            "search_form": search_form,
            "profile": profile,
            "reveal_form": reveal_form or RevealForm(),
            "revealed": revealed,
        },
        status=status,
    )


@never_cache
@signed_in
def my_profile(request):
    """The worker's real-name profile: name, ID number, an employer found by name or flexible employment."""
    profile = joining.profile_of(request.user)
    search_form = EnterpriseSearchForm(request.GET or None)
    search = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    initial = {}
    if profile is not None:
        initial = {
            "name": profile.name,
            "employment": ProfileForm.FLEXIBLE if profile.is_flexible else ProfileForm.EMPLOYEE,
            "employer": profile.employer_id,
            "occupation": profile.occupation,
            "work_township": profile.work_township_id,
            "job": profile.job,
        }
    else:
        initial = {"name": request.user.name}
    form = ProfileForm(
        request.POST or None,
        initial=initial,
        search=search,
        current_employer=profile.employer if profile is not None else None,
    )
    if profile is not None and not form.is_bound:
        form.fields["id_number"].help_text = _("已登记：%(masked)s；如无变化请再次输入完整号码。") % {
            "masked": profile.masked_id_number
        }
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                workers.worker_profile_save(
                    user=request.user,
                    name=data["name"],
                    id_number=data["id_number"],
                    employer=data["employer"],
                    occupation=data["occupation"],
                    work_township=data["work_township"],
                    job=data["job"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("实名信息已保存。"))
                return redirect("orgs:my_joining")
        return _profile_page(request, form, search_form=search_form, profile=profile, status=400)
    return _profile_page(request, form, search_form=search_form, profile=profile)


@never_cache
@signed_in
@require_POST
def my_profile_reveal(request):
    """The worker sees their own full ID number or phone once; logged like every reveal."""
    profile = joining.profile_of(request.user)
    if profile is None:
        messages.info(request, _("请先完善实名信息。"))
        return redirect("orgs:my_profile")
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            obj = profile if field == "id_number" else request.user
            value = reveal(actor=request.user, obj=obj, field=field, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            revealed = {"label": FIELD_LABELS[field], "value": value or "—"}
    return _profile_page(
        request,
        ProfileForm(search="", current_employer=profile.employer),
        search_form=EnterpriseSearchForm(),
        profile=profile,
        revealed=revealed,
        reveal_form=form if revealed is None else None,
        status=200 if revealed is not None else 400,
    )


@never_cache
@signed_in
def my_joining(request):
    """Where the worker may apply, their applications and their decisions; POST applies."""
    user = request.user
    profile = joining.profile_of(user)
    targets = joining.joining_targets(profile)
    membership = joining.own_membership(user)
    applications = list(joining.own_applications(user))
    waiting = next((a for a in applications if a.state == JoinState.SUBMITTED), None)
    form = ApplyForm(request.POST or None, targets=targets)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                joining.join_apply(applicant=user, union_id=form.cleaned_data["union"])
            except joining.JoinRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("入会申请已提交，请等待工会审核。"))
                return redirect("orgs:my_joining")
        status = 400
    return render(
        request,
        "orgs/my_joining.html",
        {
            "profile": profile,
            "targets": targets,
            "membership": membership,
            "applications": applications,
            "waiting": waiting,
            "form": form,
        },
        status=status,
    )


@signed_in
@require_POST
def my_joining_withdraw(request):
    """Withdraw the worker's waiting application."""
    waiting = joining.own_applications(request.user).filter(state=JoinState.SUBMITTED).first()
    if waiting is None:
        messages.error(request, _("您没有待审核的入会申请。"))
    else:
        try:
            joining.join_withdraw(actor=request.user, application_id=waiting.pk)
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("入会申请已撤回。"))
    return redirect("orgs:my_joining")


@never_cache
@signed_in
def my_card(request):
    """The worker's membership card with a QR code of a signed verification link (never the ID number)."""
    member = joining.own_membership(request.user)
    context = {"member": member}
    if member is not None:
        url = request.build_absolute_uri(reverse("orgs:card_check") + "?t=" + joining.card_token(member))
        context.update({"check_url": url, "qr": joining.card_qr_data_uri(url)})
    return render(request, "orgs/my_card.html", context)


@never_cache
@public
def card_check(request):
    """Public: whether a card link is genuine, unexpired and of a current member; says nothing else."""
    result = joining.card_check(request.GET.get("t", ""))
    return render(request, "orgs/card_check.html", {"result": result})


# --- the registry (staff and the union's submitters) ------------------------------------------------------


def _labelled(rows):
    """Each row with its gender's and status's label, looked up once per page: ``get_FOO_display``
    flattens the field's choices on every call, which on a page of 25 costs more than the row."""
    genders = {value: str(label) for value, label in Gender.choices}
    statuses = {value: str(label) for value, label in MemberStatus.choices}
    for m in rows:
        m.gender_label = genders.get(m.gender, m.gender)
        m.status_label = statuses.get(m.status, m.status)
    return rows


@permission("member", "list")
def member_list(request):
    """The registry rows the user may list, searchable by name, masked ID number or phone; masked.

    The body (search, count, rows, pages) is a cached fragment (``unionportal.fragments``), rendered
    again once a member of a union in the user's scope, or a union's name, has changed."""
    paths = fragments.scope_paths(request.user, "member", "list")
    body = fragments.cached(
        request, "member_list", members.MEMBER_TOPIC, paths, lambda: _member_list_body(request)
    )
    return render(request, "orgs/member_list.html", {"body": body})


def _member_list_body(request) -> str:
    form = MemberFilterForm(request.GET or None)
    q = status = ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    rows = members.members_for(request.user, q=q, status=status)
    # A capped count, and a county's page read union by union: the same queries at 10,000 and 1,000,000.
    page = members.member_page(request.user, rows, request.GET.get("page"), PAGE_SIZE)
    _labelled(page.object_list)
    return render_to_string(
        "orgs/member_list_body.html",
        {"form": form, "page": page, "can_add": members.member_unions_for(request.user).exists()},
        request,
    )


@permission("member", "change")
def member_create(request):
    unions = members.member_unions_for(request.user)
    form = MemberForm(request.POST or None, unions=unions)
    conflict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = members.member_add(
                    actor=request.user,
                    organisation=data["organisation"],
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    gender=data["gender"],
                    birth_date=data["birth_date"],
                    joined_on=data["joined_on"],
                )
            except members.MemberConflict as error:
                form.add_error("id_number", error.messages)
                conflict = error.holder
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("已登记会员：%(name)s。") % {"name": member.name})
                return redirect("orgs:member", pk=member.pk)
        status = 400
    from unionportal import permissions

    transfer_url = None
    if conflict is not None and permissions.allows(request.user, "member", "change", conflict):
        transfer_url = reverse("orgs:member", args=[conflict.pk]) + "#transfer"
    return render(
        request, "orgs/member_form.html", {"form": form, "transfer_url": transfer_url}, status=status
    )


def _member_page(
    request, member, *, revealed=None, reveal_form=None, transfer_form=None, leave_form=None, status=200
):
    from unionportal import permissions

    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "history": members.person_history(member),
            "events": members.member_events(member),
            "can_change": member.is_current and permissions.allows(request.user, "member", "change", member),
            "can_reveal": permissions.allows(request.user, "member", "reveal", member),
            "reveal_form": reveal_form or RevealForm(),
            "transfer_form": transfer_form or TransferForm(),
            "leave_form": leave_form or LeaveForm(),
            "revealed": revealed,
        },
        status=status,
    )


@permission("member", "open")
def member_detail(request, pk):
    return _member_page(request, members.access_member(request.user, pk))


@never_cache
@permission("member", "reveal")
@require_POST
def member_reveal(request, pk):
    member = members.access_member(request.user, pk, action="reveal")
    form = RevealForm(request.POST)
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = reveal(actor=request.user, obj=member, field=field, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            return _member_page(
                request, member, revealed={"label": FIELD_LABELS[field], "value": value or "—"}
            )
    return _member_page(request, member, reveal_form=form, status=400)


@permission("member", "change")
@require_POST
def member_transfer(request, pk):
    member = members.access_member(request.user, pk, action="change")
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            moved = members.member_transfer(
                actor=request.user,
                member_id=member.pk,
                to_union=form.cleaned_data["to_union"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("已办理转会：%(name)s 转入 %(union)s。")
                % {"name": moved.name, "union": moved.organisation.name},
            )
            return redirect("orgs:member", pk=member.pk)
    return _member_page(request, member, transfer_form=form, status=400)


@permission("member", "change")
@require_POST
def member_leave(request, pk):
    member = members.access_member(request.user, pk, action="change")
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            members.member_leave(
                actor=request.user,
                member_id=member.pk,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已登记退会。"))
            return redirect("orgs:member", pk=member.pk)
    return _member_page(request, member, leave_form=form, status=400)


# --- applications to join ---------------------------------------------------------------------------------


@permission("join_application", "list")
def joining_queue(request):
    """Applications waiting for the user's decision, and the latest decided ones."""
    from .models import JoinApplication

    waiting = list(joining.review_queue(request.user)[:100])
    decided = list(
        JoinApplication.objects.visible_to(request.user, "list")
        .exclude(state=JoinState.SUBMITTED)
        .select_related("union")
        .order_by("-updated_at", "-id")[:25]
    )
    return render(request, "orgs/joining_queue.html", {"waiting": waiting, "decided": decided})


@permission("join_application", "open", post="review")
def joining_detail(request, pk):
    """One application; POST accepts (a registry row) or refuses with a reason."""
    from unionportal import permissions

    application = joining.access_join_application(request.user, pk)
    if not permissions.allows(request.user, "join_application", "open", application):
        raise Http404  # the applicant follows their application on their own page
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    joining.join_accept(actor=request.user, application_id=application.pk)
                    messages.success(
                        request, _("已同意 %(name)s 入会，已登记入会员名册。") % {"name": application.name}
                    )
                else:
                    joining.join_refuse(
                        actor=request.user, application_id=application.pk, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("已告知申请人不同意的理由。"))
            except (TransitionError, ValidationError) as error:
                form.add_error(None, error.message if isinstance(error, TransitionError) else error.messages)
            else:
                return redirect("orgs:joining")
        status = 400
    holder = (
        members.current_membership(application.id_number)
        if application.state == JoinState.SUBMITTED
        else None
    )
    return render(
        request,
        "orgs/joining_detail.html",
        {
            "application": application,
            "form": form,
            "holder": holder,
            "can_decide": application.state == JoinState.SUBMITTED
            and permissions.allows(request.user, "join_application", "review", application),
        },
        status=status,
    )
