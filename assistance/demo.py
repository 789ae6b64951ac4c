"""Demo rows for the assistance ledger (seed_demo): thresholds, paired enterprises, households, a visit."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from unionportal.orgs.models import Enterprise, Organisation

from . import services
from .models import DriveEnterprise, Household, Threshold, Visit
from .workflows import household_transition

THRESHOLDS = [("420000", "700"), ("420684", "650"), ("420506", "720")]
# (enterprise name, capacity cutting)
DRIVE = [
    ("湖北楚鼎化工股份有限公司", True),
    ("宜城市雷河建材有限公司", True),
    ("湖北鄢城纺织有限公司", False),
]


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


def seed_assistance_demo(*, stdout=None) -> None:
    users = get_user_model().objects
    cadre, county = users.get(username="cadre"), users.get(username="county")
    for code, line in THRESHOLDS:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is not None:
            Threshold.objects.update_or_create(
                organisation=organisation, defaults={"dibao_line": Decimal(line)}
            )
    drives = {}
    for name, cutting in DRIVE:
        enterprise = Enterprise.objects.get(name=name)
        drive, _created = DriveEnterprise.objects.update_or_create(
            enterprise=enterprise, defaults={"responsible_cadre": cadre, "capacity_cutting": cutting}
        )
        drive.cadres.add(cadre)
        drives[name] = drive
    today = timezone.localdate()
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
        path = ["verified", "appraised", "noticed", "filed"]
        steps = {"applied": 0, "verified": 1, "filed": 4, "assisted": 4}[target]
        for to in path[:steps]:
            household_transition(
                actor=cadre if to == "verified" else county, household_id=household.pk, to=to
            )
        if target == "assisted":
            household.refresh_from_db()
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
    if stdout is not None:
        stdout.write(
            f"assistance: {Household.objects.count()} households, {len(drives)} paired enterprises\n"
        )
