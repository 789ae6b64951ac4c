"""Admin of the expert review (province staff): the pool, a programme's stage with its rubric (the
weights must sum to 100) and the panels. Assignments and scores change only through the pages and
services (audited); the admin writes the pool and the stage through the same services' rules."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from unionportal.audit import services as audit
from unionportal.orgs.enums import Role
from unionportal.orgs.services import membership_grant

from .models import FIELD_CHOICES, Criterion, ExpertProfile, ExpertStage, Panel


class RubricFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [
            f.cleaned_data.get("weight") or 0
            for f in self.forms
            if getattr(f, "cleaned_data", None)
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("name")
        ]
        if not weights:
            raise ValidationError(_("评审细则至少需要一项评审标准。"))
        if sum(weights) != 100:
            raise ValidationError(
                _("各项评审标准的权重之和必须为 100，当前为 %(total)s。") % {"total": sum(weights)}
            )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = RubricFormSet
    extra = 0
    fields = ["position", "name", "name_en", "description", "weight", "max_points"]


@admin.register(ExpertStage)
class ExpertStageAdmin(admin.ModelAdmin):
    list_display = ["programme", "scoring_deadline", "aggregation", "experts_per_candidate", "hide_identity"]
    inlines = [CriterionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action="selection_experts.stage.save", obj=obj, comment="admin")


class ExpertProfileForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=_("专业领域"), choices=FIELD_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = ExpertProfile
        fields = ["user", "union", "enterprise", "employer", "title", "fields", "is_active"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    form = ExpertProfileForm
    list_display = ["__str__", "title", "union", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["user__name", "user__username", "title"]
    autocomplete_fields = ["union", "enterprise"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        membership_grant(user=obj.user, organisation=obj.union, role=Role.EXPERT, actor=request.user)
        audit.record(actor=request.user, action="selection_experts.expert.save", obj=obj, comment="admin")


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "chair"]
    filter_horizontal = ["members"]
    raw_id_fields = ["chair"]
