"""The competitions' data tables in the admin: the themes and the titles a competition confers are
programme setup (province staff), like the 荆楚工匠 trades. Competitions, entrants and reports are kept
on the competition pages, where scope and the workflow apply."""

from django.contrib import admin

from .models import Theme, WinnerTitle


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []  # the demo and the plan's texts name themes by code


@admin.register(WinnerTitle)
class WinnerTitleAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "entrant_kind", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_en", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []
