"""The admin side of the scoping rule: every scoped ModelAdmin lists, offers and opens only what
``scope_q`` lets the user see, and answers 404 for anything else."""

from django.contrib import admin
from django.http import Http404

from .models import Enterprise, Organisation
from .scoping import scope_q


class ScopedAdmin(admin.ModelAdmin):
    # The organisation path this model is scoped by, e.g. "organisation__path".
    scope_path: str = ""

    def scope(self, request, queryset):
        return queryset.filter(scope_q(request.user, self.scope_path))

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
