from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PublicEntryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(stage=PublicEntry.Stage.PUBLISHED)


class PublicEntry(models.Model):
    """What the public site may show of a candidate or honouree: public fields only.

    A row is written when a candidate goes on notice, into a public vote or is published; withdrawing
    or revoking removes or marks it. Public pages read this table (and news) and nothing else, so no
    page can show an ID number, a phone or anything that was never put forward.
    """

    class Stage(models.TextChoices):
        NOTICE = "notice", _("On public notice")
        VOTE = "vote", _("In public evaluation")
        PUBLISHED = "published", _("Published")
        REVOKED = "revoked", _("Revoked")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    programme = models.CharField(_("programme"), max_length=80)
    award = models.CharField(_("award"), max_length=80, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True, db_index=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, db_index=True)
    summary = models.TextField(_("deeds summary"), blank=True)
    deeds = models.TextField(_("deeds"), blank=True)
    media_url = models.URLField(_("media link"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Which record this row speaks for ("app_label.model:pk"); never shown.
    source = models.CharField(max_length=80, unique=True)

    objects = PublicEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("public entry")
        verbose_name_plural = _("public entries")
        ordering = ["-year", "award", "name"]
        indexes = [models.Index(fields=["stage", "-year", "award", "name"], name="publicentry_list")]

    def __str__(self):
        return f"{self.year} {self.award} {self.name}"

    def get_absolute_url(self):
        return reverse("public:honouree", args=[self.pk])
