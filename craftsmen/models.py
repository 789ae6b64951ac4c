"""What a 荆楚工匠 recommendation says beyond the shared candidacy: the craftsman's trade, grade, skills,
patents and the enterprise that recommends them; the trades as data; the programme's own settings.

The candidacy (``unionportal.selection``) carries the state, the public fields (name, unit, region,
summary, deeds, photo), the ID number and the evidence files; ``Craftsman`` is one-to-one with it.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.i18n import in_language
from unionportal.orgs.models import Enterprise
from unionportal.selection.models import Candidacy, Programme

APP = "craftsmen"


class SkillGrade(models.TextChoices):
    """The national vocational skill grades (五级 to 一级) and the enterprise chief technician above them."""

    JUNIOR = "junior", _("初级工")
    INTERMEDIATE = "intermediate", _("中级工")
    SENIOR = "senior", _("高级工")
    TECHNICIAN = "technician", _("技师")
    SENIOR_TECHNICIAN = "senior_technician", _("高级技师")
    CHIEF = "chief", _("首席技师")


class PatentKind(models.TextChoices):
    INVENTION = "invention", _("发明专利")
    UTILITY = "utility", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")
    INNOVATION = "innovation", _("技术革新成果")


class TradeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Trade(models.Model):
    """A trade (工种) as the occupation classification names it; a list kept as data (admin)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("工种名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    category = models.CharField(_("类别"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = TradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("工种")
        verbose_name_plural = pgettext_lazy("plural", "工种")
        ordering = ["position", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class CraftsmanProgramme(models.Model):
    """The 荆楚工匠 programme's own settings, one-to-one with the shared programme."""

    programme = models.OneToOneField(
        Programme,
        primary_key=True,
        verbose_name=_("评选项目"),
        on_delete=models.CASCADE,
        related_name="craftsman_settings",
    )
    per_enterprise_limit = models.PositiveSmallIntegerField(
        _("每个企业推荐人数上限"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("同一企业在本项目中推荐的人数（含草稿，不含未通过的）不能超过此数。"),
    )
    batch_size = models.PositiveSmallIntegerField(
        _("每批人数"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("荆楚工匠项目设置")
        verbose_name_plural = pgettext_lazy("plural", "荆楚工匠项目设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(per_enterprise_limit__gte=1) & Q(batch_size__gte=1),
                name="craftsmanprogramme_positive",
            ),
        ]

    def __str__(self):
        return str(self.programme)


class Craftsman(models.Model):
    candidacy = models.OneToOneField(
        Candidacy, primary_key=True, on_delete=models.CASCADE, related_name="craftsman"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("推荐企业"), on_delete=models.PROTECT, related_name="+"
    )
    trade = models.ForeignKey(Trade, verbose_name=_("工种"), on_delete=models.PROTECT, related_name="+")
    skill_grade = models.CharField(_("技能等级"), max_length=20, choices=SkillGrade.choices)
    years_in_trade = models.PositiveSmallIntegerField(
        _("从事本工种年限"), validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    position = models.CharField(_("岗位"), max_length=60, blank=True)
    signature_skills = models.TextField(_("绝活绝技"), help_text=_("拿手的绝活、绝技及其达到的水平。"))
    apprentices = models.PositiveIntegerField(_("带徒人数"), default=0)
    honours = models.TextField(_("所获荣誉"), blank=True, help_text=_("每行一项：年份、荣誉名称、授予单位。"))

    class Meta:
        verbose_name = _("荆楚工匠推荐")
        verbose_name_plural = pgettext_lazy("plural", "荆楚工匠推荐")
        constraints = [
            models.CheckConstraint(condition=Q(years_in_trade__lte=60), name="craftsman_years_range"),
        ]

    def __str__(self):
        return str(self.candidacy)

    def audit_org_path(self) -> str:
        return self.candidacy.organisation.path


class Patent(models.Model):
    """A patent or recognised innovation of the craftsman (number, title, grant date)."""

    craftsman = models.ForeignKey(Craftsman, on_delete=models.CASCADE, related_name="patents")
    kind = models.CharField(_("类型"), max_length=12, choices=PatentKind.choices)
    number = models.CharField(_("专利号（成果编号）"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    granted_on = models.DateField(_("授权（认定）日期"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("专利和创新成果")
        verbose_name_plural = pgettext_lazy("plural", "专利和创新成果")
        ordering = ["craftsman", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["craftsman", "number"], name="patent_unique_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"
