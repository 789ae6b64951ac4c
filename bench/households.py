"""Bench data for ``manage.py seed_bench``: a province-sized union tree and households written in bulk.

The tree (17 cities, 102 counties, 1,020 townships, 5,100 grassroots unions, 10,200 drive enterprises
with a cadre each, hardship lines per county) is created once, under the province, with codes starting
``B`` so it never collides with the demo tree. Households and their members are generated in batches
(deterministic per batch), checked and derived by the filing rule every household passes
(``services.households_check``: scope, ID number, category from the county's thresholds), given a
history (a state along the identification path, the dates that go with it, measures, visits), and
written by ``services.households_write`` — COPY on PostgreSQL, bulk_create on the SQLite of tests — with
the measures and visits through the same ``assistance.bulk.insert_rows``.

ID numbers are valid (GB 11643) and unique: row ``i`` gets birth day ``i % 14,600`` from 1966-01-01 and
sequence ``i // 14,600``, under area codes 4290xx (the import bench uses 429100).
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from stdnum.cn import ric, uscc

from assistance import bulk, services
from assistance.enums import Category, HouseholdState
from assistance.models import (
    DriveEnterprise,
    Household,
    HouseholdMember,
    Measure,
    PlanItem,
    Threshold,
    Visit,
    YearlyReview,
)
from unionportal.orgs.enums import Industry, Level, OrgKind, Ownership, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation
from unionportal.orgs.scoping import forget_scope
from unionportal.orgs.services import membership_grant, organisation_create

BENCH_CODE_PREFIX = "B"
COUNTY_USER = "bench-county"
# Staff of every root organisation: files the bench households (and runs the import bench), so the
# filing rule's scope is the ordinary one.
STAFF_USER = "bench-staff"
PROVINCE_CODE = "420000"
BATCH = 20_000
# Below this many households the tree is a small one (2 cities × 2 counties × 2 × 2 × 2 enterprises).
FULL_TREE_FROM = 50_000
FULL_SHAPE = (
    17,
    6,
    10,
    5,
    2,
)  # cities, counties per city, townships per county, unions per township, enterprises per union
SMALL_SHAPE = (2, 2, 2, 2, 2)
RELATIVE_FACTOR = Decimal("2")

BIRTH_DAYS = 14_600
BIRTH_START = date(1966, 1, 1)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "建国华明军平秀英兰芳丽敏静强伟磊洋勇艳杰娟涛超霞刚桂玲红春海波宇鹏辉燕飞斌浩凯亮梅琴云峰志东林雪慧晓文俊"
)

# (state, weight) of files that qualify; files that do not are mostly refused.
STATES = [
    (HouseholdState.APPLIED, 5),
    (HouseholdState.VERIFIED, 4),
    (HouseholdState.APPRAISED, 3),
    (HouseholdState.NOTICED, 3),
    (HouseholdState.FILED, 20),
    (HouseholdState.ASSISTED, 45),
    (HouseholdState.ESCAPED, 15),
    (HouseholdState.EXITED, 5),
]
FILED_OR_LATER = {
    HouseholdState.FILED,
    HouseholdState.ASSISTED,
    HouseholdState.ESCAPED,
    HouseholdState.EXITED,
}
JOBS = [
    ("employed", 40),
    ("laid_off", 25),
    ("unemployed", 10),
    ("flexible", 15),
    ("retired", 5),
    ("other", 5),
]
CAUSES = ["illness", "disability", "schooling", "unemployment", "low_wage", "other"]
SUDDEN = ["accident", "illness", "disaster"]
MEASURE_TYPES = ["living", "medical", "schooling", "job", "training", "legal", "other"]
FUNDS = ["union", "government", "enterprise", "donation", "other"]


def bench_id_number(index: int, area: str) -> str:
    """The ``index``-th bench ID number: unique for index < 14,600,000 whatever the area code."""
    seq, day = divmod(index, BIRTH_DAYS)
    body = f"{area}{BIRTH_START + timedelta(days=day):%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def bench_staff():
    """The bench's staff account at every root organisation (no usable password): the whole tree in scope
    through the ordinary scope rules. Not a superuser: ``DriveEnterprise.visible_to`` ORs a superuser's
    empty filter with the pairing filters, which would leave only the enterprises paired with them."""
    user, created = get_user_model().objects.get_or_create(username=STAFF_USER, defaults={"is_staff": True})
    if created or user.is_superuser:
        user.set_unusable_password()
        user.is_superuser = False
        user.save(update_fields=["password", "is_superuser"])
    for root in Organisation.objects.get_root_nodes():
        membership_grant(user=user, organisation=root, role=Role.STAFF)
    forget_scope(user)
    return user


# --- the tree ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchEnterprise:
    enterprise: Enterprise  # with its union and township loaded (the responsible organisation)
    drive_pk: int
    cadre_pk: int
    area: str  # of the ID numbers of its workers


@dataclass
class BenchTree:
    enterprises: list[BenchEnterprise]
    county_pk: int
    city_prefixes: list[str]


def _root() -> Organisation:
    root = Organisation.objects.filter(depth=1).first()
    if root is None:
        root = organisation_create(parent=None, code=PROVINCE_CODE, name="湖北省总工会", level=Level.PROVINCE)
    return root


def _child_path(parent_path: str, n: int) -> str:
    return parent_path + Organisation._int2str(n).rjust(Organisation.steplen, "0")


def bench_tree_exists() -> bool:
    return Organisation.objects.filter(depth=2, code__startswith=BENCH_CODE_PREFIX).exists()


def build_tree(*, full: bool) -> None:
    """Create the bench tree under the province in a few bulk inserts (paths computed here, sorted by code
    like treebeard's sorted inserts, after any existing children)."""
    cities, counties, townships, unions, enterprises_per_union = FULL_SHAPE if full else SMALL_SHAPE
    root = _root()
    last = Organisation.objects.filter(depth=2, path__startswith=root.path).order_by("-path").first()
    start = Organisation._str2int(last.path[-Organisation.steplen :]) if last else 0
    founded = date(2010, 1, 1)

    def node(parent_path, n, code, name, level, kind, numchild, members=0):
        return Organisation(
            path=_child_path(parent_path, n),
            depth=len(parent_path) // Organisation.steplen + 1,
            numchild=numchild,
            code=code,
            name=name,
            level=level,
            kind=kind,
            member_count=members,
            founded_on=founded,
        )

    levels: list[list[Organisation]] = [[], [], [], []]
    for c in range(1, cities + 1):
        city = node(
            root.path, start + c, f"B{c:02d}", f"基准{c:02d}市总工会", Level.CITY, OrgKind.REGIONAL, counties
        )
        levels[0].append(city)
        for x in range(1, counties + 1):
            code = f"{city.code}{x:02d}"
            county = node(
                city.path, x, code, f"基准{c:02d}市{x:02d}县总工会", Level.COUNTY, OrgKind.REGIONAL, townships
            )
            levels[1].append(county)
            for t in range(1, townships + 1):
                tcode = f"{code}{t:02d}"
                town = node(
                    county.path,
                    t,
                    tcode,
                    f"{county.name[:-3]}{t:02d}镇工会联合会",
                    Level.TOWNSHIP,
                    OrgKind.FEDERATION,
                    unions,
                )
                levels[2].append(town)
                for g in range(1, unions + 1):
                    levels[3].append(
                        node(
                            town.path,
                            g,
                            f"{tcode}{g:02d}",
                            f"{town.name[:-6]}{g:02d}号企业工会",
                            Level.GRASSROOTS,
                            OrgKind.ENTERPRISE,
                            0,
                            members=300,
                        )
                    )
    for rows in levels:
        Organisation.objects.bulk_create(rows, batch_size=2000)
    Organisation.objects.filter(pk=root.pk).update(numchild=root.numchild + cities)

    by_path = dict(Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX).values_list("path", "pk"))
    county_rows = Organisation.objects.filter(
        code__startswith=BENCH_CODE_PREFIX, level=Level.COUNTY
    ).order_by("path")
    Threshold.objects.bulk_create(
        Threshold(
            organisation=county, dibao_line=Decimal(600 + (i * 7) % 200), relative_factor=RELATIVE_FACTOR
        )
        for i, county in enumerate(county_rows)
    )
    if not Threshold.objects.filter(organisation=root).exists():
        Threshold.objects.create(organisation=root, dibao_line=Decimal("700"))

    # One cadre per grassroots union, paired with its enterprises.
    User = get_user_model()
    password = make_password(None)
    grassroots = list(levels[3])
    User.objects.bulk_create(
        (User(username=f"bench-cadre-{o.code}", name=f"干部{o.code}", password=password) for o in grassroots),
        batch_size=2000,
    )
    cadres = dict(User.objects.filter(username__startswith="bench-cadre-").values_list("username", "pk"))
    Membership.objects.bulk_create(
        (
            Membership(
                user_id=cadres[f"bench-cadre-{o.code}"], organisation_id=by_path[o.path], role=Role.CADRE
            )
            for o in grassroots
        ),
        batch_size=2000,
    )
    industries = [i.value for i in Industry]
    ownerships = [o.value for o in Ownership]
    made = []
    for n, union in enumerate(grassroots):
        town_path = union.path[: -Organisation.steplen]
        for e in range(enterprises_per_union):
            index = n * enterprises_per_union + e
            body = f"91429000MA{index:07d}"[:17]
            # Every tenth enterprise has no union yet: its households answer to the township.
            has_union = index % 10 != 9
            made.append(
                Enterprise(
                    name=f"{union.name[:-4]}{e + 1}号企业有限公司",
                    credit_code=body + uscc.calc_check_digit(body),
                    industry=industries[index % len(industries)],
                    ownership=ownerships[index % len(ownerships)],
                    employees=50 + index % 900,
                    township_id=by_path[town_path],
                    union_id=by_path[union.path] if has_union else None,
                )
            )
    Enterprise.objects.bulk_create(made, batch_size=2000)
    enterprise_rows = Enterprise.objects.filter(credit_code__startswith="91429000MA").select_related("union")
    drives = []
    for enterprise in enterprise_rows:
        union_code = enterprise.union.code if enterprise.union else None
        if union_code is None:
            # The cadre of the township's first union covers the enterprises without a union.
            union_code = (
                Organisation.objects.filter(path__startswith=enterprise.township.path, level=Level.GRASSROOTS)
                .order_by("path")
                .values_list("code", flat=True)
                .first()
            )
        drives.append(
            DriveEnterprise(
                enterprise=enterprise,
                capacity_cutting=enterprise.pk % 5 == 0,
                responsible_cadre_id=cadres[f"bench-cadre-{union_code}"],
            )
        )
    DriveEnterprise.objects.bulk_create(drives, batch_size=2000)
    through = DriveEnterprise.cadres.through
    through.objects.bulk_create(
        (
            through(driveenterprise_id=d.pk, user_id=d.responsible_cadre_id)
            for d in DriveEnterprise.objects.filter(enterprise__credit_code__startswith="91429000MA")
        ),
        batch_size=5000,
    )

    county = county_rows.first()
    staff, _created = User.objects.get_or_create(
        username=COUNTY_USER, defaults={"name": "基准县工会", "password": password}
    )
    membership_grant(user=staff, organisation=county, role=Role.STAFF)


