"""``python manage.py seed_craftsmen_bench``: published 荆楚工匠 batches for the bench of the public
craftsman pages (``/jingchu-craftsmen/`` and one craftsman's page).

Writes what publication writes, the public storage only: for each of the years 2024-2026 two batches of
10 craftsmen, each a published ``PublicEntry`` (source ``bench:craftsman:<n>``) with its ``CraftsmanPublic``
(trade, grade, skills, patents, a feature film and two teaching videos on allowed hosts). Idempotent:
only missing rows are added; ``--reset`` deletes the bench craftsmen first. Prints ``bench craftsman_pk=``
for bin/bench to fill the craftsman page's path.
"""

import random
from datetime import date, datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from craftsmen.films import film_link_check
from craftsmen.models import CraftsmanPublic, SkillGrade, VideoHost
from craftsmen.trades import TRADES
from craftsmen.video_hosts import hosts_ensure
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry

SOURCE_PREFIX = "bench:craftsman:"
YEARS = (2024, 2025, 2026)
BATCHES, PER_BATCH = 2, 10
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
GIVEN = "建国军华明志强伟平红芳丽敏静秀英海涛勇刚德胜春燕玉兰晓峰文斌光荣长青新民"
UNITS = [
    "东风汽车集团有限公司",
    "武汉钢铁有限公司",
    "中国三峡集团",
    "湖北宜化集团",
    "长飞光纤光缆股份有限公司",
]
REGIONS = ["武汉市", "襄阳市", "宜昌市", "黄石市", "十堰市", "荆州市", "孝感市", "黄冈市"]
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _films(rng: random.Random, name: str, trade: str, hosts) -> list[dict]:
    bvid = "BV1" + "".join(rng.choice(BASE58) for _n in range(9))
    vid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _n in range(11))
    films = [
        (
            "feature",
            f"《匠心荆楚》{name}",
            f"https://www.hbtv.com.cn/p/2026/0428/jcgj{rng.randint(1000, 9999)}.html",
        ),
        ("teaching", f"{trade}绝技教学（上）", f"https://www.bilibili.com/video/{bvid}"),
        ("teaching", f"{trade}绝技教学（下）", f"https://v.qq.com/x/page/{vid}.html"),
    ]
    out = []
    for kind, title, url in films:
        link = film_link_check(url, hosts=hosts)
        out.append(
            {
                "kind": kind,
                "title": title,
                "url": link.url,
                "embed_url": link.embed_url,
                "host": link.host.host,
            }
        )
    return out


class Command(BaseCommand):
    help = "Write published bench craftsmen (source 'bench:craftsman:…') to the public storage."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the bench craftsmen first.")

    def handle(self, *args, reset, **options):
        hosts_ensure(VideoHost)
        hosts = list(VideoHost.objects.active())
        rng = random.Random(2026)
        bench = PublicEntry.objects.filter(source__startswith=SOURCE_PREFIX)
        tz = timezone.get_current_timezone()
        added = 0
        with transaction.atomic():
            if reset:
                bench.delete()
            have = set(bench.values_list("source", flat=True))
            n = 0
            for year in YEARS:
                for batch in range(1, BATCHES + 1):
                    for _k in range(PER_BATCH):
                        n += 1
                        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
                        _code, trade, trade_en, _category = rng.choice(TRADES)
                        films = _films(rng, name, trade, hosts)
                        source = f"{SOURCE_PREFIX}{n}"
                        if source in have:
                            continue
                        years = rng.randint(12, 35)
                        entry = PublicEntry.objects.create(
                            year=year,
                            programme="荆楚工匠",
                            award="荆楚工匠",
                            award_en="Jingchu craftsman",
                            name=name,
                            unit=rng.choice(UNITS),
                            region=rng.choice(REGIONS),
                            stage=PublicEntry.Stage.PUBLISHED,
                            summary=f"从事{trade}{years}年，练就一手绝活。",
                            deeds=f"扎根一线{years}年，攻克关键工艺难题{rng.randint(3, 30)}项，带徒{rng.randint(5, 60)}名。",
                            published_at=timezone.make_aware(datetime(year, 4, 28, 10), tz),
                            source=source,
                        )
                        CraftsmanPublic.objects.create(
                            entry=entry,
                            batch=batch,
                            trade=trade,
                            trade_en=trade_en,
                            skill_grade=rng.choice(SkillGrade.values[3:]),
                            years_in_trade=years,
                            position="班组长",
                            signature_skills=f"{trade}操作精度达到0.00{rng.randint(1, 9)}毫米。",
                            apprentices=rng.randint(5, 60),
                            patents=[
                                {
                                    "kind": "utility",
                                    "number": f"ZL2023{rng.randint(10**7, 10**8 - 1)}.{rng.randint(0, 9)}",
                                    "title": f"一种{trade}用辅助工装",
                                    "granted_on": date(year - 1, rng.randint(1, 12), 15).isoformat(),
                                }
                            ],
                            films=films,
                        )
                        added += 1
        if added:
            invalidate()
        self.stdout.write(f"bench craftsmen: {added} added, {bench.count()} there.")
        first = bench.filter(year=YEARS[-1]).order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            self.stdout.write(f"bench craftsman_pk={first}")
