"""What a May Day award nomination says beyond the shared candidacy: the nominee's details per kind.

The candidacy (``unionportal.selection``) carries the state, the public fields, the ID number and the
rule flags; this row carries what the recommendation form (推荐审批表) asks. Fields of the other kinds
stay empty.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection.models import Candidacy


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    NONE = "masses", _("群众")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中（中专、技校）")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class UnitType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    GOVERNMENT = "government", _("机关")
    SOCIAL = "social", _("社会组织")
    OTHER = "other", _("其他")


class Nomination(models.Model):
    candidacy = models.OneToOneField(
        Candidacy, primary_key=True, on_delete=models.CASCADE, related_name="nomination"
    )
    # Individual (奖章)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=16, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    job_title = models.CharField(_("职称（技术等级）"), max_length=60, blank=True)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    employer = models.ForeignKey(
        Enterprise,
        verbose_name=_("工作单位（企业）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Unit (奖状): an enterprise or a union organisation
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("推荐企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("推荐单位（组织）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    unit_type = models.CharField(_("单位性质"), max_length=16, choices=UnitType.choices, blank=True)
    employees = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    # Team (工人先锋号)
    parent_unit = models.CharField(_("所在单位"), max_length=200, blank=True)
    leader = models.CharField(_("负责人"), max_length=60, blank=True)
    member_count = models.PositiveIntegerField(_("班组人数"), null=True, blank=True)
    members = models.TextField(_("主要成员"), blank=True, help_text=_("每行一人：姓名、岗位。"))

    class Meta:
        verbose_name = _("五一劳动奖推荐")
        verbose_name_plural = pgettext_lazy("plural", "五一劳动奖推荐")

    def __str__(self):
        return str(self.candidacy)

    def audit_org_path(self) -> str:
        """Audit events about the details (a revealed phone) are scoped like the candidacy."""
        return self.candidacy.organisation.path


class NominationWay(models.TextChoices):
    """How a 最美一线职工 candidate came in (the campaign plan: 自荐、他荐、组织推荐)."""

    SELF = "self", _("本人自荐")
    OTHER = "other", _("他人推荐")
    ORGANISATION = "organisation", _("组织推荐")


class FrontlineEntry(models.Model):
    """What a 最美一线职工 candidacy says beyond the shared candidacy: the way it came in, who nominated,
    the worker's job, skills and innovations, and the grassroots union's confirmation.

    A public nomination (self or other) waits as a draft until the worker's grassroots union confirms it
    (``confirmed_at``) and, for a nomination by another person, until the nominee consented by a code
    sent to their phone (the candidacy's ``consent_at``); only then is it submitted for review.
    """

    candidacy = models.OneToOneField(
        Candidacy, primary_key=True, on_delete=models.CASCADE, related_name="frontline"
    )
    way = models.CharField(_("推荐方式"), max_length=12, choices=NominationWay.choices)
    nominator_name = models.CharField(_("推荐人"), max_length=120, blank=True)
    # The nominator's verified phone (a nomination by another person); masked wherever it is shown.
    nominator_phone = models.CharField(_("推荐人手机号"), max_length=11, blank=True)
    phone = models.CharField(_("本人手机号"), max_length=11, blank=True)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    job = models.CharField(_("岗位（工种）"), max_length=60, blank=True)
    is_manager = models.BooleanField(_("担任车间主任以上管理职务"), default=False)
    skills = models.TextField(_("技能特长"), blank=True)
    innovations = models.TextField(_("创新成果"), blank=True)
    confirmed_at = models.DateTimeField(_("基层工会确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("最美一线职工推荐")
        verbose_name_plural = pgettext_lazy("plural", "最美一线职工推荐")

    def __str__(self):
        return str(self.candidacy)

    def audit_org_path(self) -> str:
        return self.candidacy.organisation.path
