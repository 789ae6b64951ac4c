"""Demo rows for the May Day awards (seed_demo): programmes, quotas and nominations in every state.

The 2026 campaign's four programmes (reviewed at county → city → province) on the campaign's calendar
as it stands on the demo's day, 27 April (``DAYS_2026``): the three provincial lists took nominations in
February and March and were reviewed in April, the medal list on public notice since 22 April with one
open objection; the national recommendation opened in April and is still under way. Quotas for every
city and for the counties of 襄阳 and 宜昌; nominations from ``grassroots`` (宜城市) and ``grassroots2``
(夷陵区) walked through the real services, each step on its day, to each state: draft, at county review,
at city review, returned, rejected, at province, approved, on notice. Past honours flag a 2026 national
nominee.

The 2025 lists are published in full (50 奖状, 100 奖章, 100 工人先锋号) from all 17 cities. Two medal
nominees from ``grassroots`` are walked through every step; the other 248 are generated (names, units,
deeds, priority fields, an initials or emblem card each) as the lists the city unions sent in, and are
written in bulk as the province approved them, with their Nomination details, photos through the upload
path and their history (created, submitted, approved) as audit events. From there the pipeline's own
services put each list on notice (公示, with an objection on the medal list that was dismissed) and
publish it, so the public rows, the photos made public and the rest of the history are what real use
writes. All of 2025 happens under a clock set to the 2025 dates (``unionportal.campaigns.demo.clock``),
so rows, history and publication carry 2025 dates. The national honours Hubei received in 2023 and 2024 are loaded into the
public table as the archive of earlier years (they were decided by the ACFTU, not in this pipeline).

宜昌's city union has no demo account, so ``grassroots2``'s nominations stop at city review.

Idempotent: each scenario is skipped when its first nominee already exists in its programme, generated
nominees are looked up by name within their programme and archive rows by their source.
"""

import random
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric, uscc

from unionportal import demo_images
from unionportal.audit import services as audit
from unionportal.campaigns.demo import at, clock
from unionportal.campaigns.models import Campaign
from unionportal.orgs.demo_data import FEMALE_GIVEN, MALE_GIVEN, SURNAMES
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.public.cache import invalidate
from unionportal.public.models import PublicEntry
from unionportal.selection import services as selection
from unionportal.selection.enums import HonourLevel, State, Tag
from unionportal.selection.models import Allocation, Candidacy, Objection, PastHonour, Programme
from unionportal.selection.selectors import allocation_problems
from unionportal.uploads.services import check_upload, upload_store

from .models import Nomination
from .programmes import PROGRAMMES, award_programmes_create, default_rules, english
from .services import nomination_save

YEAR, PAST_YEAR = 2026, 2025
NOTICE = {
    "office": "湖北省总工会劳动和经济工作部",
    "phone": "027-87125137",
    "address": "武汉市武昌区中南路43号湖北省总工会劳动和经济工作部",
}
GRASSROOTS, GRASSROOTS2 = "420684001001", "420506101001"
# Cities whose counties get quotas: 襄阳 (宜城市, county) and 宜昌 (夷陵区, county2); the lead county first.
ALLOCATED_COUNTIES = {"420600": "420684", "420500": "420506"}
DECLARED = {"safety": True, "arrears": True, "environment": True, "union": True}

# Reviewers by union and level: who acts at each step of a walk.
REVIEWERS = {
    GRASSROOTS: {Level.COUNTY: "county", Level.CITY: "city", Level.PROVINCE: "province"},
    GRASSROOTS2: {Level.COUNTY: "county2"},
}
SUBMITTERS = {GRASSROOTS: "grassroots", GRASSROOTS2: "grassroots2"}

# Where each nominee ends: how far it is forwarded, and what the last level does.
FORWARDS = {
    "draft": 0,
    "review3": 0,
    "returned": 0,
    "rejected3": 0,
    "review2": 1,
    "rejected2": 1,
    "review1": 2,
    "approved": 3,
    "notice": 3,
    "published": 3,
}
SEND_BACK = {
    "returned": (Level.COUNTY, False, "事迹材料缺少近三年技术革新的具体成效数据，请补充后重新提交。"),
    "rejected3": (Level.COUNTY, True, "推荐对象为企业负责人，本单位推荐名单中企业负责人比例已达上限。"),
    "rejected2": (
        Level.CITY,
        True,
        "经核实，推荐对象所在班组近三年内发生一起安全生产违章事件，不符合推荐条件。",
    ),
}

