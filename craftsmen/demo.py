"""Demo rows of the 荆楚工匠 selection (seed_demo): the published first batch, and the second batch's
programme in intake with its quotas and recommendations in several states.

The first batch (``FIRST_CODE``, 荆楚工匠（首批）; the plan's 「在全省推出首批10名高技能、有绝活的“荆楚工匠”」):
thirteen craftsmen of enterprises in 武汉, 襄阳, 宜昌 and 仙桃 recommended by their unions in February,
forwarded by county and city in March (helper staff accounts stand in for the unions without a demo
account and hand their role back afterwards), scored by a panel of five experts (three a candidate),
put to the public vote of 1-10 April (votes cast through the vote service), the top ten of the combined
ranking approved as the batch on 13 April (the other three told they were not chosen), on notice from
13 April with one objection (dismissed on 16 April) and published on 24 April. ``published_craftsmen()``
returns them for whatever is added to them later (films, posters).

The second batch's programme takes recommendations from 16 March to 15 May 2026 (each enterprise at most four), is
reviewed at county → city → province and has the craftsman rubric for the expert evaluation. Quotas for
襄阳 and 宜昌 and their demo counties. ``grassroots`` (宜城市楚都食品有限公司) has recommended four
craftsmen, its limit: one at province review, one at city review, one at county review and one returned
by the county for more evidence, so a fifth is refused with the limit's message. ``grassroots2``
(宜昌樟村坪磷矿有限公司) has two at county review, one rejected by the county and a draft to submit.
Each recommendation is written through the form's service and walked through the pipeline's own
services, each step on its day in April.

Idempotent: each batch is skipped when its programme already has its recommendations.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy
from stdnum.cn import ric

from unionportal import demo, demo_images
from unionportal.campaigns.demo import at, clock
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level, Role
from unionportal.orgs.models import Enterprise, Membership, Organisation
from unionportal.orgs.services import membership_revoke
from unionportal.selection import services as selection
from unionportal.selection.enums import REVIEW_STATES, State
from unionportal.selection.models import Allocation, Candidacy, Programme
from unionportal.selection.selectors import allocation_problems
from unionportal.uploads.services import check_upload

from .demo_films import seed_craftsman_films
from .models import Trade
from .services import batch_approve, craftsman_programme_create, recommendation_save, recommendation_submit
from .trades import trades_ensure

YEAR = 2026
OPENS, CLOSES = date(2026, 3, 16), date(2026, 5, 15)
SCORING_DEADLINE = datetime(2026, 6, 10, 17, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
LIMIT = 4
GRASSROOTS, GRASSROOTS2 = "420684001001", "420506101001"
AREAS = {GRASSROOTS: "420684", GRASSROOTS2: "420506"}
SUBMITTERS = {GRASSROOTS: "grassroots", GRASSROOTS2: "grassroots2"}
REVIEWERS = {
    GRASSROOTS: {Level.COUNTY: "county", Level.CITY: "city", Level.PROVINCE: "province"},
    GRASSROOTS2: {Level.COUNTY: "county2"},
}
# city: quota, county: quota (the rest of the province is not allocated in the demo)
ALLOCATIONS = {"420600": 4, "420684": 3, "420500": 4, "420506": 3}
# The day of each step in April 2026.
DAYS = {
    "intake": at(date(2026, 4, 3), 9, 30),
    "submit": at(date(2026, 4, 8), 15),
    Level.COUNTY: at(date(2026, 4, 14), 10),
    Level.CITY: at(date(2026, 4, 21), 16),
}
# How far each target is forwarded (county, city), and what the last level does.
FORWARDS = {"draft": 0, "review3": 0, "returned": 0, "rejected": 0, "review2": 1, "review1": 2}
SEND_BACK = {
    "returned": (False, "请补充两项实用新型专利的授权证书扫描件，并写明“真空滚揉工艺”在车间的推广应用数据。"),
    "rejected": (True, "推荐对象从事本工种不满十年，且尚未取得技师及以上职业资格，不符合荆楚工匠推荐条件。"),
}

# (name, initials, born, seq, trade code, grade, years, position, apprentices, skills, honours, summary,
#  deeds, patents [(kind, number, title, granted)], target)
# fmt: off
PEOPLE = {
    GRASSROOTS: [
        ("陈德明", "CDM", "19710916", 511, "meat_processing", "chief", 31, "腊制品车间技术总监", 46,
         "凭手感判断腊肉腌制盐度误差不超过千分之三；独创“三熏三晾”低温烟熏工艺，成品合格率99.8%。",
         "2019 湖北省技术能手\n2021 襄阳市劳动模范\n2023 湖北省五一劳动奖章",
         "扎根腊制品生产一线三十一年，独创低温烟熏工艺，带徒四十六人。",
         "陈德明同志1995年进厂，从腌制工做起，三十一年专注腊制品加工。他独创“三熏三晾”低温烟熏工艺，使产品亚硝酸盐"
         "残留降低六成、合格率达到99.8%；主持建成省级技能大师工作室，带徒46人，其中技师、高级技师19人。",
         [("invention", "ZL202010456321.7", "一种腊肉低温烟熏装置及工艺", "2022-08-19"),
          ("utility", "ZL202120873345.2", "腊制品自动翻晾架", "2021-11-30")], "review1"),
        ("周建国", "ZJG", "19790304", 513, "maintenance_fitter", "technician", 24, "设备维修班班长", 18,
         "听声辨障：凭设备运转声音判断真空包装机故障部位，准确率九成以上。",
         "2022 襄阳市技术能手",
         "自主完成进口包装设备国产化改造十二项，节约外修费用二百余万元。",
         "周建国同志从事机修钳工二十四年，完成进口真空包装机等关键设备国产化改造12项，累计节约外修和备件费用230万元。",
         [("utility", "ZL202220145678.9", "真空包装机封口刀快换结构", "2023-05-12")], "review2"),
        ("刘桂芳", "LGF", "19830721", 512, "meat_processing", "senior", 19, "腌制组组长", 12,
         "一把刀分割猪肉，每块重量误差不超过5克。",
         "2024 宜城市“最美职工”",
         "十九年坚守腌制岗位，总结“分割五步法”在全公司推广。",
         "刘桂芳同志总结的“分割五步法”使原料出品率提高2.3个百分点，年增效益80余万元。",
         [], "review3"),
        ("马志远", "MZY", "19860509", 515, "electrician", "technician", 17, "动力车间电工", 9,
         "带电检修低压配电柜，十七年零差错。",
         "",
         "主持冷库制冷系统节能改造，年节电六十万千瓦时。",
         "马志远同志主持冷库制冷系统变频改造和峰谷用电调度，年节电60万千瓦时。",
         [("innovation", "XCJ-2024-017", "冷库制冷系统峰谷调度控制法", "2024-06-28")], "returned"),
    ],
    GRASSROOTS2: [
        ("覃正林", "QZL", "19750212", 531, "underground_miner", "senior_technician", 29, "采矿一工区技术员", 27,
         "井下凭肉眼和敲击判断磷矿顶板稳定性，二十九年所在工区无冒顶事故。",
         "2020 宜昌市劳动模范\n2023 湖北省技术能手",
         "推行“敲帮问顶”安全确认法，所带工区连续十年安全生产无事故。",
         "覃正林同志在樟村坪磷矿井下工作29年，推行“敲帮问顶”安全确认法和中深孔爆破参数优化，采矿贫化率下降4个百分点。",
         [("utility", "ZL202120556789.1", "一种井下中深孔装药器", "2022-03-15")], "review3"),
        ("向红梅", "XHM", "19840830", 532, "mineral_processing", "technician", 18, "选矿车间浮选工", 14,
         "看泡沫颜色和大小调整浮选药剂，精矿品位稳定在30%以上。",
         "2024 宜昌市技术能手",
         "优化磷矿浮选药剂制度，尾矿综合利用率提高到85%。",
         "向红梅同志参与磷矿浮选药剂优化攻关，精矿品位提高1.8个百分点，尾矿综合利用率由62%提高到85%。",
         [("invention", "ZL202110334455.6", "一种中低品位磷矿浮选捕收剂", "2023-09-08")], "review3"),
        ("黄小军", "HXJ", "19980117", 533, "welder", "intermediate", 6, "机修车间焊工", 0,
         "仰焊一次合格率98%。",
         "",
         "刻苦钻研焊接技术，获公司技能比武第一名。",
         "黄小军同志2020年进厂，获公司2024年焊工技能比武第一名。",
         [], "rejected"),
        ("田家福", "TJF", "19770625", 535, "hoist_operator", "senior", 25, "提升机司机", 8,
         "提升机停罐精度控制在±10毫米以内。",
         "2021 夷陵区“优秀共产党员”",
         "二十五年安全提升零事故，总结“一看二听三确认”操作法。",
         "田家福同志操作主井提升机25年，安全提升物料和人员逾千万次，总结的“一看二听三确认”操作法在全矿推广。",
         [], "draft"),
    ],
}
# fmt: on


def _id_number(area: str, born: str, seq: int) -> str:
    body = f"{area}{born}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def _portrait(initials: str, seed: int):
    file = demo_images.initials_card(initials, seed=seed, caption="荆楚工匠")
    file.checked_upload = check_upload(file, kind="image")
    return file


def _programme(actor) -> Programme:
    campaign = Campaign.objects.get(year=YEAR)
    with clock(at(OPENS - timedelta(days=6), 10)):
        programme = craftsman_programme_create(
            actor=actor,
            campaign=campaign,
            opens_on=OPENS,
            closes_on=CLOSES,
            scoring_deadline=SCORING_DEADLINE,
            per_enterprise_limit=LIMIT,
            name=SECOND_NAME,
        )
    if not programme.notice_office:
        programme.notice_office = "湖北省总工会劳动和经济工作部"
        programme.notice_phone = "027-87125137"
        programme.notice_address = "武汉市武昌区中南路43号"
        programme.save(update_fields=["notice_office", "notice_phone", "notice_address", "updated_at"])
    if not programme.allocations.exists():
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=ALLOCATIONS)}
        rows = {orgs[code].pk: quota for code, quota in ALLOCATIONS.items()}
        problems = allocation_problems(programme, rows)
        if problems:
            raise ValueError(" ".join(problems))
        Allocation.objects.bulk_create(
            Allocation(programme=programme, organisation_id=pk, quota=quota) for pk, quota in rows.items()
        )
    return programme


def _reviewer(org: Organisation, level: int) -> Organisation:
    prefixes = [org.path[:i] for i in range(org.steplen, len(org.path), org.steplen)]
    return Organisation.objects.get(path__in=prefixes, level=level)


def _recommend(programme, users, orgs) -> list[tuple[Candidacy, str, str]]:
    trades_ensure(Trade)  # a test database flushed between tests has lost the migration's rows
    trades = {t.code: t for t in Trade.objects.all()}
    done = []
    with clock(DAYS["intake"]):
        for code, rows in PEOPLE.items():
            enterprise = Enterprise.objects.get(union=orgs[code])
            for n, row in enumerate(rows):
                name, initials, born, seq, trade, grade, years, position, apprentices = row[:9]
                skills, honours, summary, deeds, patents, target = row[9:]
                candidacy = recommendation_save(
                    actor=users[SUBMITTERS[code]],
                    programme=programme,
                    organisation=orgs[code],
                    fields={
                        "name": name,
                        "id_number": _id_number(AREAS[code], born, seq),
                        "summary": summary,
                        "deeds": deeds,
                    },
                    details={
                        "enterprise": enterprise,
                        "trade": trades[trade],
                        "skill_grade": grade,
                        "years_in_trade": years,
                        "position": position,
                        "apprentices": apprentices,
                        "signature_skills": skills,
                        "honours": honours,
                    },
                    patents=[
                        {
                            "kind": kind,
                            "number": number,
                            "title": title,
                            "granted_on": date.fromisoformat(day),
                        }
                        for kind, number, title, day in patents
                    ],
                    consent=True,
                    photo=_portrait(initials, seed=seq + n),
                )
                done.append((candidacy, code, target))
    return done


def _walk(programme, users, orgs, rows) -> None:
    with clock(DAYS["submit"]):
        for candidacy, code, target in rows:
            if target != "draft":
                recommendation_submit(actor=users[SUBMITTERS[code]], pk=candidacy.pk)
    for depth, level in enumerate((Level.COUNTY, Level.CITY), start=1):
        with clock(DAYS[level]):
            for code in PEOPLE:
                actor = REVIEWERS[code].get(level)
                if actor is None:
                    continue
                here = [(c, t) for c, cc, t in rows if cc == code and t != "draft"]
                if depth == 1:
                    for candidacy, target in here:
                        if target in SEND_BACK:
                            reject, reason = SEND_BACK[target]
                            selection.send_back(
                                actor=users[actor], pks=[candidacy.pk], reason=reason, reject=reject
                            )
                onward = [c.pk for c, t in here if FORWARDS[t] >= depth]
                if onward:
                    selection.forward(
                        actor=users[actor],
                        programme=programme,
                        organisation=_reviewer(orgs[code], level),
                        pks=onward,
                    )


def seed_craftsmen_demo(*, stdout=None) -> None:
    names = {"province", "city", "county", "county2", "grassroots", "grassroots2"}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    if "province" not in users or not Campaign.objects.filter(year=YEAR).exists():
        return
    first_batch = seed_first_batch(users)
    programme = _programme(users["province"])
    first = PEOPLE[GRASSROOTS][0][0]
    if not Candidacy.objects.filter(programme=programme, name=first).exists():
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=PEOPLE)}
        _walk(programme, users, orgs, _recommend(programme, users, orgs))
    # The provincial TV station's films and the posters of the published batch, put up on 27 April.
    with clock(at(date(2026, 4, 27), 10)):
        seed_craftsman_films()
    if stdout is not None:
        stdout.write(
            f"craftsmen: {Trade.objects.count()} trades, "
            f"{Candidacy.objects.filter(programme=programme).count()} 荆楚工匠 recommendations in intake, "
            f"{published_craftsmen().count()} published in {first_batch.code}\n"
        )


# --- the first batch (首批): recommended in February, published on 24 April ------------------------------

FIRST_CODE = "craftsman-2026-1"
FIRST_NAME = gettext_lazy("荆楚工匠（首批）")
SECOND_NAME = gettext_lazy("荆楚工匠（第二批）")
FIRST_OPENS, FIRST_CLOSES = date(2026, 2, 2), date(2026, 3, 6)
FIRST_LIMIT = 2
FIRST_SCORING_DEADLINE = datetime(2026, 3, 27, 17, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
VOTE_OPENS = at(date(2026, 4, 1), 9)
VOTE_CLOSES = at(date(2026, 4, 10), 18)
FIRST_DAYS = {
    "programme": at(date(2026, 1, 26), 10),
    "intake": at(date(2026, 2, 26), 9, 30),
    "submit": at(date(2026, 3, 2), 15),
    Level.COUNTY: at(date(2026, 3, 9), 10),
    Level.CITY: at(date(2026, 3, 12), 16),
    "panel": at(date(2026, 3, 16), 10),
    "scores": at(date(2026, 3, 20), 14),
    "vote": at(date(2026, 3, 31), 16),
    "batch": at(date(2026, 4, 13), 9, 30),
    "notice": at(date(2026, 4, 13), 15),
    "objection": at(date(2026, 4, 15), 11),
    "decision": at(date(2026, 4, 16), 16),
    "publish": at(date(2026, 4, 24), 10),
}
NOTICE_STARTS = date(2026, 4, 13)
PUBLISHED_ON = date(2026, 4, 24)
# The unions that reviewed, by code: (county, city); a union directly under a city (仙桃) has no county.
FIRST_ALLOCATIONS = {
    "420600": 6,
    "420684": 6,
    "420500": 3,
    "420506": 3,
    "420100": 3,
    "420111": 3,
    "429004": 1,
}
# Reviewers without a demo account: (user name, name, union code), helper accounts.
FIRST_STAFF = (
    ("craft-staff-420500", "覃慧敏", "420500"),
    ("craft-staff-420100", "胡志坚", "420100"),
    ("craft-staff-420111", "程丽华", "420111"),
    ("craft-staff-429004", "杨建军", "429004"),
)
REVIEWER_OF = {
    "420684": "county",
    "420600": "city",
    "420506": "county2",
    "420500": "craft-staff-420500",
    "420100": "craft-staff-420100",
    "420111": "craft-staff-420111",
    "429004": "craft-staff-429004",
}
FIRST_PANEL = "荆楚工匠首批评审组"
FIRST_VOTERS = 260
OBJECTION = ("李先生", "13907170000", "反映该同志的发明专利系班组集体成果，不应作为其个人成果申报。")
OBJECTION_FINDINGS = "经核实，该专利发明人为本人，班组其他成员为实施人员，推荐材料属实，异议不成立。"
REJECTED_REASON = "经专家论证和社会评议综合排名，未列入首批荆楚工匠，可参加以后批次推荐。"

# (union code, county code or "", name, initials, born, seq, trade, grade, years, position, apprentices,
#  skills, honours, summary, patents [(kind, number, title, granted)], expert level, vote weight)
# The expert level is the score the panel's experts give around; the vote weight how the public leans.
# fmt: off
FIRST_PEOPLE = [
    ("420111002002", "420111", "姜海涛", "JHT", "19760415", 611, "optical_fibre", "chief", 28, "光纤拉丝车间主任", 35,
     "凭目测和手感判断光纤预制棒熔缩状态，拉丝断纤率控制在万分之二以内，全国同行领先。",
     "2020 全国五一劳动奖章\n2022 湖北省首席技师", "二十八年扎根光纤拉丝一线，攻克超低损耗光纤拉丝工艺，带出35名技术骨干。",
     [("invention", "ZL201910234567.3", "一种超低损耗光纤拉丝张力控制方法", "2021-09-17"),
      ("invention", "ZL202110876543.2", "光纤预制棒熔缩在线监测装置", "2023-03-10")], 93, 14),
    ("420684452003", "420684", "罗建平", "LJP", "19780822", 613, "welder", "senior_technician", 26, "焊接车间班长", 28,
     "全位置焊接一次合格率99.6%，可在3毫米薄板上焊出无变形焊缝，号称“焊花绣娘”。",
     "2019 湖北省技术能手\n2023 襄阳市劳动模范", "二十六年钻研焊接技术，攻克压力容器薄壁焊接变形难题。",
     [("utility", "ZL202020567812.4", "一种薄板焊接防变形夹具", "2021-04-02")], 91, 11),
    ("420506105001", "420506", "向德俊", "XDJ", "19730309", 615, "substation", "chief", 31, "变电检修班技术员", 40,
     "带电检测判断变压器内部缺陷，准确率达95%以上，三十一年零误判。",
     "2018 全国电力行业技术能手\n2021 宜昌市劳动模范", "守护三峡坝区变电设备三十一年，创新变压器带电检测方法。",
     [("invention", "ZL201810345612.9", "一种变压器局部放电带电定位方法", "2020-06-19"),
      ("utility", "ZL202220113456.7", "隔离开关触头清扫工具", "2023-01-13")], 92, 9),
    ("420684002001", "420684", "熊志勇", "XZY", "19800117", 617, "lathe_operator", "senior_technician", 24, "精密车工", 22,
     "手工车削精度达到0.002毫米，能在鸡蛋壳上车出完整螺纹。",
     "2021 湖北省技术能手", "二十四年车工生涯，加工精密零件零废品，总结“三看两听”车削法。",
     [("utility", "ZL202120998765.1", "一种细长轴车削跟刀架", "2022-07-29")], 90, 12),
    ("420111082001", "420111", "邓晓军", "DXJ", "19820630", 619, "vehicle_assembler", "technician", 20, "总装线调试组长", 16,
     "听发动机声音判断装配缺陷，整车下线一次合格率提高到99.2%。",
     "2022 武汉市技术能手", "扎根汽车总装线二十年，主持装调工艺改进四十余项。",
     [("innovation", "ZLQC-2023-008", "整车下线异响快速诊断法", "2023-08-18")], 88, 10),
    ("420506101002", "420506", "覃明华", "QMH", "19771103", 621, "chemical_operator", "senior_technician", 27, "磷化工总控室主操", 19,
     "凭仪表曲线变化提前预判反应釜工况，连续十二年无生产安全事故。",
     "2020 宜昌市技术能手\n2024 湖北省五一劳动奖章", "主持磷酸生产线优化，年节约标煤三千吨。",
     [("invention", "ZL202010678901.5", "一种湿法磷酸萃取温度控制方法", "2022-11-04")], 89, 8),
    ("420684901001", "420684", "左明珠", "ZMZ", "19850219", 623, "grinder", "technician", 18, "水晶磨抛车间技师", 30,
     "手工磨出128个切面的水晶球，切面角度误差不超过0.1度。",
     "2023 湖北省“荆楚巧匠”", "十八年专注水晶磨抛，带动当地三十余名留守妇女就业。",
     [("design", "ZL202230456789.0", "水晶工艺摆件（编钟）", "2023-02-24")], 86, 13),
    ("420111002001", "420111", "陈光辉", "CGH", "19840912", 625, "electronic_assembler", "technician", 19, "光器件封装线组长", 15,
     "显微镜下手工耦合光器件，耦合效率稳定在92%以上。",
     "2021 武汉市“江城工匠”", "攻克高速光模块手工耦合难题，良品率提高十个百分点。",
     [("utility", "ZL202121765432.8", "一种光器件耦合对准夹具", "2022-10-21")], 87, 9),
    ("420684107001", "420684", "邱春燕", "QCY", "19810405", 627, "tea_processing", "senior", 22, "制茶车间主任", 26,
     "手工炒制“宜城白茶”，凭手感控制锅温误差不超过3摄氏度。",
     "2022 襄阳市“最美职工”", "传承手工制茶技艺，带动茶农两千余户增收。",
     [], 84, 12),
    ("429004000001", "", "万建国", "WJG", "19790727", 629, "maintenance_fitter", "technician", 25, "设备维修班班长", 14,
     "听声辨障，凭设备运转声音判断无纺布生产线故障部位。",
     "2020 仙桃市技术能手", "完成进口无纺布生产线国产化改造八项，节约费用三百余万元。",
     [("utility", "ZL202020334455.6", "一种无纺布分切机快换刀架", "2021-12-10")], 85, 7),
    ("420684452001", "420684", "温晓峰", "WXF", "19870514", 631, "chemical_operator", "technician", 15, "精细化工车间主操", 8,
     "熟练掌握十二种精细化工产品生产工艺，操作规程全部背诵如流。",
     "", "推行“巡检三字经”，所在班组连续八年安全生产。",
     [], 80, 4),
    ("420684003002", "420684", "夏永刚", "XYG", "19890908", 633, "mould_maker", "senior", 13, "模具车间钳工", 6,
     "手工研配冲压模具，配合间隙控制在0.01毫米以内。",
     "2024 宜城市技术能手", "主持汽车配件模具改进，模具寿命延长一倍。",
     [("utility", "ZL202320221133.4", "一种冲压模具快速定位装置", "2024-03-22")], 79, 5),
    ("420506001001", "420506", "田志华", "TZH", "19860123", 635, "electrician", "senior", 16, "电气装配班组长", 9,
     "熟练装配高低压开关柜，一次通电成功率100%。",
     "", "十六年电气装配零差错，培养青年电工九名。",
     [], 78, 4),
]
# fmt: on


def _first_programme(actor) -> Programme:
    campaign = Campaign.objects.get(year=YEAR)
    with clock(FIRST_DAYS["programme"]):
        programme = craftsman_programme_create(
            actor=actor,
            campaign=campaign,
            opens_on=FIRST_OPENS,
            closes_on=FIRST_CLOSES,
            scoring_deadline=FIRST_SCORING_DEADLINE,
            total_quota=16,  # what the province may take to the expert evaluation; the batch is 10
            per_enterprise_limit=FIRST_LIMIT,
            batch_size=10,
            code=FIRST_CODE,
            name=FIRST_NAME,
        )
        if not programme.notice_office:
            programme.notice_office = "湖北省总工会劳动和经济工作部"
            programme.notice_phone = "027-87125137"
            programme.notice_address = "武汉市武昌区中南路43号"
            programme.save(update_fields=["notice_office", "notice_phone", "notice_address", "updated_at"])
        if not programme.allocations.exists():
            orgs = {o.code: o for o in Organisation.objects.filter(code__in=FIRST_ALLOCATIONS)}
            rows = {orgs[code].pk: quota for code, quota in FIRST_ALLOCATIONS.items()}
            problems = allocation_problems(programme, rows)
            if problems:
                raise ValueError(" ".join(problems))
            Allocation.objects.bulk_create(
                Allocation(programme=programme, organisation_id=pk, quota=q) for pk, q in rows.items()
            )
    return programme


def _first_recommend(programme, users) -> list[Candidacy]:
    trades_ensure(Trade)
    trades = {t.code: t for t in Trade.objects.all()}
    unions = {o.code: o for o in Organisation.objects.filter(code__in=[row[0] for row in FIRST_PEOPLE])}
    enterprises = {e.union_id: e for e in Enterprise.objects.filter(union__in=unions.values())}
    submitters = demo.helper_accounts(
        [(f"craft-sub-{code}", f"{enterprises[org.pk].name}工会", code) for code, org in unions.items()],
        role=Role.SUBMITTER,
    )
    rows = []
    with clock(FIRST_DAYS["intake"]):
        for n, person in enumerate(FIRST_PEOPLE):
            code, county, name, initials, born, seq, trade, grade, years, position, apprentices = person[:11]
            skills, honours, summary, patents = person[11:15]
            union = unions[code]
            area = county or code[:6]
            candidacy = recommendation_save(
                actor=submitters[f"craft-sub-{code}"],
                programme=programme,
                organisation=union,
                fields={
                    "name": name,
                    "id_number": _id_number(area, born, seq),
                    "summary": summary,
                    "deeds": f"{name}同志{summary}{skills}多年来坚守岗位、精益求精，以精湛技艺诠释工匠精神。",
                },
                details={
                    "enterprise": enterprises[union.pk],
                    "trade": trades[trade],
                    "skill_grade": grade,
                    "years_in_trade": years,
                    "position": position,
                    "apprentices": apprentices,
                    "signature_skills": skills,
                    "honours": honours,
                },
                patents=[
                    {"kind": kind, "number": number, "title": title, "granted_on": date.fromisoformat(day)}
                    for kind, number, title, day in patents
                ],
                consent=True,
                photo=_portrait(initials, seed=seq + n),
            )
            rows.append(candidacy)
    with clock(FIRST_DAYS["submit"]):
        for candidacy in rows:
            recommendation_submit(
                actor=submitters[f"craft-sub-{candidacy.organisation.code}"], pk=candidacy.pk
            )
    return rows


def _first_review(programme, rows) -> None:
    """County then city forward what their subtree sent (a union under a city goes to the city first)."""
    staff = demo.helper_accounts(FIRST_STAFF, role=Role.STAFF)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=set(REVIEWER_OF.values()))}
    users.update(staff)
    reviewers = {o.code: o for o in Organisation.objects.filter(code__in=REVIEWER_OF)}
    for level in (Level.COUNTY, Level.CITY):
        with clock(FIRST_DAYS[level]):
            queued: dict[str, list[int]] = {}
            for candidacy in Candidacy.objects.filter(pk__in=[c.pk for c in rows]).select_related(
                "organisation"
            ):
                org = candidacy.organisation
                prefixes = [org.path[:i] for i in range(org.steplen, len(org.path), org.steplen)]
                reviewer = Organisation.objects.filter(path__in=prefixes, level=level).first()
                if reviewer is not None and reviewer.code in reviewers:
                    queued.setdefault(reviewer.code, []).append(candidacy.pk)
            for code, pks in queued.items():
                here = [pk for pk in pks if Candidacy.objects.get(pk=pk).state == REVIEW_STATES[level]]
                if here:
                    selection.forward(
                        actor=users[REVIEWER_OF[code]],
                        programme=programme,
                        organisation=reviewers[code],
                        pks=here,
                    )
    # The helper reviewers stood in for the staff of unions without a demo account for these two days;
    # no helper account keeps a staff role (and the admin access that comes with it) afterwards.
    for membership in Membership.objects.filter(user__in=staff.values(), role=Role.STAFF, is_active=True):
        membership_revoke(membership=membership)


def _experts(actor) -> list:
    """The expert pool the panel draws on: ``expert`` and the helper experts of the expert review's demo
    (the same accounts and profiles, made here when this seeder runs alone)."""
    from unionportal.selection.experts import services as experts
    from unionportal.selection.experts.demo import HELPERS
    from unionportal.selection.experts.models import ExpertProfile

    profiles = []
    chair = get_user_model().objects.filter(username="expert").first()
    own = Membership.objects.filter(user=chair, role=Role.EXPERT).select_related("organisation").first()
    if chair is not None and own is not None:
        profile = ExpertProfile.objects.filter(user=chair).first() or experts.expert_save(
            actor=actor,
            user=chair,
            values={
                "union": own.organisation,
                "enterprise": Enterprise.objects.filter(union=own.organisation).first(),
                "title": "高级工程师",
                "fields": ["innovation", "C", "I"],
            },
        )
        profiles.append(profile)
    helpers = demo.helper_accounts([(u, n, code) for u, n, code, *_rest in HELPERS], role=Role.EXPERT)
    for username, _name, code, title, employer, fields in HELPERS:
        user = helpers[username]
        profile = ExpertProfile.objects.filter(user=user).first()
        if profile is None:
            union = Membership.objects.get(user=user, role=Role.EXPERT, organisation__code=code).organisation
            profile = experts.expert_save(
                actor=actor,
                user=user,
                values={"union": union, "title": title, "employer": employer, "fields": fields},
            )
        profiles.append(profile)
    return profiles


def _first_scores(programme, actor, rows) -> None:
    """A panel of five, three experts a candidate (the conflict rule keeps each city's expert away from
    its candidates), every expert declaring and submitting scores around the candidate's level."""
    from unionportal.selection.experts import services as experts
    from unionportal.selection.experts.models import Assignment

    levels = {c.pk: person[15] for c, person in zip(rows, FIRST_PEOPLE, strict=True)}
    with clock(FIRST_DAYS["panel"]):
        stage = experts.stage_save(
            actor=actor, programme=programme, values={"experts_per_candidate": 3, "aggregation": "mean"}
        )
        profiles = _experts(actor)
        chair = profiles[0].user if profiles else None
        panel = experts.panel_save(actor=actor, stage=stage, name=FIRST_PANEL, chair=chair, members=profiles)
        experts.assign_auto(actor=actor, panel=panel)
    criteria = list(stage.criteria.order_by("position"))
    with clock(FIRST_DAYS["scores"]):
        assignments = (
            Assignment.objects.filter(panel=panel)
            .select_related("expert__user")
            .order_by("candidacy_id", "pk")
        )
        for n, row in enumerate(assignments):
            user = row.expert.user
            experts.declare(actor=user, assignment_id=row.pk, conflict=False)
            level = levels[row.candidacy_id] + (n % 3) - 1  # the three experts a point apart
            points = {c.pk: Decimal(c.max_points * level) / 100 for c in criteria}
            points = {pk: p.quantize(Decimal("0.1")) for pk, p in points.items()}
            experts.score_save(
                actor=user,
                assignment_id=row.pk,
                points=points,
                comments={criteria[0].pk: "技艺精湛，绝活突出。"},
                submit=True,
            )


