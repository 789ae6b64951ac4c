"""Admin of the 荆楚工匠 selection: the trades and the programme settings (province staff, as the
programmes themselves), and a read-only, scoped view of the recommendations with their patents. State
changes never happen here: they go through the pages and the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.validators import mask_id_number
from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdmin

from .models import Craftsman, CraftsmanProgramme, Patent, Trade


@admin.register(Trade)
class TradeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "category", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["name", "name_en", "code"]


@admin.register(CraftsmanProgramme)
class CraftsmanProgrammeAdmin(admin.ModelAdmin):
    list_display = ["programme", "per_enterprise_limit", "batch_size"]
    list_select_related = ["programme__campaign"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            from unionportal.selection.models import Programme

            kwargs["queryset"] = Programme.objects.filter(app="craftsmen").select_related("campaign")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PatentInline(admin.TabularInline):
    model = Patent
    extra = 0
    fields = ["kind", "number", "title", "granted_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Craftsman)
class CraftsmanAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    scope_path = "candidacy__organisation__path"
    list_display = ["name", "masked_id_number", "enterprise", "trade", "skill_grade", "state"]
    list_filter = ["candidacy__programme", "skill_grade", "trade"]
    search_fields = ["candidacy__name", "enterprise__name"]
    list_select_related = ["candidacy__programme", "enterprise", "trade"]
    inlines = [PatentInline]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "masked_id_number"]

    @admin.display(description=_("姓名"), ordering="candidacy__name")
    def name(self, obj):
        return obj.candidacy.name

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.candidacy.id_number)

    @admin.display(description=_("状态"))
    def state(self, obj):
        return obj.candidacy.get_state_display()