# (name, initials, gender, ethnicity, born, political status, education, job title, position, flags, tags,
#  summary, deeds, target)
# fmt: off
MEDAL_2026 = {
    GRASSROOTS: [
        ("黄丽华", "HLH", "F", "汉族", "19771203", "cpc", "senior", "高级工", "生产线组长",
         ("frontline", "migrant"), ["shared"],
         "带领生产线组十五年无质量事故，帮扶困难职工二十余户。",
         "黄丽华同志担任生产线组长15年，所在组连续15年无质量事故、无安全事故；她发起“姐妹互助基金”，帮扶困难职工"
         "家庭23户。", "notice"),
        ("杨德胜", "YDS", "M", "土家族", "19730518", "masses", "junior", "技师", "原料车间班长",
         ("frontline", "migrant"), ["agriculture", "poverty"],
         "建立原料收购绿色通道，帮助贫困农户稳定增收。",
         "杨德胜同志负责原料收购二十年，建立生猪和粮食收购绿色通道，对接脱贫户186户，带动户均年增收6000元。", "notice"),
        ("陈志强", "CZQ", "M", "汉族", "19800125", "masses", "junior", "技师", "锅炉班班长",
         ("frontline", "migrant"), ["green"],
         "完成燃煤锅炉清洁能源改造，年减排二氧化碳三千吨。",
         "陈志强同志牵头完成燃煤锅炉天然气改造和余热回收，年减排二氧化碳3000吨。", "rejected2"),
    ],
    GRASSROOTS2: [
        ("毛建平", "MJP", "M", "汉族", "19740606", "cpc", "bachelor", "高级经济师", "副总经理",
         ("enterprise_head",), ["transformation"],
         "推动矿山智能化改造，企业产值五年翻番。",
         "毛建平同志分管生产经营，推动矿山智能化改造，企业产值五年翻番。", "rejected3"),
    ],
}
# The national recommendation opened in April: its nominations are the ones still moving.
NATIONAL_2026 = {
    GRASSROOTS: [
        ("孙志刚", "SZG", "M", "汉族", "19760822", "cpc", "senior", "高级技师", "腊制品车间主任",
         ("frontline", "migrant"), ["innovation", "transformation"],
         "从农民工成长为高级技师，主持腊制品低温加工关键技术攻关。",
         "孙志刚同志1995年进城务工进厂，扎根生产一线三十年，参与完成省级科技项目5项，腊制品低温加工技术达到国内领先水平，获湖北省"
         "科技进步二等奖；曾获湖北省五一劳动奖章。", "approved"),
        ("李建军", "LJJ", "M", "汉族", "19820612", "cpc", "senior", "高级技师", "生产车间班长",
         ("frontline", "migrant"), ["innovation", "transformation"],
         "扎根食品生产一线二十年，主持完成腊肉自动化烟熏线改造，年节约能耗百万元。",
         "李建军同志2004年进厂，从学徒成长为高级技师。他带领班组攻克烟熏工艺温控难题，牵头完成自动化生产线改造，"
         "产品合格率由96%提升到99.6%，年节约能耗成本120万元；创办“建军工作室”，带出技师12名。", "draft"),
        ("王秀英", "WXY", "F", "汉族", "19790308", "cpc", "college", "食品检验技师", "质检组长",
         ("frontline",), ["innovation"],
         "建立企业全流程质量追溯体系，连续十年产品抽检零不合格。",
         "王秀英同志长期从事食品检验工作，建立覆盖原料、生产、仓储全流程的质量追溯体系，企业连续十年国家和省级抽检"
         "零不合格；她总结的“三查三对”检验法在全市食品企业推广。", "review3"),
        ("张国华", "ZGH", "M", "汉族", "19751120", "masses", "senior", "高级工", "包装车间主任",
         ("frontline", "migrant"), ["transformation"],
         "推动包装车间精益改造，人均效率提高三成。",
         "张国华同志带领包装车间推行精益生产，改造包装流水线4条，人均效率提高32%，带动农民工就业80余人。", "returned"),
        ("刘红梅", "LHM", "F", "回族", "19860915", "cpc", "bachelor", "工程师", "研发中心副主任",
         ("frontline",), ["innovation", "agriculture"],
         "研发低盐健康腊制品系列，带动周边农户增收。",
         "刘红梅同志主持研发低盐腊制品等新产品9个，获发明专利3项；推动“企业+合作社+农户”订单生产，带动宜城周边"
         "1200余户农户年均增收5000元。", "review2"),
        ("周晓峰", "ZXF", "M", "汉族", "19840730", "cpc", "college", "高级技师", "设备维修班班长",
         ("frontline", "migrant"), ["innovation"],
         "自主改造进口设备关键部件，为企业节约外修费用四百余万元。",
         "周晓峰同志自学机电一体化技术，完成进口真空包装机等关键设备国产化改造26项，累计节约外修和备件费用420万元；"
         "获湖北省职工技术创新成果二等奖。", "review1"),
    ],
    GRASSROOTS2: [
        ("覃光荣", "QGR", "M", "土家族", "19780409", "cpc", "senior", "高级技师", "采矿一工区班长",
         ("frontline", "migrant"), ["transformation"],
         "扎根井下采矿一线二十二年，所带班组连续十年安全生产无事故。",
         "覃光荣同志在樟村坪磷矿井下工作22年，推行“手指口述”安全确认法，所带班组连续十年无安全事故，年采矿量居全矿第一。",
         "draft"),
        ("向春燕", "XCY", "F", "土家族", "19851021", "cpc", "college", "工程师", "选矿车间技术员",
         ("frontline",), ["green", "innovation"],
         "攻关磷矿浮选工艺，尾矿综合利用率提高到百分之八十五。",
         "向春燕同志主持磷矿浮选药剂优化攻关，精矿品位提高1.8个百分点，尾矿综合利用率由62%提高到85%。", "review3"),
        ("郑大勇", "ZDY", "M", "汉族", "19760814", "masses", "junior", "高级工", "井下运输班班长",
         ("frontline", "migrant"), ["innovation"],
         "改造井下运输系统，运输效率提高四成。",
         "郑大勇同志带领班组改造井下轨道运输和信号系统，运输效率提高40%，十二年无运输事故。", "review2"),
        ("田德华", "TDH", "M", "汉族", "19810227", "masses", "senior", "技师", "机电维修工",
         ("frontline", "migrant"), ["innovation"],
         "革新提升机制动装置，消除重大安全隐患。",
         "田德华同志完成提升机制动装置等技术革新8项，消除重大安全隐患3处。", "returned"),
    ],
}
MEDAL_2025 = {
    GRASSROOTS: [
        ("罗海波", "LHB", "M", "汉族", "19800909", "cpc", "senior", "高级技师", "生产车间副主任",
         ("frontline", "migrant"), ["innovation"],
         "首创腊制品自动化切配工艺，获国家实用新型专利四项。",
         "罗海波同志首创腊制品自动化切配工艺，获国家实用新型专利4项，年增效益300余万元。", "published"),
        ("吴桂兰", "WGL", "F", "汉族", "19830316", "masses", "junior", "技师", "包装班班长",
         ("frontline", "migrant"), ["shared"],
         "从农民工成长为技师，带出技能骨干三十余名。",
         "吴桂兰同志从进城务工人员成长为技师，创办“桂兰技能课堂”，带出技能骨干30余名。", "published"),
    ],
}
# (name, enterprise or team details, tags, summary, deeds, target)
UNIT_2026 = {
    GRASSROOTS: [("宜城市楚都食品有限公司", "approved",
                  "坚持职工主体地位，企业发展成果惠及全体职工。",
                  "公司坚持依靠职工办企业，连续八年开展工资集体协商，职工工资年均增长8%；建成职工书屋和母婴室。")],
    GRASSROOTS2: [("宜昌樟村坪磷矿有限公司", "review3",
                   "建设绿色智能矿山，实现安全生产三千天。",
                   "公司推进绿色矿山和智能化建设，实现连续安全生产3000天，职工收入五年增长45%。")],
}
TEAM_2026 = {
    GRASSROOTS: [("宜城市楚都食品有限公司生产一车间甲班", "宜城市楚都食品有限公司", "李建军", 18, "approved",
                  "班组连续五年超额完成生产任务，合理化建议采纳率第一。",
                  "甲班18名职工中农民工占三分之二，连续五年超额完成生产任务，提出合理化建议126条，被采纳98条。")],
    GRASSROOTS2: [("宜昌樟村坪磷矿有限公司采矿一工区掘进班", "宜昌樟村坪磷矿有限公司", "覃光荣", 24, "review2",
                   "掘进班组月进尺屡创全矿纪录。",
                   "掘进班24名职工坚守井下一线，月进尺屡创全矿纪录，连续八年无安全事故。")],
}
# fmt: on
PAST_HONOURS = [
    # (name, ID of a nominee above, year, level, award)
    ("孙志刚", ("420684", "19760822", 31), 2023, HonourLevel.PROVINCIAL, "湖北省五一劳动奖章"),
]


def _id_number(area: str, born: str, seq: int) -> str:
    body = f"{area}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _seq(index: int, gender: str) -> int:
    """A sequence whose last digit says the gender (odd for men) as GB 11643 does."""
    return 10 + index * 2 + (1 if gender == "M" else 0)


def portrait(initials: str, seed: int, caption: str = ""):
    """A nominee's photo for the form path: an initials card (never a picture of a person), checked."""
    file = demo_images.initials_card(initials, seed=seed, caption=caption)
    file.checked_upload = check_upload(file, kind="image")
    return file


