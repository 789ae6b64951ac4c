"""Admin of the pipeline: programmes with their allocations and rules (province staff), earlier honours
(province staff; ID numbers masked in the list), and read-only, scoped lists of candidacies and
objections. State changes never happen here: they go through the staff pages and the services."""

import rules
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.validators import mask_id_number
from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdmin
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.orgs.rules import is_union_staff

from .models import Allocation, Candidacy, Objection, PastHonour, Programme, Rule
from .selectors import allocation_problems, is_staff_of


@rules.predicate
def is_province_staff(user):
    root = Organisation.objects.filter(depth=1).first()
    return root is not None and is_staff_of(user, root)


_PERMS = {
    "selection": is_union_staff,
    "selection.view_candidacy": is_union_staff,
    "selection.view_objection": is_union_staff,
    **{
        f"selection.{action}_{model}": is_province_staff
        for model in ("programme", "allocation", "rule", "pasthonour")
        for action in ("view", "add", "change", "delete")
    },
}
for _name, _predicate in _PERMS.items():
    if not rules.perm_exists(_name):
        rules.add_perm(_name, _predicate)


class AllocationFormSet(forms.BaseInlineFormSet):
    """The whole set of allocations is checked at once: no union gives away more than it holds."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("organisation"):
                continue
            org = data["organisation"]
            if org.pk in rows:
                raise ValidationError(_("%(org)s 重复分配。") % {"org": org.name})
            if org.level == Level.PROVINCE:
                raise ValidationError(_("省级名额即名额总数，无需分配。"))
            rows[org.pk] = data["quota"]
        problems = allocation_problems(self.instance, rows)
        if problems:
            raise ValidationError(problems)


class AllocationInline(admin.TabularInline):
    model = Allocation
    formset = AllocationFormSet
    extra = 0
    autocomplete_fields = ["organisation"]


class RuleInline(admin.TabularInline):
    model = Rule
    extra = 0
    fields = ["position", "kind", "flag", "percent", "code", "label", "years", "is_active"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "campaign",
        "nominee_kind",
        "is_national",
        "total_quota",
        "intake_opens_at",
        "intake_closes_at",
    ]
    list_filter = ["campaign", "nominee_kind", "is_national"]
    search_fields = ["name", "code", "award"]
    inlines = [AllocationInline, RuleInline]
    fieldsets = [
        (None, {"fields": ["campaign", "app", "code", "name", "award", "nominee_kind", "is_national"]}),
        (
            _("名额与时间"),
            {"fields": ["total_quota", "intake_opens_at", "intake_closes_at", "review_levels"]},
        ),
        (
            _("核查与公示"),
            {
                "fields": [
                    "past_honour_years",
                    "notice_working_days",
                    "notice_office",
                    "notice_phone",
                    "notice_address",
                ]
            },
        ),
    ]


@admin.register(PastHonour)
class PastHonourAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id_number", "year", "level", "award", "unit"]
    list_filter = ["level", "year"]
    search_fields = ["name", "=id_number"]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Candidacy)
class CandidacyAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    scope_path = "organisation__path"
    list_display = ["name", "programme", "organisation", "state", "region", "masked_id_number", "updated_at"]
    list_filter = ["programme", "state"]
    search_fields = ["name", "unit"]
    list_select_related = ["programme__campaign", "organisation"]
    exclude = ["id_number"]

    def get_readonly_fields(self, request, obj=None):
        fields = [f for f in super().get_readonly_fields(request, obj) if f != "id_number"]
        return [*fields, "masked_id_number"]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    scope_path = "candidacy__organisation__path"
    list_display = ["receipt_no", "candidacy", "state", "created_at", "handled_at"]
    list_filter = ["state"]
    search_fields = ["receipt_no", "candidacy__name"]
    list_select_related = ["candidacy"]
    exclude = ["form_token", "client_ip"]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f not in ("form_token", "client_ip")]
