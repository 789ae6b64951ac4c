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


# --- films, the poster and the public record -------------------------------------------------------------


class VideoHostQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class VideoHost(models.Model):
    """A video site whose links may be embedded on the public craftsman pages (a list kept as data).

    A link is accepted only on a listed, active host and only over https. ``watch_pattern`` (a regular
    expression over the link's path and query, with a named group ``id``) and ``embed_template`` (with
    ``{id}``) turn a watch link into the site's player URL; a host without a pattern embeds https links on
    it as given. The content security policy of the pages that embed allows exactly the players' origins.
    """

    host = models.CharField(
        _("域名"), max_length=120, unique=True, help_text=_("例如 v.qq.com，不含 https://。")
    )
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    watch_pattern = models.CharField(
        _("观看链接规则"),
        max_length=300,
        blank=True,
        help_text=_("匹配链接路径（含查询串）的正则表达式，用命名分组 id 取出视频编号；留空则原链接嵌入。"),
    )
    embed_template = models.CharField(
        _("嵌入地址模板"),
        max_length=300,
        blank=True,
        help_text=_("播放器地址，用 {id} 代表视频编号，必须以 https:// 开头。"),
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = VideoHostQuerySet.as_manager()

    class Meta:
        verbose_name = _("视频网站")
        verbose_name_plural = pgettext_lazy("plural", "视频网站")
        ordering = ["position", "host"]
        constraints = [
            models.CheckConstraint(
                condition=Q(watch_pattern="", embed_template="")
                | (~Q(watch_pattern="") & Q(embed_template__startswith="https://")),
                name="videohost_pattern_with_template",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.name, self.name_en)


class FilmKind(models.TextChoices):
    FEATURE = "feature", _("专题片")
    TEACHING = "teaching", _("教学片")


class Film(models.Model):
    """A feature film (专题片, one per craftsman) or a teaching video (教学片) on an allowed host."""

    craftsman = models.ForeignKey(Craftsman, on_delete=models.CASCADE, related_name="films")
    kind = models.CharField(_("类型"), max_length=10, choices=FilmKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    url = models.URLField(_("观看链接"), max_length=500)
    embed_url = models.URLField(_("嵌入地址"), max_length=500)
    host = models.ForeignKey(
        VideoHost, verbose_name=_("视频网站"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("工匠影片")
        verbose_name_plural = pgettext_lazy("plural", "工匠影片")
        ordering = ["craftsman", "kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["craftsman"], condition=Q(kind="feature"), name="film_one_feature_per_craftsman"
            ),
        ]

    def __str__(self):
        return self.title


class CraftsmanPoster(models.Model):
    """The craftsman's poster (海报), an image through the upload path; public once the craftsman is."""

    craftsman = models.OneToOneField(
        Craftsman, primary_key=True, on_delete=models.CASCADE, related_name="poster"
    )
    image = models.ForeignKey(
        "uploads.StoredFile", verbose_name=_("海报"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("工匠海报")
        verbose_name_plural = pgettext_lazy("plural", "工匠海报")

    def __str__(self):
        return str(self.craftsman)


class CraftsmanPublic(models.Model):
    """What the public craftsman pages may show beyond the public row: written when the candidacy goes on
    notice or is published (the pipeline's ``public_extras`` hook) and when staff change the films of a
    craftsman already public. Public fields only; the pages read this and ``PublicEntry``, nothing else."""

    entry = models.OneToOneField(
        "public.PublicEntry", primary_key=True, on_delete=models.CASCADE, related_name="craftsman"
    )
    batch = models.PositiveSmallIntegerField(_("批次"), default=1)
    trade = models.CharField(_("工种"), max_length=60)
    trade_en = models.CharField(_("英文工种名称"), max_length=120, blank=True)
    skill_grade = models.CharField(_("技能等级"), max_length=20, choices=SkillGrade.choices)
    years_in_trade = models.PositiveSmallIntegerField(_("从事本工种年限"))
    position = models.CharField(_("岗位"), max_length=60, blank=True)
    signature_skills = models.TextField(_("绝活绝技"))
    apprentices = models.PositiveIntegerField(_("带徒人数"), default=0)
    honours = models.TextField(_("所获荣誉"), blank=True)
    # [{"kind", "number", "title", "granted_on"}] and [{"kind", "title", "url", "embed_url", "host"}]
    patents = models.JSONField(_("专利和创新成果"), default=list, blank=True)
    films = models.JSONField(_("影片"), default=list, blank=True)
    poster = models.ForeignKey(
        "uploads.StoredFile",
        verbose_name=_("海报"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("工匠公开信息")
        verbose_name_plural = pgettext_lazy("plural", "工匠公开信息")
        ordering = ["-entry__year", "batch", "entry__name"]

    def __str__(self):
        return str(self.entry)

    @property
    def trade_label(self) -> str:
        return in_language(self.trade, self.trade_en)
