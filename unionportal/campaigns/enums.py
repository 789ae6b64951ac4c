from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    """States of a grassroots activity report; the allowed moves are the workflow in workflows.py."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已采用")
    RETURNED = "returned", _("已退回")


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("到期前提醒")
    OVERDUE = "overdue", _("逾期提醒")
