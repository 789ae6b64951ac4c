"""Bench data for ``manage.py seed_bench``: a province-sized union tree and households written in bulk.

The tree (17 cities, 102 counties, 1,020 townships, 5,100 grassroots unions, 10,200 drive enterprises
with a cadre each, hardship lines per county) is created once, under the province, with codes starting
``B`` so it never collides with the demo tree. Households, members, measures and visits are generated in
batches in plain Python (deterministic per row number) and written with PostgreSQL ``COPY``; other
databases (the SQLite test runs) get ``bulk_create``.

The category of each household is derived by the same rule as ``services.categorise`` (deep below the
dibao line; accident-caused after a sudden cause within 12 months; relative below k × line with a cause;
otherwise none), computed per batch from the county's thresholds in integer cents. ID numbers are valid
(GB 11643 check character, birth date, gender digit) and unique: row ``i`` gets birth day ``i % 14,600``
from 1966-01-01 and sequence ``i // 14,600``, under area codes 4290xx (which the import bench avoids).
"""

import json
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from stdnum.cn import uscc

from unionportal.orgs.enums import Industry, Level, OrgKind, Ownership, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation
from unionportal.orgs.services import membership_grant, organisation_create

from .enums import SUDDEN_CAUSES, Category, HouseholdState
from .models import DriveEnterprise, Household, HouseholdMember, Measure, Threshold, Visit

BENCH_CODE_PREFIX = "B"
COUNTY_USER = "bench-county"
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

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
BIRTH_DAYS = 14_600
BIRTH_START = date(1966, 1, 1)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "建国华明军平秀英兰芳丽敏静强伟磊洋勇艳杰娟涛超霞刚桂玲红春海波宇鹏辉燕飞斌浩凯亮梅琴云峰志东林雪慧晓文俊"
)

HOUSEHOLD_COLUMNS = [
    "id",
    "enterprise_id",
    "organisation_id",
    "org_path",
    "worker_name",
    "id_number",
    "gender",
    "phone",
    "job_status",
    "worker_income",
    "per_capita_income",
    "causes",
    "sudden_cause_on",
    "category",
    "category_explanation",
    "state",
    "cadre_id",
    "applied_on",
    "verify_due_on",
    "verify_reminded_on",
    "filed_on",
    "closed_reason",
    "last_reviewed_on",
    "created_by_id",
    "created_at",
    "updated_at",
]
MEMBER_COLUMNS = ["id", "household_id", "name", "relation", "age", "health", "schooling", "monthly_income"]
MEASURE_COLUMNS = [
    "id",
    "household_id",
    "type",
    "form",
    "amount",
    "given_on",
    "fund_source",
    "giver",
    "note",
    "recorded_by_id",
    "created_at",
]
VISIT_COLUMNS = [
    "id",
    "cadre_id",
    "drive_enterprise_id",
    "visited_on",
    "households_met",
    "findings",
    "follow_up_needed",
    "follow_up",
    "created_at",
]

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


