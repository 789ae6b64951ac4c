"""Bench nominations for ``manage.py seed_bench``: what the review queue and a county's home page show.

Three bench programmes (codes starting ``bench-``, reviewed at county, city and province) with a share
rule and a veto rule each, quotas for every bench county, and candidacies written by ``bulk_create`` with
their review state already set (no transitions, audit events or notifications: the pages read only the
candidacies). Their number grows with the data: one per ``HOUSEHOLDS_PER_CANDIDACY`` bench households,
spread over the bench tree's grassroots unions, so the queue's queries run on a table ten times larger at
the second size. The bench county's own queue holds a fixed, realistic page at every size: ``QUEUE``
waiting and ``FORWARDED`` already sent up per programme.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.selection.enums import Flag, RuleKind, State, Tag
from unionportal.selection.models import Allocation, Candidacy, Programme, Rule

from .households import BENCH_CODE_PREFIX, GIVEN, SURNAMES, BenchTree

PROGRAMMES = [
    ("bench-medal", "基准五一劳动奖章", "individual"),
    ("bench-unit", "基准五一劳动奖状", "unit"),
    ("bench-team", "基准工人先锋号", "team"),
]
HOUSEHOLDS_PER_CANDIDACY = 50
QUEUE = 40  # waiting in the bench county's queue, per programme
FORWARDED = 10  # sent up by the bench county, per programme (within its quota)
COUNTY_QUOTA = 15
# The states of the other candidacies: mostly waiting at some level, some decided.
STATES = [
    (State.REVIEW3, 50),
    (State.REVIEW2, 20),
    (State.REVIEW1, 10),
    (State.RETURNED, 5),
    (State.REJECTED, 5),
    (State.DRAFT, 10),
]


def _campaign() -> Campaign:
    year = timezone.localdate().year
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            year=year,
            theme="基准活动",
            starts_on=date(year, 1, 1),
            ends_on=date(year, 12, 31),
            is_current=not Campaign.objects.filter(is_current=True).exists(),
        )
    return campaign


def programmes() -> list[Programme]:
    """The bench programmes, with their rules and the bench counties' quotas (created once)."""
    campaign = _campaign()
    now = timezone.now()
    made = []
    for code, name, kind in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "name": name,
                "award": name,
                "nominee_kind": kind,
                "total_quota": 100,
                "intake_opens_at": now - timedelta(days=60),
                "intake_closes_at": now - timedelta(days=5),
            },
        )
        if created:
            Rule.objects.bulk_create(
                [
                    Rule(programme=programme, kind=RuleKind.MIN_SHARE, flag=Flag.FRONTLINE, percent=40),
                    Rule(programme=programme, kind=RuleKind.MAX_SHARE, flag=Flag.OFFICIAL, percent=10),
                    Rule(
                        programme=programme,
                        kind=RuleKind.VETO,
                        code="no-safety-incident",
                        label="近 %(years)s 年未发生重大安全生产事故",
                        years=3,
                    ),
                ]
            )
            counties = Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX, level=Level.COUNTY)
            Allocation.objects.bulk_create(
                Allocation(programme=programme, organisation=county, quota=COUNTY_QUOTA)
                for county in counties
            )
        made.append(programme)
    return made


def _row(rng, programme, organisation, state, submitted) -> Candidacy:
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
    flags = {Flag.FRONTLINE: rng.random() < 0.6, Flag.MIGRANT: rng.random() < 0.2}
    if rng.random() < 0.05:
        flags[Flag.OFFICIAL] = True
    return Candidacy(
        programme=programme,
        campaign_id=programme.campaign_id,
        organisation=organisation,
        state=state,
        name=name,
        unit=f"{organisation.name[:-4]}有限公司",
        region=organisation.name[:6],
        flags=flags,
        declarations={"no-safety-incident": rng.random() < 0.95},
        tags=rng.sample(Tag.values, k=rng.choice((1, 1, 2))),
        summary="长期扎根一线，技术革新成果突出。",
        submitted_at=None if state == State.DRAFT else submitted,
    )


def seed(tree: BenchTree, *, households: int) -> int:
    """Bring the bench candidacies to the count for ``households`` bench households; returns how many
    were added. The bench county's queue is written the first time, the others top up."""
    found = programmes()
    unions = list(
        Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX, level=Level.GRASSROOTS).order_by(
            "path"
        )
    )
    county = Organisation.objects.get(pk=tree.county_pk)
    own = [u for u in unions if u.path.startswith(county.path)]
    others = [u for u in unions if not u.path.startswith(county.path)]
    bench = Candidacy.objects.filter(programme__in=found)
    have = bench.count()
    rows = []
    now = timezone.now()
    if not have:
        rng = random.Random(0)
        for programme in found:
            for i in range(QUEUE + FORWARDED):
                state = State.REVIEW3 if i < QUEUE else State.REVIEW2
                submitted = now - timedelta(days=20, minutes=i * 37)
                rows.append(_row(rng, programme, own[i % len(own)], state, submitted))
    want = len(found) * (QUEUE + FORWARDED) + households // HOUSEHOLDS_PER_CANDIDACY
    rng = random.Random(have)
    states, weights = zip(*STATES, strict=True)
    for i in range(have + len(rows), want):
        programme = found[i % len(found)]
        submitted = now - timedelta(days=rng.randrange(10, 40), minutes=rng.randrange(1440))
        rows.append(_row(rng, programme, others[i % len(others)], rng.choices(states, weights)[0], submitted))
    with transaction.atomic():
        Candidacy.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
