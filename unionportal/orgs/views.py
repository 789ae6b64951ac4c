import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from unionportal.i18n import mark_user_data
from unionportal.imports.services import ImportFileError, read_records
from unionportal.permissions import permission

from . import services
from .forms import UserCreateForm, UserImportForm
from .selectors import users_managed_by


@permission("account", "list")
def user_list(request):
    search = request.GET.get("q", "").strip()[:60]
    users = users_managed_by(request.user, search=search)
    if request.GET.get("never"):
        users = users.filter(last_login__isnull=True, is_active=True)
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    return render(request, "orgs/user_list.html", {"page": page, "search": search})


@permission("account", "change")
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create_in_subtree(actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            return render(request, "orgs/accounts_created.html", {"created": [(user, password)]})
    return render(request, "form_page.html", {"form": form, "title": _("新建账户")})


@permission("account", "import")
def user_import(request):
    form = UserImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_records(form.cleaned_data["file"], max_rows=5000)
            created = services.users_import(actor=request.user, rows=rows)
        except ImportFileError as error:
            errors = [error.message]
        except services.ImportRejected as rejected:
            errors = rejected.errors
        else:
            return render(request, "orgs/accounts_created.html", {"created": created})
    refused = bool(errors or form.errors)
    return render(
        request, "orgs/user_import.html", {"form": form, "errors": errors}, status=400 if refused else 200
    )


@permission("account", "import")
def user_import_template(request):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "accounts"
    sheet.append([headers[0] for headers in services.ACCOUNT_COLUMNS.values()])
    sheet.append(["xc_union_01", "张三", "13800000000", "", "420684001001", "填报人"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="accounts-template.xlsx"'
    return response


def _managed_user(request, pk):
    return get_object_or_404(users_managed_by(request.user), pk=pk)


@permission("account", "change")
def user_deactivate(request, pk):
    user = _managed_user(request, pk)
    if request.method == "POST":
        try:
            services.user_deactivate(actor=request.user, user=user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            done = _("账户 %(name)s 已停用。") % {"name": user.display_name}
            messages.success(request, mark_user_data(done, user.display_name))
        return redirect("orgs:users")
    return render(
        request,
        "confirm.html",
        {
            "title": _("停用账户"),
            "question": _("确定停用账户 %(name)s 吗？停用后将无法登录。") % {"name": user.display_name},
            "user_data": [user.display_name],
            "button": _("停用"),
        },
    )


@permission("account", "change")
def user_reactivate(request, pk):
    user = _managed_user(request, pk)
    if request.method == "POST":
        try:
            services.user_reactivate(actor=request.user, user=user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            done = _("账户 %(name)s 已重新启用。") % {"name": user.display_name}
            messages.success(request, mark_user_data(done, user.display_name))
        return redirect("orgs:users")
    return render(
        request,
        "confirm.html",
        {
            "title": _("启用账户"),
            "question": _("确定重新启用账户 %(name)s 吗？") % {"name": user.display_name},
            "user_data": [user.display_name],
            "button": _("启用"),
        },
    )
