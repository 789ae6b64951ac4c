"""Admin of the pipeline: programmes with their allocations and rules (province staff), earlier honours
(province staff; ID numbers masked in the list), and read-only, scoped lists of candidacies and
objections. State changes never happen here: they go through the staff pages and the services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal import permissions
from unionportal.accounts.admin import MASKED_HELP, MaskedRevealAdminMixin, posted_personal_value
from unionportal.accounts.validators import (
    mask_contact,
    mask_id_number,
    normalise_id_number,
    validate_id_number,
)
from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdmin
from unionportal.orgs.enums import Level

from .models import Allocation, Candidacy, Objection, PastHonour, Programme, Rule
from .selectors import allocation_problems


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
    fields = ["position", "kind", "flag", "percent", "code", "label", "label_en", "years", "is_active"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "programme_name",
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

    @admin.display(description=_("名称"), ordering="name")
    def programme_name(self, obj):
        return obj.name_label  # the English name on English pages

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "campaign",
                    "app",
                    "code",
                    ("name", "name_en"),
                    ("award", "award_en"),
                    "nominee_kind",
                    "is_national",
                ]
            },
        ),
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


class PastHonourForm(forms.ModelForm):
    """An earlier honour with its ID number masked: the mask (or nothing) posted back keeps the stored
    number; a new one must be a valid full ID number."""

    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    id_number_help = None  # set per request by PastHonourAdmin.get_form: the help text with the reveal link

    class Meta:
        model = PastHonour
        fields = ["id_number", "name", "year", "level", "award", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Required when there is no stored number to keep (a new honour).
        self.fields["id_number"].required = not (self.instance.pk and self.instance.id_number)
        if not self.fields["id_number"].required:
            self.initial["id_number"] = mask_id_number(self.instance.id_number)
            self.fields["id_number"].widget.attrs["autocomplete"] = "off"
            self.fields["id_number"].help_text = self.id_number_help or MASKED_HELP

    def clean_id_number(self):
        stored = self.instance.id_number if self.instance.pk else ""
        posted = normalise_id_number(self.cleaned_data.get("id_number"))
        if not posted:
            return stored
        value, new = posted_personal_value(
            posted, stored, mask_id_number, gettext("请输入完整的身份证号，或保留显示的带 * 的号码不变。")
        )
        if new:
            validate_id_number(value)
        return value


@admin.register(PastHonour)
class PastHonourAdmin(MaskedRevealAdminMixin, admin.ModelAdmin):
    form = PastHonourForm
    reveal_field = "id_number"
    list_display = ["name", "masked_id_number", "year", "level", "award", "unit"]
    list_filter = ["level", "year"]
    search_fields = ["name", "=id_number"]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("身份证号"))
    def masked_id_number_to_reveal(self, obj):
        # The view-only change page has no request here; the reveal page itself checks who may see it.
        return format_html(
            '{} <a href="{}" id="reveal-link">{}</a>',
            mask_id_number(obj.id_number),
            self.reveal_url(obj),
            gettext("查看完整%(field)s（须填写理由，将被记录）") % {"field": _("身份证号")},
        )

    def _view_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        # A view-only page would print the stored number as read-only text: show the mask instead.
        fields = super().get_fields(request, obj)
        if self._view_only(request, obj):
            return ["masked_id_number_to_reveal" if f == "id_number" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if self._view_only(request, obj):
            return ["masked_id_number_to_reveal"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"id_number_help": self.reveal_link(request, obj)})

    def may_reveal(self, request, obj) -> bool:
        return permissions.allows(request.user, "past_honour", "reveal", obj)


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
    # The objector's contact is protected: masked here; the case page reveals it with a logged reason.
    exclude = ["form_token", "client_ip", "contact"]

    def get_readonly_fields(self, request, obj=None):
        hidden = ("form_token", "client_ip", "contact")
        return [*(f for f in super().get_readonly_fields(request, obj) if f not in hidden), "masked_contact"]

    @admin.display(description=_("联系方式"))
    def masked_contact(self, obj):
        return mask_contact(obj.contact)
