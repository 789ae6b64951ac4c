"""What the pipeline's staff lists can be narrowed by, as django-filter FilterSets: the review queue and
the objection cases. Views pass the scoped queryset from ``selectors`` and render ``.form``; ``.qs`` is
the list shown."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import UserDataSelect

from .enums import Flag, ObjectionState, Tag
from .models import Candidacy, Objection

# Each sort the queue offers, with the columns that make it total.
SORTS = {
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "name": ("name", "id"),
    "unit": ("unit", "id"),
    "region": ("region", "organisation__path", "id"),
    "rank": ("rank", "id"),
}
SORT_CHOICES = [
    ("submitted", _("按提交时间（先）")),
    ("-submitted", _("按提交时间（后）")),
    ("name", _("按姓名")),
    ("unit", _("按单位")),
    ("region", _("按地区")),
    ("rank", _("按排序")),
]
DEFAULT_SORT = SORTS["submitted"]


class QueueForm(forms.Form):
    """Which queue the page shows (the view picks it from these two); the filters follow them."""

    programme = forms.TypedChoiceField(label=_("评选项目"), coerce=int, required=False, empty_value=None)
    org = forms.TypedChoiceField(
        label=_("审核单位"), coerce=int, required=False, empty_value=None, widget=UserDataSelect
    )


class QueueFilter(django_filters.FilterSet):
    """A reviewing union's queue by name or unit, region, nominee flag, priority field and earlier
    honours, in one of SORTS (the queryset comes sorted by submission). A choice the form refuses (a
    stale link) narrows nothing."""

    q = django_filters.CharFilter(label=_("姓名或单位"), method="name_or_unit", max_length=60)
    region = django_filters.ChoiceFilter(label=_("地区"), empty_label=_("全部地区"), widget=UserDataSelect)
    flag = django_filters.ChoiceFilter(
        label=_("人员属性"), choices=Flag.choices, empty_label=_("不限"), method="flagged"
    )
    tag = django_filters.ChoiceFilter(
        label=_("重点领域"), choices=Tag.choices, empty_label=_("不限"), method="tagged"
    )
    honours = django_filters.ChoiceFilter(
        label=_("既往荣誉"),
        choices=[("1", _("有既往荣誉")), ("0", _("无既往荣誉"))],
        empty_label=_("不限"),
        method="with_honours",
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=SORT_CHOICES, empty_label=None, method="sorted"
    )

    class Meta:
        model = Candidacy
        fields = []
        form = QueueForm

    def __init__(self, data=None, queryset=None, *, programmes=(), organisations=(), initial=None, **kwargs):
        super().__init__(data, queryset.order_by(*DEFAULT_SORT), **kwargs)
        self.programmes, self.organisations, self.queue_initial = programmes, organisations, initial or {}
        regions = set(queryset.order_by().values_list("region", flat=True).distinct()) - {""}
        self.filters["region"].extra["choices"] = [(r, r) for r in sorted(regions)]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            form.fields["programme"].choices = [(p.pk, p.label) for p in self.programmes]
            form.fields["org"].choices = [(o.pk, o.name) for o in self.organisations]
            form.initial = {**form.initial, **self.queue_initial}
        return self._form

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, self.form.cleaned_data.get(name))
        return queryset

    def name_or_unit(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(name__icontains=text) | Q(unit__icontains=text))

    def flagged(self, queryset, name, value):
        return queryset.filter(**{f"flags__{value}": True})

    def tagged(self, queryset, name, value):
        # Tags are a JSON list of codes: match the quoted code in its text (SQLite and PostgreSQL).
        return queryset.filter(tags__icontains=f'"{value}"')

    def with_honours(self, queryset, name, value):
        return queryset.exclude(past_honours=[]) if value == "1" else queryset.filter(past_honours=[])

    def sorted(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])


class ObjectionFilter(django_filters.FilterSet):
    """Objection cases, open or closed."""

    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("未办结")), ("closed", _("已办结"))],
        empty_label=_("全部"),
        method="open_or_closed",
    )

    class Meta:
        model = Objection
        fields = []

    def open_or_closed(self, queryset, name, value):
        if value == "open":
            return queryset.filter(state=ObjectionState.OPEN)
        return queryset.exclude(state=ObjectionState.OPEN)
