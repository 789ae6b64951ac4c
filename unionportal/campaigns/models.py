from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Campaign(models.Model):
    """One year's May Day campaign; exactly one is current."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    theme = models.CharField(_("主题"), max_length=120)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    is_current = models.BooleanField(_("当前"), default=False)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = pgettext_lazy("plural", "活动")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_campaign"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.theme}"
