"""Bench data for ``manage.py seed_competitions_bench``: one labour competition of the province with N
approved entrants (班组 of the bench tree's grassroots unions) and a checked score report for each entrant
in each of its P monthly periods, written in bulk, so that the ranking page sums N × P reports in the
database. The competition itself goes through ``services.competition_save`` (its periods laid out as
usual); entrants and reports are generated deterministically and inserted with bulk_create. A report
carries its weighted total only (the ranking and its chart read nothing else)."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from competitions import catalogue, services
from competitions.enums import EntrantState, Method, ReportState
from competitions.models import Competition, Entrant, Period, ScoreReport, Theme, WinnerTitle
from competitions.selectors import ENTRY_TOPIC
from unionportal import fragments
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation

from . import households as tree_seeder

BATCH = 5_000
START = date(2026, 1, 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
TEAMS = ["电工班", "焊接班", "装配班", "维修班", "质检班", "运行班", "钳工班", "巡检班", "机加工班", "调度班"]


def title_of(entrants: int, periods: int) -> str:
    return f"基准劳动竞赛（{entrants}个参赛班组×{periods}期）"


def seed(*, entrants: int, periods: int, stdout=None) -> Competition:
    """The bench competition of this size, created once (an existing one of the same size is kept)."""
    title = title_of(entrants, periods)
    found = Competition.objects.filter(title=title).first()
    if found is not None:
        return found
    catalogue.ensure(Theme, WinnerTitle)
    if not tree_seeder.bench_tree_exists():
        with transaction.atomic():
            tree_seeder.build_tree(full=False)
    staff = tree_seeder.bench_staff()
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    unions = list(
        Organisation.objects.filter(level=Level.GRASSROOTS, code__startswith=tree_seeder.BENCH_CODE_PREFIX)
        .order_by("path")
        .only("pk", "path")
    )
    started = time.monotonic()
    with transaction.atomic():
        competition = services.competition_save(
            actor=staff,
            data={
                "title": title,
                "theme": Theme.objects.get(code="major-projects"),
                "organiser": root,
                "scope": root,
                "starts_on": START,
                "ends_on": START + relativedelta(months=periods) - timedelta(days=1),
                "period_months": 1,
                "report_days": 10,
                "entrant_kind": "team",
                "rules": "基准数据：按月报送，核查后计入排名。",
            },
            indicators=[
                {
                    "name": "综合评分",
                    "unit": "",
                    "weight": Decimal(100),
                    "method": Method.JUDGED,
                    "direction": "higher",
                    "target": None,
                    "cap": Decimal(100),
                }
            ],
        )
        rng = random.Random(entrants * 1000 + periods)
        Entrant.objects.bulk_create(
            (
                Entrant(
                    competition=competition,
                    organisation=unions[i % len(unions)],
                    org_path=unions[i % len(unions)].path,
                    name=f"{rng.choice(SURNAMES)}{TEAMS[i % len(TEAMS)]}{i + 1:05d}",
                    leader="",
                    state=EntrantState.APPROVED,
                )
                for i in range(entrants)
            ),
            batch_size=BATCH,
        )
        rows = list(Entrant.objects.filter(competition=competition).values_list("pk", "org_path"))
        period_rows = list(Period.objects.filter(competition=competition).order_by("number"))
        now = timezone.now()
        ScoreReport.objects.bulk_create(
            (
                ScoreReport(
                    entrant_id=pk,
                    period=period,
                    org_path=path,
                    state=ReportState.CHECKED,
                    total=Decimal(rng.randint(6000, 10000)) / 100,
                    submitted_at=now,
                )
                for pk, path in rows
                for period in period_rows
            ),
            batch_size=BATCH,
        )
        # bulk_create sends no signals: the cached rankings are told here.
        fragments.bump(ENTRY_TOPIC, competition.scope_path)
    if stdout is not None:
        stdout.write(
            f"Seeded {entrants:,} entrants × {len(period_rows)} periods in {time.monotonic() - started:.1f} s."
        )
    return competition
