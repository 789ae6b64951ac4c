"""Demo rows for the May Day awards (seed_demo): programmes, quotas and nominations in every state.

The 2026 campaign's four programmes (reviewed at county → city → province) with their intake open
around now, quotas for every city and for the counties of 襄阳 and 宜昌; nominations from ``grassroots``
(宜城市) and ``grassroots2`` (夷陵区) walked through the real services to each state: draft, at county
review, at city review, returned, rejected, at province, approved; the 2026 medal list on public notice
with one open objection. A 2025 medal programme (closed) walked to publication, with an objection that
was dismissed, gives published honourees. Past honours flag a 2026 national nominee.

宜昌's city union has no demo account, so ``grassroots2``'s nominations stop at city review.

Idempotent: each scenario is skipped when its first nominee already exists in its programme.
"""

import io
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from stdnum.cn import ric

from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection import services as selection
from unionportal.selection.enums import HonourLevel
from unionportal.selection.models import Allocation, Candidacy, Objection, PastHonour, Programme
from unionportal.selection.selectors import allocation_problems
from unionportal.uploads.services import check_upload

from .programmes import PROGRAMMES, award_programmes_create, default_rules
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
COLOURS = [(176, 42, 48), (40, 92, 160), (34, 128, 96), (150, 96, 30), (110, 60, 140), (60, 120, 140)]

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
        ("陈志强", "CZQ", "M", "汉族", "19800125", "masses", "junior", "技师", "锅炉班班长",
         ("frontline", "migrant"), ["green"],
         "完成燃煤锅炉清洁能源改造，年减排二氧化碳三千吨。",
         "陈志强同志牵头完成燃煤锅炉天然气改造和余热回收，年减排二氧化碳3000吨。", "rejected2"),
        ("周晓峰", "ZXF", "M", "汉族", "19840730", "cpc", "college", "高级技师", "设备维修班班长",
         ("frontline", "migrant"), ["innovation"],
         "自主改造进口设备关键部件，为企业节约外修费用四百余万元。",
         "周晓峰同志自学机电一体化技术，完成进口真空包装机等关键设备国产化改造26项，累计节约外修和备件费用420万元；"
         "获湖北省职工技术创新成果二等奖。", "review1"),
        ("黄丽华", "HLH", "F", "汉族", "19771203", "cpc", "senior", "高级工", "生产线组长",
         ("frontline", "migrant"), ["shared"],
         "带领生产线组十五年无质量事故，帮扶困难职工二十余户。",
         "黄丽华同志担任生产线组长15年，所在组连续15年无质量事故、无安全事故；她发起“姐妹互助基金”，帮扶困难职工"
         "家庭23户。", "notice"),
        ("杨德胜", "YDS", "M", "土家族", "19730518", "masses", "junior", "技师", "原料车间班长",
         ("frontline", "migrant"), ["agriculture", "poverty"],
         "建立原料收购绿色通道，帮助贫困农户稳定增收。",
         "杨德胜同志负责原料收购二十年，建立生猪和粮食收购绿色通道，对接脱贫户186户，带动户均年增收6000元。", "notice"),
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
        ("毛建平", "MJP", "M", "汉族", "19740606", "cpc", "bachelor", "高级经济师", "副总经理",
         ("enterprise_head",), ["transformation"],
         "推动矿山智能化改造，企业产值五年翻番。",
         "毛建平同志分管生产经营，推动矿山智能化改造，企业产值五年翻番。", "rejected3"),
    ],
}
NATIONAL_2026 = {
    GRASSROOTS: [
        ("孙志刚", "SZG", "M", "汉族", "19760822", "cpc", "senior", "高级技师", "腊制品车间主任",
         ("frontline", "migrant"), ["innovation", "transformation"],
         "从农民工成长为高级技师，主持腊制品低温加工关键技术攻关。",
         "孙志刚同志1995年进城务工进厂，扎根生产一线三十年，参与完成省级科技项目5项，腊制品低温加工技术达到国内领先水平，获湖北省"
         "科技进步二等奖；曾获湖北省五一劳动奖章。", "approved"),
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
    GRASSROOTS2: [("宜昌樟村坪磷矿有限公司采矿一工区掘进班", "宜昌樟村坪磷矿有限公司", "覃光荣", 24, "draft",
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


def portrait(initials: str, colour) -> SimpleUploadedFile:
    """A plain coloured portrait: a head and shoulders silhouette with the initials."""
    image = Image.new("RGB", (300, 400), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in colour)
    draw.ellipse((95, 70, 205, 190), fill=light)
    draw.rounded_rectangle((50, 210, 250, 420), radius=80, fill=light)
    try:
        font = ImageFont.load_default(size=44)
    except (TypeError, OSError, ImportError):  # Pillow built without FreeType
        font = ImageFont.load_default()
    draw.text((150, 300), initials, fill=colour, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    file = SimpleUploadedFile(f"{initials.lower()}.jpg", buffer.getvalue(), content_type="image/jpeg")
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
    main = max(2, total // 5)
    others = [c for c in cities if c.code not in ALLOCATED_COUNTIES]
    rest = (total - main * len(ALLOCATED_COUNTIES)) // max(1, len(others))
    rows = {c.pk: (main if c.code in ALLOCATED_COUNTIES else rest) for c in cities}
    for city in (c for c in cities if c.code in ALLOCATED_COUNTIES):
        counties = list(Organisation.objects.filter(level=Level.COUNTY, path__startswith=city.path))
        lead = max(1, main // 3)
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

    def __init__(self, programme: Programme, users: dict, *, at=None):
        self.programme = programme
        self.users = users
        self.at = at or _intake_time(programme)
        self.orgs = {o.code: o for o in Organisation.objects.filter(code__in=[GRASSROOTS, GRASSROOTS2])}
        self.targets: list[tuple[Candidacy, str, str]] = []  # (candidacy, union code, target)

    def exists(self, first_name: str) -> bool:
        return Candidacy.objects.filter(programme=self.programme, name=first_name).exists()

    def add(self, code: str, *, fields: dict, details: dict, initials: str, target: str) -> None:
        fields = {"declarations": DECLARED, **fields}
        candidacy = nomination_save(
            actor=self.users[SUBMITTERS[code]],
            programme=self.programme,
            organisation=self.orgs[code],
            fields=fields,
            details=details,
            consent=True,
            photo=portrait(initials, COLOURS[len(self.targets) % len(COLOURS)]),
            now=self.at,
        )
        self.targets.append((candidacy, code, target))

    def run(self) -> list[Candidacy]:
        for candidacy, code, target in self.targets:
            if target != "draft":
                selection.candidacy_submit(actor=self.users[SUBMITTERS[code]], pk=candidacy.pk, now=self.at)
        steps = ((Level.COUNTY, 1), (Level.CITY, 2), (Level.PROVINCE, 3))
        for level, depth in steps:
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
        province = [c.pk for c, _code, t in self.targets if FORWARDS[t] >= 3]
        if province:
            selection.ranks_set(
                actor=self.users["province"],
                programme=self.programme,
                ranks={pk: rank for rank, pk in enumerate(province, start=1)},
            )
        return [c for c, _code, _t in self.targets]

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


def _open_notice(walk: Walk, *, starts_on: date, objection_on: date, objected: str, decide: str | None):
    province = walk.users["province"]
    notice = selection.notice_open(actor=province, programme=walk.programme, starts_on=starts_on, **NOTICE)
    candidacy = Candidacy.objects.get(programme=walk.programme, name=objected)
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
        selection.objection_decide(actor=province, pk=objection.pk, upheld=False, findings=decide)
    return notice


def _medal_2026(programme: Programme, users: dict) -> None:
    walk = Walk(programme, users)
    if walk.exists(MEDAL_2026[GRASSROOTS][0][0]):
        return
    _individual(walk, MEDAL_2026, AREAS)
    walk.run()
    today = timezone.localdate()
    _open_notice(walk, starts_on=today, objection_on=today, objected="黄丽华", decide=None)


def _national_2026(programme: Programme, users: dict) -> None:
    walk = Walk(programme, users)
    if walk.exists(NATIONAL_2026[GRASSROOTS][0][0]):
        return
    _individual(walk, NATIONAL_2026, AREAS, index=20)
    walk.run()


def _unit_2026(programme: Programme, users: dict) -> None:
    walk = Walk(programme, users)
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
    walk = Walk(programme, users)
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
    tz = timezone.get_current_timezone()
    code, name, award, kind, quota, national = next(p for p in PROGRAMMES if p[0] == "medal")
    programme, created = Programme.objects.get_or_create(
        campaign=_past_campaign(),
        code=code,
        defaults={
            "app": "awards",
            "name": str(name),
            "award": str(award),
            "nominee_kind": kind,
            "is_national": national,
            "total_quota": quota,
            "intake_opens_at": timezone.make_aware(datetime(PAST_YEAR, 3, 1), tz),
            "intake_closes_at": timezone.make_aware(
                datetime.combine(date(PAST_YEAR, 4, 10), time(17, 30)), tz
            ),
            "review_levels": [Level.COUNTY, Level.CITY, Level.PROVINCE],
            **{f"notice_{k}": v for k, v in NOTICE.items()},
        },
    )
    if created:
        default_rules(programme)
    _allocate(programme)
    walk = Walk(programme, users, at=timezone.make_aware(datetime(PAST_YEAR, 3, 20, 10), tz))
    if walk.exists(MEDAL_2025[GRASSROOTS][0][0]):
        return programme
    _individual(walk, MEDAL_2025, AREAS, index=30)
    honourees = walk.run()
    notice = _open_notice(
        walk,
        starts_on=date(PAST_YEAR, 4, 21),
        objection_on=date(PAST_YEAR, 4, 22),
        objected="罗海波",
        decide="经调阅专利证书和车间记录，相关成果由罗海波同志主持完成，反映情况不属实。",
    )
    selection.programme_publish(
        actor=users["province"], programme=programme, today=notice.ends_on + timedelta(days=1)
    )
    for candidacy in honourees:
        PastHonour.objects.get_or_create(
            id_number=candidacy.id_number,
            year=PAST_YEAR,
            award=programme.award,
            defaults={"name": candidacy.name, "level": HonourLevel.PROVINCIAL, "unit": candidacy.unit},
        )
    return programme


def seed_awards_demo(*, stdout=None) -> None:
    users = _users()
    campaign = Campaign.objects.get(year=YEAR)
    today = timezone.localdate()
    programmes = {
        p.code: p
        for p in award_programmes_create(
            campaign=campaign, opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60)
        )
    }
    for programme in programmes.values():
        changed = [k for k, v in NOTICE.items() if getattr(programme, f"notice_{k}") != v]
        if changed:
            for k in changed:
                setattr(programme, f"notice_{k}", NOTICE[k])
            programme.save(update_fields=[f"notice_{k}" for k in changed])
        _allocate(programme)
    _past_honours()
    _medal_2025(users)
    _medal_2026(programmes["medal"], users)
    _national_2026(programmes["national"], users)
    _unit_2026(programmes["unit"], users)
    _team_2026(programmes["team"], users)
    if stdout is not None:
        stdout.write(
            f"awards: {Programme.objects.filter(app='awards').count()} programmes, "
            f"{Candidacy.objects.filter(programme__app='awards').count()} nominations, "
            f"{Objection.objects.count()} objections\n"
        )