def load_tree() -> BenchTree:
    orgs = {
        o.pk: o
        for o in Organisation.objects.filter(code__startswith=BENCH_CODE_PREFIX).only(
            "pk", "path", "code", "level"
        )
    }
    enterprises = []
    for drive in (
        DriveEnterprise.objects.filter(enterprise__credit_code__startswith="91429000MA")
        .select_related("enterprise__union", "enterprise__township")
        .order_by("pk")
    ):
        organisation = services.responsible_organisation(drive.enterprise)
        county_index = int(organisation.code[1:5]) % 100
        enterprises.append(
            BenchEnterprise(drive.enterprise, drive.pk, drive.responsible_cadre_id, f"4290{county_index:02d}")
        )
    county = min((o for o in orgs.values() if o.level == Level.COUNTY), key=lambda o: o.path)
    cities = sorted(o.path for o in orgs.values() if o.level == Level.CITY)
    return BenchTree(enterprises=enterprises, county_pk=county.pk, city_prefixes=cities)


# --- households ----------------------------------------------------------------------------------------


def bench_household_count(tree: BenchTree) -> int:
    return Household.objects.filter(_bench_q(tree)).count()


def _bench_q(tree: BenchTree):
    q = Q(pk__in=[])
    for prefix in tree.city_prefixes:
        q |= Q(org_path__startswith=prefix)
    return q


