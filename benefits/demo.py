"""Demo data of inclusive services, as they stand on the demo's day (2026-04-27): the May Day offers of
the province (劳模疗休养, legal clinics), 襄阳市 (夏送清凉, the member discount scheme), 宜城市 (a health
check already full with a waiting list, a skills course whose sign-ups the county confirms, the winter
health check long closed) and 楚都食品's union (cool-down supplies its submitter confirms), one draft, and
one course in 夷陵区. Sign-ups come from the demo member registry, spread over the past weeks; the
``worker`` account (孙丽娟) holds a place in the full health check and may sign up for the others.
Everything goes through the services, so the counts, the audit trail and the waiting list are what
users would have left. Idempotent: an offer of the same union and title is left alone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from unionportal import clock
from unionportal.orgs.models import Member, Organisation

from . import services
from .enums import OfferKind
from .models import Offer

User = get_user_model()
D = date

# (key, union code, publisher, kind, title, place, capacity, window, service day, confirm?, state)
OFFERS = [
    (
        "sanatorium",
        "420000",
        "province",
        OfferKind.SANATORIUM,
        "2026年全省劳模（先进工作者）五一疗休养",
        "湖北省总工会咸宁温泉职工疗休养中心",
        30,
        (D(2026, 4, 10), D(2026, 5, 10)),
        D(2026, 5, 18),
        True,
        "published",
    ),
    (
        "legal",
        "420000",
        "province",
        OfferKind.LEGAL,
        "职工法律服务进企业：劳动合同与工资权益咨询",
        "各市州职工服务中心法律援助窗口（可预约视频咨询）",
        200,
        (D(2026, 4, 20), D(2026, 5, 31)),
        D(2026, 5, 20),
        False,
        "published",
    ),
    (
        "cool_city",
        "420600",
        "city",
        OfferKind.COOL_DOWN,
        "夏送清凉：高温一线岗位慰问品发放",
        "襄阳市职工服务中心（樊城区长虹北路）",
        300,
        (D(2026, 4, 25), D(2026, 6, 15)),
        D(2026, 6, 20),
        False,
        "published",
    ),
    (
        "discount",
        "420600",
        "city",
        OfferKind.DISCOUNT,
        "会员普惠商家：合作超市、药店凭会员卡 8.5 折",
        "襄阳市区 46 家合作商家（名单见服务中心公告）",
        1000,
        (D(2026, 4, 1), D(2026, 12, 31)),
        D(2026, 5, 1),
        False,
        "published",
    ),
    (
        "health",
        "420684",
        "county",
        OfferKind.HEALTH_CHECK,
        "五一职工健康体检（宜城市人民医院）",
        "宜城市人民医院体检中心（鄢城街道）",
        8,
        (D(2026, 4, 15), D(2026, 4, 30)),
        D(2026, 5, 9),
        False,
        "published",
    ),
    (
        "training",
        "420684",
        "county",
        OfferKind.TRAINING,
        "电工（中级）技能提升培训班",
        "宜城市职业技术教育中心实训楼",
        40,
        (D(2026, 4, 20), D(2026, 5, 8)),
        D(2026, 5, 12),
        True,
        "published",
    ),
    (
        "cool_union",
        "420684001001",
        "grassroots",
        OfferKind.COOL_DOWN,
        "车间防暑降温物资申领",
        "楚都食品有限公司工会办公室",
        36,
        (D(2026, 4, 22), D(2026, 5, 15)),
        D(2026, 5, 20),
        True,
        "published",
    ),
    (
        "winter",
        "420684",
        "county",
        OfferKind.HEALTH_CHECK,
        "春节送温暖职工健康体检",
        "宜城市中医医院体检科",
        10,
        (D(2026, 1, 5), D(2026, 1, 20)),
        D(2026, 1, 25),
        False,
        "closed",
    ),
    (
        "sanatorium2",
        "420600",
        "city",
        OfferKind.SANATORIUM,
        "襄阳市劳模工匠疗休养（第二期）",
        "南漳县春秋寨职工疗休养基地",
        20,
        (D(2026, 6, 1), D(2026, 6, 20)),
        D(2026, 7, 6),
        True,
        "draft",
    ),
    (
        "yiling",
        "420506",
        "county2",
        OfferKind.TRAINING,
        "磷化工安全操作技能培训",
        "夷陵区职工服务中心培训室",
        30,
        (D(2026, 4, 18), D(2026, 5, 10)),
        D(2026, 5, 16),
        False,
        "published",
    ),
]
DESCRIPTIONS = {
    OfferKind.SANATORIUM: "面向在册会员中的劳动模范、先进工作者和一线职工代表，疗休养 5 天，食宿交通由工会承担。",
    OfferKind.LEGAL: "工会法律援助律师一对一解答劳动合同、工资支付、加班工资等问题，可现场或视频咨询。",
    OfferKind.COOL_DOWN: "为高温一线岗位职工发放防暑降温用品（藿香正气水、清凉油、毛巾、饮品等）。",
    OfferKind.DISCOUNT: "凭电子会员卡在合作商家消费享受折扣，每位会员报名一次即可长期使用。",
    OfferKind.HEALTH_CHECK: "常规体检套餐：血常规、肝肾功能、心电图、B 超、胸部 DR 等，费用由工会承担。",
    OfferKind.TRAINING: "理论与实操结合，结业考核合格颁发培训证书，培训期间提供午餐。",
}
# key: (members signing up: union code and how many, waiting ones after them, pending ones to refuse)
SIGNUPS = {
    "sanatorium": [("420684001001", 3), ("420684001002", 2), ("420506101001", 2)],
    "legal": [("420684001002", 4), ("420684001003", 2), ("420506101001", 3)],
    "cool_city": [("420684001001", 5), ("420684001002", 4)],
    "discount": [("420684001001", 6), ("420684001002", 5), ("420684001003", 3)],
    "health": [("420684001001", 4), ("420684001002", 3), ("420684001003", 4)],  # 7 + worker, then waiting
    "training": [("420684001002", 6), ("420684001003", 3)],
    "cool_union": [("420684001001", 6)],
    "winter": [("420684001001", 5), ("420684001002", 5)],
    "yiling": [("420506101001", 9)],
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def seed_benefits_demo(*, stdout=None) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[row[2] for row in OFFERS] + ["worker"])}
    unions = {o.code: o for o in Organisation.objects.filter(code__in={row[1] for row in OFFERS})}
    members = {}
    for code in {code for rows in SIGNUPS.values() for code, _n in rows}:
        members[code] = list(
            Member.objects.current().filter(organisation__code=code, user__isnull=True).order_by("id_number")
        )
    used: dict[str, int] = {}
    worker = users.get("worker")
    worker_member = Member.objects.current().filter(user=worker).first() if worker else None
    for key, code, publisher, kind, title, place, capacity, window, service_on, confirm, state in OFFERS:
        union = unions.get(code)
        if union is None or Offer.objects.filter(union=union, title=title).exists():
            continue
        actor = users[publisher]
        start = window[0] - timedelta(days=2)
        with clock.travel(start):
            offer = services.offer_create(
                actor=actor,
                union=union,
                kind=kind,
                title=title,
                description=DESCRIPTIONS[kind],
                place=place,
                capacity=capacity,
                signup_from=window[0],
                signup_until=window[1],
                service_on=service_on,
                needs_confirmation=confirm,
            )
            if state == "draft":
                continue
            services.offer_publish(actor=actor, offer_id=offer.pk)
        _signups(key, offer, actor, members, used, worker, worker_member)
        if state == "closed":
            with clock.travel(window[1] + timedelta(days=1)):
                services.offer_close(actor=actor, offer_id=offer.pk)
    return None


def _signups(key, offer: Offer, actor, members, used, worker, worker_member) -> None:
    window_start = offer.signup_from
    last = min(offer.signup_until, date(2026, 4, 27))
    span = max((last - window_start).days, 1)
    people = []
    for code, n in SIGNUPS.get(key, []):
        pool, start = members[code], used.get(code, 0)
        if pool:
            people += [pool[(start + i) % len(pool)] for i in range(min(n, len(pool)))]
        used[code] = start + n
    made = []
    for index, member in enumerate(people):
        day = window_start + timedelta(days=(index * span) // max(len(people), 1))
        if key == "health" and index == 2 and worker_member is not None:
            # The worker signed up on her phone early on: her place is among the eight.
            made.append(
                services.signup_for_member(
                    member=worker_member, user=worker, offer_id=offer.pk, now=_at(window_start, 12)
                )
            )
        full = Offer.objects.get(pk=offer.pk).is_full
        made.append(
            services.signup_for_member(
                member=member, user=None, offer_id=offer.pk, waitlist=full, now=_at(day, 9 + index % 8)
            )
        )
    if offer.needs_confirmation:
        pending = [s for s in made if s.state == "pending"]
        # Some decided already; the rest wait for the union (the county, the grassroots union, the province).
        for signup in pending[: len(pending) // 3]:
            services.signup_confirm(actor=actor, signup_id=signup.pk)
        if len(pending) > 3:
            services.signup_refuse(actor=actor, signup_id=pending[-1].pk, reason="不在本期培训的工种范围内")
