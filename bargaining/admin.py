from django.contrib import admin

from unionportal.orgs.admin_scoping import ScopedAdmin

from .models import MinimumWage


@admin.register(MinimumWage)
class MinimumWageAdmin(ScopedAdmin):
    """The local minimum wage table (province staff): check each row against the notice in force."""

    list_display = ("region_name", "region_code", "tier", "monthly", "hourly", "effective_from")
    list_filter = ("tier", "effective_from")
    search_fields = ("region_name", "region_code")

    def get_queryset(self, request):
        # Kept outside the tree (the matrix's row reaches it by role alone).
        return admin.ModelAdmin.get_queryset(self, request)
