"""Demo data of the member registry and joining (registered with ``unionportal.demo``).

A registry of generated members for the demo's grassroots unions (宜城市楚都食品有限公司工会, the other
unions of 鄢城街道, and 樟村坪磷矿 of ``grassroots2``); the ``worker`` account's real-name profile, its
accepted application and membership (so its card opens); and a second worker's application waiting for
``grassroots`` to accept. Idempotent: rows are found by ID number and user name.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from stdnum.cn import ric

from . import demo_data
from .enums import JoinState
from .joining import join_accept, join_apply
from .members import member_add
from .models import Enterprise, JoinApplication, Member, Organisation
from .workers import worker_profile_save

User = get_user_model()

REGISTRY_UNIONS = {"420684001001": 36, "420684001002": 24, "420684001003": 12, "420506101001": 24}
WORKER_ID = "420684199205120026"  # check digit fixed below
APPLICANT = ("demo-applicant", "周文杰", "13800000011", "420684199811230031")


def id_number(area: str, born: date, seq: int) -> str:
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _with_check_digit(number: str) -> str:
    return number[:17] + ric.calc_check_digit(number[:17] + "0")


def _registry(stdout=None) -> int:
    rng = random.Random(20260427)
    added = 0
    for code, count in REGISTRY_UNIONS.items():
        union = Organisation.objects.get(code=code)
        for n in range(count):
            female = n % 3 == 0
            surname = rng.choice(demo_data.SURNAMES)[0]
            given = "".join(
                rng.choice(demo_data.FEMALE_GIVEN if female else demo_data.MALE_GIVEN)[0]
                for _ in range(rng.choice((1, 2)))
            )
            born = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
            seq = rng.randrange(0, 500) * 2 + (0 if female else 1)
            number = id_number(code[:6], born, seq)
            joined = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 365 * 16))
            phone = f"139{rng.randrange(10**8):08d}"
            if Member.objects.filter(id_number=number).exists():
                continue
            member_add(
                actor=None,
                organisation=union,
                name=surname + given,
                id_number=number,
                phone=phone,
                joined_on=max(joined, born.replace(year=born.year + 18)),
                check_scope=False,
            )
            added += 1
    return added


def _worker() -> None:
    worker = User.objects.get(username="worker")
    grassroots = User.objects.get(username="grassroots")
    employer = Enterprise.objects.get(name="宜城市楚都食品有限公司")
    if not hasattr(worker, "worker_profile"):
        worker_profile_save(
            user=worker,
            name=worker.name,
            id_number=_with_check_digit(WORKER_ID),
            employer=employer,
            job="包装车间操作工",
        )
    if not Member.objects.filter(user=worker).exists():
        application = JoinApplication.objects.filter(applicant=worker, state=JoinState.SUBMITTED).first()
        if application is None:
            application = join_apply(applicant=worker, union_id=employer.union_id)
        join_accept(actor=grassroots, application_id=application.pk, joined_on=date(2026, 4, 20))


def _waiting_applicant() -> None:
    username, name, phone, number = APPLICANT
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=name, phone=phone)
        user.set_unusable_password()
        user.phone_verified_at = user.date_joined
        user.save()
    employer = Enterprise.objects.get(name="宜城市楚都食品有限公司")
    if not hasattr(user, "worker_profile"):
        worker_profile_save(
            user=user, name=name, id_number=_with_check_digit(number), employer=employer, job="物流配送员"
        )
    if not JoinApplication.objects.filter(applicant=user).exists():
        join_apply(applicant=user, union_id=employer.union_id)


def seed_members_demo(*, stdout=None) -> None:
    added = _registry(stdout)
    _worker()
    _waiting_applicant()
    if stdout is not None and added:
        stdout.write(f"Member registry: {added} members added.")