def id_check(body17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def id_number(index: int, area: str) -> str:
    """The ``index``-th bench ID number: unique for index < 14,600,000 whatever the area code."""
    seq, day = divmod(index, BIRTH_DAYS)
    born = BIRTH_START + timedelta(days=day)
    body = f"{area}{born:%Y%m%d}{seq % 1000:03d}"
    return body + id_check(body)


def category_of(
    per_capita_cents: int, line_cents: int, limit_cents: int, causes, sudden_days: int | None
) -> str:
    """``services.categorise`` in integer cents (same order of rules)."""
    if per_capita_cents < line_cents:
        return Category.DEEP
    if sudden_days is not None and sudden_days <= 365 and any(c in SUDDEN_CAUSES for c in causes):
        return Category.ACCIDENT
    if per_capita_cents < limit_cents and causes:
        return Category.RELATIVE
    return Category.NONE


# --- the tree ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchEnterprise:
    pk: int
    drive_pk: int
    organisation_pk: int
    org_path: str
    cadre_pk: int
    area: str
    line_cents: int
    limit_cents: int


@dataclass
class BenchTree:
    enterprises: list[BenchEnterprise]
    county_pk: int
    city_prefixes: list[str]


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


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
    lines = {
        t.organisation.path: t
        for t in Threshold.objects.filter(organisation__code__startswith=BENCH_CODE_PREFIX).select_related(
            "organisation"
        )
    }
    county_len = 3 * Organisation.steplen
    enterprises = []
    for drive in (
        DriveEnterprise.objects.filter(enterprise__credit_code__startswith="91429000MA")
        .select_related("enterprise")
        .order_by("pk")
    ):
        e = drive.enterprise
        org = orgs[e.union_id or e.township_id]
        threshold = lines[org.path[:county_len]]
        line = int(threshold.dibao_line * 100)
        limit = int((threshold.dibao_line * threshold.relative_factor).quantize(Decimal("0.01")) * 100)
        county_index = int(org.code[1:5]) % 100
        enterprises.append(
            BenchEnterprise(
                e.pk,
                drive.pk,
                org.pk,
                org.path,
                drive.responsible_cadre_id,
                f"4290{county_index:02d}",
                line,
                limit,
            )
        )
    county = min((o for o in orgs.values() if o.level == Level.COUNTY), key=lambda o: o.path)
    cities = sorted(o.path for o in orgs.values() if o.level == Level.CITY)
    return BenchTree(enterprises=enterprises, county_pk=county.pk, city_prefixes=cities)


# --- households ----------------------------------------------------------------------------------------


def bench_household_count(tree: BenchTree) -> int:
    return Household.objects.filter(_bench_q(tree)).count()


def _bench_q(tree: BenchTree):
    from django.db.models import Q

    q = Q(pk__in=[])
    for prefix in tree.city_prefixes:
        q |= Q(org_path__startswith=prefix)
    return q


@dataclass
class Batch:
    households: list[tuple]
    members: list[tuple]
    measures: list[tuple]
    visits: list[tuple]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def generate(
    tree: BenchTree, start: int, count: int, ids: dict[str, int], today: date, now: datetime
) -> Batch:
    """Rows for households ``start`` … ``start + count - 1`` (deterministic per batch start)."""
    rng = random.Random(start)
    states, state_weights = zip(*STATES, strict=True)
    jobs, job_weights = zip(*JOBS, strict=True)
    enterprises = tree.enterprises
    hid, mid, xid, vid = ids["household"], ids["member"], ids["measure"], ids["visit"]
    households, members, measures, visits = [], [], [], []
    three_years = 3 * 365 * 86400
    for i in range(start, start + count):
        ent = enterprises[rng.randrange(len(enterprises))]
        created = now - timedelta(seconds=rng.randrange(three_years))
        applied = created.date()
        worker_income = rng.choice(
            (0, rng.randrange(800, 2800), rng.randrange(1500, 4500), rng.randrange(2500, 6500))
        )
        n_members = rng.choices((1, 2, 3, 4, 5), weights=(15, 25, 25, 20, 15))[0]
        member_rows = []
        for m in range(n_members):
            relation = (
                "spouse" if m == 0 else rng.choice(("child", "child", "parent", "grandchild", "sibling"))
            )
            age = (
                rng.randrange(25, 70)
                if relation in ("spouse", "sibling")
                else rng.randrange(60, 95)
                if relation == "parent"
                else rng.randrange(1, 24)
            )
            income = rng.choice((0, 0, 0, rng.randrange(300, 2500))) if 18 <= age < 65 else 0
            health = rng.choices(("healthy", "chronic", "serious", "disabled"), weights=(70, 15, 8, 7))[0]
            schooling = (
                "none"
                if age < 3 or age > 22
                else "primary"
                if age < 12
                else "junior"
                if age < 15
                else "senior"
                if age < 18
                else "college"
            )
            member_rows.append((_name(rng), relation, age, health, schooling, income))
        people = 1 + n_members
        total_cents = (worker_income + sum(r[5] for r in member_rows)) * 100
        per_capita_cents = (2 * total_cents + people) // (2 * people)  # ROUND_HALF_UP of total / people
        causes = rng.sample(CAUSES, k=rng.choice((0, 1, 1, 2, 2, 3)))
        sudden_days = None
        if rng.random() < 0.2:
            causes.append(rng.choice(SUDDEN))
            # Well inside or well outside the 12-month window, so the category holds for weeks.
            sudden_days = rng.randrange(20, 300) if rng.random() < 0.6 else rng.randrange(420, 1500)
        causes = list(dict.fromkeys(causes))
        sudden_on = today - timedelta(days=sudden_days) if sudden_days is not None else None
        category = category_of(per_capita_cents, ent.line_cents, ent.limit_cents, causes, sudden_days)
        if category == Category.NONE:
            state = HouseholdState.REJECTED if rng.random() < 0.9 else HouseholdState.APPLIED
        else:
            state = rng.choices(states, weights=state_weights)[0]
        filed_on = (
            min(applied + timedelta(days=rng.randrange(15, 60)), today) if state in FILED_OR_LATER else None
        )
        seq = i // BIRTH_DAYS
        gender = "male" if seq % 2 else "female"
        closed = {
            HouseholdState.ESCAPED: "家庭收入已稳定高于标准",
            HouseholdState.EXITED: "职工调离本地",
            HouseholdState.REJECTED: "经入户核实不符合建档条件",
        }.get(state, "")
        per_capita = f"{per_capita_cents // 100}.{per_capita_cents % 100:02d}"
        households.append(
            (
                hid,
                ent.pk,
                ent.organisation_pk,
                ent.org_path,
                _name(rng),
                id_number(i, ent.area),
                gender,
                f"139{i:08d}" if rng.random() < 0.7 else "",
                rng.choices(jobs, weights=job_weights)[0],
                f"{worker_income}.00",
                per_capita,
                json.dumps(causes),
                sudden_on,
                str(category),
                f"基准数据：家庭人均月收入 {per_capita} 元，低保线 {ent.line_cents / 100:.2f} 元。",
                str(state),
                ent.cadre_pk,
                applied,
                applied + timedelta(days=7),
                None,
                filed_on,
                closed,
                filed_on + timedelta(days=365) if filed_on and (today - filed_on).days > 400 else None,
                ent.cadre_pk,
                created,
                created,
            )
        )
        for name, relation, age, health, schooling, income in member_rows:
            members.append((mid, hid, name, relation, age, health, schooling, f"{income}.00"))
            mid += 1
        if state in (HouseholdState.ASSISTED, HouseholdState.ESCAPED, HouseholdState.EXITED):
            for _m in range(rng.choice((1, 1, 2, 3))):
                given = min(filed_on + timedelta(days=rng.randrange(1, 300)), today)
                measures.append(
                    (
                        xid,
                        hid,
                        rng.choice(MEASURE_TYPES),
                        rng.choice(("cash", "cash", "kind")),
                        f"{rng.randrange(200, 5000)}.00",
                        given,
                        rng.choice(FUNDS),
                        "县总工会",
                        "",
                        ent.cadre_pk,
                        datetime.combine(given, created.timetz()),
                    )
                )
                xid += 1
        if i % 25 == 0:
            visited = today - timedelta(days=rng.randrange(0, 700))
            follow = rng.random() < 0.3
            visits.append(
                (
                    vid,
                    ent.cadre_pk,
                    ent.drive_pk,
                    visited,
                    rng.randrange(1, 12),
                    "走访困难职工家庭，了解生活和就业情况。",
                    follow,
                    "跟进医疗救助报销" if follow else "",
                    datetime.combine(visited, created.timetz()),
                )
            )
            vid += 1
        hid += 1
    ids.update(household=hid, member=mid, measure=xid, visit=vid)
    return Batch(households, members, measures, visits)


# --- writing -------------------------------------------------------------------------------------------

TABLES = [
    (Household, HOUSEHOLD_COLUMNS, "households"),
    (HouseholdMember, MEMBER_COLUMNS, "members"),
    (Measure, MEASURE_COLUMNS, "measures"),
    (Visit, VISIT_COLUMNS, "visits"),
]


def _next_ids() -> dict[str, int]:
    from django.db.models import Max

    def after(model):
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    return {
        "household": after(Household),
        "member": after(HouseholdMember),
        "measure": after(Measure),
        "visit": after(Visit),
    }


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _copy(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        chunk = []
        for row in rows:
            chunk.append("\t".join(map(_text, row)))
            if len(chunk) >= 5000:
                copy.write("\n".join(chunk) + "\n")
                chunk = []
        if chunk:
            copy.write("\n".join(chunk) + "\n")


def _bulk_create(model, columns: list[str], rows: list[tuple]) -> None:
    objs = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        if "causes" in values:
            values["causes"] = json.loads(values["causes"])
        objs.append(model(**values))
    # bulk_create ignores auto_now_add/auto_now only when the values are given; they are.
    model.objects.bulk_create(objs, batch_size=500)


def write(batch: Batch) -> int:
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                for (model, columns, _label), rows in zip(TABLES, _batch_rows(batch), strict=True):
                    if rows:
                        _copy(cursor, model._meta.db_table, columns, rows)
        else:
            for (model, columns, _label), rows in zip(TABLES, _batch_rows(batch), strict=True):
                if rows:
                    _bulk_create(model, columns, rows)
    return sum(len(rows) for rows in _batch_rows(batch))


def _batch_rows(batch: Batch) -> list[list[tuple]]:
    return [batch.households, batch.members, batch.measures, batch.visits]


def finish() -> None:
    """Move the id sequences past the copied ids and refresh the planner's statistics."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model, _columns, _label in TABLES:
            table = model._meta.db_table
            # Table names come from the models, not from input.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )
            cursor.execute(f"ANALYZE {table}")


def delete_bench_households(tree: BenchTree) -> int:
    """Delete the bench households and what hangs off them (the tree stays)."""
    households = Household.objects.filter(_bench_q(tree))
    drives = [e.drive_pk for e in tree.enterprises]
    with transaction.atomic():
        ids = households.values("pk")
        for model in (HouseholdMember, Measure):
            model.objects.filter(household_id__in=ids)._raw_delete(model.objects.db)
        from .models import PlanItem, YearlyReview

        for model in (PlanItem, YearlyReview):
            model.objects.filter(household_id__in=ids).delete()
        Visit.objects.filter(drive_enterprise_id__in=drives).delete()
        return households._raw_delete(households.db)


def seed(tree: BenchTree, *, add: int, start: int, stdout=None) -> dict[str, float]:
    """Add ``add`` households numbered from ``start``; returns row counts and the elapsed seconds."""
    today = timezone.localdate()
    now = timezone.now()
    ids = _next_ids()
    totals = {label: 0 for _m, _c, label in TABLES}
    started = time.monotonic()
    done = 0
    while done < add:
        n = min(BATCH, add - done)
        batch = generate(tree, start + done, n, ids, today, now)
        write(batch)
        for (_m, _c, label), rows in zip(TABLES, _batch_rows(batch), strict=True):
            totals[label] += len(rows)
        done += n
        if stdout is not None and add > BATCH:
            elapsed = time.monotonic() - started
            stdout.write(f"  {done:,} / {add:,} households, {sum(totals.values()) / elapsed:,.0f} rows/s")
    finish()
    totals["seconds"] = time.monotonic() - started
    return totals
