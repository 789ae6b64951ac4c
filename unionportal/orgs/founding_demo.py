"""Demo data of founding a union (registered with ``unionportal.demo``), as of the demo's late April 2026.

Enterprises without a union under 宜城市鄢城街道 (the ``township`` account's union) and under 夷陵区, each
with a demo founder (a worker account with a profile, no usable password): one application waiting for
``township`` to approve, one returned with guidance, one approved on 10 April (so the coverage page counts
a new union and its first members), and enterprises with no application yet (the target list).
Idempotent: enterprises are found by credit code, founders by user name, applications by enterprise.
"""

from datetime import date

from django.contrib.auth import get_user_model

from unionportal import clock

from . import demo_data
from .enums import Industry, Ownership
from .founding import FoundingInput, founding_approve, founding_return, founding_save
from .member_demo import id_number
from .models import Enterprise, FoundingApplication, Organisation
from .workers import worker_profile_save

User = get_user_model()

# name, region, organisation code, industry, employees, address, township code
ENTERPRISES = [
    ("宜城市鄢城印务有限公司", "420684", "MA4F0UN01", Industry.MANUFACTURING, 48, "宜城市鄢城街道自忠路210号", "420684001"),
    ("宜城市鄢城汽车维修服务有限公司", "420684", "MA4F0UN02", Industry.RESIDENT, 32, "宜城市鄢城街道襄沙路97号", "420684001"),
    ("宜城市鄢城餐饮管理有限公司", "420684", "MA4F0UN1X", Industry.HOSPITALITY, 65, "宜城市鄢城街道鄢城大道88号", "420684001"),
    ("宜城市鄢城建材经营部", "420684", "MA49XK2Y3", Industry.TRADE, 18, "宜城市鄢城街道建材路6号", "420684001"),
    ("宜昌市小溪塔物业服务有限公司", "420506", "MA4F0UN03", Industry.REAL_ESTATE, 55, "宜昌市夷陵区小溪塔街道发展大道66号", "420506001"),
]  # fmt: skip

# user name, name, phone, birth date, sequence, enterprise index
FOUNDERS = [
    ("demo-founder1", "黄志刚", "13800000021", date(1985, 3, 14), 11, 0),
    ("demo-founder2", "罗晓梅", "13800000022", date(1990, 7, 2), 22, 1),
    ("demo-founder3", "邓永军", "13800000023", date(1982, 11, 20), 33, 2),
]
COMMITTEE = [("黄志刚", "生产主管"), ("李红", "财务"), ("张伟", "一线职工代表")]
FIRST_MEMBERS = [
    ("李红", date(1988, 5, 6), 44),
    ("张伟", date(1993, 9, 18), 55),
    ("王芳", date(1995, 1, 27), 66),
]


def _enterprises() -> list[Enterprise]:
    rows = []
    for name, region, org_code, industry, employees, address, township in ENTERPRISES:
        code = demo_data.credit_code(region, org_code)
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            enterprise = Enterprise.objects.create(
                name=name,
                credit_code=code,
                industry=industry,
                ownership=Ownership.PRIVATE,
                employees=employees,
                address=address,
                township=Organisation.objects.get(code=township),
            )
        rows.append(enterprise)
    return rows


def _founder(username, name, phone, born, seq, enterprise):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=name, phone=phone)
        user.set_unusable_password()
        user.phone_verified_at = user.date_joined
        user.save()
    if not hasattr(user, "worker_profile"):
        worker_profile_save(
            user=user,
            name=name,
            id_number=id_number("420684", born, seq),
            employer=enterprise,
            job="生产主管",
        )
    return user


def _input(enterprise, founder, offset: int) -> FoundingInput:
    profile = founder.worker_profile
    members = [{"name": profile.name, "id_number": profile.id_number, "phone": founder.phone}]
    members += [
        {"name": n, "id_number": id_number("420684", born, seq + offset), "phone": ""}
        for n, born, seq in FIRST_MEMBERS
    ]
    committee = [{"name": profile.name, "job": "生产主管"}] + [
        {"name": n, "job": j} for n, j in COMMITTEE[1:]
    ]
    return FoundingInput(
        enterprise=enterprise,
        capacity="worker",
        employees=enterprise.employees,
        committee=committee,
        chair_name=profile.name,
        chair_job="生产主管",
        first_members=members,
        contact_phone=founder.phone,
        note="全体职工自愿申请组建工会。",
    )


def seed_founding_demo(*, stdout=None) -> None:
    enterprises = _enterprises()
    township = User.objects.get(username="township")
    for index, (username, name, phone, born, seq, e) in enumerate(FOUNDERS):
        enterprise = enterprises[e]
        founder = _founder(username, name, phone, born, seq, enterprise)
        if FoundingApplication.objects.filter(enterprise=enterprise).exists():
            continue
        if index == 2:  # approved on 10 April: a union founded this year, on the coverage page
            with clock.travel(date(2026, 4, 8)):
                application = founding_save(
                    applicant=founder, data=_input(enterprise, founder, 100 * index), submit=True
                )
            with clock.travel(date(2026, 4, 10)):
                founding_approve(actor=township, application_id=application.pk)
            continue
        with clock.travel(date(2026, 4, 20 + index)):
            application = founding_save(
                applicant=founder, data=_input(enterprise, founder, 100 * index), submit=True
            )
        if index == 1:
            with clock.travel(date(2026, 4, 23)):
                founding_return(
                    actor=township,
                    application_id=application.pk,
                    comment="请补充筹备组成员的岗位，并附上职工大会推选筹备组的情况说明。",
                )
    if stdout is not None:
        stdout.write("Founding: demo applications ready.")
