"""Admin of the household ledger: scoped like the portal pages (``Household.objects.visible_to``, 404
outside), personal data masked, and every change saved through ``services.household_update`` so the
category rule and the one-active-file constraint hold on this path too. Households are filed through the
portal form (it runs the category rule with the cadre's assessment), so the admin adds none."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.forms import PhoneField
from unionportal.accounts.validators import normalise_id_number, validate_id_number
from unionportal.i18n import in_reader_language
from unionportal.orgs.admin_scoping import ScopedAdmin
from unionportal.pagination import CappedCountPaginator, per_organisation

from . import services
from .enums import ACTIVE_STATES, Cause
from .models import HOUSEHOLD_INPUT_FIELDS, Household, HouseholdMember, Measure, PlanItem, YearlyReview
from .selectors import household_list_groups

# The fields an admin may change; everything derived (category, per-capita income) or moved by the
# workflow (state, dates) is read-only here.
EDITABLE = list(HOUSEHOLD_INPUT_FIELDS)


class HouseholdAdminForm(forms.ModelForm):
    # The stored ID number and phone are never put into the page: blank keeps them.
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    phone = PhoneField(required=False)
    causes = forms.MultipleChoiceField(
        label=_("致困原因"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Household
        fields = EDITABLE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["id_number"] = ""
        self.initial["phone"] = ""
        if self.instance.pk:
            self.fields["id_number"].help_text = _("当前为 %(masked)s；不修改请留空。") % {
                "masked": self.instance.masked_id_number
            }
            self.fields["phone"].help_text = _("当前为 %(masked)s；不修改请留空。") % {
                "masked": self.instance.masked_phone or "—"
            }

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number"))
        if not value:
            return self.instance.id_number
        validate_id_number(value)
        return value

    def clean_phone(self):
        return self.cleaned_data.get("phone") or self.instance.phone

    def _get_validation_exclusions(self):
        # The one-active-file constraint is conditional on the state, which is not a form field; keep the
        # state in the validation so a second active file for the same ID number is reported here.
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("state")
        return exclusions

    def clean(self):
        data = super().clean()
        if self.errors or not self.instance.pk:
            return data
        # The filing rule's checks of the worker's fields against each other and the day, as on the form.
        for name, message in services.worker_problems(data).items():
            self.add_error(name, message)
        if self.errors:
            return data
        # The same derivation save_model will run: a county without thresholds is reported on the form.
        incomes = list(self.instance.members.values_list("monthly_income", flat=True))
        try:
            services.categorise(
                organisation=self.instance.organisation,
                per_capita=services.per_capita_income(data.get("worker_income"), incomes),
                causes=data.get("causes") or [],
                sudden_cause_on=data.get("sudden_cause_on"),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HouseholdMemberInline(ReadOnlyInline):
    """Members change through the portal form, which derives the category again with them."""

    model = HouseholdMember
    fields = ["name", "relation", "age", "health", "schooling", "monthly_income"]
    readonly_fields = fields


class MeasureInline(ReadOnlyInline):
    model = Measure
    fields = ["given_on", "type", "form", "amount", "fund_source", "giver", "note"]
    readonly_fields = fields


class PlanItemInline(ReadOnlyInline):
    model = PlanItem
    fields = ["action", "follow_up_on", "done_on"]
    readonly_fields = fields


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    form = HouseholdAdminForm
    list_display = [
        "worker_name",
        "masked_id_number",
        "masked_phone",
        "enterprise",
        "category",
        "per_capita_income",
        "state",
        "applied_on",
    ]
    list_filter = ["state", "category", "enterprise__assistance_drive__capacity_cutting"]
    search_fields = ["worker_name"]
    list_select_related = ["enterprise"]
    list_per_page = 50
    # On a million files: no second, unfiltered count per page, and the filtered count stops at a cap.
    show_full_result_count = False
    paginator = CappedCountPaginator
    inlines = [HouseholdMemberInline, MeasureInline, PlanItemInline]
    readonly_fields = [
        "masked_id_number",
        "masked_phone",
        "enterprise",
        "organisation",
        "cadre",
        "state",
        "category",
        "category_basis",
        "per_capita_income",
        "applied_on",
        "verify_due_on",
        "filed_on",
        "closed_reason",
        "last_reviewed_on",
    ]
    fieldsets = [
        (
            _("职工"),
            {
                "fields": [
                    "worker_name",
                    ("masked_id_number", "id_number"),
                    "gender",
                    ("masked_phone", "phone"),
                ]
            },
        ),
        (_("收入与致困原因"), {"fields": ["job_status", "worker_income", "causes", "sudden_cause_on"]}),
        (_("认定结果"), {"fields": ["category", "category_basis", "per_capita_income"]}),
        (
            _("档案"),
            {
                "fields": [
                    "enterprise",
                    "organisation",
                    "cadre",
                    "state",
                    "applied_on",
                    "verify_due_on",
                    "filed_on",
                    "last_reviewed_on",
                    "closed_reason",
                ]
            },
        ),
    ]

    def scope(self, request, queryset):
        return queryset.visible_to(request.user, "admin")

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # In the default order (newest first), a county's pages are read organisation by organisation as
        # on the portal list; sorted by a column, the page comes from the whole range as before.
        groups = household_list_groups(request.user)
        ordering = tuple(queryset.query.order_by)
        if groups is not None and ordering == tuple(Household._meta.ordering):
            queryset = per_organisation(queryset, groups, ordering) or queryset
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return obj.masked_phone or "—"

    @admin.display(description=_("认定依据"))
    def category_basis(self, obj):
        # Written from the category's template when it was derived: shown in the reader's language.
        return in_reader_language(obj.category_explanation) or "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Escaped and exited files are closed: the service refuses to edit them.
        if obj is not None and obj.state not in ACTIVE_STATES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Files are closed through the workflow (escape, exit), never deleted: the history must stay.
        return False

    def save_model(self, request, obj, form, change):
        # The form has already applied its values to ``obj``; the service needs the stored row to audit
        # what changed, and derives the category and per-capita income again.
        stored = Household.objects.select_related("organisation").get(pk=obj.pk)
        fields = {name: form.cleaned_data[name] for name in EDITABLE if name in form.changed_data}
        updated = services.household_update(actor=request.user, household=stored, **fields)
        for name in ("per_capita_income", "category", "category_explanation", "updated_at"):
            setattr(obj, name, getattr(updated, name))


class HouseholdChildAdmin(ScopedAdmin):
    """Read-only lists of a household's records, scoped through the household."""

    list_select_related = ["household"]

    def scope(self, request, queryset):
        return queryset.filter(household__in=Household.objects.visible_to(request.user, "admin"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Measure)
class MeasureAdmin(HouseholdChildAdmin):
    list_display = ["household", "type", "form", "amount", "given_on", "fund_source", "giver"]
    list_filter = ["type", "form", "fund_source"]
    search_fields = ["household__worker_name", "giver"]
    date_hierarchy = "given_on"


@admin.register(PlanItem)
class PlanItemAdmin(HouseholdChildAdmin):
    list_display = ["household", "action", "follow_up_on", "done_on"]
    search_fields = ["household__worker_name", "action"]


@admin.register(YearlyReview)
class YearlyReviewAdmin(HouseholdChildAdmin):
    list_display = ["household", "year", "requested_on", "done_on", "category_before", "category_after"]
    list_filter = ["year"]
    search_fields = ["household__worker_name"]


from . import admin_cadre  # noqa: E402, F401