def _first_vote(programme, actor, rows) -> int:
    """The public vote of 1-10 April, the voters verified and casting through the vote service."""
    from unionportal.selection.voting import services as voting
    from unionportal.selection.voting.models import Voter, VoterSession, session_digest

    with clock(FIRST_DAYS["vote"]):
        stage = voting.stage_save(
            actor=actor,
            programme=programme,
            values={
                "opens_at": VOTE_OPENS,
                "closes_at": VOTE_CLOSES,
                "period": "day",
                "votes_per_candidate": 1,
                "candidates_per_day": 3,
                "hide_results": False,
                "expert_weight": 70,
                "public_weight": 30,
            },
        )
        stage = voting.stage_open(actor=actor, stage=stage, candidacy_ids=[c.pk for c in rows])
    rng = random.Random(20260401)
    candidates = {c.candidacy_id: c for c in stage.candidates.all()}
    pool = [candidates[c.pk] for c in rows]
    weights = [person[16] for person in FIRST_PEOPLE]
    span = (VOTE_CLOSES - VOTE_OPENS).total_seconds() - 3600
    cast = 0
    for n in range(FIRST_VOTERS):
        moment = VOTE_OPENS + timedelta(seconds=rng.uniform(0, span))
        phone = f"186{n:08d}"
        voter, _created = Voter.objects.get_or_create(
            phone=phone, defaults={"consent_at": moment, "consent_text": str(voting.CONSENT_TEXT)}
        )
        key = f"craftsman-voter-{n}"
        session, _created = VoterSession.objects.get_or_create(
            digest=session_digest(key),
            defaults={
                "voter": voter,
                "expires_at": VOTE_CLOSES + timedelta(days=1),
                "device": f"craft-device-{n}",
            },
        )
        picks = {rng.choices(pool, weights=weights)[0].pk for _ in range(rng.randint(1, 3))}
        ip = f"{rng.randrange(58, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for k, candidate_pk in enumerate(sorted(picks)):
            try:
                voting.vote_cast(
                    stage_id=stage.pk,
                    candidate_id=candidate_pk,
                    session_key=key,
                    token=voting.vote_token(session),
                    client_ip=ip,
                    device=session.device,
                    now=moment + timedelta(seconds=20 * k + rng.uniform(0, 9)),
                )
            except voting.VoteRefused:
                continue
            cast += 1
    return cast


