"""Demo rows of the 2026 最美一线职工 selection (seed_demo, after the award lists): the programme in its
public-vote stage with votes, its candidates having come in by all three ways.

Intake ran from 2 February to 30 April. Nine candidates were nominated by their city unions
(organisation nominations, written as the lists those unions sent in, at the province since 12 March);
three workers of ``grassroots``'s enterprise nominated themselves on the public site in March, their
union (``grassroots``) confirmed them through the confirmation service and 襄阳's city union (``city``)
forwarded them to the province. Then the province opened the expert review (rubric: skills and
innovation first, ``frontline.RUBRIC``) and the public vote on those twelve: the generic stages' own
demos (``selection.experts.demo``, ``selection.voting.demo``) build the panel, the scores and the votes.
Still waiting on the demo's day: one more self-nomination for ``grassroots`` to confirm (on ``/home/``)
and one nomination by a colleague waiting for the nominee's consent code.

Idempotent: candidates are looked up by name within the programme; each step runs only from the state
before it.
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from unionportal import demo_images
from unionportal.campaigns.demo import at, clock
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.selection import services as selection
from unionportal.selection.enums import State
from unionportal.selection.models import Allocation, Candidacy
from unionportal.uploads.services import upload_store

from . import frontline
from .models import FrontlineEntry, NominationWay

YEAR = 2026
OPENS, CLOSES = date(2026, 2, 2), date(2026, 4, 30)
REVIEW_DEADLINE = datetime(2026, 5, 6, 17, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
NOTICE = {
    "notice_office": "湖北省总工会劳动和经济工作部",
    "notice_phone": "027-87125137",
    "notice_address": "武汉市武昌区中北路 112 号",
}

# name, initials, unit, city code, job, summary (organisation nominations by the city unions)
BY_CITIES = (
    ("周建华", "ZJH", "武汉钢铁有限公司炼钢厂", "420100", "转炉炼钢工",
     "转炉炼钢工，二十年守在炉前，总结“看火花判钢温”操作法，带出徒弟四十余名。"),
    ("李秀梅", "LXM", "宜昌市公交集团有限公司", "420500", "公交驾驶员",
     "公交驾驶员，安全行车一百二十万公里零事故，车厢里设“爱心药箱”服务乘客。"),
    ("陈晓燕", "CXY", "黄石市中心医院", "420200", "急诊科护士",
     "急诊科护士，带领团队完成急救三万余人次，推行急诊分级护理流程。"),
    ("刘国强", "LGQ", "中铁大桥局集团第五工程有限公司", "421000", "桥梁架子工",
     "桥梁架子工班长，参建长江大桥六座，高空作业十八年无安全事故。"),
    ("张丽娟", "ZLJ", "十堰东风商用车有限公司", "420300", "总装线质检员",
     "总装线质检员，发现并推动解决装配隐患两百余项，创建“零缺陷”班组。"),
    ("黄志明", "HZM", "国网荆门供电公司", "420800", "带电作业工",
     "输电线路带电作业工，攻克特高压带电检修难题，保障迎峰度夏供电。"),
    ("吴春兰", "WCL", "孝感市环卫管理处", "420900", "环卫工",
     "环卫工人，清扫街道二十二年，自创“分段保洁法”在全市推广。"),
    ("郑海波", "ZHB", "黄冈市建筑安装有限公司", "421100", "焊工",
     "焊工，获全省职工技能大赛焊接项目第一名，培养高级焊工三十名。"),
    ("何丽华", "HLH", "恩施州农业技术推广中心", "422800", "农技员",
     "农技员，扎根山区推广茶叶绿色种植技术，带动两千余户茶农增收。"),
)  # fmt: skip
# name, initials, ID sequence, phone, job, skills, innovations, summary; nominated on the day given
SELF = (
    ("王德胜", "WDS", 811, "13907101811", "数控车工", "高级技师，数控车削、薄壁件加工。",
     "改进轴承套圈加工工艺，获实用新型专利两项。",
     "数控车工，改进轴承套圈加工工艺，废品率从百分之三降到千分之五。", date(2026, 3, 3)),
    ("孙美玲", "SML", 822, "13907101822", "细纱挡车工", "细纱挡车，看台能力全厂第一。",
     "总结“巡回接头操作法”，提效百分之十五。",
     "细纱挡车工，看台能力全厂第一，总结的接头操作法提效百分之十五。", date(2026, 3, 4)),
    ("马卫东", "MWD", 833, "13907101833", "装配钳工", "高级钳工，精密装配。",
     "完成技术革新十二项，为企业节约成本四百余万元。",
     "装配钳工，完成技术革新十二项，为企业节约成本四百余万元。", date(2026, 3, 5)),
)  # fmt: skip
WAITING_SELF = (
    "赵春燕", "ZCY", 844, "13907101844", "电气维修工", "中级电工，设备故障诊断。",
    "改造配电柜散热结构，故障率下降一半。",
    "电气维修工，十年保障生产线连续运行，设备完好率保持百分之九十九以上。", date(2026, 4, 24),
)  # fmt: skip
WAITING_OTHER = (
    "钱立新", "QLX", 855, "13907101855", "叉车司机", "叉车驾驶二十年无事故。", "",
    "叉车司机，仓储装卸二十年零事故，义务带教新司机六十余名。", date(2026, 4, 25),
    "陈师傅", "13607101855",
)  # fmt: skip


def _id_number(seq: int, born: str = "19800612", area: str = "420684") -> str:
    body = f"{area}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def seed_frontline_demo(*, stdout=None) -> None:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=("province", "city", "grassroots", "expert"))
    }
    campaign = Campaign.objects.filter(year=YEAR).first()
    if campaign is None or len(users) < 4:
        return
    programme = frontline.frontline_programme_create(campaign=campaign, opens_on=OPENS, closes_on=CLOSES)
    changed = [k for k, v in NOTICE.items() if getattr(programme, k) != v]
    for k in changed:
        setattr(programme, k, NOTICE[k])
    if changed:
        programme.save(update_fields=changed)
    grassroots = Organisation.objects.get(memberships__user=users["grassroots"])
    city = Organisation.objects.get(memberships__user=users["city"], level=Level.CITY)
    Allocation.objects.get_or_create(programme=programme, organisation=city, defaults={"quota": 3})
    _by_cities(programme)
    _self_nominated(programme, grassroots, city, users)
    _waiting(programme, grassroots)
    _expert_stage(programme, users["province"])
    # The generic stages' demos: panel, scores, votes and the quarantined burst.
    from unionportal.selection.experts.demo import seed_experts_demo
    from unionportal.selection.voting.demo import seed_voting_demo

    seed_voting_demo(stdout=stdout)
    seed_experts_demo(stdout=stdout)
    if stdout is not None:
        stdout.write(
            f"frontline workers: {Candidacy.objects.filter(programme=programme).count()} candidates "
            f"({FrontlineEntry.objects.filter(candidacy__programme=programme).count()} with their way in)\n"
        )


def _by_cities(programme) -> None:
    cities = {o.code: o for o in Organisation.objects.filter(code__in={c[3] for c in BY_CITIES})}
    for n, (name, initials, unit, code, job, summary) in enumerate(BY_CITIES, start=1):
        if Candidacy.objects.filter(programme=programme, name=name).exists():
            continue
        organisation = cities[code]
        card = demo_images.initials_card(initials, seed=300 + n, caption="2026")
        with clock(at(date(2026, 3, 12))):
            candidacy = Candidacy.objects.create(
                programme=programme,
                campaign_id=programme.campaign_id,
                organisation=organisation,
                state=State.REVIEW1,
                name=name,
                unit=unit,
                region=selection.region_of(organisation),
                flags=frontline.flags_for(is_manager=False),
                tags=["innovation"] if n % 2 else ["shared"],
                summary=summary,
                deeds=f"{summary}岗位上立足本职、精益求精，多次获得所在单位和地方工会表彰，是职工身边的榜样。",
                photo=upload_store(file=card, kind="image", actor=None, organisation=organisation),
                consent_at=at(date(2026, 3, 10)),
                submitted_at=at(date(2026, 3, 12)),
            )
            FrontlineEntry.objects.create(
                candidacy=candidacy,
                way=NominationWay.ORGANISATION,
                nominator_name=organisation.name,
                employer=unit,
                job=job,
            )


def _public_nomination(programme, grassroots, row, *, way, nominator=None):
    name, initials, seq, phone, job, skills, innovations, summary, day = row[:9]
    card = demo_images.initials_card(initials, seed=400 + seq, caption="2026")
    fields = {
        "name": name,
        "id_number": _id_number(seq),
        "phone": phone,
        "nominator_name": nominator[0] if nominator else "",
        "employer": grassroots.name.removesuffix("工会"),
        "union": grassroots,
        "job": job,
        "is_manager": False,
        "skills": skills,
        "innovations": innovations,
        "summary": summary,
        "deeds": f"{summary}立足岗位钻研技术，是班组里公认的技术能手。",
    }
    with clock(at(day, 20, 15)):
        return frontline.frontline_nominate(
            programme=programme,
            way=way,
            verified=nominator[1] if nominator else phone,
            fields=fields,
            photo=card,
            consent=True,
            now=at(day, 20, 15),
        )


def _self_nominated(programme, grassroots, city, users) -> None:
    """Three self-nominations, confirmed by ``grassroots`` and forwarded by ``city`` to the province."""
    rows = []
    for row in SELF:
        candidacy = Candidacy.objects.filter(programme=programme, name=row[0]).first()
        if candidacy is None:
            candidacy = _public_nomination(programme, grassroots, row, way=NominationWay.SELF)
        if candidacy.state == State.DRAFT:
            when = at(row[8].replace(day=row[8].day + 2), 9, 30)
            with clock(when):
                candidacy = frontline.frontline_confirm(actor=users["grassroots"], pk=candidacy.pk, now=when)
        rows.append(candidacy)
    at_city = [c.pk for c in rows if c.state == State.REVIEW2]
    if at_city:
        with clock(at(date(2026, 3, 11), 15)):
            selection.forward(
                actor=users["city"],
                programme=programme,
                organisation=city,
                pks=at_city,
                comment="经市总工会审核，同意报送。",
            )


def _waiting(programme, grassroots) -> None:
    if not Candidacy.objects.filter(programme=programme, name=WAITING_SELF[0]).exists():
        _public_nomination(programme, grassroots, WAITING_SELF, way=NominationWay.SELF)
    if not Candidacy.objects.filter(programme=programme, name=WAITING_OTHER[0]).exists():
        _public_nomination(
            programme, grassroots, WAITING_OTHER, way=NominationWay.OTHER, nominator=WAITING_OTHER[9:]
        )


def _expert_stage(programme, actor) -> None:
    from unionportal.selection.experts import services as experts
    from unionportal.selection.experts.models import ExpertStage

    if ExpertStage.objects.filter(programme=programme).exists():
        return
    with clock(at(date(2026, 4, 15))):
        experts.stage_save(
            actor=actor,
            programme=programme,
            values={
                "scoring_deadline": REVIEW_DEADLINE,
                "aggregation": "trimmed",
                "spread_threshold": 15,
                "experts_per_candidate": 3,
                "hide_identity": False,
                "remind_days": 2,
            },
            criteria=frontline.RUBRIC,
        )
