from django.db import models
from django.utils.translation import gettext_lazy as _

from unionportal.orgs.enums import Level


class NomineeKind(models.TextChoices):
    UNIT = "unit", _("集体（单位）")
    INDIVIDUAL = "individual", _("个人")
    TEAM = "team", _("班组（团队）")


class State(models.TextChoices):
    """Where a candidacy is. Review states name the level that holds it: review climbs the actual
    ancestors, so a candidacy from a union directly under a city goes from ``review2`` to ``review1``."""

    DRAFT = "draft", _("草稿")
    REVIEW4 = "review4", _("乡镇（街道）审核中")
    REVIEW3 = "review3", _("县（市、区）审核中")
    REVIEW2 = "review2", _("市州审核中")
    REVIEW1 = "review1", _("省级审核中")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未通过")
    APPROVED = "approved", _("省级已批准")
    NOTICE = "notice", _("公示中")
    STRUCK = "struck", _("异议成立已撤下")
    PUBLISHED = "published", _("已表彰")
    REVOKED = "revoked", _("已撤销")


REVIEW_STATES = {
    Level.TOWNSHIP: State.REVIEW4,
    Level.COUNTY: State.REVIEW3,
    Level.CITY: State.REVIEW2,
    Level.PROVINCE: State.REVIEW1,
}
STATE_LEVEL = {state: level for level, state in REVIEW_STATES.items()}
REVIEWING_LEVELS = tuple(REVIEW_STATES)  # a programme reviews at some of these; the province always
# States after the province approved: what counts against the province's total quota.
FINAL_STATES = (State.APPROVED, State.NOTICE, State.PUBLISHED)
# States that keep a person's one nomination of a campaign taken.
PERSON_FREEING_STATES = (State.REJECTED, State.STRUCK)


def states_above(level: int) -> tuple[str, ...]:
    """States of a candidacy that a union of ``level`` has forwarded (what uses its quota)."""
    return tuple(REVIEW_STATES[lv] for lv in REVIEWING_LEVELS if lv < level) + FINAL_STATES


class Flag(models.TextChoices):
    """Facts about an individual nominee that the ratio rules count."""

    FRONTLINE = "frontline", _("一线职工")
    MIGRANT = "migrant", _("农民工")
    ENTERPRISE_HEAD = "enterprise_head", _("企业负责人")
    OFFICIAL = "official", _("县处级以上干部")


class RuleKind(models.TextChoices):
    MIN_SHARE = "min_share", _("比例不低于")
    MAX_SHARE = "max_share", _("比例不高于")
    VETO = "veto", _("一票否决（须申报人确认）")


class Tag(models.TextChoices):
    """The plan's priority fields (转型发展、创新驱动、共建共享、协调发展、绿色发展、农业现代化、精准扶贫)."""

    TRANSFORMATION = "transformation", _("转型发展")
    INNOVATION = "innovation", _("创新驱动")
    SHARED = "shared", _("共建共享")
    COORDINATED = "coordinated", _("协调发展")
    GREEN = "green", _("绿色发展")
    AGRICULTURE = "agriculture", _("农业现代化")
    POVERTY = "poverty", _("精准扶贫")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("调查核实中")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class HonourLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("全国")
