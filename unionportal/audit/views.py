from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from unionportal.permissions import permission

from .presenting import action_label, describe
from .selectors import actions_for, events_for


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("操作人"), required=False, max_length=150)
    action = forms.CharField(label=gettext_lazy("操作"), required=False, max_length=80)
    obj = forms.CharField(label=gettext_lazy("对象"), required=False, max_length=100)
    date_from = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@permission("audit_event", "list")
def event_list(request):
    """Read-only audit log for staff, scoped to their subtree."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = events_for(request.user, **{k: v for k, v in filters.items() if v})
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "actions": [(a, action_label(a)) for a in actions_for(request.user)]},
    )
