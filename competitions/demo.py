"""Demo rows for ``seed_demo`` (registered in apps.py): the 2026 labour competitions the mid-April
mobilisation meeting (the campaign's milestone) launched, one per theme, with teams, units and people
entered by grassroots unions of the demo tree, approved by the organiser, and monthly score reports
since January in every state (checked ones make the ranking); and the 2025 energy-saving competition
whose winners were published (they show on /honourees/); and the innovation-star report group's tour
with stops held and stops to come.

Everything goes through the services and the transition service, as of the day each step happened
(``unionportal.campaigns.demo.clock``). Idempotent: competitions by title, entrants by (competition,
name), reports by (entrant, period), winners by (competition, entrant).
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from unionportal import demo
from unionportal.campaigns.demo import at, clock
from unionportal.campaigns.models import Milestone
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Organisation

from . import catalogue, services
from .enums import Direction, EntrantState, Method, ReportState, WinnerState
from .models import Competition, Entrant, Period, ScoreReport, Theme, Winner, WinnerTitle
from .workflows import entrant_transition, report_transition

User = get_user_model()

MOBILISATION = "全省“十三五”劳动竞赛动员大会"

# Submitters of grassroots unions without a demo account (no usable password).
HELPERS = [
    ("competitor-420684001002", "周丽萍", "420684001002"),
    ("competitor-420684452001", "温志刚", "420684452001"),
    ("competitor-420506101002", "毛建平", "420506101002"),
    ("competitor-420684002001", "杨立新", "420684002001"),
]


def _target(name, unit, weight, target, better, worse, direction=Direction.HIGHER, base=60, low=0):
    return {
        "name": name,
        "unit": unit,
        "weight": Decimal(weight),
        "method": Method.TARGET,
        "direction": direction,
        "target": Decimal(target),
        "base": Decimal(base),
        "points_better": Decimal(better),
        "points_worse": Decimal(worse),
        "cap": Decimal(100),
        "min_value": Decimal(low),
        "max_value": None,
    }


def _judged(name, weight, cap=10):
    return {
        "name": name,
        "unit": "",
        "weight": Decimal(weight),
        "method": Method.JUDGED,
        "direction": Direction.HIGHER,
        "target": None,
        "base": Decimal(0),
        "points_better": Decimal(0),
        "points_worse": Decimal(0),
        "cap": Decimal(cap),
        "min_value": None,
        "max_value": None,
    }


# (title, theme code, organiser code, scope code, organiser's user, entrant kind, indicators, entrants)
# entrants: (name, union code, registering user, leader, members, monthly figures per indicator)
COMPETITIONS = [
    (
        "2026年全省重大项目建设劳动竞赛",
        "major-projects",
        "420000",
        "420000",
        "province",
        "team",
        [
            _target("完成投资", "万元", 50, 800, "0.05", "0.1"),
            _target("工期节点完成率", "%", 30, 95, 2, 3),
            _target("安全事故", "起", 10, 0, 0, 50, direction=Direction.LOWER, base=100),
            _judged("文明施工", 10),
        ],
        [
            (
                "楚都食品新厂房建设项目部",
                "420684001001",
                "grassroots",
                "吴国强",
                [("吴国强", "项目经理"), ("邓春华", "施工员")],
            ),
            (
                "樟村坪磷矿技改项目部",
                "420506101001",
                "grassroots2",
                "毛德胜",
                [("毛德胜", "项目经理"), ("田海波", "安全员")],
            ),
            (
                "鄢城纺织智能车间项目组",
                "420684001002",
                "competitor-420684001002",
                "周建华",
                [("周建华", "组长")],
            ),
            (
                "楚宜化工扩建项目部",
                "420684452001",
                "competitor-420684452001",
                "温国梁",
                [("温国梁", "项目经理")],
            ),
        ],
    ),
    (
        "2026年襄阳市职工技能大赛",
        "skills-contest",
        "420600",
        "420600",
        "city",
        "individual",
        [_judged("理论知识", 30, 100), _judged("实际操作", 70, 100)],
        [
            ("刘建华（电工）", "420684001001", "grassroots", "", []),
            ("周美玲（纺织挡车工）", "420684001002", "competitor-420684001002", "", []),
        ],
    ),
    (
        "宜城市“我为节能减排作贡献”班组竞赛",
        "energy-saving",
        "420684",
        "420684",
        "county",
        "team",
        [
            _target("单位产品能耗下降率", "%", 60, 5, 4, 6),
            _target("合理化建议", "条", 40, 10, 2, 4),
        ],
        [
            (
                "楚都食品锅炉班",
                "420684001001",
                "grassroots",
                "邓国平",
                [("邓国平", "班长"), ("何春生", "司炉工")],
            ),
            ("鄢城纺织空调班", "420684001002", "competitor-420684001002", "周海燕", [("周海燕", "班长")]),
            ("南营机械热处理班", "420684002001", "competitor-420684002001", "杨立新", [("杨立新", "班长")]),
        ],
    ),
    (
        "夷陵区“学习技能、提升质量、创优服务”竞赛",
        "skills-quality-service",
        "420506",
        "420506",
        "county2",
        "unit",
        [_target("产品一次合格率", "%", 50, 98, 5, 5), _judged("服务评价", 50, 100)],
        [
            ("宜昌樟村坪磷矿有限公司", "420506101001", "grassroots2", "许德明", []),
            ("湖北樟村坪磷化工股份有限公司", "420506101002", "competitor-420506101002", "毛建平", []),
        ],
    ),
    (
        "2026年全省非公企业劳动竞赛",
        "non-public",
        "420000",
        "420000",
        "province",
        "unit",
        [_target("营业收入增长率", "%", 60, 8, 3, 4), _target("新增就业岗位", "个", 40, 20, 1, 2)],
        [
            ("宜城市楚都食品有限公司", "420684001001", "grassroots", "刘建华", []),
            ("湖北楚宜精细化工股份有限公司", "420684452001", "competitor-420684452001", "温国梁", []),
        ],
    ),
]

# Monthly figures per competition title, per entrant (by order), per month (Jan, Feb, Mar, Apr), and
# the state each report ends in; None: no report filed (the late one the reminder is about).
C, S, R, D = ReportState.CHECKED, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.DRAFT
FIGURES = {
    "2026年全省重大项目建设劳动竞赛": [
        [
            (("900", "97", "0", "9"), C),
            (("1000", "98", "0", "9"), C),
            (("850", "96", "0", "8"), C),
            (("700", "90", "0", "8"), D),
        ],
        [
            (("780", "94", "0", "8"), C),
            (("1200", "99", "0", "9"), C),
            (("950", "97", "1", "7"), C),
            (("900", "95", "0", "9"), S),
        ],
        [(("820", "95", "0", "8"), C), (("800", "95", "0", "8"), C), (("600", "90", "0", "7"), R)],
        [(("700", "92", "0", "7"), C), (("760", "93", "0", "8"), S)],
    ],
    "2026年襄阳市职工技能大赛": [
        [(("88", "92"), C)],
        [(("91", "85"), C)],
    ],
    "宜城市“我为节能减排作贡献”班组竞赛": [
        [(("6", "12"), C), (("7", "14"), C), (("5.5", "11"), C)],
        [(("4", "9"), C), (("6.5", "13"), C), (("8", "15"), S)],
        [(("5", "10"), C), (("3", "6"), R)],
    ],
    "夷陵区“学习技能、提升质量、创优服务”竞赛": [
        [(("98.5", "90"), C), (("99", "92"), C), (("98", "88"), S)],
        [(("97", "85"), C), (("98.2", "87"), C), (("99.1", "90"), C)],
    ],
    "2026年全省非公企业劳动竞赛": [
        [(("10", "25"), C), (("9", "22"), C), (("11", "30"), C)],
        [(("7", "18"), C), (("12", "26"), C)],
    ],
}
START, END = date(2026, 1, 1), date(2026, 12, 31)


def seed_competitions_demo(*, stdout=None):
    catalogue.ensure(Theme, WinnerTitle)
    helpers = demo.helper_accounts(HELPERS, role=Role.SUBMITTER)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["province", "city", "county", "county2", "grassroots", "grassroots2"]
        )
    }
    users.update(helpers)
    orgs = {
        o.code: o
        for o in Organisation.objects.all().only("pk", "code", "path", "name", "level", "depth", "numchild")
    }
    milestone = Milestone.objects.filter(title=MOBILISATION).first()
    # The competitions were set up right after the mobilisation meeting (its date in the campaign plan).
    set_up_on = milestone.due_on if milestone is not None else date(2026, 4, 20)
    made = 0
    for title, theme, organiser, scope, staff, kind, indicators, entrants in COMPETITIONS:
        competition = Competition.objects.filter(title=title).first()
        if competition is None:
            with clock(at(set_up_on, 9)):
                competition = services.competition_save(
                    actor=users[staff],
                    data={
                        "title": title,
                        "theme": Theme.objects.get(code=theme),
                        "organiser": orgs[organiser],
                        "scope": orgs[scope],
                        "starts_on": START,
                        "ends_on": END,
                        "period_months": 1,
                        "report_days": 10,
                        "entrant_kind": kind,
                        "rules": "竞赛按月报送成绩，由主办单位核查后计入排名；年终按累计得分评选先进。",
                    },
                    indicators=indicators,
                )
            made += 1
        for order, (name, union, user, leader, members) in enumerate(entrants):
            entrant = _entrant(
                competition, name, orgs[union], users[user], leader, members, users[staff], set_up_on
            )
            _reports(competition, entrant, users[user], users[staff], FIGURES[title][order], set_up_on)
    _last_year(orgs, users)
    seed_skills_demo(orgs=orgs, staff=users["city"])
    seed_tour_demo(orgs=orgs, province=users["province"])
    if stdout is not None:
        stdout.write(f"competitions: {made} competitions added\n")


def _entrant(competition, name, union, user, leader, members, staff, day):
    entrant = Entrant.objects.filter(competition=competition, name=name).first()
    if entrant is not None:
        return entrant
    enterprise = Enterprise.objects.filter(union=union).order_by("pk").first()
    with clock(at(day, 14)):
        entrant = services.entrant_register(
            actor=user,
            competition_id=competition.pk,
            organisation_id=union.pk,
            name=name,
            leader=leader,
            enterprise_id=enterprise.pk if enterprise is not None else None,
            members=[services.MemberRow(n, p) for n, p in members]
            or ([services.MemberRow(leader or "班组长")] if competition.entrant_kind == "team" else []),
            today=day,
        )
    with clock(at(day, 16)):
        return entrant_transition(actor=staff, entrant_id=entrant.pk, to=EntrantState.APPROVED)


def _reports(competition, entrant, user, staff, months, day):
    indicators = list(competition.indicators.all())
    for number, (figures, state) in enumerate(months, start=1):
        period = Period.objects.get(competition=competition, number=number)
        if ScoreReport.objects.filter(entrant=entrant, period=period).exists():
            continue
        filed_on = max(day, period.starts_on)
        with clock(at(filed_on, 10)):
            report = services.report_save(
                actor=user,
                entrant_id=entrant.pk,
                period_id=period.pk,
                values={i.pk: v for i, v in zip(indicators, figures, strict=True)},
                note="",
                today=demo.DAY,
            )
        if state == ReportState.DRAFT:
            continue
        with clock(at(filed_on, 11)):
            report_transition(actor=user, report_id=report.pk, to=ReportState.SUBMITTED)
        if state == ReportState.CHECKED:
            with clock(at(filed_on + (demo.DAY - filed_on) // 2, 9)):
                report_transition(actor=staff, report_id=report.pk, to=ReportState.CHECKED)
        elif state == ReportState.RETURNED:
            with clock(at(filed_on, 15)):
                report_transition(
                    actor=staff,
                    report_id=report.pk,
                    to=ReportState.RETURNED,
                    comment="数据与佐证材料不符，请核实后重新报送。",
                )


LAST_YEAR = "2025年全省“我为节能减排作贡献”竞赛"


def _last_year(orgs, users):
    """The 2025 competition: closed, its winners published (on the public honouree list)."""
    competition = Competition.objects.filter(title=LAST_YEAR).first()
    province = users["province"]
    if competition is None:
        with clock(at(date(2025, 3, 1), 9)):
            competition = services.competition_save(
                actor=province,
                data={
                    "title": LAST_YEAR,
                    "theme": Theme.objects.get(code="energy-saving"),
                    "organiser": orgs["420000"],
                    "scope": orgs["420000"],
                    "starts_on": date(2025, 3, 1),
                    "ends_on": date(2025, 11, 30),
                    "period_months": 3,
                    "report_days": 15,
                    "entrant_kind": "team",
                    "rules": "按季度报送节能减排成绩，年终评选先进班组。",
                },
                indicators=[_target("节能量", "吨标准煤", 70, 100, "0.5", 1), _judged("创新成果", 30)],
            )
    teams = [
        ("楚都食品制冷班", "420684001001", "grassroots", ("160", "9")),
        ("樟村坪磷矿通风班", "420506101001", "grassroots2", ("140", "8")),
    ]
    title = WinnerTitle.objects.get(code="advanced-team")
    for name, union, user, figures in teams:
        entrant = _entrant(competition, name, orgs[union], users[user], "", [], province, date(2025, 3, 10))
        _reports(
            competition, entrant, users[user], province, [(figures, ReportState.CHECKED)], date(2025, 4, 1)
        )
        if not Winner.objects.filter(competition=competition, entrant=entrant).exists():
            with clock(at(date(2025, 12, 10), 10)):
                services.winner_propose(
                    actor=province,
                    competition_id=competition.pk,
                    entrant_id=entrant.pk,
                    title_id=title.pk,
                    summary="全年节能成效显著，合理化建议多项被采纳。",
                )
    if Winner.objects.filter(competition=competition, state=WinnerState.PROPOSED).exists():
        with clock(at(date(2025, 12, 15), 10)):
            services.winners_move(actor=province, competition_id=competition.pk, to=WinnerState.NOTICE)
    if Winner.objects.filter(competition=competition, state=WinnerState.NOTICE).exists():
        with clock(at(date(2025, 12, 25), 10)):
            services.winners_move(actor=province, competition_id=competition.pk, to=WinnerState.PUBLISHED)


TOUR = "2026年职工创业创新明星报告团全省巡讲"
SPEAKERS = "王劲松，湖北省劳动模范\n李秀芳，荆楚工匠\n陈国华，全国五一劳动奖章获得者"
# (date, venue, kind, host union code, audience or None for one to come, feedback)
STOPS = [
    (date(2026, 4, 8), "襄阳市职工之家报告厅", "county", "420600", 420, "听众反响热烈，多家企业邀请再讲。"),
    (date(2026, 4, 15), "宜城市楚都食品有限公司", "enterprise", "420684", 160, "一线职工提问踊跃。"),
    (date(2026, 4, 22), "宜城市第一中学", "school", "420684", 900, ""),
    (date(2026, 5, 12), "宜昌市夷陵区人民政府", "government", "420506", None, ""),
    (date(2026, 5, 20), "宜昌樟村坪磷矿有限公司", "enterprise", "420506", None, ""),
]


def seed_tour_demo(*, orgs, province):
    from .models import Stop, Tour
    from .tours import stop_add, tour_create

    tour = Tour.objects.filter(title=TOUR).first()
    if tour is not None:
        _stop_photos(tour, province)
        return
    with clock(at(date(2026, 4, 1), 9)):
        tour = tour_create(actor=province, title=TOUR, organiser=orgs["420000"], speakers=SPEAKERS)
    for day, venue, kind, host, audience, feedback in STOPS:
        if Stop.objects.filter(tour=tour, date=day, venue=venue).exists():
            continue
        with clock(at(min(day, demo.DAY), 18)):
            stop_add(
                actor=province,
                tour_id=tour.pk,
                data={
                    "date": day,
                    "venue": venue,
                    "venue_kind": kind,
                    "host": orgs[host],
                    "audience": audience,
                    "feedback": feedback,
                },
            )
    _stop_photos(tour, province)


# A photo of each held stop with feedback: a drawn hall (stage, banner, rows of seats), generated here.
STOP_COLOURS = [(178, 34, 34), (196, 60, 40), (160, 30, 60)]


def _stop_photo(n: int):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 420), (236, 228, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 150), fill=(92, 64, 51))
    draw.rectangle((120, 30, 520, 80), fill=STOP_COLOURS[n % len(STOP_COLOURS)])
    draw.rectangle((270, 95, 370, 150), fill=(120, 90, 60))
    for row in range(5):
        for seat in range(12):
            x, y = 40 + seat * 48 + (row % 2) * 12, 190 + row * 44
            draw.ellipse((x, y, x + 26, y + 26), fill=(40 + row * 20, 50 + row * 15, 90 + n * 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    return SimpleUploadedFile(f"stop-{n}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _stop_photos(tour, province):
    from .tours import stop_report

    held = tour.stops.filter(date__lte=demo.DAY, audience__isnull=False).exclude(feedback="")
    for n, stop in enumerate(held.order_by("date")):
        if stop.photos.exists():
            continue
        with clock(at(min(stop.date, demo.DAY), 20)):
            stop_report(
                actor=province,
                stop_id=stop.pk,
                audience=stop.audience,
                feedback=stop.feedback,
                photos=[_stop_photo(n)],
                today=demo.DAY,
            )


SKILLS_CONTEST = "2026年襄阳市职工技能大赛"
# (trade, day, place, organiser, published, [(rank, score, contestant, union code)])
SKILLS_EVENTS = [
    (
        "电工",
        date(2026, 4, 18),
        "襄阳技师学院实训中心",
        "襄阳技师学院",
        True,
        [
            (1, "96.50", "刘建华", "420684001001"),
            (2, "93.20", "杨卫东", "420684002001"),
            (3, "90.75", "温志强", "420684452001"),
            (4, "88.40", "周建军", "420684001002"),
        ],
    ),
    (
        "焊工",
        date(2026, 4, 22),
        "襄阳市职业教育集团焊接实训基地",
        "襄阳市职业教育集团",
        True,
        [
            (1, "95.10", "杨立强", "420684002001"),
            (2, "92.60", "温国平", "420684452001"),
            (3, "89.30", "张海涛", "420684001001"),
        ],
    ),
    (
        "纺织挡车工",
        date(2026, 4, 26),
        "湖北鄢城纺织有限公司细纱车间",
        "湖北鄢城纺织有限公司",
        False,
        [
            (1, "97.80", "周美玲", "420684001002"),
            (2, "94.50", "李春燕", "420684001002"),
            (3, "91.20", "孙桂兰", "420684001001"),
        ],
    ),
    ("数控车工", date(2026, 5, 16), "襄阳汽车职业技术学院", "襄阳汽车职业技术学院", False, []),
]


def seed_skills_demo(*, orgs, staff):
    """The city's skills contest: four trades, two published, one entered and waiting to be published
    (work for the city account), one still to come."""
    from . import skills

    competition = Competition.objects.filter(title=SKILLS_CONTEST).first()
    if competition is None or staff is None:
        return
    for trade, day, place, organiser, published, results in SKILLS_EVENTS:
        event = competition.skills_events.filter(trade=trade).first()
        if event is None:
            with clock(at(min(day, date(2026, 4, 10)), 9)):
                event = skills.event_save(
                    actor=staff,
                    competition_id=competition.pk,
                    data={"trade": trade, "held_on": day, "place": place, "organiser": organiser},
                )
        if results and not event.results.exists():
            rows = []
            for rank, score, name, union in results:
                enterprise = Enterprise.objects.filter(union=orgs[union]).order_by("pk").first()
                rows.append(
                    {
                        "rank": rank,
                        "score": Decimal(score),
                        "contestant": name,
                        "enterprise": enterprise,
                        "unit": "" if enterprise else orgs[union].name,
                        "organisation": orgs[union],
                    }
                )
            with clock(at(day, 17)):
                skills.results_add(actor=staff, event_id=event.pk, rows=rows)
        if published and event.published_at is None:
            with clock(at(day, 18)):
                skills.event_publish(actor=staff, event_id=event.pk)
