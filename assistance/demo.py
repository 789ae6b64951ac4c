"""Demo rows for the assistance ledger (seed_demo): thresholds, paired enterprises, a few hundred households
in every state of the identification path, measures, plans and visits.

宜城市 (``county``) and 夷陵区 (``county2``) each run the "10,000 cadres" drive in a handful of enterprises,
most of them cutting capacity. ``cadre`` stays paired with the three 宜城 enterprises it always had and has
households waiting for a home visit; the other drive enterprises have cadres of their own (helper accounts
without a usable password, so nobody signs in with them). Four hand-written households come first; the
others are generated from a fixed seed: workers and families (invented names, valid ID numbers), incomes and
causes chosen so that the derived category is deep, relative, accident-caused or none, and a target state.

Every household is filed through ``services.household_create`` (which derives the category from the
county's thresholds), moved through ``workflows.household_transition`` by the cadre and the county staff,
and helped through ``services.measure_add``; plans and visits through their services, visit photos through
the upload path. Each step runs under a clock set to the day it happened (``unionportal.campaigns.demo.
clock``), from a few days to about eleven months ago, so application, verification deadline, filing dates
and history agree. The report rollups are rebuilt at the end, so the report pages show the figures at once.

Idempotent: households by ID number, visits by how many each enterprise has, helper accounts by user
name.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from unionportal import demo, demo_images
from unionportal.campaigns.demo import at, clock
from unionportal.orgs.demo_data import FEMALE_GIVEN, MALE_GIVEN, SURNAMES
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Organisation

from . import rollups, services
from .enums import Category, HouseholdState
from .models import DriveEnterprise, Household, PlanItem, Threshold, Visit
from .selectors import threshold_for
from .workflows import household_transition

User = get_user_model()

THRESHOLDS = [("420000", "700"), ("420684", "650"), ("420506", "720")]
# (enterprise name, capacity cutting)
DRIVE = [
    ("湖北楚鼎化工股份有限公司", True),
    ("宜城市雷河建材有限公司", True),
    ("湖北鄢城纺织有限公司", False),
]
# Cadres of the other drive enterprises: (user name, name, county union code). No usable password.
HELPER_CADRES = [
    ("cadre-yc-02", "邓志刚", "420684"),
    ("cadre-yc-03", "王丽萍", "420684"),
    ("cadre-yl-01", "覃红梅", "420506"),
    ("cadre-yl-02", "望德华", "420506"),
]
# The other drive enterprises: (enterprise name, capacity cutting, responsible cadre)
MORE_DRIVE = [
    ("湖北楚宜精细化工股份有限公司", True, "cadre-yc-02"),
    ("宜城市王集化工有限公司", True, "cadre-yc-02"),
    ("宜城市流水建材有限公司", True, "cadre-yc-03"),
    ("宜城市金汉江纺织服装有限公司", False, "cadre-yc-03"),
    ("宜城市南营机械制造有限公司", False, "cadre-yc-03"),
    ("宜昌樟村坪磷矿有限公司", True, "cadre-yl-01"),
    ("湖北樟村坪磷化工股份有限公司", True, "cadre-yl-01"),
    ("宜昌鸦鹊岭磷肥有限公司", True, "cadre-yl-02"),
    ("宜昌坝区物流有限公司", False, "cadre-yl-02"),
    ("宜昌鸦鹊岭食品有限公司", False, "cadre-yl-02"),
]
# The county of each drive enterprise's households (area code of ID numbers) and who acts there as staff.
COUNTIES = {"420684": "county", "420506": "county2"}
GENERATED = 296  # with the four hand-written ones, 300 households
BIRTH_REFERENCE = 2026  # ages count from here, so a household's ID number is the same in any year
SEED = "assistance-demo-2026"


def _id(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


# (enterprise, worker, ID body, gender, phone, job status, own income, causes, days since a sudden cause,
#  members [(name, relation, age, health, schooling, income)], the state to walk to)
HOUSEHOLDS = [
    (
        "湖北楚鼎化工股份有限公司",
        "刘建国",
        "42068419750312041",
        "male",
        "13971000001",
        "laid_off",
        "900",
        ["unemployment", "illness"],
        None,
        [("张秀兰", "spouse", 48, "serious", "none", "0"), ("刘洋", "child", 16, "healthy", "senior", "0")],
        "assisted",
    ),
    (
        "宜城市雷河建材有限公司",
        "陈小梅",
        "42068419820907062",
        "female",
        "13971000002",
        "employed",
        "2600",
        ["schooling"],
        None,
        [
            ("陈浩", "child", 19, "healthy", "college", "0"),
            ("李桂英", "parent", 72, "chronic", "none", "300"),
        ],
        "filed",
    ),
    (
        "湖北楚鼎化工股份有限公司",
        "王海涛",
        "42068419880115083",
        "male",
        "13971000003",
        "employed",
        "4200",
        ["accident"],
        40,
        [("王丽", "spouse", 34, "healthy", "none", "1500")],
        "verified",
    ),
    (
        "湖北鄢城纺织有限公司",
        "赵红霞",
        "42068419790521084",
        "female",
        "",
        "laid_off",
        "1100",
        ["unemployment"],
        None,
        [("周强", "spouse", 47, "disabled", "none", "400")],
        "applied",
    ),
]

# How many days ago each hand-written household applied, by the state it is walked to.
HAND_WRITTEN_APPLIED = {"applied": 2, "verified": 8, "filed": 30, "assisted": 45}

# --- the generated households ---------------------------------------------------------------------------

S = HouseholdState
# (state, weight) of the generated households.
STATES = [
    (S.APPLIED, 36),
    (S.VERIFIED, 24),
    (S.APPRAISED, 18),
    (S.NOTICED, 18),
    (S.FILED, 42),
    (S.ASSISTED, 90),
    (S.ESCAPED, 30),
    (S.EXITED, 14),
    (S.REJECTED, 24),
]
# How long ago (days) a household in each state applied: recent ones wait, old ones have come through.
APPLIED_DAYS_AGO = {
    S.APPLIED: (0, 12),
    S.VERIFIED: (8, 25),
    S.APPRAISED: (16, 40),
    S.NOTICED: (22, 50),
    S.FILED: (35, 120),
    S.ASSISTED: (45, 220),
    S.ESCAPED: (160, 330),
    S.EXITED: (120, 300),
    S.REJECTED: (6, 90),
}
PATH = [S.VERIFIED, S.APPRAISED, S.NOTICED, S.FILED]
# Days from one step to the next: home visit, democratic appraisal, notice in the workplace, filing.
STEP_DAYS = {S.VERIFIED: (2, 5), S.APPRAISED: (3, 8), S.NOTICED: (2, 4), S.FILED: (5, 7)}
REJECTIONS = {
    "none": "经入户核实，家庭人均月收入超过困难职工认定标准，不予建档。",
    "assets": "经民主评议，该户家庭有商品房两套、私家车一辆，不符合困难职工认定条件，不予建档。",
    "elsewhere": "经核实，该职工家庭已纳入民政低保并享受社会救助兜底保障，本次不再重复建档。",
}
ESCAPES = [
    "配偶病情好转并重新就业，家庭人均月收入已超过认定标准，经复核实现脱困。",
    "职工经技能培训转岗到新岗位，月收入稳定增加，经复核实现脱困。",
    "子女大学毕业就业，家庭负担明显减轻，经复核实现脱困。",
]
EXITS = [
    "职工调离本企业到外地工作，档案按规定转出退档。",
    "职工办理退休，享受养老保险待遇，按规定退档。",
    "经年度复核，家庭人均收入超过认定标准一倍以上，按规定退档。",
]
RELATIVE_CAUSES = ["schooling", "unemployment", "low_wage", "disability", "other"]
SUDDEN = ["accident", "illness", "disaster"]
FUNDS = [("union", 60), ("government", 15), ("enterprise", 15), ("donation", 10)]
DONORS = ["金秋助学爱心基金", "职工互助保障会", "慈善总会爱心帮扶项目"]
GOVERNMENT = {"420684": "宜城市民政局", "420506": "宜昌市夷陵区民政局"}
COUNTY_UNIONS = {"420684": "宜城市总工会", "420506": "宜昌市夷陵区总工会"}
PLANS = [
    "协助办理大病医疗二次报销",
    "推荐参加工会组织的焊工技能培训",
    "协调企业安排配偶到后勤岗位就业",
    "帮助子女申请金秋助学金",
    "联系社区落实临时救助",
    "跟进法律援助，追讨拖欠的工伤赔偿",
]
VISIT_FINDINGS = [
    "走访企业分流安置职工，召开困难职工座谈会，了解转岗培训和社保接续情况。",
    "入户走访困难职工家庭，核实家庭收入和致困原因，宣传帮扶政策。",
    "与企业工会共同走访生产一线，收集职工对去产能分流安置的意见建议。",
    "随访已建档家庭，跟进医疗救助和子女助学落实情况。",
]
VISIT_FOLLOW_UPS = ["协调落实转岗培训名额", "跟进两户家庭的医疗救助报销", "督促企业补缴社会保险费", ""]


def _at(day: date, rng: random.Random) -> datetime:
    moment = time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
    return timezone.make_aware(datetime.combine(day, moment), timezone.get_current_timezone())


@dataclass
class Plan:
    """One generated household: what to file, and the steps to walk with their days."""

    drive: DriveEnterprise
    county: str
    fields: dict
    members: list[dict]
    state: str
    applied_on: date
    steps: list[tuple[str, date, str]] = field(default_factory=list)  # (state, day, comment)
    measures: list[tuple[date, dict]] = field(default_factory=list)
    plans: list[tuple[date, str, date | None]] = field(default_factory=list)  # (added, action, done on)


def _name(rng: random.Random, gender: str, surname: str | None = None) -> str:
    surname = surname or rng.choice(SURNAMES)[0]
    pool = MALE_GIVEN if gender == "male" else FEMALE_GIVEN
    return surname + "".join(c for c, _i in rng.sample(pool, rng.choice((1, 2, 2))))


def _family(rng: random.Random, surname: str, age: int, gender: str) -> list[dict]:
    """Spouse, children and sometimes a parent, with ages, health and schooling that fit the worker."""
    members = []
    if rng.random() < 0.85:
        spouse_gender = "female" if gender == "male" else "male"
        members.append(
            {
                "name": _name(rng, spouse_gender),
                "relation": "spouse",
                "age": max(22, age + rng.randint(-4, 3)),
                "health": rng.choices(["healthy", "chronic", "serious", "disabled"], (60, 20, 12, 8))[0],
                "schooling": "none",
            }
        )
    for _i in range(rng.choices((0, 1, 2), (15, 55, 30))[0]):
        child_age = max(1, min(age - 22, rng.randint(3, 24)))
        schooling = (
            "preschool"
            if child_age < 6
            else "primary"
            if child_age < 12
            else "junior"
            if child_age < 15
            else "senior"
            if child_age < 18
            else "college"
            if child_age < 23
            else "none"
        )
        members.append(
            {
                "name": _name(rng, rng.choice(("male", "female")), surname),
                "relation": "child",
                "age": child_age,
                "health": "healthy" if rng.random() < 0.9 else "chronic",
                "schooling": schooling,
            }
        )
    if age > 35 and rng.random() < 0.3:
        members.append(
            {
                "name": _name(rng, rng.choice(("male", "female")), surname),
                "relation": "parent",
                "age": min(95, age + rng.randint(24, 32)),
                "health": rng.choice(["chronic", "serious", "healthy"]),
                "schooling": "none",
            }
        )
    return members


def _incomes(rng, per_capita: Decimal, members: list[dict], job: str) -> tuple[Decimal, list[Decimal]]:
    """Split a household's income (``per_capita`` × people) between the worker and the adults."""
    total = per_capita * (1 + len(members))
    earners = [m for m in members if m["relation"] in ("spouse", "parent") or m["age"] >= 23]
    worker_share = Decimal(
        rng.uniform(0.25, 0.55) if job in ("laid_off", "unemployed") else rng.uniform(0.55, 0.9)
    )
    if not earners:
        worker_share = Decimal(1)
    worker = (total * worker_share).quantize(Decimal("1"))
    rest = total - worker
    incomes = []
    for m in members:
        if m in earners:
            share = (rest / len(earners)).quantize(Decimal("1"))
            incomes.append(max(Decimal(0), share))
        else:
            incomes.append(Decimal(0))
    return worker, incomes


