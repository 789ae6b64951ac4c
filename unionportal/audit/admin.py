from django.contrib import admin

from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, SuperuserOnlyAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only; the staff pages at /audit/ are the scoped view, this one is for superusers."""

    list_display = ["at", "actor_label", "action", "object_repr", "from_state", "to_state", "client_ip"]
    list_filter = ["action"]
    search_fields = ["actor_label", "object_repr", "comment"]
    date_hierarchy = "at"
