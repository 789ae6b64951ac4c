"""What the audit page can be narrowed by, as a django-filter FilterSet over ``selectors.events_for``
(the events the user may read). The view renders ``.form``; ``.qs`` is the list shown."""

from datetime import datetime, time

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _local(day, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


class AuditEventFilter(django_filters.FilterSet):
    """Events by who (part of the name the event keeps), the action (its code or a prefix: "imports."),
    the record (part of its name) and the days, from and to, in the site's time zone. A form that does not
    validate (a malformed date) narrows nothing; the page says what is wrong."""

    actor = django_filters.CharFilter(
        label=_("操作人"), field_name="actor_label", lookup_expr="icontains", max_length=150
    )
    action = django_filters.CharFilter(
        label=_("操作"), field_name="action", lookup_expr="startswith", max_length=80
    )
    obj = django_filters.CharFilter(
        label=_("对象"), field_name="object_repr", lookup_expr="icontains", max_length=100
    )
    # Bounds on the time itself (not its date), so that the index on ``at`` serves them.
    date_from = django_filters.DateFilter(label=_("起始日期"), method="since", widget=DATE_WIDGET)
    date_to = django_filters.DateFilter(label=_("截止日期"), method="until", widget=DATE_WIDGET)

    class Meta:
        model = AuditEvent
        fields = []

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        return super().filter_queryset(queryset)

    def since(self, queryset, name, value):
        return queryset.filter(at__gte=_local(value, time.min))

    def until(self, queryset, name, value):
        return queryset.filter(at__lte=_local(value, time.max))
