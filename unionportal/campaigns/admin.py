from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdmin

from .models import ActivityReport, CalendarDay, Campaign, Milestone, MilestoneCompletion

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "theme", "starts_on", "ends_on", "is_current"]
    ordering = ["-year"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = [
            "campaign",
            "title",
            "description",
            "due_on",
            "responsible_level",
            "organisations",
            "remind_days_before",
        ]

    def clean(self):
        data = super().clean()
        if not data.get("responsible_level") and not data.get("organisations"):
            raise forms.ValidationError(_("请指定责任层级或责任单位（至少一项）。"))
        return data


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    form = MilestoneForm
    list_display = ["title", "campaign", "due_on", "responsible_level", "remind_days_before"]
    list_filter = ["campaign", "responsible_level"]
    search_fields = ["title"]
    autocomplete_fields = ["organisations"]
    ordering = ["campaign", "due_on"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working-day calendar's exceptions; every "N working days" deadline counts on them."""

    list_display = ["date", "weekday", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"
    ordering = ["date"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]


@admin.register(MilestoneCompletion)
class MilestoneCompletionAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only: completions are recorded on the milestone pages (with an audit event)."""

    scope_path = "organisation__path"
    list_display = ["milestone", "organisation", "done_at", "done_by"]
    list_filter = ["milestone__campaign"]
    search_fields = ["milestone__title", "organisation__name"]
    list_select_related = ["milestone", "organisation", "done_by"]


@admin.register(ActivityReport)
class ActivityReportAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Read-only: reports change only through their pages and the transition service."""

    scope_path = "organisation__path"
    list_display = ["title", "organisation", "date", "participants", "state", "updated_at"]
    list_filter = ["state", "campaign"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation"]
    exclude = ["photos"]
