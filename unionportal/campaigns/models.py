from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """One year's May Day campaign; exactly one is current."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    theme = models.CharField(_("theme"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_campaign"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.year} {self.theme}"
