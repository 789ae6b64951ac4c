"""``python manage.py seed_honourees --count 5000``: published honourees for the bench of /honourees/.

Writes ``--count`` published public rows (years, awards, regions, priority fields and summaries that look
like the real ones) with the source ``bench:honouree:<n>``, by ``bulk_create``. Idempotent: rows already
there are kept and only the missing ones are added; ``--reset`` deletes the bench rows first. Runs with
DEBUG off (it writes no account and no personal data), so the bench can call it on its own database.
"""

import random
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from unionportal.orgs.demo_data import ORGANISATIONS
from unionportal.orgs.enums import Level
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry
from unionportal.selection.enums import Tag

SOURCE_PREFIX = "bench:"
SOURCE = SOURCE_PREFIX + "honouree:{n}"
BATCH = 1000
FIRST_YEAR, LAST_YEAR = 2012, 2025

# (programme, award, share of rows, is an individual)
AWARDS = [
    ("五一劳动奖章", "湖北省五一劳动奖章", 40, True),
    ("五一劳动奖状", "湖北省五一劳动奖状", 15, False),
    ("工人先锋号", "湖北省工人先锋号", 30, False),
    ("全国五一劳动奖章推荐", "全国五一劳动奖章", 5, True),
    ("荆楚工匠", "荆楚工匠", 10, True),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈覃向"
)
GIVEN = "建国军华明志强伟平红芳丽敏静秀英海涛勇刚德胜春燕玉兰晓峰文斌光荣长青新民立群永忠宏亮佳慧思远"
PLACES = ["楚天", "荆楚", "汉江", "长江", "鄂中", "江汉", "清江", "襄江", "三峡", "大别山", "武当", "云梦"]
TRADES = [
    ("机械制造", "数控车间"),
    ("化工", "合成车间"),
    ("电力", "检修班"),
    ("食品", "生产车间"),
    ("纺织", "织造车间"),
    ("建筑工程", "项目部"),
    ("物流", "调度中心"),
    ("光电子", "研发中心"),
    ("汽车零部件", "装配线"),
    ("水泥建材", "窑炉班"),
]
DEEDS = [
    "扎根生产一线{years}年，带领班组攻克关键工艺难题{count}项，年创效益{money}万元。",
    "主持技术革新{count}项，获国家专利{patents}项，产品合格率提升到99%以上。",
    "创办职工创新工作室，带出技师、高级技师{count}名，所在班组连续{years}年无安全事故。",
    "推动节能减排改造，年节约能耗折合标准煤{money}吨，获评省级绿色工厂。",
    "坚守岗位{years}年，先后帮扶困难职工{count}户，带动周边农户稳定增收。",
]


def _rows(count: int, rng: random.Random):
    # The place, as selection.services.region_of writes it (襄阳市, not 襄阳市总工会).
    regions = [o["name"].removesuffix("总工会") for o in ORGANISATIONS if o["level"] == Level.CITY]
    weights = [a[2] for a in AWARDS]
    tags = list(Tag.values)
    tz = timezone.get_current_timezone()
    for n in range(count):
        programme, award, _share, individual = rng.choices(AWARDS, weights=weights)[0]
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        place, (trade, team) = rng.choice(PLACES), rng.choice(TRADES)
        unit = f"{place}{trade}{rng.choice(['有限公司', '股份有限公司', '集团有限公司'])}"
        if individual:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        elif award.endswith("奖状"):
            name = unit
        else:
            name = f"{unit}{team}"
        figures = {
            "years": rng.randint(8, 30),
            "count": rng.randint(3, 40),
            "money": rng.randint(50, 2000),
            "patents": rng.randint(1, 12),
        }
        summary = rng.choice(DEEDS).format(**figures)
        chosen = sorted(rng.sample(tags, rng.randint(1, 2)), key=tags.index)
        yield (
            n,
            PublicEntry(
                year=year,
                programme=programme,
                award=award,
                name=name,
                unit=unit,
                region=rng.choice(regions),
                stage=PublicEntry.Stage.PUBLISHED,
                summary=summary,
                deeds=summary + rng.choice(DEEDS).format(**figures),
                tags=f",{','.join(chosen)},",
                published_at=timezone.make_aware(datetime(year, 4, 28, 10), tz),
                source=SOURCE.format(n=n),
            ),
        )


class Command(BaseCommand):
    help = "Write N published bench honourees (source 'bench:…') to the public table; adds only the missing ones."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument("--reset", action="store_true", help="Delete the bench honourees first.")

    def handle(self, *args, count, reset, **options):
        if count < 0:
            raise CommandError("--count must be 0 or more.")
        bench = PublicEntry.objects.filter(source__startswith=SOURCE_PREFIX)
        with transaction.atomic():
            if reset:
                deleted, _by_model = bench.delete()
                self.stdout.write(f"Deleted {deleted:,} bench honourees.")
            have = set(bench.values_list("source", flat=True))
            # The same seed gives each bench row the same content on every run.
            missing = [row for n, row in _rows(count, random.Random(2026)) if SOURCE.format(n=n) not in have]
            PublicEntry.objects.bulk_create(missing, batch_size=BATCH)
        if missing:
            invalidate()
        self.stdout.write(
            f"bench honourees: {len(missing):,} added, {bench.count():,} there (asked for {count:,})."
        )
        first = bench.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            # Read by bin/bench to fill the honouree page's path.
            self.stdout.write(f"bench honouree_pk={first}")
