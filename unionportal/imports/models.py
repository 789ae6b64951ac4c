from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .enums import JobStatus


class ImportJobQuerySet(models.QuerySet):
    def owned_by(self, user):
        """A job is visible to the user who uploaded it, and to nobody else."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(actor=user)


class ImportJob(models.Model):
    """One uploaded spreadsheet on its way through preview and an all-or-nothing import."""

    resource_key = models.CharField(_("数据类型"), max_length=64)
    file_name = models.CharField(_("文件名"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    # {"counts": {status: n}, "rows": [{"row", "status", "summary", "messages"}], "errors": [...], ...}
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    error_message = models.TextField(_("错误说明"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="importjob_actor")]

    def __str__(self):
        return f"{self.resource_key} · {self.file_name} · {self.get_status_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("imports:job", args=[self.pk])

    @property
    def progress_percent(self) -> int:
        if not self.total:
            return 100 if self.status in (JobStatus.DONE, JobStatus.PREVIEWED) else 0
        return min(100, self.processed * 100 // self.total)

    @property
    def phase(self) -> str:
        """ "preview" until the user confirms, then "import"."""
        return "import" if self.confirmed_at else "preview"

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)


class ImportFile(models.Model):
    """One uploaded file of a job: a workbook holding every sheet, or a CSV file holding one.

    Kept in the database so web and worker need no shared volume, and deleted once the job has
    finished, so personal data in it is not kept longer than needed.
    """

    job = models.ForeignKey(
        ImportJob, verbose_name=_("导入任务"), on_delete=models.CASCADE, related_name="files"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    # The importer's sheet the file holds; "" for a file holding every sheet (a workbook, or the one
    # table of a one-sheet import).
    sheet = models.CharField(_("表"), max_length=32, blank=True)
    name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), editable=False)

    class Meta:
        verbose_name = _("导入文件")
        verbose_name_plural = pgettext_lazy("plural", "导入文件")
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="importfile_job_position")]

    def __str__(self):
        return self.name
