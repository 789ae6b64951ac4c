"""Hubei's minimum wage tiers from 2021-09-01, the reference rows the portal starts with.

一类 2010, 二类 1800, 三类 1650, 四类 1520 元/月 (hourly 19.5, 18, 16.5, 15.5 元). Staff must check these
figures, and which tier each city and county is placed in, against the provincial notice in force: the
tier given below to each region is this seed's assumption, the province's row is the default for every
region without a row of its own (the lowest tier), and a later notice is a new row with its own date.

The data migration loads them; ``seed_demo`` loads any that are missing (a database flushed by a test run
or restored without them), and never overwrites a row staff have corrected in the admin.
"""

from datetime import date
from decimal import Decimal

FROM = date(2021, 9, 1)
TIERS = {1: ("2010", "19.5"), 2: ("1800", "18"), 3: ("1650", "16.5"), 4: ("1520", "15.5")}
# region code, name, tier
REGIONS = [
    ("420000", "湖北省（未单列地区）", 4),
    ("420100", "武汉市", 1),
    ("420500", "宜昌市", 2),
    ("420600", "襄阳市", 2),
    ("420684", "宜城市", 3),
]


def load(model) -> int:
    """Create the rows of REGIONS that ``model`` (the current or a migration's MinimumWage) lacks."""
    created = 0
    for code, name, tier in REGIONS:
        monthly, hourly = TIERS[tier]
        _row, new = model.objects.get_or_create(
            region_code=code,
            effective_from=FROM,
            defaults={
                "region_name": name,
                "tier": tier,
                "monthly": Decimal(monthly),
                "hourly": Decimal(hourly),
            },
        )
        created += new
    return created
