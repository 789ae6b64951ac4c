from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.uploads.forms import CheckedFileField
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import upload_store

from .models import News


class NewsForm(forms.ModelForm):
    cover_upload = CheckedFileField(
        kind=StoredFile.Kind.IMAGE,
        label=_("上传封面图片"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP；上传后替换现有封面。"),
    )

    class Meta:
        model = News
        fields = ["title", "category", "summary", "body", "publish_at", "cover"]


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    """News items; the cover goes through the upload check and is public. Saving drops the cached
    public pages (signals), and an item set for a later time goes live on its own (periodic job)."""

    form = NewsForm
    list_display = ["title", "category", "publish_at", "is_live"]
    list_filter = ["category"]
    search_fields = ["title"]
    date_hierarchy = "publish_at"
    readonly_fields = ["cover"]
    ordering = ["-publish_at"]

    @admin.display(description=_("已发布"), boolean=True)
    def is_live(self, obj):
        return obj.publish_at <= timezone.now()

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("cover_upload")
        if upload:
            obj.cover = upload_store(file=upload, kind=StoredFile.Kind.IMAGE, actor=request.user, public=True)
        super().save_model(request, obj, form, change)
