from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from unionportal.i18n import register_stored_texts


class JobStatus(models.TextChoices):
    EMPLOYED = "employed", _("在岗")
    LAID_OFF = "laid_off", _("去产能分流安置")
    UNEMPLOYED = "unemployed", _("失业")
    FLEXIBLE = "flexible", _("灵活就业")
    RETIRED = "retired", _("退休")
    OTHER = "other", _("其他")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("重病")
    DISABILITY = "disability", _("残疾")
    SCHOOLING = "schooling", _("子女就学")
    UNEMPLOYMENT = "unemployment", _("失业")
    ACCIDENT = "accident", _("意外事故")
    DISASTER = "disaster", _("自然灾害")
    LOW_WAGE = "low_wage", _("收入低")
    OTHER = "other", _("其他")


# Causes that make a household "accident-caused" (意外致困) within 12 months whatever its income.
SUDDEN_CAUSES = frozenset({Cause.ACCIDENT, Cause.ILLNESS, Cause.DISASTER})


class Category(models.TextChoices):
    DEEP = "deep", _("深度困难")
    RELATIVE = "relative", _("相对困难")
    ACCIDENT = "accident", _("意外致困")
    NONE = "none", _("不符合建档条件")


class HouseholdState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    VERIFIED = "verified", _("已入户核实")
    APPRAISED = "appraised", _("已民主评议")
    NOTICED = "noticed", _("已在单位公示")
    FILED = "filed", _("已建档")
    ASSISTED = "assisted", _("帮扶中")
    ESCAPED = "escaped", _("已脱困")
    EXITED = "exited", _("已退档")
    REJECTED = "rejected", _("不予建档")


# States of an open file: one per worker (ID number) in the whole province.
ACTIVE_STATES = (
    HouseholdState.APPLIED,
    HouseholdState.VERIFIED,
    HouseholdState.APPRAISED,
    HouseholdState.NOTICED,
    HouseholdState.FILED,
    HouseholdState.ASSISTED,
)
FILED_STATES = (HouseholdState.FILED, HouseholdState.ASSISTED)


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙辈")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("慢性病")
    SERIOUS = "serious", _("重大疾病")
    DISABLED = "disabled", _("残疾")


class Schooling(models.TextChoices):
    NONE = "none", _("不在学")
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中职")
    COLLEGE = "college", _("大学及以上")


class MeasureType(models.TextChoices):
    LIVING = "living", _("生活救助")
    MEDICAL = "medical", _("医疗救助")
    SCHOOLING = "schooling", _("助学")
    JOB = "job", _("就业援助")
    TRAINING = "training", _("技能培训")
    LEGAL = "legal", _("法律援助")
    OTHER = "other", _("其他")


class MeasureForm(models.TextChoices):
    CASH = "cash", _("现金")
    KIND = "kind", _("实物/服务")


class FundSource(models.TextChoices):
    UNION = "union", _("工会经费")
    GOVERNMENT = "government", _("财政资金")
    ENTERPRISE = "enterprise", _("企业")
    DONATION = "donation", _("社会捐助")
    OTHER = "other", _("其他")


# The sentences a household's category basis (认定依据) is written in: services.categorise writes
# them from these templates, and the history lines the measures leave. They are stored as written, so
# pages show them in the reader's language through unionportal.i18n (the amounts and names stay).
DEEP_EXPLANATION = _("家庭人均月收入 %(income)s 元，低于%(where)s低保线 %(line)s 元，认定为深度困难。")
ACCIDENT_EXPLANATION = _("%(date)s 发生突发致困事件（12 个月内），不论收入，认定为意外致困。")
RELATIVE_EXPLANATION = _(
    "家庭人均月收入 %(income)s 元，低于 %(k)s × 低保线 %(line)s 元 = %(limit)s 元，且有致困原因，认定为相对困难。"
)
NO_CAUSE_EXPLANATION = _(
    "家庭人均月收入 %(income)s 元，低于 %(limit)s 元，但未填写致困原因，不符合建档条件。"
)
ABOVE_LINE_EXPLANATION = _(
    "家庭人均月收入 %(income)s 元，不低于 %(k)s × 低保线 %(line)s 元 = %(limit)s 元，且无 12 个月内的突发致困事件，不符合建档条件。"
)
CATEGORY_EXPLANATIONS = (
    DEEP_EXPLANATION,
    ACCIDENT_EXPLANATION,
    RELATIVE_EXPLANATION,
    NO_CAUSE_EXPLANATION,
    ABOVE_LINE_EXPLANATION,
)
FIRST_MEASURE_COMMENT = _("登记首项帮扶措施")
# The history line of a measure ("生活救助 1000.00"): one template per type, the type's label being
# interface text (shown in the reader's language) and the amount data (kept as written).
MEASURE_COMMENTS = {kind: format_lazy("{} %(amount)s", kind.label) for kind in MeasureType}

register_stored_texts(*CATEGORY_EXPLANATIONS, FIRST_MEASURE_COMMENT, *MEASURE_COMMENTS.values())