@dataclass
class Batch:
    households: list[dict]  # rows of Household attributes, as the filing rule derived them, with a history
    members: list[list[dict]]
    measures: list[list[dict]]  # per household, without its id yet
    visits: list[dict]

    def counts(self) -> dict[str, int]:
        return {
            "households": len(self.households),
            "members": sum(map(len, self.members)),
            "measures": sum(map(len, self.measures)),
            "visits": len(self.visits),
        }


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _members(rng: random.Random) -> list[dict]:
    members = []
    for m in range(rng.choices((1, 2, 3, 4, 5), weights=(15, 25, 25, 20, 15))[0]):
        relation = "spouse" if m == 0 else rng.choice(("child", "child", "parent", "grandchild", "sibling"))
        age = (
            rng.randrange(25, 70)
            if relation in ("spouse", "sibling")
            else rng.randrange(60, 95)
            if relation == "parent"
            else rng.randrange(1, 24)
        )
        income = rng.choice((0, 0, 0, rng.randrange(300, 2500))) if 18 <= age < 65 else 0
        members.append(
            {
                "name": _name(rng),
                "relation": relation,
                "age": age,
                "health": rng.choices(("healthy", "chronic", "serious", "disabled"), weights=(70, 15, 8, 7))[
                    0
                ],
                "schooling": (
                    "none"
                    if age < 3 or age > 22
                    else "primary"
                    if age < 12
                    else "junior"
                    if age < 15
                    else "senior"
                    if age < 18
                    else "college"
                ),
                "monthly_income": Decimal(income),
            }
        )
    return members