def _plan(
    index: int, rng: random.Random, drive: DriveEnterprise, county: str, threshold, today: date
) -> Plan:
    line = threshold.dibao_line
    values, weights = zip(*STATES, strict=True)
    state = rng.choices(values, weights)[0]
    low, high = APPLIED_DAYS_AGO[state]
    applied_on = today - timedelta(days=rng.randint(low, high))
    # The category this household should come out with (qualifying unless it is refused or still waiting).
    if state == S.REJECTED:
        target = rng.choices(("none", "deep", "relative"), (70, 15, 15))[0]
    elif state in (S.APPLIED, S.VERIFIED):
        target = rng.choices(("none", "deep", "relative", "accident"), (12, 30, 40, 18))[0]
    else:
        target = rng.choices(("deep", "relative", "accident"), (35, 45, 20))[0]
    gender = "male" if rng.random() < 0.62 else "female"
    age = rng.randint(28, 58)
    born = date(BIRTH_REFERENCE - age, 1, 1) + timedelta(days=(index * 37) % 365)
    body = f"{county}{born:%Y%m%d}{100 + 2 * (index % 450) + (1 if gender == 'male' else 0):03d}"
    surname = rng.choice(SURNAMES)[0]
    job = rng.choices(
        ["employed", "laid_off", "unemployed", "flexible"],
        (35, 40, 10, 15) if drive.capacity_cutting else (60, 10, 10, 20),
    )[0]
    members = _family(rng, surname, age, gender)
    causes, sudden_on = [], None
    if target == "deep":
        per_capita = line * Decimal(rng.uniform(0.45, 0.92))
        causes = rng.sample(RELATIVE_CAUSES, rng.randint(1, 2))
    elif target == "relative":
        per_capita = line * Decimal(rng.uniform(1.08, 1.85))
        causes = rng.sample(RELATIVE_CAUSES, rng.randint(1, 2))
    elif target == "accident":
        per_capita = line * Decimal(rng.uniform(2.1, 3.2))
        causes = [rng.choice(SUDDEN)]
        sudden_on = applied_on - timedelta(days=rng.randint(10, 200))
    else:
        per_capita = line * Decimal(rng.uniform(2.2, 3.6))
        causes = rng.choice(([], ["low_wage"], ["other"]))
    if job in ("laid_off", "unemployed") and "unemployment" not in causes and target != "accident":
        causes.append("unemployment")
    worker_income, incomes = _incomes(rng, per_capita, members, job)
    for member, income in zip(members, incomes, strict=True):
        member["monthly_income"] = income
    plan = Plan(
        drive=drive,
        county=county,
        fields={
            "worker_name": _name(rng, gender, surname),
            "id_number": _id(body),
            "gender": gender,
            "phone": "" if rng.random() < 0.3 else f"139{7 if county == '420684' else 8}{index:07d}",
            "job_status": job,
            "worker_income": worker_income,
            "causes": causes,
            "sudden_cause_on": sudden_on,
        },
        members=members,
        state=state,
        applied_on=applied_on,
    )
    # The category the filing will derive (services.categorise, on the day of the application): a household
    # that does not qualify can only be refused.
    assessment = services.categorise(
        organisation=threshold.organisation,
        per_capita=services.per_capita_income(worker_income, incomes),
        causes=causes,
        sudden_cause_on=sudden_on,
        today=applied_on,
        threshold=threshold,
    )
    if assessment.category == Category.NONE and state not in (S.APPLIED, S.VERIFIED):
        plan.state, target = S.REJECTED, "none"
    _walk_plan(plan, rng, target, today)
    return plan


