from django.contrib import admin

from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, SuperuserOnlyAdminMixin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(SuperuserOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "channel",
        "event",
        "language",
        "subject",
        "status",
        "attempts",
        "attempted_at",
        "sent_at",
    ]
    list_filter = ["channel", "status", "language", "event"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]
