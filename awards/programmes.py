"""The May Day award programmes of a campaign and the published rules they start with.

The figures are the plan's (50 奖状, 100 奖章, 100 工人先锋号) and the rules the federation publishes
each year; staff edit both in the admin, and the forwarding checks read the rows, not this file.
"""

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from unionportal.orgs.enums import Level
from unionportal.selection.enums import Flag, NomineeKind, RuleKind
from unionportal.selection.models import Programme, Rule

PROGRAMMES = (
    # code, name, award, kind, quota, national
    ("unit", _("五一劳动奖状"), _("湖北省五一劳动奖状"), NomineeKind.UNIT, 50, False),
    ("medal", _("五一劳动奖章"), _("湖北省五一劳动奖章"), NomineeKind.INDIVIDUAL, 100, False),
    ("team", _("工人先锋号"), _("湖北省工人先锋号"), NomineeKind.TEAM, 100, False),
    ("national", _("全国五一劳动奖章推荐"), _("全国五一劳动奖章（推荐）"), NomineeKind.INDIVIDUAL, 10, True),
)

SHARE_RULES = (
    (RuleKind.MIN_SHARE, Flag.FRONTLINE, 65),
    (RuleKind.MIN_SHARE, Flag.MIGRANT, 15),
    (RuleKind.MAX_SHARE, Flag.ENTERPRISE_HEAD, 20),
    (RuleKind.MAX_SHARE, Flag.OFFICIAL, 5),
)

# The ACFTU's own honours, as the archive of national honours and the past-honours register name them:
# listed so that the catalogue carries their English, which English pages show for rows stored without one.
NATIONAL_AWARDS = (_("全国五一劳动奖状"), _("全国五一劳动奖章"), _("全国工人先锋号"))

VETOES = (
    ("safety", _("近%(years)s年未发生重大及以上生产安全责任事故"), 3),
    ("arrears", _("近%(years)s年无拖欠职工工资、社会保险费行为"), 3),
    ("environment", _("近%(years)s年未发生严重环境违法行为"), 3),
    ("union", _("已依法建立工会组织并召开职工代表大会"), None),
)


def default_rules(programme: Programme) -> list[Rule]:
    rules = []
    position = 0
    if programme.nominee_kind == NomineeKind.INDIVIDUAL:
        for kind, flag, percent in SHARE_RULES:
            position += 1
            rules.append(Rule(programme=programme, kind=kind, flag=flag, percent=percent, position=position))
    for code, label, years in VETOES:
        position += 1
        rules.append(
            Rule(
                programme=programme,
                kind=RuleKind.VETO,
                code=code,
                label=str(label),
                label_en=english(label),
                years=years,
                position=position,
            )
        )
    return Rule.objects.bulk_create(rules)


def english(text) -> str:
    """The catalogue's English for a programme or award name; "" where it has none (shown in Chinese)."""
    with translation.override("en"):
        translated = translation.gettext(str(text))
    return "" if translated == str(text) else translated


def award_programmes_create(*, campaign, opens_on, closes_on, review_levels=None) -> list[Programme]:
    """The campaign's four award programmes with their default rules (idempotent by code)."""
    tz = timezone.get_current_timezone()
    created = []
    with transaction.atomic():
        for code, name, award, kind, quota, national in PROGRAMMES:
            programme, new = Programme.objects.get_or_create(
                campaign=campaign,
                code=code,
                defaults={
                    "app": "awards",
                    "name": str(name),
                    "award": str(award),
                    "name_en": english(name),
                    "award_en": english(award),
                    "nominee_kind": kind,
                    "is_national": national,
                    "total_quota": quota,
                    "intake_opens_at": timezone.make_aware(datetime.combine(opens_on, time.min), tz),
                    "intake_closes_at": timezone.make_aware(datetime.combine(closes_on, time(17, 30)), tz),
                    "review_levels": list(review_levels or (Level.COUNTY, Level.CITY, Level.PROVINCE)),
                },
            )
            if new:
                default_rules(programme)
            created.append(programme)
    return created
