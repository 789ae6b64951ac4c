"""What the campaign lists can be narrowed by, as django-filter FilterSets."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ActivityReport


class GalleryFilter(django_filters.FilterSet):
    """Accepted reports of one reporting union (the overview links each union's count here)."""

    org = django_filters.NumberFilter(field_name="organisation_id", label=_("基层工会"))

    class Meta:
        model = ActivityReport
        fields = []
