"""The admin side of the permission matrix: every scoped ModelAdmin lists, offers and opens only what
the model's kind lets the user reach with the ADMIN action (``unionportal.permissions.ADMIN_MODELS``),
and answers 404 for anything else."""

from django.contrib import admin
from django.http import Http404

from unionportal import permissions

from .models import Enterprise, Organisation


class ScopedAdmin(admin.ModelAdmin):
    # The organisation path this model is scoped by, e.g. "organisation__path".
    scope_path: str = ""

    def scope(self, request, queryset):
        kind = permissions.admin_kind(self.model._meta.label)
        return queryset.filter(permissions.scope_q(request.user, kind, "admin", self.scope_path))

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Organisation:
            kwargs["queryset"] = Organisation.objects.visible_to(request.user).order_by("path")
        elif related is Enterprise:
            kwargs["queryset"] = Enterprise.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the changelist with a message; out-of-scope records must look absent.
        raise Http404


class ReadOnlyAdminMixin:
    """For records that change only through their pages and services: the admin shows, never edits."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserOnlyAdminMixin:
    """Platform records (audit, outbox) that only superusers open in the admin; staff use the scoped pages."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
