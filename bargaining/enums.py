from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.IntegerChoices):
    ONE = 1, _("一类")
    TWO = 2, _("二类")
    THREE = 3, _("三类")
    FOUR = 4, _("四类")


class ContractStatus(models.TextChoices):
    NONE = "none", _("未签订集体合同")
    IN_FORCE = "in_force", _("集体合同有效")
    EXPIRED = "expired", _("集体合同已到期")


class Flag(models.TextChoices):
    """The drive's criteria (集中要约行动): an enterprise meeting any of them is a target."""

    NO_CONTRACT = "no_contract", _("未签集体合同")
    EXPIRED = "expired", _("集体合同已到期")
    NO_WAGE_AGREEMENT = "no_wage_agreement", _("本年度未签工资专项集体合同")
    WAGES_FLAT = "wages_flat", _("工资连续两年未增长")
    NEAR_MINIMUM = "near_minimum", _("接近最低工资的职工较多")


class Side(models.TextChoices):
    UNION = "union", _("职工方（工会）")
    EMPLOYER = "employer", _("企业方")


class Topic(models.TextChoices):
    WAGE_SYSTEM = "wage_system", _("工资分配制度")
    WAGE_LEVEL = "wage_level", _("工资水平及增长幅度")
    MINIMUM_WAGE = "minimum_wage", _("企业最低工资")
    PIECE_RATES = "piece_rates", _("计件单价")
    OVERTIME = "overtime", _("加班工资")
    BONUSES = "bonuses", _("奖金和津贴补贴")
    PAY_DATES = "pay_dates", _("工资支付时间")
    WELFARE = "welfare", _("福利")
    HOURS = "hours", _("工作时间")
    WOMEN = "women", _("女职工特殊保护")


class OfferState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已送达，待答复")
    OVERDUE = "overdue", _("逾期未答复")
    ACCEPTED = "accepted", _("已同意协商")
    REFUSED = "refused", _("已拒绝协商")


OPEN_OFFER_STATES = (OfferState.SENT, OfferState.OVERDUE)


class AgreementKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业工资专项集体合同")
    INDUSTRY = "industry", _("行业性工资专项集体合同")
    REGIONAL = "regional", _("区域性工资专项集体合同")


class AgreementState(models.TextChoices):
    NEGOTIATING = "negotiating", _("协商中")
    APPROVED = "approved", _("职代会已通过")
    SIGNED = "signed", _("已签订")
    FILED = "filed", _("已报送审查")
    IN_EFFECT = "in_effect", _("已生效")


SIGNED_STATES = (AgreementState.SIGNED, AgreementState.FILED, AgreementState.IN_EFFECT)
