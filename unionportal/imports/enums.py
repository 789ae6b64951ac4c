from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("等待校验")
    PREVIEWED = "previewed", _("已预览")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RowStatus(models.TextChoices):
    """How the preview marks a spreadsheet row."""

    NEW = "new", _("新增")
    CHANGED = "changed", _("更新")
    UNCHANGED = "unchanged", _("无变化")
    ERROR = "error", _("错误")