def _walk_plan(plan: Plan, rng: random.Random, target: str, today: date) -> None:
    """The days of the household's steps, its measures and plan items, all before or on ``today``."""
    day = plan.applied_on
    final = plan.state
    stop = {
        S.APPLIED: 0,
        S.VERIFIED: 1,
        S.APPRAISED: 2,
        S.NOTICED: 3,
        S.REJECTED: rng.choice((0, 1, 2)) if target != "none" or rng.random() < 0.5 else 1,
    }.get(final, 4)
    for step in PATH[:stop]:
        day = min(today, day + timedelta(days=rng.randint(*STEP_DAYS[step])))
        plan.steps.append((step, day, ""))
    if final == S.REJECTED:
        day = min(today, day + timedelta(days=rng.randint(1, 5)))
        reason = (
            REJECTIONS["none"]
            if target == "none"
            else rng.choice((REJECTIONS["assets"], REJECTIONS["elsewhere"]))
        )
        plan.steps.append((S.REJECTED, day, reason))
        return
    if stop < 4:
        return
    filed = day
    helped = final in (S.ASSISTED, S.ESCAPED) or (final == S.EXITED and rng.random() < 0.6)
    if helped:
        given = filed
        for _n in range(rng.choices((1, 2, 3), (50, 35, 15))[0]):
            given = min(today, given + timedelta(days=rng.randint(3, 30)))
            plan.measures.append((given, _measure(rng, plan)))
    if final in (S.FILED, S.ASSISTED) and rng.random() < 0.45:
        added = min(today, filed + timedelta(days=rng.randint(1, 10)))
        action = rng.choice(PLANS)
        done = None
        if rng.random() < 0.3:
            done = min(today, added + timedelta(days=rng.randint(5, 20)))
        plan.plans.append((added, action, done))
    if final in (S.ESCAPED, S.EXITED):
        last = max([filed, *[d for d, _m in plan.measures]])
        close = min(today, max(last + timedelta(days=20), filed + timedelta(days=rng.randint(60, 150))))
        plan.steps.append((final, close, rng.choice(ESCAPES if final == S.ESCAPED else EXITS)))


