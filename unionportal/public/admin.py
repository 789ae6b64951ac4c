from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import user_content
from unionportal.uploads.forms import CheckedFileField
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import upload_store

from .models import Cartoon, Course, Lesson, LessonCompletion, News


class NewsForm(forms.ModelForm):
    cover_upload = CheckedFileField(
        kind=StoredFile.Kind.IMAGE,
        label=_("上传封面图片"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP；上传后替换现有封面。"),
    )

    class Meta:
        model = News
        fields = ["title", "category", "summary", "body", "publish_at", "withdrawn_at", "cover"]


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    """News items; the cover goes through the upload check and is public. Saving drops the cached
    public pages (signals), and an item set for a later time goes live on its own (periodic job)."""

    form = NewsForm
    list_display = ["title", "category", "publish_at", "is_live", "withdrawn_at"]
    list_filter = ["category"]
    search_fields = ["title"]
    date_hierarchy = "publish_at"
    readonly_fields = ["cover"]
    ordering = ["-publish_at"]

    @admin.display(description=_("已发布"), boolean=True)
    def is_live(self, obj):
        return obj.publish_at <= timezone.now() and obj.withdrawn_at is None

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("cover_upload")
        if upload:
            obj.cover = upload_store(file=upload, kind=StoredFile.Kind.IMAGE, actor=request.user, public=True)
        super().save_model(request, obj, form, change)


class LessonInline(admin.StackedInline):
    """Lessons of a course; a video link must be https on an allowed site (the model's validator)."""

    model = Lesson
    extra = 0
    fields = ["position", "title", "body", "video_url", "minutes"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a link typed without one is https


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "position", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    inlines = [LessonInline]


@admin.register(Cartoon)
class CartoonAdmin(admin.ModelAdmin):
    """Read here; attached and replaced on the staff page (the upload check runs there)."""

    list_display = ["title", "honouree", "updated_at"]
    search_fields = ["title", "entry__name"]
    readonly_fields = ["honouree", "image", "created_by"]
    exclude = ["entry"]

    @admin.display(description=_("获奖者"))
    def honouree(self, obj):
        return user_content(str(obj.entry))  # the honouree and award as published: data

    def has_add_permission(self, request):
        return False


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["lesson", "user", "member", "completed_at"]
    list_select_related = ["lesson", "user", "member"]
    raw_id_fields = ["lesson", "user", "member"]
    date_hierarchy = "completed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
