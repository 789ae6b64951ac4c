from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionportal.permissions import permission, signed_in

from . import services
from .forms import PreferenceForm
from .models import Preference


@signed_in
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    rows = services.inbox(request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    # Each message in the language the user reads notifications in now, not the one it was written in.
    page.object_list = services.for_display(
        page.object_list, language=services.display_language(request.user)
    )
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@permission("notification", "open")
@require_POST
def open_message(request, pk):
    """Mark one message read and follow its link (only to this site)."""
    message = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(user=request.user, ids=[message.pk])
    if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts={request.get_host()}):
        return redirect(message.url)
    return redirect("notifications:inbox")


@signed_in
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标记为已读。") % {"n": count})
    return redirect("notifications:inbox")


@signed_in
def preferences(request):
    preference, _created = Preference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("通知偏好已保存。"))
        return redirect("notifications:inbox")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": _("通知偏好"),
            "intro": _("站内消息总会送达；您还可以选择同时接收电子邮件或短信。"),
        },
    )
