from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    """How a candidate's expert totals become one score (a programme setting)."""

    MEAN = "mean", _("算术平均")
    TRIMMED = "trimmed", _("去掉最高分和最低分后平均（不少于5份评分时）")


class AssignmentState(models.TextChoices):
    ASSIGNED = "assigned", _("待申报回避")
    CLEARED = "cleared", _("已申报无利益冲突")
    CONFLICT = "conflict", _("已申报回避")
    REMOVED = "removed", _("已撤销分配")


# Assignments that count: an expert sees and scores these.
ACTIVE_STATES = (AssignmentState.ASSIGNED, AssignmentState.CLEARED)


class ScoreStatus(models.TextChoices):
    NONE = "", _("未评分")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
