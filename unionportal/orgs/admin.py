from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .admin_scoping import ScopedAdmin
from .models import Enterprise, Membership, Organisation, check_parent_level
from .selectors import organisations_managed_by, users_managed_by
from .services import can_manage_users_of, membership_grant, organisation_create, sync_staff_flag

# One step down the tree in the admin's list of organisations.
TREE_INDENT = "\u00a0" * 4


class OrganisationAddForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级组织"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("您管辖范围内任一更高层级的组织。"),
    )

    class Meta:
        model = Organisation
        fields = [
            "parent",
            "name",
            "code",
            "level",
            "kind",
            "member_count",
            "contact_person",
            "contact_phone",
            "address",
            "founded_on",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        # A refused parent choice already has its error; "no parent" would only add a misleading one.
        if data.get("level") and not self.has_error("parent"):
            check_parent_level(data.get("parent"), data["level"])
        return data


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    scope_path = "path"
    list_display = ["indented_name", "code", "level", "kind", "member_count", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]
    list_per_page = 50
    readonly_fields = ["parent_name"]
    fields = [
        "parent_name",
        "name",
        "code",
        "level",
        "kind",
        "member_count",
        "contact_person",
        "contact_phone",
        "address",
        "founded_on",
        "is_active",
    ]

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj):
        # No-break spaces, not the ideographic space: the indent shows the same on pages in any language.
        return TREE_INDENT * (obj.depth - 1) + obj.name

    @admin.display(description=_("上级组织"))
    def parent_name(self, obj):
        parent = obj.parent_organisation() if obj and obj.pk else None
        return parent.name if parent else "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganisationAddForm
            kwargs["fields"] = OrganisationAddForm.Meta.fields
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["parent"].queryset = organisations_managed_by(request.user)
            form.base_fields["parent"].required = not request.user.is_superuser
        return form

    def get_fields(self, request, obj=None):
        return OrganisationAddForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # The level decides the parent rule and review routing; it is fixed once created.
        return ["parent_name", "level"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        parent = form.cleaned_data.get("parent")
        if parent is not None and not can_manage_users_of(request.user, parent):
            raise ValidationError(_("只能在您管辖的组织范围内新增组织。"))
        organisation_create(parent=parent, instance=obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = ["name", "credit_code", "industry", "ownership", "employees", "township", "union"]
    list_filter = ["industry", "ownership", "is_active"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["township", "union"]
    list_per_page = 50

    def scope(self, request, queryset):
        return queryset.filter(pk__in=Enterprise.objects.visible_to(request.user, "admin").values("pk"))


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "is_active"]

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if not can_manage_users_of(self.actor, organisation):
            raise ValidationError(_("只能在您管辖的组织范围内分配角色。"))
        return organisation


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    scope_path = "organisation__path"
    form = MembershipForm
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__name", "organisation__name", "organisation__code"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["user", "organisation"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            # Roles go to accounts already in the admin's subtree; new people come in through /orgs/users/.
            kwargs["queryset"] = users_managed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            sync_staff_flag(obj.user)
        else:
            membership = membership_grant(
                user=obj.user, organisation=obj.organisation, role=obj.role, actor=request.user
            )
            obj.pk = membership.pk

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        sync_staff_flag(obj.user)

    def delete_queryset(self, request, queryset):
        users = {m.user for m in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            sync_staff_flag(user)
