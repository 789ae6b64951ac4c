"""Admin for the hardship lines, the drive's enterprises with their cadres, and (read-only) visits.

Imported by assistance/admin.py. Every list is scoped like the pages (404 outside the user's subtree);
thresholds are written through ``services.threshold_set`` so that a change is audited and the open
households it governs are categorised again. Who may open them is the permission matrix's
"threshold", "drive_enterprise" and "visit" rows (``unionportal.permissions``).
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from unionportal.orgs.admin_scoping import ScopedAdmin
from unionportal.orgs.enums import SUBTREE_ROLES, Role
from unionportal.orgs.models import Membership
from unionportal.orgs.scoping import scope_q

from .models import DriveEnterprise, Threshold, Visit
from .selectors import threshold_organisations
from .services import threshold_set
from .views_cadre import report_recategorised

User = get_user_model()


def cadres_in_scope(user):
    """Accounts holding the cadre role in an organisation of ``user``'s subtree."""
    memberships = Membership.objects.active().filter(
        scope_q(user, "organisation__path", roles=SUBTREE_ROLES), role=Role.CADRE
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("username")


@admin.register(Threshold)
class ThresholdAdmin(ScopedAdmin):
    scope_path = "organisation__path"
    list_display = ["organisation", "dibao_line", "relative_factor", "updated_at", "updated_by"]
    list_select_related = ["organisation", "updated_by"]
    search_fields = ["organisation__name", "organisation__code"]
    ordering = ["organisation__path"]
    fields = ["organisation", "dibao_line", "relative_factor"]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "organisation":
            field.queryset = threshold_organisations(request.user)
        return field

    def save_model(self, request, obj, form, change):
        try:
            threshold, result = threshold_set(
                actor=request.user,
                organisation=obj.organisation,
                dibao_line=obj.dibao_line,
                relative_factor=obj.relative_factor,
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return
        obj.pk = threshold.pk
        report_recategorised(request, obj.organisation, result)

    def has_delete_permission(self, request, obj=None):
        # Removing a county's lines silently changes which lines its households are judged by.
        return False


@admin.register(DriveEnterprise)
class DriveEnterpriseAdmin(ScopedAdmin):
    list_display = ["enterprise", "capacity_cutting", "responsible_cadre", "cadre_count", "joined_on"]
    list_filter = ["capacity_cutting"]
    list_select_related = ["enterprise", "responsible_cadre"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    autocomplete_fields = ["enterprise"]
    filter_horizontal = ["cadres"]
    fields = ["enterprise", "capacity_cutting", "responsible_cadre", "cadres"]

    def scope(self, request, queryset):
        return queryset.filter(pk__in=DriveEnterprise.objects.visible_to(request.user, "admin").values("pk"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cadre_total=Count("cadres", distinct=True))

    @admin.display(description=_("结对干部人数"), ordering="cadre_total")
    def cadre_count(self, obj):
        return obj.cadre_total

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible_cadre":
            kwargs["queryset"] = cadres_in_scope(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "cadres":
            kwargs["queryset"] = cadres_in_scope(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # Deleting an enterprise from the drive would delete its visit log with it.
        return request.user.is_superuser


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    """Read-only: cadres log visits on their phones (services.visit_log checks the pairing and photos)."""

    list_display = ["visited_on", "drive_enterprise", "cadre", "households_met", "follow_up_needed"]
    list_filter = ["follow_up_needed", "drive_enterprise__capacity_cutting"]
    list_select_related = ["drive_enterprise__enterprise", "cadre"]
    search_fields = ["drive_enterprise__enterprise__name", "findings", "follow_up"]
    date_hierarchy = "visited_on"
    fields = [
        "visited_on",
        "drive_enterprise",
        "cadre",
        "households_met",
        "findings",
        "follow_up_needed",
        "follow_up",
        "photo_thumbnails",
        "created_at",
    ]
    readonly_fields = fields

    def scope(self, request, queryset):
        return queryset.filter(drive_enterprise__in=DriveEnterprise.objects.visible_to(request.user, "admin"))

    @admin.display(description=_("照片"))
    def photo_thumbnails(self, obj):
        photos = list(obj.photos.all())
        if not photos:
            return "—"
        return format_html_join(
            " ",
            '<a href="{}"><img src="{}" alt="{}" height="120"></a>',
            (
                (p.get_absolute_url(), p.thumbnail_url or p.get_absolute_url(), p.original_name)
                for p in photos
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = ["DriveEnterpriseAdmin", "ThresholdAdmin", "VisitAdmin"]
