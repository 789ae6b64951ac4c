"""The admin side of the permission matrix: every scoped ModelAdmin lists, offers and opens only what
the model's kind lets the user reach with the ADMIN action (``unionportal.permissions.ADMIN_MODELS``),
and answers 404 for anything else."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import Http404

from unionportal import permissions
from unionportal.audit.context import current_request

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


class PermittedReadonlyField(helpers.AdminReadonlyField):
    """A read-only field naming a related record links to that record's admin page only when the
    user may open it there (Django links it whenever the model is registered, and a county's staff would
    then meet a 403 on, say, the cadre's account or the stored file)."""

    def get_admin_url(self, remote_field, remote_obj):
        request = current_request()
        if request is not None and not may_open_in_admin(request, self.model_admin.admin_site, remote_obj):
            return str(remote_obj)
        return super().get_admin_url(remote_field, remote_obj)


def may_open_in_admin(request, site, obj) -> bool:
    """Whether ``request.user`` may open ``obj``'s change page in ``site``."""
    model_admin = site._registry.get(type(obj))
    if model_admin is None or not model_admin.has_view_or_change_permission(request, obj):
        return False
    return model_admin.get_queryset(request).filter(pk=obj.pk).exists()


def install_permitted_links() -> None:
    """Every admin change form draws its read-only fields with ``PermittedReadonlyField``."""
    helpers.AdminReadonlyField = PermittedReadonlyField
