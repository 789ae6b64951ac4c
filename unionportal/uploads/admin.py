from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    """A read-only list for superusers: files enter only through services.upload_store."""

    list_display = ["original_name", "kind", "size", "organisation", "uploaded_by", "is_public", "created_at"]
    list_filter = ["kind", "is_public", "created_at"]
    search_fields = ["original_name", "sha256", "uploaded_by__username"]
    list_select_related = ["organisation", "uploaded_by"]
    date_hierarchy = "created_at"
    fields = [
        "open_link",
        "original_name",
        "kind",
        "content_type",
        "size",
        "width",
        "height",
        "sha256",
        "organisation",
        "uploaded_by",
        "is_public",
        "created_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def open_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("打开"))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