def _users() -> dict:
    names = {"province", "city", "county", "county2", "grassroots", "grassroots2"}
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _allocate(programme: Programme) -> None:
    """Quotas for every city and for the counties of 襄阳 and 宜昌 (more for the demo's two counties)."""
    if programme.allocations.exists():
        return
    total = programme.total_quota
    cities = list(Organisation.objects.filter(level=Level.CITY, depth=2).order_by("path"))
    main, lead = QUOTA_SHARES.get(programme.code, (max(2, total // 5), None))
    others = [c for c in cities if c.code not in ALLOCATED_COUNTIES]
    rest = (total - main * len(ALLOCATED_COUNTIES)) // max(1, len(others))
    rows = {c.pk: (main if c.code in ALLOCATED_COUNTIES else rest) for c in cities}
    for city in (c for c in cities if c.code in ALLOCATED_COUNTIES):
        counties = list(Organisation.objects.filter(level=Level.COUNTY, path__startswith=city.path))
        lead = lead or max(1, main // 3)
        spare = (main - lead) // max(1, len(counties) - 1)
        for county in counties:
            rows[county.pk] = lead if county.code == ALLOCATED_COUNTIES[city.code] else spare
    problems = allocation_problems(programme, rows)
    if problems:
        raise ValueError(" ".join(problems))
    Allocation.objects.bulk_create(
        Allocation(programme=programme, organisation_id=pk, quota=quota) for pk, quota in rows.items()
    )


def _intake_time(programme: Programme):
    """A moment inside the programme's intake window, as close to now as it allows."""
    now = timezone.now()
    return min(
        max(now, programme.intake_opens_at + timedelta(hours=1)),
        programme.intake_closes_at - timedelta(hours=1),
    )


class Walk:
    """Builds one programme's nominations and walks each to its target state through the services."""

    def __init__(self, programme: Programme, users: dict, *, at=None, phases: dict | None = None):
        self.programme = programme
        self.users = users
        self.at = at or _intake_time(programme)
        # When each step happened ("submit", each reviewing level, "rank"), for a walk in the past.
        self.phases = phases or {}
        self.orgs = {o.code: o for o in Organisation.objects.filter(code__in=[GRASSROOTS, GRASSROOTS2])}
        self.targets: list[tuple[Candidacy, str, str]] = []  # (candidacy, union code, target)

    def exists(self, first_name: str) -> bool:
        return Candidacy.objects.filter(programme=self.programme, name=first_name).exists()

    def add(self, code: str, *, fields: dict, details: dict, initials: str, target: str) -> None:
        fields = {"declarations": DECLARED, **fields}
        with self._at("intake"):
            candidacy = nomination_save(
                actor=self.users[SUBMITTERS[code]],
                programme=self.programme,
                organisation=self.orgs[code],
                fields=fields,
                details=details,
                consent=True,
                photo=portrait(initials, len(self.targets), caption=str(self.programme.campaign.year)),
                now=self.at,
            )
        self.targets.append((candidacy, code, target))

    def _at(self, phase):
        return clock(self.phases[phase]) if phase in self.phases else nullcontext()

    def run(self) -> list[Candidacy]:
        with self._at("submit"):
            for candidacy, code, target in self.targets:
                if target != "draft":
                    selection.candidacy_submit(
                        actor=self.users[SUBMITTERS[code]],
                        pk=candidacy.pk,
                        now=self.phases.get("submit", self.at),
                    )
        steps = ((Level.COUNTY, 1), (Level.CITY, 2), (Level.PROVINCE, 3))
        for level, depth in steps:
            with self._at(level):
                self._review(level, depth)
        province = [c.pk for c, _code, t in self.targets if FORWARDS[t] >= 3]
        if province:
            with self._at("rank"):
                selection.ranks_set(
                    actor=self.users["province"],
                    programme=self.programme,
                    ranks={pk: rank for rank, pk in enumerate(province, start=1)},
                )
        return [c for c, _code, _t in self.targets]

    def _review(self, level: int, depth: int) -> None:
        for code in (GRASSROOTS, GRASSROOTS2):
            actor_name = REVIEWERS[code].get(level)
            here = [(c, t) for c, cc, t in self.targets if cc == code and t != "draft"]
            backs = [(c, t) for c, t in here if t in SEND_BACK and SEND_BACK[t][0] == level]
            for candidacy, target in backs:
                _level, reject, reason = SEND_BACK[target]
                selection.send_back(
                    actor=self.users[actor_name], pks=[candidacy.pk], reason=reason, reject=reject
                )
            onward = [c.pk for c, t in here if FORWARDS[t] >= depth]
            if onward and actor_name:
                org = self._reviewer(code, level)
                selection.forward(
                    actor=self.users[actor_name], programme=self.programme, organisation=org, pks=onward
                )

    def _reviewer(self, code: str, level: int) -> Organisation:
        org = self.orgs[code]
        prefixes = [org.path[:i] for i in range(org.steplen, len(org.path), org.steplen)]
        return Organisation.objects.get(path__in=prefixes, level=level)


def _individual(walk: Walk, people: dict, area_of: dict, index: int = 0) -> int:
    employers = {
        GRASSROOTS: Enterprise.objects.filter(union__code=GRASSROOTS).first(),
        GRASSROOTS2: Enterprise.objects.filter(union__code=GRASSROOTS2).first(),
    }
    for code, rows in people.items():
        for row in rows:
            name, initials, gender, ethnicity, born, political, education, title, position, flags, tags = row[
                :11
            ]
            summary, deeds, target = row[11:]
            seq = SEQUENCES.get(name) or _seq(index, gender)
            index += 1
            walk.add(
                code,
                fields={
                    "name": name,
                    "id_number": _id_number(area_of[code], born, seq),
                    "summary": summary,
                    "deeds": deeds,
                    "tags": tags,
                    "flags": dict.fromkeys(flags, True),
                },
                details={
                    "gender": gender,
                    "ethnicity": ethnicity,
                    "political_status": political,
                    "education": education,
                    "job_title": title,
                    "position": position,
                    "phone": "",
                    "employer": employers[code],
                },
                initials=initials,
                target=target,
            )
    return index


AREAS = {GRASSROOTS: "420684", GRASSROOTS2: "420506"}
SEQUENCES = {name: seq for name, (_area, _born, seq) in ((n, i) for n, i, *_rest in PAST_HONOURS)}


def _past_honours() -> None:
    for name, (area, born, seq), year, level, award in PAST_HONOURS:
        PastHonour.objects.get_or_create(
            id_number=_id_number(area, born, seq),
            year=year,
            award=award,
            defaults={"name": name, "level": level, "unit": "宜城市楚都食品有限公司"},
        )


def _open_notice(
    walk: Walk, *, starts_on: date, objection_on: date, objected: str, decide: str | None, days=None
):
    """The approved list on notice, with one objection (decided when ``decide`` gives the findings);
    ``days`` sets the clock of each step ("notice", "objection", "decision") for a list in the past."""
    days = days or {}
    province = walk.users["province"]
    with _at(days, "notice"):
        notice = selection.notice_open(
            actor=province, programme=walk.programme, starts_on=starts_on, **NOTICE
        )
    candidacy = Candidacy.objects.get(programme=walk.programme, name=objected)
    with _at(days, "objection"):
        objection = selection.objection_lodge(
            notice=notice,
            candidacy_id=candidacy.pk,
            name="群众来信",
            contact="0710-4220000",
            reason=f"反映{objected}同志的事迹材料中部分技术革新成果系班组集体完成，请核实。",
            token=selection.objection_form_token(),
            today=objection_on,
        )
    if decide:
        with _at(days, "decision"):
            selection.objection_decide(actor=province, pk=objection.pk, upheld=False, findings=decide)
    return notice


def _walk_2026(programme: Programme, users: dict) -> Walk:
    days = DAYS_2026[programme.code]
    return Walk(programme, users, at=days["intake"], phases=days)


def _medal_2026(programme: Programme, users: dict) -> None:
    walk = _walk_2026(programme, users)
    if walk.exists(MEDAL_2026[GRASSROOTS][0][0]):
        return
    _individual(walk, MEDAL_2026, AREAS)
    walk.run()
    days = DAYS_2026["medal"]
    _open_notice(
        walk,
        starts_on=days["notice"].date() + timedelta(days=1),
        objection_on=days["objection"].date(),
        objected="黄丽华",
        decide=None,
        days=days,
    )


def _national_2026(programme: Programme, users: dict) -> None:
    walk = _walk_2026(programme, users)
    if walk.exists(NATIONAL_2026[GRASSROOTS][0][0]):
        return
    _individual(walk, NATIONAL_2026, AREAS, index=20)
    walk.run()


def _unit_2026(programme: Programme, users: dict) -> None:
    walk = _walk_2026(programme, users)
    if walk.exists(UNIT_2026[GRASSROOTS][0][0]):
        return
    for code, rows in UNIT_2026.items():
        for name, target, summary, deeds in rows:
            enterprise = Enterprise.objects.get(name=name)
            walk.add(
                code,
                fields={
                    "name": name,
                    "summary": summary,
                    "deeds": deeds,
                    "tags": ["shared", "transformation"],
                },
                details={
                    "enterprise": enterprise,
                    "unit_type": "enterprise",
                    "employees": enterprise.employees,
                },
                initials="UNIT",
                target=target,
            )
    walk.run()


def _team_2026(programme: Programme, users: dict) -> None:
    walk = _walk_2026(programme, users)
    if walk.exists(TEAM_2026[GRASSROOTS][0][0]):
        return
    for code, rows in TEAM_2026.items():
        for name, parent, leader, members, target, summary, deeds in rows:
            walk.add(
                code,
                fields={
                    "name": name,
                    "unit": parent,
                    "summary": summary,
                    "deeds": deeds,
                    "tags": ["innovation"],
                },
                details={
                    "parent_unit": parent,
                    "leader": leader,
                    "member_count": members,
                    "members": f"{leader}、班长\n",
                },
                initials="TEAM",
                target=target,
            )
    walk.run()


# --- generated lists: the 2025 lists in full and the national honours of earlier years ----------------

# city code: (name in unit names, the city as an administrative place, pinyin initials for the cards,
#  districts, towns and parks, industries, a farm product)
# fmt: off
CITY_PROFILES = {
    "420100": ("武汉", "武汉市", "WH", ("光谷", "沌口", "青山", "阳逻", "东西湖", "汉南"),
               ("光电子", "汽车零部件", "钢结构", "生物医药", "软件信息"), "蔬菜"),
    "420200": ("黄石", "黄石市", "HS", ("磁湖", "西塞山", "铁山", "下陆"), ("特钢", "模具", "铜材", "水泥建材"), "茶叶"),
    "420300": ("十堰", "十堰市", "SY", ("茅箭", "张湾", "郧阳", "丹江口"), ("汽车零部件", "商用车", "绿松石工艺"), "柑橘"),
    "420500": ("宜昌", "宜昌市", "YC", ("猇亭", "枝江", "当阳", "点军"), ("磷化工", "水电装备", "船舶修造"), "柑橘"),
    "420600": ("襄阳", "襄阳市", "XY", ("樊城", "襄州", "东津", "谷城"), ("汽车", "装备制造", "航空救生装备"), "小麦"),
    "420700": ("鄂州", "鄂州市", "EZ", ("葛店", "华容", "燕矶"), ("航空物流装备", "金属制品", "生物医药"), "武昌鱼"),
    "420800": ("荆门", "荆门市", "JM", ("掇刀", "东宝", "京山", "钟祥"), ("精细化工", "农机装备", "再生资源"), "优质稻"),
    "420900": ("孝感", "孝感市", "XG", ("孝南", "汉川", "应城", "安陆"), ("盐化工", "米酒食品", "纸制品"), "优质稻"),
    "421000": ("荆州", "荆州市", "JZ", ("沙市", "纪南", "石首", "洪湖"), ("石油机械", "纺织", "家电配件"), "莲藕"),
    "421100": ("黄冈", "黄冈市", "HG", ("黄州", "麻城", "武穴", "蕲春"), ("医药", "新型建材", "艾草制品"), "菊花"),
    "421200": ("咸宁", "咸宁市", "XN", ("咸安", "赤壁", "嘉鱼", "通山"), ("青砖茶", "苎麻纺织", "电力装备"), "茶叶"),
    "421300": ("随州", "随州市", "SZ", ("曾都", "广水", "随县"), ("专用汽车", "风机", "香菇食品"), "香菇"),
    "422800": ("恩施", "恩施州", "ES", ("利川", "宣恩", "鹤峰", "咸丰"), ("富硒食品", "烟草机械", "清洁能源"), "富硒茶"),
    "429004": ("仙桃", "仙桃市", "XT", ("彭场", "毛嘴", "干河"), ("无纺布", "食品"), "黄鳝"),
    "429005": ("潜江", "潜江市", "QJ", ("园林", "熊口", "积玉口"), ("小龙虾加工", "石油化工"), "虾稻"),
    "429006": ("天门", "天门市", "TM", ("竟陵", "岳口", "皂市"), ("纺织服装", "医药"), "棉花"),
    "429021": ("神农架", "神农架林区", "SN", ("松柏", "木鱼", "红坪"), ("生态旅游", "中药材加工"), "中药材"),
}
# fmt: on
# Each list's share per city: 武汉 the largest, every city at least one.
CITY_WEIGHTS = {
    "420100": 20,
    "420200": 5,
    "420300": 6,
    "420500": 8,
    "420600": 8,
    "420700": 3,
    "420800": 5,
    "420900": 5,
    "421000": 6,
    "421100": 6,
    "421200": 4,
    "421300": 4,
    "422800": 5,
    "429004": 3,
    "429005": 3,
    "429006": 3,
    "429021": 1,
}  # fmt: skip
# The area code in a generated nominee's ID number: a district of the city (GB/T 2260).
ID_AREAS = {
    "420100": "420106", "420200": "420202", "420300": "420302", "420500": "420502", "420600": "420606",
    "420700": "420704", "420800": "420802", "420900": "420902", "421000": "421002", "421100": "421102",
    "421200": "421202", "421300": "421303", "422800": "422801", "429004": "429004", "429005": "429005",
    "429006": "429006", "429021": "429021",
}  # fmt: skip
BRANDS = ("楚天", "江汉", "荆楚", "汉江", "长江", "华中", "楚风", "清江", "鄂东", "三峡", "鄂西", "云梦")
NO_RAILWAY = {"429021"}  # 神农架林区
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class Sector:
    weight: int  # how often units of the lists come from it
    unit_type: str  # awards.models.UnitType
    credit_prefix: str  # 91 enterprise, 12 public institution, 93 farmers' cooperative
    employees: tuple[int, int]
    teams: tuple[str, ...]
    titles: tuple[str, ...]
    positions: tuple[str, ...]
    heads: tuple[str, ...]  # positions that count as enterprise heads (at most a fifth of a list)
    migrants: bool  # whether its front-line workers are often migrant workers (农民工)
    tags: tuple[str, ...]  # the priority fields its deeds speak to most
    process: str  # what its innovation changes
    person: str  # the first line of a person's deeds
    unit: str  # the first line of a unit's deeds
    team: str  # what a team of it does


SECTORS = {
    "industry": Sector(
        34, "enterprise", "91", (180, 4200),
        ("数控车间甲班", "装配一线", "设备维修班", "质量检验中心", "工艺研发室", "热处理班组"),
        ("高级技师", "技师", "高级工", "工程师", "高级工程师"),
        ("数控车工", "钳工班长", "设备维修工", "焊工", "质检员", "车间主任"), ("总经理",), True,
        ("innovation", "transformation", "green"), "生产线",
        "{name}同志扎根{industry}生产一线{years}年，从学徒成长为{title}",
        "公司现有职工{employees}人，坚持依靠职工办企业，连续{years2}年开展工资集体协商",
        "平均年龄{age}岁，其中技师以上{skilled}人",
    ),
    "power": Sector(
        7, "enterprise", "91", (260, 1600), ("输电运检班", "变电检修班", "配电抢修班", "调度控制班"),
        ("高级技师", "技师", "工程师"), ("输电线路工", "变电检修工", "配电抢修班长"), (), False,
        ("green", "coordinated", "innovation"), "变电站巡检",
        "{name}同志坚守电网运维一线{years}年，累计巡检线路{km}公里",
        "单位承担{place}{district}片区电网运维任务，连续{days}天安全生产无事故",
        "担负{km}公里线路的运维和抢修任务",
    ),
    "rail": Sector(
        5, "enterprise", "91", (400, 2600), ("客运车间", "工务线路工区", "动车组检修班", "调度指挥中心"),
        ("高级技师", "技师", "高级工"), ("动车组机械师", "线路工长", "列车调度员", "值班站长"), (), False,
        ("coordinated", "innovation", "shared"), "调度指挥",
        "{name}同志扎根铁路运输一线{years}年，安全作业{days}天无差错",
        "车务段管辖车站{stations}个，连续{days}天安全生产无事故",
        "担负每日{trains}趟列车的保障任务",
    ),
    "construction": Sector(
        8, "enterprise", "91", (300, 3500), ("钢筋班组", "混凝土班组", "测量班", "盾构掘进班"),
        ("高级技师", "技师", "工程师"), ("钢筋工班长", "塔吊司机", "测量员", "项目经理"), ("项目经理",), True,
        ("coordinated", "transformation", "green"), "施工工艺",
        "{name}同志转战重点工程建设一线{years}年，先后参建重点项目{projects}个",
        "项目部承建{place}重点工程，建设高峰期组织职工{employees}人开展劳动竞赛",
        "建设高峰期{members}人同时在岗作业",
    ),
    "hospital": Sector(
        10, "institution", "12", (600, 3800), ("急诊科", "重症医学科", "护理部", "发热门诊"),
        ("主任医师", "副主任医师", "主任护师", "主管护师"), ("急诊科医师", "护士长", "主治医师"), (), False,
        ("shared", "innovation", "poverty"), "诊疗流程",
        "{name}同志从医{years}年，年均诊治患者{patients}人次",
        "医院开放床位{beds}张，年门急诊{visits}万人次，建成区域医疗中心",
        "年救治急危重症患者{patients}人次",
    ),
    "school": Sector(
        8, "institution", "12", (120, 900), ("数控专业教研室", "高三年级组", "班主任工作室"),
        ("正高级教师", "高级教师", "一级教师"), ("班主任", "教研组长", "专业带头人"), (), False,
        ("shared", "innovation", "coordinated"), "实训教学",
        "{name}同志从教{years}年，培养学生和技能人才{students}余名",
        "学校坚持产教融合，每年为企业输送技能人才{students}余名",
        "所带学生在技能大赛中获奖{prizes}项",
    ),
    "farm": Sector(
        12, "other", "93", (30, 400), ("农机服务队", "技术推广组", "冷链加工车间"),
        ("高级农艺师", "农艺师", "农民技术员"), ("种植技术员", "农机手", "合作社理事长"), ("合作社理事长",), True,
        ("agriculture", "poverty", "green"), "种植管理",
        "{name}同志扎根田间地头{years}年，带领乡亲发展{crop}产业",
        "合作社带动社员{households}户，建成{crop}标准化基地{mu}亩",
        "常年服务农户{households}户",
    ),
    "logistics": Sector(
        8, "enterprise", "91", (150, 1800), ("调度中心", "仓储分拣班组", "驾驶员班组"),
        ("技师", "高级工"), ("货车驾驶员", "调度员", "仓储班长"), (), True,
        ("coordinated", "transformation", "shared"), "仓储分拣",
        "{name}同志坚守运输调度岗位{years}年，安全行驶{km}万公里",
        "公司拥有运输车辆{vehicles}台，建成覆盖{place}城乡的物流配送网络",
        "日均调度车辆{vehicles}台次",
    ),
    "utility": Sector(
        8, "enterprise", "91", (200, 2200), ("管网抢修班", "客户服务中心", "公交一车队"),
        ("技师", "工程师", "高级工"), ("管网维修工", "公交驾驶员", "客服班长"), (), False,
        ("shared", "green", "transformation"), "管网调度",
        "{name}同志坚守城市公共服务一线{years}年，服务群众{people}余人次",
        "公司服务{place}城区居民{residents}万人，建成职工创新工作室{rooms}个",
        "24小时响应群众报修，年均处理{calls}余件",
    ),
}  # fmt: skip
TAG_LINES = {
    "innovation": (
        "主持和参与技术革新{count}项，获国家专利{patents}项，年创效益{money}万元",
        "攻克关键技术难题{count}项，成果获湖北省职工技术创新成果奖",
    ),
    "transformation": (
        "推动{process}数字化、智能化改造，劳动生产率提高{pct}%",
        "推行精益管理和标准化作业，合格率提高到{rate}%",
    ),
    "green": (
        "推进节能降耗和清洁生产改造，年节约能耗折合标准煤{coal}吨",
        "推广绿色低碳工艺，年减少二氧化碳排放{co2}吨",
    ),
    "shared": (
        "发起职工互助帮扶，先后帮扶困难职工和群众{households}户",
        "建成职工书屋和爱心驿站，组织志愿服务{hours}小时",
    ),
    "coordinated": (
        "参与长江经济带重点项目{projects}个，协同上下游单位{partners}家",
        "参与跨区域协作项目建设，提前{ahead}天完成节点任务",
    ),
    "agriculture": (
        "推广良种良法和机械化作业{mu}亩，带动{households}户农户年均增收{income}元",
        "建成{crop}标准化示范基地{mu}亩，亩均增产{gain}%",
    ),
    "poverty": (
        "结对帮扶脱贫户{households}户，助力巩固拓展脱贫攻坚成果",
        "吸纳脱贫劳动力就业{jobs}人，带动户均年增收{income}元",
    ),
}
PERSON_CLOSINGS = (
    "创办“{given}工作室”，带出徒弟{apprentices}名",
    "所在班组连续{years2}年无安全事故",
    "先后获评{admin}劳动模范、技术能手",
)
UNIT_CLOSINGS = (
    "建成职工之家和职工书屋，职工收入年均增长{pct2}%",
    "近三年无安全生产责任事故、无拖欠职工工资",
)
TEAM_CLOSINGS = (
    "{noun}提出合理化建议{suggestions}条，被采纳{adopted}条",
    "连续{years2}年超额完成工作任务",
)
PROJECTS = ("综合管廊", "城市快速路", "长江大桥", "产业园", "保障性住房", "水利枢纽")
TEAM_POSTS = ("技术骨干", "安全员", "质检员", "副班长")

# How many each 2025 list holds (the plan: 50 奖状, 100 奖章, 100 工人先锋号).
LIST_SIZES = {"unit": 50, "medal": 100, "team": 100}
ARCHIVE_YEARS = (2023, 2024)
ARCHIVE = {  # code: (programme and award of the ACFTU's national honours, how many Hubei received a year)
    "unit": ("全国五一劳动奖状", 6),
    "medal": ("全国五一劳动奖章", 20),
    "team": ("全国工人先锋号", 12),
}
ARCHIVE_SOURCE = "demo:archive:{year}:{code}:{n}"
# When the 2025 lists went through their steps.
DAYS_2025 = {
    "intake": at(date(PAST_YEAR, 3, 20)),
    "submit": at(date(PAST_YEAR, 3, 24), 9, 30),
    Level.COUNTY: at(date(PAST_YEAR, 3, 31), 15),
    Level.CITY: at(date(PAST_YEAR, 4, 7), 15),
    Level.PROVINCE: at(date(PAST_YEAR, 4, 14), 15),
    "rank": at(date(PAST_YEAR, 4, 16), 10),
    "notice": at(date(PAST_YEAR, 4, 21), 9),
    "objection": at(date(PAST_YEAR, 4, 22), 10, 30),
    "decision": at(date(PAST_YEAR, 4, 24), 16),
    "publish": at(date(PAST_YEAR, 4, 28), 10),
}

# The 2026 calendar, as it stands on the demo's day (unionportal.demo.DAY, 27 April): the three provincial
# lists took nominations in February and March and were reviewed level by level in April; the medal list
# went on notice on 22 April (five working days), the unit and team lists wait for the province's last
# reading. The national recommendation opened in April and is still taking and reviewing nominations.
INTAKE_2026 = {
    "unit": (at(date(YEAR, 2, 2), 9), at(date(YEAR, 3, 31), 17, 30)),
    "medal": (at(date(YEAR, 2, 2), 9), at(date(YEAR, 3, 31), 17, 30)),
    "team": (at(date(YEAR, 2, 2), 9), at(date(YEAR, 3, 31), 17, 30)),
    "national": (at(date(YEAR, 4, 7), 9), at(date(YEAR, 5, 15), 17, 30)),
}
_PROVINCIAL_DAYS_2026 = {
    "intake": at(date(YEAR, 3, 12), 10),
    "submit": at(date(YEAR, 3, 26), 15),
    Level.COUNTY: at(date(YEAR, 4, 2), 16),
    Level.CITY: at(date(YEAR, 4, 9), 15),
    Level.PROVINCE: at(date(YEAR, 4, 16), 15),
    "rank": at(date(YEAR, 4, 17), 10),
}
DAYS_2026 = {
    "unit": _PROVINCIAL_DAYS_2026,
    "team": _PROVINCIAL_DAYS_2026,
    "medal": {
        **_PROVINCIAL_DAYS_2026,
        "notice": at(date(YEAR, 4, 21), 16),  # opened the day before it runs
        "objection": at(date(YEAR, 4, 24), 10, 30),
    },
    "national": {
        "intake": at(date(YEAR, 4, 10), 10),
        "submit": at(date(YEAR, 4, 13), 15),
        Level.COUNTY: at(date(YEAR, 4, 16), 16),
        Level.CITY: at(date(YEAR, 4, 21), 15),
        Level.PROVINCE: at(date(YEAR, 4, 24), 15),
        "rank": at(date(YEAR, 4, 24), 16),
    },
}
# Quotas beyond the even split: the national recommendation's ten places go to the two demo cities.
QUOTA_SHARES = {"national": (4, 3)}  # code: (each demo city, its lead county)


def _spread(total: int, weights: dict[str, int], *, at_least: int = 1) -> dict[str, int]:
    """``total`` split over the keys by weight (largest remainder), ``at_least`` each."""
    counts = dict.fromkeys(weights, at_least)
    rest, weight_sum = total - at_least * len(weights), sum(weights.values())
    shares = {key: rest * w / weight_sum for key, w in weights.items()}
    for key, share in shares.items():
        counts[key] += int(share)
    left = total - sum(counts.values())
    for key in sorted(weights, key=lambda k: (int(shares[k]) - shares[k], k))[:left]:
        counts[key] += 1
    return counts


def _person(rng: random.Random, gender: str) -> tuple[str, str, str]:
    """(name, initials, given name) of a generated person."""
    surname, initial = rng.choice(SURNAMES)
    pool = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
    given = rng.sample(pool, rng.choice((1, 2, 2, 2)))
    return (
        surname + "".join(c for c, _i in given),
        initial + "".join(i for _c, i in given),
        "".join(c for c, _i in given),
    )


def _credit_code(rng: random.Random, prefix: str, area: str) -> str:
    body = prefix + area + "".join(rng.choice(USCC_ALPHABET) for _i in range(9))
    return body + uscc.calc_check_digit(body)


def _unit(rng: random.Random, city: str, taken: set[str]) -> tuple[str, str, str, str]:
    """A generated unit of ``city`` no list has yet: (name, sector key, district, industry)."""
    short, admin, _abbr, districts, industries, crop = CITY_PROFILES[city]
    keys = list(SECTORS)
    if city in NO_RAILWAY:
        keys.remove("rail")
    for _attempt in range(50):
        sector = rng.choices(keys, weights=[SECTORS[k].weight for k in keys])[0]
        district, brand, industry = rng.choice(districts), rng.choice(BRANDS), rng.choice(industries)
        name = {
            "industry": f"{short}{brand}{industry}{rng.choice(('有限公司', '股份有限公司', '集团有限公司'))}",
            "power": f"{brand}电力{short}{district}运维分公司",
            "rail": f"{brand}铁路运输{short}{district}车务段",
            "construction": f"{brand}建工集团{short}{district}{rng.choice(PROJECTS)}项目部",
            "hospital": f"{admin}{district}{rng.choice(('区域医疗中心', '康复医院', '妇幼保健院'))}",
            "school": f"{admin}{district}{rng.choice(('职业技术学校', '实验中学', '技师学院'))}",
            "farm": f"{short}{district}{crop}专业合作社",
            "logistics": f"{short}{brand}{rng.choice(('物流', '冷链物流', '快运'))}有限公司",
            "utility": f"{admin}{district}{rng.choice(('供水有限公司', '公交客运有限公司', '燃气有限公司'))}",
        }[sector]
        if name not in taken:
            taken.add(name)
            return name, sector, district, industry
    raise RuntimeError(f"no new unit name for {city}")


def _figures(rng: random.Random) -> dict:
    return {
        "years": rng.randint(12, 32), "years2": rng.randint(5, 15), "count": rng.randint(6, 48),
        "patents": rng.randint(2, 15), "money": rng.randint(80, 2600), "pct": rng.randint(12, 45),
        "rate": round(rng.uniform(98.5, 99.9), 1), "coal": rng.randint(300, 9000), "co2": rng.randint(800, 24000),
        "households": rng.randint(20, 900), "hours": rng.randint(600, 12000), "projects": rng.randint(3, 16),
        "partners": rng.randint(5, 60), "ahead": rng.randint(10, 90), "mu": rng.randint(800, 30000),
        "income": rng.randint(3000, 12000), "gain": rng.randint(8, 30), "jobs": rng.randint(20, 300),
        "apprentices": rng.randint(8, 60), "km": rng.randint(30, 260) * 100, "days": rng.randint(1500, 5200),
        "patients": rng.randint(6000, 40000), "students": rng.randint(800, 9000), "beds": rng.randint(300, 1800),
        "visits": rng.randint(30, 160), "stations": rng.randint(6, 24), "trains": rng.randint(40, 260),
        "vehicles": rng.randint(60, 900), "people": rng.randint(20000, 300000), "residents": rng.randint(10, 120),
        "rooms": rng.randint(2, 9), "calls": rng.randint(2000, 30000), "age": rng.randint(28, 41),
        "skilled": rng.randint(3, 20), "prizes": rng.randint(6, 60), "pct2": rng.randint(5, 11),
        "suggestions": rng.randint(60, 400), "adopted": 0,
    }  # fmt: skip


@dataclass
class Generated:
    """One generated nominee: the candidacy's public fields, its ID number and its Nomination details."""

    city: str
    name: str
    unit: str
    initials: str
    tags: list[str]
    summary: str
    deeds: str
    id_number: str = ""
    flags: dict | None = None
    details: dict | None = None


def _tags(rng: random.Random, sector: Sector) -> list[str]:
    """One or two priority fields, among those the sector's work speaks to."""
    chosen = set(rng.sample(sector.tags, 2 if rng.random() < 0.55 else 1))
    return [t for t in Tag.values if t in chosen]


def _texts(rng: random.Random, kind: str, sector: Sector, tags: list[str], values: dict) -> tuple[str, str]:
    """(summary, deeds) in the plan's spirit: the nominee's work, then what each priority field achieved."""
    lines = [rng.choice(TAG_LINES[t]).format(**values) for t in tags]
    opening = {
        "medal": sector.person,
        "unit": sector.unit,
        "team": "{noun}现有职工{members}人，" + sector.team,
    }[kind]
    closing = rng.choice({"medal": PERSON_CLOSINGS, "unit": UNIT_CLOSINGS, "team": TEAM_CLOSINGS}[kind])
    opening, closing = opening.format(**values), closing.format(**values)
    if kind == "medal":
        summary = f"{opening.split('，')[0].removeprefix(values['name'] + '同志')}，{lines[0]}。"
    else:
        summary = f"{lines[0]}，{closing}。"
    return summary, f"{opening}。{'；'.join(lines)}。{closing}。"


def _generate(code: str, counts: dict[str, int], *, seed: str) -> list[Generated]:
    """The generated nominees of one list (``code``), ``counts[city]`` from each city; the same ``seed``
    gives the same list."""
    rng = random.Random(seed)
    rows, names, taken, index = [], set(), set(), 0
    for city, count in counts.items():
        short, admin, abbr, _districts, _industries, crop = CITY_PROFILES[city]
        for _n in range(count):
            unit, sector_key, district, industry = _unit(rng, city, taken)
            sector = SECTORS[sector_key]
            values = {**_figures(rng), "place": short, "admin": admin, "district": district, "crop": crop}
            values.update(industry=industry, process=sector.process, members=rng.randint(8, 60))
            values["noun"] = {"hospital": "科室", "school": "团队"}.get(sector_key, "班组")
            values["adopted"] = values["suggestions"] * rng.randint(55, 85) // 100
            tags = _tags(rng, sector)
            if code == "medal":
                gender = "M" if rng.random() < 0.68 else "F"
                name, initials, given = _person(rng, gender)
                while name in names:
                    name, initials, given = _person(rng, gender)
                head = bool(sector.heads) and rng.random() < 0.08
                position = (
                    sector.heads[0]
                    if head
                    else rng.choice([p for p in sector.positions if p not in sector.heads])
                )
                values.update(name=name, given=given, title=rng.choice(sector.titles))
                born = date(rng.randint(1968, 1994), rng.randint(1, 12), rng.randint(1, 28))
                body = f"{ID_AREAS[city]}{born:%Y%m%d}{200 + 2 * index + (1 if gender == 'M' else 0):03d}"
                ethnic = "汉族"
                if city in ("422800", "429021") or (city == "420500" and rng.random() < 0.3):
                    ethnic = rng.choice(("土家族", "土家族", "苗族", "汉族"))
                elif rng.random() < 0.02:
                    ethnic = "回族"
                summary, deeds = _texts(rng, code, sector, tags, values)
                rows.append(
                    Generated(
                        city,
                        name,
                        unit,
                        initials,
                        tags,
                        summary,
                        deeds,
                        id_number=body + ric.calc_check_digit(body + "0"),
                        flags={
                            "frontline": not head,
                            "migrant": sector.migrants and not head and rng.random() < 0.45,
                            "enterprise_head": head,
                        },
                        details={
                            "gender": gender,
                            "ethnicity": ethnic,
                            "birth_date": born,
                            "political_status": rng.choices(("cpc", "masses", "democratic"), (65, 30, 5))[0],
                            "education": rng.choice(
                                ("bachelor", "postgraduate")
                                if sector_key in ("hospital", "school")
                                else ("junior", "senior", "college", "bachelor")
                            ),
                            "job_title": values["title"],
                            "position": position,
                        },
                    )
                )
            elif code == "unit":
                values["name"] = unit
                values["employees"] = rng.randint(*sector.employees)
                summary, deeds = _texts(rng, code, sector, tags, values)
                rows.append(
                    Generated(
                        city,
                        unit,
                        unit,
                        abbr,
                        tags,
                        summary,
                        deeds,
                        details={
                            "credit_code": _credit_code(rng, sector.credit_prefix, ID_AREAS[city]),
                            "unit_type": sector.unit_type,
                            "employees": values["employees"],
                        },
                    )
                )
            else:
                team = f"{unit}{rng.choice(sector.teams)}"
                while team in names:
                    team = f"{unit}{rng.choice(sector.teams)}{rng.choice('一二三四')}组"
                leader = _person(rng, "M" if rng.random() < 0.7 else "F")[0]
                members = [_person(rng, rng.choice("MF"))[0] for _i in range(3)]
                summary, deeds = _texts(rng, code, sector, tags, values)
                rows.append(
                    Generated(
                        city,
                        team,
                        unit,
                        abbr,
                        tags,
                        summary,
                        deeds,
                        details={
                            "parent_unit": unit,
                            "leader": leader,
                            "member_count": values["members"],
                            "members": "".join(
                                f"{person}、{post}\n"
                                for person, post in zip(
                                    [leader, *members], ("班组长", *TEAM_POSTS), strict=False
                                )
                            ),
                        },
                    )
                )
            names.add(rows[-1].name)
            index += 1
    return rows


def _at(days: dict, key) -> AbstractContextManager:
    return clock(days[key]) if key in days else nullcontext()


def _programme_2025(code: str) -> Programme:
    """One of the closed 2025 programmes (reviewed at county → city → province), with its rules."""
    _code, name, award, kind, quota, national = next(p for p in PROGRAMMES if p[0] == code)
    programme, created = Programme.objects.get_or_create(
        campaign=_past_campaign(),
        code=code,
        defaults={
            "app": "awards",
            "name": str(name),
            "award": str(award),
            "name_en": english(name),
            "award_en": english(award),
            "nominee_kind": kind,
            "is_national": national,
            "total_quota": quota,
            "intake_opens_at": at(date(PAST_YEAR, 3, 1), 0),
            "intake_closes_at": at(date(PAST_YEAR, 4, 10), 17, 30),
            "review_levels": [Level.COUNTY, Level.CITY, Level.PROVINCE],
            **{f"notice_{k}": v for k, v in NOTICE.items()},
        },
    )
    if created:
        default_rules(programme)
    return programme


def _allocate_2025(programme: Programme, cities: dict[str, int], counties: dict[str, int]) -> None:
    """The quotas the 2025 lists were sent in under: each city what it put forward, and the counties of
    the walked nominees theirs. Quotas an earlier demo gave out differently are replaced."""
    wanted = {**cities, **counties}
    orgs = {o.code: o.pk for o in Organisation.objects.filter(code__in=wanted)}
    rows = {orgs[code]: quota for code, quota in wanted.items()}
    problems = allocation_problems(programme, rows)
    if problems:
        raise ValueError(" ".join(problems))
    current = {a.organisation_id: a for a in programme.allocations.all()}
    programme.allocations.exclude(organisation_id__in=rows).delete()
    for pk, quota in rows.items():
        row = current.get(pk)
        if row is None:
            Allocation.objects.create(programme=programme, organisation_id=pk, quota=quota)
        elif row.quota != quota:
            row.quota = quota
            row.save(update_fields=["quota"])


def _approve_generated(programme: Programme, rows: list[Generated], users: dict, *, start_rank: int) -> int:
    """Write the generated nominees missing from ``programme`` as the city unions sent them in and the
    province approved them: candidacy, details, a card through the upload path and the history."""
    have = set(programme.candidacies.values_list("name", flat=True))
    rows = [row for row in rows if row.name not in have]
    if not rows:
        return 0
    cities = {o.code: o for o in Organisation.objects.filter(code__in={row.city for row in rows})}
    regions = {code: selection.region_of(org) for code, org in cities.items()}
    year = str(programme.campaign.year)
    individual = programme.nominee_kind == "individual"
    rank = start_rank + programme.candidacies.filter(rank__isnull=False).count()
    candidacies = []
    for n, row in enumerate(rows):
        seed = rank + n + 7 * len(programme.code)
        card = (
            demo_images.initials_card(row.initials, seed=seed, caption=year)
            if individual
            else demo_images.emblem_card(row.initials, seed=seed, caption=year)
        )
        candidacies.append(
            Candidacy(
                programme=programme,
                campaign_id=programme.campaign_id,
                organisation=cities[row.city],
                state=State.APPROVED,
                name=row.name,
                unit=row.unit,
                region=regions[row.city],
                id_number=row.id_number,
                flags=row.flags or {},
                declarations=DECLARED,
                tags=row.tags,
                summary=row.summary,
                deeds=row.deeds,
                photo=upload_store(file=card, kind="image", actor=None, organisation=cities[row.city]),
                consent_at=DAYS_2025["intake"],
                rank=rank + n,
                submitted_at=DAYS_2025["submit"],
            )
        )
    Candidacy.objects.bulk_create(candidacies)
    Nomination.objects.bulk_create(
        Nomination(candidacy=c, **row.details) for c, row in zip(candidacies, rows, strict=True)
    )
    province = users["province"]
    for candidacy in candidacies:
        audit.record(actor=None, action="selection.candidacy.create", obj=candidacy, at=DAYS_2025["intake"])
        audit.record(
            actor=None,
            action="selection.candidacy.transition",
            obj=candidacy,
            from_state=State.DRAFT,
            to_state=State.REVIEW1,
            at=DAYS_2025["submit"],
        )
        audit.record(
            actor=province,
            action="selection.candidacy.transition",
            obj=candidacy,
            from_state=State.REVIEW1,
            to_state=State.APPROVED,
            at=DAYS_2025[Level.PROVINCE],
        )
    return len(candidacies)


def _publish_2025(programme: Programme, users: dict) -> None:
    """Put the approved 2025 list on notice and publish it when the notice is over, on the 2025 dates."""
    province = users["province"]
    if programme.candidacies.filter(state=State.APPROVED).exists():
        with clock(DAYS_2025["notice"]):
            selection.notice_open(
                actor=province, programme=programme, starts_on=DAYS_2025["notice"].date(), **NOTICE
            )
    if programme.candidacies.filter(state=State.NOTICE).exists():
        ends = max(notice.ends_on for notice in programme.notices.all())
        today = max(DAYS_2025["publish"].date(), ends + timedelta(days=1))
        with clock(max(DAYS_2025["publish"], at(today))):
            selection.programme_publish(actor=province, programme=programme, today=today)


def _past_honours_of(programme: Programme, level: str = HonourLevel.PROVINCIAL) -> None:
    """The published individuals of a list in the past-honours register (checked on new nominations)."""
    rows = programme.candidacies.filter(state=State.PUBLISHED).exclude(id_number="")
    PastHonour.objects.bulk_create(
        [
            PastHonour(
                id_number=c.id_number,
                name=c.name,
                year=PAST_YEAR,
                level=level,
                award=programme.award,
                unit=c.unit,
            )
            for c in rows
        ],
        ignore_conflicts=True,
    )


def _list_2025(code: str, users: dict) -> Programme:
    """The 2025 奖状 or 工人先锋号 list: generated, approved, on notice, published."""
    programme = _programme_2025(code)
    counts = _spread(LIST_SIZES[code], CITY_WEIGHTS)
    _allocate_2025(programme, counts, {})
    rows = _generate(code, counts, seed=f"{PAST_YEAR}-{code}")
    with clock(DAYS_2025[Level.PROVINCE]):
        _approve_generated(programme, rows, users, start_rank=1)
    _publish_2025(programme, users)
    return programme


def _archive() -> int:
    """The national honours Hubei received in earlier years, loaded into the public table as published
    (decided by the ACFTU, so there is no candidacy behind them); the individuals also go into the
    past-honours register. Returns how many rows were added."""
    have = set(
        PublicEntry.objects.filter(source__startswith="demo:archive:").values_list("source", flat=True)
    )
    regions = {o.code: selection.region_of(o) for o in Organisation.objects.filter(code__in=CITY_PROFILES)}
    entries, honours = [], []
    for year in ARCHIVE_YEARS:
        for code, (award, count) in ARCHIVE.items():
            counts = _spread(count, CITY_WEIGHTS, at_least=0)
            for n, row in enumerate(_generate(code, counts, seed=f"{year}-{code}-national")):
                source = ARCHIVE_SOURCE.format(year=year, code=code, n=n)
                if source in have:
                    continue
                card = (demo_images.initials_card if code == "medal" else demo_images.emblem_card)(
                    row.initials, seed=year + n, caption=str(year)
                )
                entries.append(
                    PublicEntry(
                        year=year,
                        programme=award,
                        award=award,
                        award_en=english(award),
                        name=row.name,
                        unit=row.unit,
                        region=regions[row.city],
                        stage=PublicEntry.Stage.PUBLISHED,
                        summary=row.summary,
                        deeds=row.deeds,
                        photo=upload_store(file=card, kind="image", actor=None, public=True),
                        tags=f",{','.join(row.tags)},",
                        published_at=at(date(year, 4, 27)),
                        source=source,
                    )
                )
                if row.id_number:
                    honours.append(
                        PastHonour(
                            id_number=row.id_number,
                            name=row.name,
                            year=year,
                            level=HonourLevel.NATIONAL,
                            award=award,
                            unit=row.unit,
                        )
                    )
    PublicEntry.objects.bulk_create(entries)
    PastHonour.objects.bulk_create(honours, ignore_conflicts=True)
    if entries:
        invalidate()
    return len(entries)


def _past_campaign() -> Campaign:
    campaign, _created = Campaign.objects.get_or_create(
        year=PAST_YEAR,
        defaults={
            "theme": "弘扬劳模精神，建功新时代",
            "starts_on": date(PAST_YEAR, 3, 1),
            "ends_on": date(PAST_YEAR, 12, 31),
            "is_current": False,
        },
    )
    return campaign


def _medal_2025(users: dict) -> Programme:
    """The 2025 medal list: two nominees of ``grassroots`` walked through every step, the other 98 from
    the cities generated and approved; on notice with an objection that was dismissed, then published."""
    programme = _programme_2025("medal")
    counts = _spread(LIST_SIZES["medal"], CITY_WEIGHTS)
    walked = len(MEDAL_2025[GRASSROOTS])
    _allocate_2025(programme, counts, {"420684": walked})
    walk = Walk(programme, users, at=DAYS_2025["intake"], phases=DAYS_2025)
    if not walk.exists(MEDAL_2025[GRASSROOTS][0][0]):
        with clock(DAYS_2025["intake"]):
            _individual(walk, MEDAL_2025, AREAS, index=30)
        walk.run()
    counts["420600"] -= walked  # 襄阳's share includes the two walked from 宜城市
    with clock(DAYS_2025[Level.PROVINCE]):
        _approve_generated(
            programme, _generate("medal", counts, seed=f"{PAST_YEAR}-medal"), users, start_rank=1
        )
    if not programme.notices.exists():
        _open_notice(
            walk,
            starts_on=DAYS_2025["notice"].date(),
            objection_on=DAYS_2025["objection"].date(),
            objected="罗海波",
            decide="经调阅专利证书和车间记录，相关成果由罗海波同志主持完成，反映情况不属实。",
            days=DAYS_2025,
        )
    _publish_2025(programme, users)
    _past_honours_of(programme)
    return programme


def seed_awards_demo(*, stdout=None) -> None:
    users = _users()
    campaign = Campaign.objects.get(year=YEAR)
    opens, closes = INTAKE_2026["medal"]
    programmes = {
        p.code: p
        for p in award_programmes_create(campaign=campaign, opens_on=opens.date(), closes_on=closes.date())
    }
    for programme in programmes.values():
        window = dict(zip(("intake_opens_at", "intake_closes_at"), INTAKE_2026[programme.code], strict=True))
        if any(getattr(programme, k) != v for k, v in window.items()):
            Programme.objects.filter(pk=programme.pk).update(**window)
            programme.refresh_from_db()
        changed = [k for k, v in NOTICE.items() if getattr(programme, f"notice_{k}") != v]
        if changed:
            for k in changed:
                setattr(programme, f"notice_{k}", NOTICE[k])
            programme.save(update_fields=[f"notice_{k}" for k in changed])
        _allocate(programme)
    _past_honours()
    _medal_2025(users)
    _list_2025("unit", users)
    _list_2025("team", users)
    archived = _archive()
    _medal_2026(programmes["medal"], users)
    _national_2026(programmes["national"], users)
    _unit_2026(programmes["unit"], users)
    _team_2026(programmes["team"], users)
    if stdout is not None:
        stdout.write(
            f"awards: {Programme.objects.filter(app='awards').count()} programmes, "
            f"{Candidacy.objects.filter(programme__app='awards').count()} nominations, "
            f"{Objection.objects.count()} objections, "
            f"{PublicEntry.objects.published().count()} published honourees ({archived} archive rows added)\n"
        )