def _applications(tree: BenchTree, rng: random.Random, start: int, count: int, now: datetime, today: date):
    """What households ``start`` … ``start + count - 1`` apply with, and when (the filing rule's input)."""
    jobs, job_weights = zip(*JOBS, strict=True)
    enterprises = tree.enterprises
    three_years = 3 * 365 * 86400
    filings, applied = [], []
    for i in range(start, start + count):
        ent = enterprises[rng.randrange(len(enterprises))]
        applied.append((ent, now - timedelta(seconds=rng.randrange(three_years))))
        worker_income = rng.choice(
            (0, rng.randrange(800, 2800), rng.randrange(1500, 4500), rng.randrange(2500, 6500))
        )
        members = _members(rng)
        causes = rng.sample(CAUSES, k=rng.choice((0, 1, 1, 2, 2, 3)))
        sudden_on = None
        if rng.random() < 0.2:
            causes.append(rng.choice(SUDDEN))
            # Well inside or well outside the 12-month window, so the category holds for weeks.
            sudden_on = today - timedelta(
                days=rng.randrange(20, 300) if rng.random() < 0.6 else rng.randrange(420, 1500)
            )
        values = {
            "worker_name": _name(rng),
            "id_number": bench_id_number(i, ent.area),
            "gender": "",  # the ID number's
            "phone": f"139{i:08d}" if rng.random() < 0.7 else "",
            "job_status": rng.choices(jobs, weights=job_weights)[0],
            "worker_income": Decimal(worker_income),
            "causes": causes,
            "sudden_cause_on": sudden_on,
        }
        filings.append(services.Filing(ent.enterprise, values, members, row=i))
    return filings, applied


