from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    """The period over which a voter's votes for one candidate are limited."""

    DAY = "day", _("每天")
    WINDOW = "window", _("整个投票期")


class VoteStatus(models.TextChoices):
    COUNTED = "counted", _("已计票")
    QUARANTINED = "quarantined", _("待核查（暂不计票）")
    DISCARDED = "discarded", _("已作废")


class AnomalyFlag(models.TextChoices):
    """Why a vote was put in quarantine (anti-fraud checks run on every vote)."""

    BURST = "burst", _("同一候选人短时集中得票")
    NETWORK = "network", _("同一网段大量投票人")
    REGULAR = "regular", _("投票间隔呈机器规律")
    SEGMENT = "segment", _("同一号段大量号码投票")
