from django.core.paginator import Paginator
from django.shortcuts import render

from unionportal.permissions import permission

from .filters import AuditEventFilter
from .presenting import action_label, describe
from .selectors import actions_for, events_for


@permission("audit_event", "list")
def event_list(request):
    """Read-only audit log for staff, scoped to their subtree."""
    filters = AuditEventFilter(request.GET or None, queryset=events_for(request.user))
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": filters.form,
            "page": page,
            "actions": [(a, action_label(a)) for a in actions_for(request.user)],
        },
    )