def generate(tree: BenchTree, actor, start: int, count: int, today: date, now: datetime) -> Batch:
    """Households ``start`` … ``start + count - 1`` (deterministic per batch start), filed by the rule as
    ``actor``, then carried along the identification path: a household that does not qualify is mostly
    refused, the others stand at every state with the dates, measures and visits that go with it."""
    rng = random.Random(start)
    filings, applied = _applications(tree, rng, start, count, now, today)
    services.households_check(actor=actor, filings=filings, today=today)
    refused = next((f for f in filings if not f.ok), None)
    if refused is not None:
        raise ValueError(f"bench household {refused.row} fails the filing rule: {refused.error_dict()}")
    states, state_weights = zip(*STATES, strict=True)
    households, measures, visits = [], [], []
    for filing, (ent, created) in zip(filings, applied, strict=True):
        values = filing.as_row()
        if values["category"] == Category.NONE:
            state = HouseholdState.REJECTED if rng.random() < 0.9 else HouseholdState.APPLIED
        else:
            state = rng.choices(states, weights=state_weights)[0]
        applied_on = created.date()
        filed_on = (
            min(applied_on + timedelta(days=rng.randrange(15, 60)), today)
            if state in FILED_OR_LATER
            else None
        )
        values.update(
            state=str(state),
            applied_on=applied_on,
            verify_due_on=applied_on + timedelta(days=7),
            filed_on=filed_on,
            closed_reason={
                HouseholdState.ESCAPED: "家庭收入已稳定高于标准",
                HouseholdState.EXITED: "职工调离本地",
                HouseholdState.REJECTED: "经入户核实不符合建档条件",
            }.get(state, ""),
            last_reviewed_on=(
                filed_on + timedelta(days=365) if filed_on and (today - filed_on).days > 400 else None
            ),
            created_by_id=ent.cadre_pk,  # filed by its cadre, when it applied
            created_at=created,
            updated_at=created,
        )
        households.append(values)
        given = []
        if state in (HouseholdState.ASSISTED, HouseholdState.ESCAPED, HouseholdState.EXITED):
            for _m in range(rng.choice((1, 1, 2, 3))):
                given_on = min(filed_on + timedelta(days=rng.randrange(1, 300)), today)
                given.append(
                    {
                        "type": rng.choice(MEASURE_TYPES),
                        "form": rng.choice(("cash", "cash", "kind")),
                        "amount": Decimal(rng.randrange(200, 5000)),
                        "given_on": given_on,
                        "fund_source": rng.choice(FUNDS),
                        "giver": "县总工会",
                        "recorded_by_id": ent.cadre_pk,
                        "created_at": datetime.combine(given_on, created.timetz()),
                    }
                )
        measures.append(given)
        if filing.row % 25 == 0:
            visited = today - timedelta(days=rng.randrange(0, 700))
            follow = rng.random() < 0.3
            visits.append(
                {
                    "cadre_id": ent.cadre_pk,
                    "drive_enterprise_id": ent.drive_pk,
                    "visited_on": visited,
                    "households_met": rng.randrange(1, 12),
                    "findings": "走访困难职工家庭，了解生活和就业情况。",
                    "follow_up_needed": follow,
                    "follow_up": "跟进医疗救助报销" if follow else "",
                    "created_at": datetime.combine(visited, created.timetz()),
                }
            )
    return Batch(households, [f.members for f in filings], measures, visits)


# --- writing -------------------------------------------------------------------------------------------

TABLES = [Household, HouseholdMember, Measure, Visit]


def write(batch: Batch) -> None:
    """One batch in one transaction: the households and members by ``services.households_write``, their
    measures and the visits by ``bulk.insert_rows``."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        ids = services.households_write(batch.households, batch.members)
        for pk, given in zip(ids, batch.measures, strict=True):
            for measure in given:
                measure["household_id"] = pk
        bulk.insert_rows(Measure, [m for given in batch.measures for m in given])
        bulk.insert_rows(Visit, batch.visits)


def finish() -> None:
    """Refresh the planner's statistics of the tables written."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in TABLES:
            # Table names come from the models, not from input.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def delete_bench_households(tree: BenchTree) -> int:
    """Delete the bench households and what hangs off them (the tree stays)."""
    households = Household.objects.filter(_bench_q(tree))
    drives = [e.drive_pk for e in tree.enterprises]
    with transaction.atomic():
        ids = households.values("pk")
        for model in (HouseholdMember, Measure):
            model.objects.filter(household_id__in=ids)._raw_delete(model.objects.db)
        for model in (PlanItem, YearlyReview):
            model.objects.filter(household_id__in=ids).delete()
        Visit.objects.filter(drive_enterprise_id__in=drives).delete()
        return households._raw_delete(households.db)


def seed(tree: BenchTree, *, add: int, start: int, stdout=None) -> dict[str, float]:
    """Add ``add`` households numbered from ``start``; returns row counts and the elapsed seconds."""
    today = timezone.localdate()
    now = timezone.now()
    actor = bench_staff()
    totals = {"households": 0, "members": 0, "measures": 0, "visits": 0}
    started = time.monotonic()
    done = 0
    while done < add:
        n = min(BATCH, add - done)
        batch = generate(tree, actor, start + done, n, today, now)
        write(batch)
        for label, rows in batch.counts().items():
            totals[label] += rows
        done += n
        if stdout is not None and add > BATCH:
            elapsed = time.monotonic() - started
            stdout.write(f"  {done:,} / {add:,} households, {sum(totals.values()) / elapsed:,.0f} rows/s")
    finish()
    totals["seconds"] = time.monotonic() - started
    return totals
