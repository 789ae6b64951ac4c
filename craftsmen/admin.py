"""Admin of the 荆楚工匠 selection: the trades and the programme settings (province staff, as the
programmes themselves), and a read-only, scoped view of the recommendations with their patents. State
changes never happen here: they go through the pages and the services."""

import re

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unionportal.accounts.validators import mask_id_number
from unionportal.orgs.admin_scoping import ReadOnlyAdminMixin, ScopedAdmin

from .models import Craftsman, CraftsmanProgramme, Patent, Trade, VideoHost


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


class VideoHostForm(forms.ModelForm):
    class Meta:
        model = VideoHost
        fields = ["host", "name", "name_en", "watch_pattern", "embed_template", "position", "is_active"]

    def clean_host(self):
        host = self.cleaned_data["host"].strip().lower()
        if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", host):
            raise forms.ValidationError(_("请只填写域名，例如 v.qq.com（不含 https:// 和路径）。"))
        return host

    def clean(self):
        cleaned = super().clean()
        pattern, template = cleaned.get("watch_pattern", ""), cleaned.get("embed_template", "")
        if pattern:
            try:
                compiled = re.compile(pattern)
            except re.error:
                self.add_error("watch_pattern", _("这不是有效的正则表达式。"))
                return cleaned
            if "id" not in compiled.groupindex:
                self.add_error("watch_pattern", _("规则必须含命名分组 (?P<id>…)，用来取出视频编号。"))
            if not template.startswith("https://") or "{id}" not in template:
                self.add_error(
                    "embed_template", _("有观看链接规则时，嵌入地址模板必须以 https:// 开头并含 {id}。")
                )
        elif template:
            self.add_error("watch_pattern", _("填写了嵌入地址模板时，也要填写观看链接规则。"))
        return cleaned


@admin.register(VideoHost)
class VideoHostAdmin(admin.ModelAdmin):
    """The allowed video sites (province staff): the public pages' frame-src follows this list."""

    form = VideoHostForm
    list_display = ["host", "name", "embeds", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["host", "name", "name_en"]

    @admin.display(description=_("嵌入方式"))
    def embeds(self, obj):
        return _("按规则转换为播放器地址") if obj.watch_pattern else _("https 链接原样嵌入")
