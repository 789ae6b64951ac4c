import posixpath
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal import permissions

UPLOADS_DIR = "uploads"


def stored_file_path(instance, filename: str) -> str:
    """A random storage name that keeps only the extension: the user's file name never reaches the disk.

    The token is not the primary key, so knowing a file's URL tells nothing about where it is stored.
    """
    extension = posixpath.splitext(filename)[1].lower()
    return f"{UPLOADS_DIR}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class StoredFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public files, the user's own uploads, and files of organisations in the user's scope."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.filter(is_public=True)
        if user.is_superuser:
            return self.all()
        # Whoever uploaded a file may open it again, whatever their role (a form shown with errors).
        in_scope = permissions.scope_q(user, "stored_file", "open", "organisation__path")
        return self.filter(Q(is_public=True) | Q(uploaded_by=user) | in_scope)


class StoredFile(models.Model):
    """One checked upload (see services.upload_store); served only through the uploads views."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("图片")
        PDF = "pdf", _("PDF 文档")
        SHEET = "sheet", _("表格")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=stored_file_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=stored_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("内容类型"), max_length=100)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("所属组织"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stored_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploaded_files",
    )
    is_public = models.BooleanField(_("公开"), default=False)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = StoredFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("上传文件")
        verbose_name_plural = pgettext_lazy("plural", "上传文件")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="image") | Q(width__isnull=True, height__isnull=True, thumbnail=""),
                name="storedfile_dimensions_only_for_images",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("uploads:file", kwargs={"pk": self.pk})

    @property
    def thumbnail_url(self) -> str:
        """The thumbnail's serving URL; empty for files without one (everything but images)."""
        return reverse("uploads:thumbnail", kwargs={"pk": self.pk}) if self.thumbnail else ""

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE
