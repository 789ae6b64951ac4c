"""Demo rows of the 荆楚工匠 selection (seed_demo): the 2026 programme, its quotas and recommendations in
several states.

The programme takes recommendations from 16 March to 15 May 2026 (each enterprise at most four), is
reviewed at county → city → province and has the craftsman rubric for the expert evaluation. Quotas for
襄阳 and 宜昌 and their demo counties. ``grassroots`` (宜城市楚都食品有限公司) has recommended four
craftsmen, its limit: one at province review, one at city review, one at county review and one returned
by the county for more evidence, so a fifth is refused with the limit's message. ``grassroots2``
(宜昌樟村坪磷矿有限公司) has two at county review, one rejected by the county and a draft to submit.
Each recommendation is written through the form's service and walked through the pipeline's own
services, each step on its day in April.

Idempotent: skipped when the programme already has its first recommendation.
"""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from unionportal import demo_images
from unionportal.campaigns.demo import at, clock
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.selection import services as selection
from unionportal.selection.models import Allocation, Candidacy, Programme
from unionportal.selection.selectors import allocation_problems
from unionportal.uploads.services import check_upload

from .models import Trade
from .services import craftsman_programme_create, recommendation_save, recommendation_submit
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
    programme = _programme(users["province"])
    first = PEOPLE[GRASSROOTS][0][0]
    if not Candidacy.objects.filter(programme=programme, name=first).exists():
        orgs = {o.code: o for o in Organisation.objects.filter(code__in=PEOPLE)}
        _walk(programme, users, orgs, _recommend(programme, users, orgs))
    if stdout is not None:
        stdout.write(
            f"craftsmen: {Trade.objects.count()} trades, "
            f"{Candidacy.objects.filter(programme=programme).count()} 荆楚工匠 recommendations\n"
        )