def _first_batch_and_notice(programme, actor) -> None:
    """The batch of the combined ranking's top ten (the page's preselection), the others told they were
    not chosen; the notice from 13 April with one objection, dismissed; publication on 24 April."""
    from .selectors import batch

    with clock(FIRST_DAYS["batch"]):
        view = batch(programme)
        chosen = [b.candidacy.pk for b in view.preselected]
        batch_approve(actor=actor, programme=programme, pks=chosen)
        rest = [b.candidacy.pk for b in view.lines if b.candidacy.pk not in chosen]
        if rest:
            selection.send_back(actor=actor, pks=rest, reason=REJECTED_REASON, reject=True)
    with clock(FIRST_DAYS["notice"]):
        notice = selection.notice_open(
            actor=actor,
            programme=programme,
            starts_on=NOTICE_STARTS,
            office=programme.notice_office,
            phone=programme.notice_phone,
            address=programme.notice_address,
        )
    with clock(FIRST_DAYS["objection"]):
        name, contact, reason = OBJECTION
        objection = selection.objection_lodge(
            notice=notice,
            candidacy_id=chosen[5],
            name=name,
            contact=contact,
            reason=reason,
            token=selection.objection_form_token(),
            today=FIRST_DAYS["objection"].date(),
        )
    with clock(FIRST_DAYS["decision"]):
        selection.objection_decide(actor=actor, pk=objection.pk, upheld=False, findings=OBJECTION_FINDINGS)
    with clock(FIRST_DAYS["publish"]):
        selection.programme_publish(actor=actor, programme=programme, today=PUBLISHED_ON)


def seed_first_batch(users) -> Programme | None:
    """The first batch's programme walked from recommendation to publication, each step on its day."""
    actor = users["province"]
    programme = _first_programme(actor)
    if Candidacy.objects.filter(programme=programme).exists():
        return programme
    rows = _first_recommend(programme, users)
    _first_review(programme, rows)
    rows = list(Candidacy.objects.filter(pk__in=[c.pk for c in rows]).order_by("pk"))
    _first_scores(programme, actor, rows)
    _first_vote(programme, actor, rows)
    _first_batch_and_notice(programme, actor)
    return programme


def published_craftsmen():
    """The demo's published first batch of 荆楚工匠 (Craftsman rows, in the batch's rank order), for
    anyone who adds to them (films and posters) after this seeder ran; empty before it ran."""
    from .models import Craftsman

    return (
        Craftsman.objects.filter(
            candidacy__programme__code=FIRST_CODE,
            candidacy__programme__campaign__year=YEAR,
            candidacy__state=State.PUBLISHED,
        )
        .select_related("candidacy", "trade", "enterprise")
        .order_by("candidacy__rank", "candidacy_id")
    )
