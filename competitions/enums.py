from django.db import models
from django.utils.translation import gettext_lazy as _


class EntrantKind(models.TextChoices):
    TEAM = "team", _("班组")
    UNIT = "unit", _("单位")
    INDIVIDUAL = "individual", _("个人")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Method(models.TextChoices):
    TARGET = "target", _("设标定量计分")
    JUDGED = "judged", _("评委定性评分")


class EntrantState(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待核查")
    CHECKED = "checked", _("已核查")
    RETURNED = "returned", _("已退回")


class WinnerState(models.TextChoices):
    PROPOSED = "proposed", _("拟表彰")
    NOTICE = "notice", _("公示中")
    PUBLISHED = "published", _("已公布")