def _measure(rng: random.Random, plan: Plan) -> dict:
    causes, job = plan.fields["causes"], plan.fields["job_status"]
    sick = any(m["health"] in ("serious", "disabled") for m in plan.members) or "illness" in causes
    schooling = "schooling" in causes or any(m["schooling"] == "college" for m in plan.members)
    kind = rng.choice(
        [
            *(["medical"] * 3 if sick else []),
            *(["schooling"] * 2 if schooling else []),
            *(["job", "training"] if job in ("laid_off", "unemployed") else []),
            "living",
            "living",
            "legal" if "accident" in causes else "living",
        ]
    )
    amount = {
        "medical": (2000, 15000),
        "schooling": (1000, 5000),
        "living": (500, 3000),
        "job": (0, 800),
        "training": (600, 1800),
        "legal": (0, 0),
    }[kind]
    values, weights = zip(*FUNDS, strict=True)
    fund = "union" if kind in ("job", "training", "legal") else rng.choices(values, weights)[0]
    giver = {
        "union": COUNTY_UNIONS[plan.county] if rng.random() < 0.6 else f"{plan.drive.enterprise.name}工会",
        "government": GOVERNMENT[plan.county],
        "enterprise": plan.drive.enterprise.name,
        "donation": rng.choice(DONORS),
    }[fund]
    notes = {
        "medical": "大病医疗救助",
        "schooling": "子女助学",
        "living": rng.choice(("生活救助", "节日慰问", "“两节”送温暖")),
        "job": "推荐到合作企业再就业",
        "training": "转岗技能培训",
        "legal": "工伤赔偿法律援助",
    }
    return {
        "type": kind,
        "form": "kind" if kind in ("job", "training", "legal") else "cash",
        "amount": Decimal(rng.randint(*amount) // 100 * 100),
        "fund_source": fund,
        "giver": giver,
        "note": notes[kind],
    }


# --- writing --------------------------------------------------------------------------------------------


def _helpers() -> dict:
    """The helper cadres: no usable password, a cadre role in their county union."""
    return demo.helper_accounts(HELPER_CADRES, role=Role.CADRE)


def _drives(cadre, helpers: dict) -> dict[str, DriveEnterprise]:
    drives = {}
    rows = [(name, cutting, cadre) for name, cutting in DRIVE]
    rows += [(name, cutting, helpers[username]) for name, cutting, username in MORE_DRIVE]
    for name, cutting, responsible in rows:
        enterprise = Enterprise.objects.get(name=name)
        drive, _created = DriveEnterprise.objects.update_or_create(
            enterprise=enterprise, defaults={"responsible_cadre": responsible, "capacity_cutting": cutting}
        )
        drive.cadres.add(responsible)
        drives[name] = drive
    return drives


def _county_of(drive: DriveEnterprise, counties: dict[str, Organisation]) -> str:
    path = (drive.enterprise.union or drive.enterprise.township).path
    return next(code for code, org in counties.items() if path.startswith(org.path))


def _walk(plan: Plan, rng: random.Random, users: dict) -> Household | None:
    cadre = plan.drive.responsible_cadre
    staff = users[COUNTIES[plan.county]]
    with clock(_at(plan.applied_on, rng)):
        household = services.household_create(
            actor=cadre, enterprise=plan.drive.enterprise, members=plan.members, **plan.fields
        )
    events = [(day, "step", (state, comment)) for state, day, comment in plan.steps]
    events += [(day, "measure", measure) for day, measure in plan.measures]
    events += [(day, "plan", (action, done)) for day, action, done in plan.plans]
    # Steps before the measures of the same day, measures before the escape or exit they led to.
    order = {"step": 0, "measure": 1, "plan": 2}
    closing = (S.ESCAPED, S.EXITED)
    events.sort(key=lambda e: (e[0], 3 if e[1] == "step" and e[2][0] in closing else order[e[1]]))
    for day, kind, data in events:
        with clock(_at(day, rng)):
            if kind == "step":
                state, comment = data
                actor = cadre if state == S.VERIFIED else staff
                household = household_transition(
                    actor=actor, household_id=household.pk, to=state, comment=comment
                )
            elif kind == "measure":
                household.refresh_from_db()
                services.measure_add(actor=cadre, household=household, given_on=day, **data)
            else:
                action, done = data
                household.refresh_from_db()
                item = services.plan_item_add(
                    actor=cadre, household=household, action=action, follow_up_on=day + timedelta(days=14)
                )
                if done:
                    with clock(_at(done, rng)):
                        services.plan_item_done(actor=cadre, item=item)
    return household


def _generated(drives: dict[str, DriveEnterprise], users: dict, today: date) -> int:
    counties = {o.code: o for o in Organisation.objects.filter(code__in=COUNTIES)}
    thresholds = {code: threshold_for(org) for code, org in counties.items()}
    rng = random.Random(SEED)
    ordered = list(drives.values())
    # Capacity-cutting enterprises have more households (their laid-off workers).
    weights = [(3 if d.capacity_cutting else 1) * (d.enterprise.employees // 100 + 1) for d in ordered]
    plans = []
    for index in range(GENERATED):
        drive = rng.choices(ordered, weights)[0]
        county = _county_of(drive, counties)
        plans.append(_plan(index, rng, drive, county, thresholds[county], today))
    known = set(
        Household.objects.filter(id_number__in=[p.fields["id_number"] for p in plans]).values_list(
            "id_number", flat=True
        )
    )
    created = 0
    for plan in plans:
        if plan.fields["id_number"] in known:
            continue
        _walk(plan, rng, users)
        created += 1
    return created


def _visits(drives: dict[str, DriveEnterprise], today: date) -> int:
    """Two to four visits per drive enterprise by its cadres over the last three months, some with photos."""
    rng = random.Random(f"{SEED}-visits")
    created = 0
    for n, drive in enumerate(drives.values()):
        cadres = sorted(drive.cadres.all(), key=lambda u: u.pk) or [drive.responsible_cadre]
        have = drive.visits.count()
        for k in range(rng.randint(2, 4)):
            # Everything drawn before the look-up, so that another run draws the same visits.
            cadre = rng.choice(cadres)
            visited_on = today - timedelta(days=rng.randint(4, 95))
            follow_up = rng.choice(VISIT_FOLLOW_UPS)
            moment, met, findings = _at(visited_on, rng), rng.randint(2, 12), rng.choice(VISIT_FINDINGS)
            if k < have:  # its visits are there already (on another day, with other dates)
                continue
            photos = [demo_images.activity_photo(seed=1000 + 10 * n + k)] if k == 0 else []
            with clock(moment):
                services.visit_log(
                    actor=cadre,
                    drive_enterprise=drive,
                    photos=photos,
                    visited_on=visited_on,
                    households_met=met,
                    findings=findings,
                    follow_up_needed=bool(follow_up),
                    follow_up=follow_up,
                )
            created += 1
    return created


def _hand_written(drives: dict[str, DriveEnterprise], cadre, county, today: date) -> int:
    created = 0
    for (
        enterprise_name,
        worker,
        body,
        gender,
        phone,
        job,
        income,
        causes,
        sudden_days,
        members,
        target,
    ) in HOUSEHOLDS:
        id_number = _id(body)
        if Household.objects.filter(id_number=id_number).exists():
            continue
        # When it applied, and the days of its steps after that (home visit, appraisal, notice, filing).
        applied = today - timedelta(days=HAND_WRITTEN_APPLIED[target])
        with clock(at(applied, 10)):
            household = services.household_create(
                actor=cadre,
                enterprise=drives[enterprise_name].enterprise,
                worker_name=worker,
                id_number=id_number,
                gender=gender,
                phone=phone,
                job_status=job,
                worker_income=Decimal(income),
                causes=causes,
                sudden_cause_on=today - timedelta(days=sudden_days) if sudden_days else None,
                members=[
                    {
                        "name": n,
                        "relation": r,
                        "age": a,
                        "health": h,
                        "schooling": s,
                        "monthly_income": Decimal(i),
                    }
                    for n, r, a, h, s, i in members
                ],
            )
        created += 1
        steps = {"applied": 0, "verified": 1, "filed": 4, "assisted": 4}[target]
        for to, days in zip(PATH[:steps], (3, 8, 12, 18), strict=False):
            with clock(at(applied + timedelta(days=days), 15)):
                household_transition(
                    actor=cadre if to == "verified" else county, household_id=household.pk, to=to
                )
        if target == "assisted":
            household.refresh_from_db()
            with clock(at(today - timedelta(days=10), 11)):
                services.measure_add(
                    actor=cadre,
                    household=household,
                    type="medical",
                    form="cash",
                    amount=Decimal("3000"),
                    given_on=today - timedelta(days=10),
                    fund_source="union",
                    giver="宜城市总工会",
                    note="配偶大病医疗救助",
                )
                services.plan_item_add(
                    actor=cadre,
                    household=household,
                    action="协助刘洋申请助学金",
                    follow_up_on=today + timedelta(days=7),
                )
    return created


def seed_assistance_demo(*, stdout=None) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["cadre", *COUNTIES.values()])}
    cadre, county = users["cadre"], users["county"]
    for code, line in THRESHOLDS:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is not None:
            Threshold.objects.update_or_create(
                organisation=organisation, defaults={"dibao_line": Decimal(line)}
            )
    helpers = _helpers()
    drives = _drives(cadre, helpers)
    today = timezone.localdate()
    created = _hand_written(drives, cadre, county, today)
    if not Visit.objects.filter(cadre=cadre).exists():
        services.visit_log(
            actor=cadre,
            drive_enterprise=drives["湖北楚鼎化工股份有限公司"],
            visited_on=today - timedelta(days=3),
            households_met=4,
            findings="走访分流安置职工4户，其中1户配偶患重病，已登记。",
            follow_up_needed=True,
            follow_up="跟进刘建国家医疗救助报销",
        )
    created += _generated(drives, users, today)
    visits = _visits(drives, today)
    if created or visits or not rollups.refreshed_at():
        rollups.rollup_refresh()
    if stdout is not None:
        stdout.write(
            f"assistance: {Household.objects.count()} households ({created} added), "
            f"{PlanItem.objects.count()} plan items, {Visit.objects.count()} visits, "
            f"{len(drives)} paired enterprises\n"
        )
