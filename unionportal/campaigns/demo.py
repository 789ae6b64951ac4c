"""Demo rows for ``seed_demo`` (registered in apps.py): the 2026 milestones from the plan, a few
completions, activity reports of grassroots unions in four cities walked through the workflow, and the
messages waiting in the inboxes of the two demo accounts that have nothing to review (expert, worker).

Reports come from the two demo grassroots unions and from unions in 宜昌, 武汉 and 仙桃 whose submitters
are helper accounts (no usable password: nobody signs in with them). Each report is written through
``activity_report_create`` with generated photos through the upload path, submitted and accepted or
returned through ``activity_report_transition`` by the staff above it, under a clock set to the days
after the activity (``clock``). ``clock`` is also what the other apps' seeders use to write their past.

Idempotent: milestones by title, completions by (milestone, organisation), reports by (union, title),
helper accounts by user name, messages by (recipient, event); an existing report is left as it is.
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from unionportal import demo, demo_images
from unionportal.notifications.models import Channel, Notification, Status
from unionportal.notifications.services import Message, deliver, queue
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Organisation

from .enums import ReportState
from .models import ActivityReport, Milestone, MilestoneCompletion
from .plan import CAMPAIGN_2026, load_plan_2026
from .services import activity_report_create, activity_report_transition, milestone_mark_done

User = get_user_model()


@contextmanager
def clock(at: datetime) -> Iterator[None]:
    """Run the services as if it were ``at`` (never later than the real now).

    The services stamp what they write with ``timezone.now()`` (created and updated times, audit events,
    notifications, filing and publication dates): a seeder writes the demo's past under this clock, so
    that what happened in April carries April in its rows and its history. Demo data only: seed_demo
    runs in one thread, and the real clock is back when the block ends.
    """
    real = timezone.now
    moment = min(at, real())
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_current_timezone())


# (milestone title, organisation code, user who marks it done)
COMPLETIONS = [
    ("全省行业集体协商推动会", "420000", "province"),
    ("全省“十三五”劳动竞赛动员大会", "420000", "province"),
    ("“五一”当天集中刊（播）发庆祝活动消息", "420000", "province"),
    ("市州工会建成覆盖城区的网络体系", "420600", "city"),
]

# Submitters of unions without a demo account: (user name, name, union code). No usable password.
REPORTERS = [
    ("reporter-420506001002", "向丽娟", "420506001002"),  # 夷陵区人民医院 (宜昌)
    ("reporter-420111002002", "陈思远", "420111002002"),  # 华中光纤光缆 (武汉)
    ("reporter-420111080002", "刘婷", "420111080002"),  # 楚天软件 (武汉)
    ("reporter-429004000001", "万红霞", "429004000001"),  # 彭场无纺布 (仙桃)
    ("reporter-420684452001", "温国梁", "420684452001"),  # 楚宜精细化工 (宜城经济开发区)
    ("reporter-420684001002", "周美玲", "420684001002"),  # 鄢城纺织 (鄢城街道)
]

# (union code, author, reviewer or None, final state, photos, return reason, fields)
REPORTS = [
    (
        "420684001001",
        "grassroots",
        "township",
        ReportState.ACCEPTED,
        3,
        "",
        {
            "title": "“安康杯”安全生产知识竞赛",
            "date": date(2026, 4, 18),
            "place": "公司职工活动中心",
            "participants": 120,
            "summary": "以班组为单位组队，竞赛内容为食品安全与安全生产法规。",
        },
    ),
    (
        "420684001001",
        "grassroots",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "劳模工匠进车间技能分享会",
            "date": date(2026, 4, 24),
            "place": "宜城市楚都食品有限公司二号车间",
            "participants": 85,
            "summary": "邀请市级劳模、面点师傅李春芳到车间现场演示和面、发酵工艺，分享降低损耗的操作要领。",
        },
    ),
    (
        "420684001001",
        "grassroots",
        None,
        ReportState.DRAFT,
        1,
        "",
        {
            "title": "“五一”职工趣味运动会",
            "date": date(2026, 4, 28),
            "place": "宜城市楚都食品有限公司厂区篮球场",
            "participants": 260,
            "summary": "公司工会计划组织拔河、跳绳、托球跑等八个项目，活动结束后为当年评出的十名岗位能手颁发证书。",
        },
    ),
    (
        "420684001001",
        "grassroots",
        "township",
        ReportState.RETURNED,
        2,
        "请补充比武项目、评分办法和获奖名单，并说明参赛职工中一线班组的人数。",
        {
            "title": "“工人先锋号”班组技能比武",
            "date": date(2026, 4, 21),
            "place": "宜城市楚都食品有限公司包装车间",
            "participants": 64,
            "summary": "包装、腊制品两个车间的八个班组同台比武，比速度、比质量、比安全操作。",
        },
    ),
    (
        "420506101001",
        "grassroots2",
        "county2",
        ReportState.ACCEPTED,
        3,
        "",
        {
            "title": "“五一”劳模座谈会暨职工书画展",
            "date": date(2026, 4, 23),
            "place": "宜昌樟村坪磷矿有限公司职工之家",
            "participants": 140,
            "summary": "公司各级劳模、先进工作者座谈安全生产和技术革新，同期展出职工书画摄影作品六十余幅。",
        },
    ),
    (
        "420506101001",
        "grassroots2",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "井下安全知识竞答",
            "date": date(2026, 4, 25),
            "place": "宜昌樟村坪磷矿有限公司调度中心",
            "participants": 96,
            "summary": "采矿、运输、机电三个工区各派代表队，围绕“手指口述”安全确认和应急避险知识现场竞答。",
        },
    ),
    (
        "420506101001",
        "grassroots2",
        None,
        ReportState.DRAFT,
        1,
        "",
        {
            "title": "劳模先进事迹报告会",
            "date": date(2026, 5, 6),
            "place": "樟村坪镇文化活动中心",
            "participants": 180,
            "summary": "邀请2025年湖北省五一劳动奖章获得者讲述扎根一线、技术革新的经历。",
        },
    ),
    (
        "420506001002",
        "reporter-420506001002",
        "county2",
        ReportState.ACCEPTED,
        3,
        "",
        {
            "title": "“五一”护理技能竞赛",
            "date": date(2026, 4, 20),
            "place": "宜昌市夷陵区人民医院门诊楼五楼培训中心",
            "participants": 210,
            "summary": "全院护理人员参加心肺复苏、静脉输液等六项操作竞赛，评出护理技术能手十名。",
        },
    ),
    (
        "420506001002",
        "reporter-420506001002",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "职工志愿者义诊进社区",
            "date": date(2026, 4, 25),
            "place": "夷陵区小溪塔街道平湖社区",
            "participants": 45,
            "summary": "医院职工志愿者为社区居民和环卫工人测血压、血糖，开展慢性病防治宣传。",
        },
    ),
    (
        "420111002002",
        "reporter-420111002002",
        "province",
        ReportState.ACCEPTED,
        3,
        "",
        {
            "title": "光纤熔接技能大赛",
            "date": date(2026, 4, 19),
            "place": "武汉华中光纤光缆股份有限公司实训基地",
            "participants": 132,
            "summary": "围绕“践行新理念、建功‘十三五’”劳动竞赛，比熔接损耗、比接续速度，前三名推荐参加全省职工技能大赛。",
        },
    ),
    (
        "420111002002",
        "reporter-420111002002",
        "province",
        ReportState.RETURNED,
        2,
        "报告填写的参与人数为全体职工人数，请按实际到场人数填写，并补充创新成果的名称。",
        {
            "title": "职工创新成果展",
            "date": date(2026, 4, 23),
            "place": "公司研发中心一楼展厅",
            "participants": 820,
            "summary": "展出职工技术革新和合理化建议成果，现场评选“金点子”。",
        },
    ),
    (
        "420111080002",
        "reporter-420111080002",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "“五一”职工健步走",
            "date": date(2026, 4, 25),
            "place": "武汉东湖绿道",
            "participants": 190,
            "summary": "公司工会组织职工沿东湖绿道健步走十公里，倡导健康生活和绿色出行。",
        },
    ),
    (
        "429004000001",
        "reporter-429004000001",
        "province",
        ReportState.ACCEPTED,
        3,
        "",
        {
            "title": "无纺布生产线劳动竞赛表彰会",
            "date": date(2026, 4, 21),
            "place": "仙桃市彭场无纺布工业园职工活动中心",
            "participants": 300,
            "summary": "表彰一季度“提质量、降成本”劳动竞赛优胜班组和节能降耗标兵，发放奖金和荣誉证书。",
        },
    ),
    (
        "429004000001",
        "reporter-429004000001",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "“五一”走访慰问困难职工",
            "date": date(2026, 4, 24),
            "place": "仙桃市彭场镇",
            "participants": 24,
            "summary": "公司工会走访慰问困难职工和一线劳模二十户，送去慰问金和节日问候。",
        },
    ),
    (
        "420684452001",
        "reporter-420684452001",
        "county",
        ReportState.ACCEPTED,
        2,
        "",
        {
            "title": "安全生产班组长培训",
            "date": date(2026, 4, 22),
            "place": "湖北楚宜精细化工股份有限公司培训室",
            "participants": 58,
            "summary": "邀请应急管理部门专家讲解危化品安全操作规程，班组长分组开展应急处置演练。",
        },
    ),
    (
        "420684001002",
        "reporter-420684001002",
        None,
        ReportState.SUBMITTED,
        2,
        "",
        {
            "title": "女职工“五一”健康讲座",
            "date": date(2026, 4, 23),
            "place": "湖北鄢城纺织有限公司职工书屋",
            "participants": 110,
            "summary": "邀请市妇幼保健院医生为纺织一线女职工讲解职业健康和“两癌”筛查知识。",
        },
    ),
    (
        "420684001002",
        "reporter-420684001002",
        None,
        ReportState.DRAFT,
        1,
        "",
        {
            "title": "纺织挡车工操作能手评比",
            "date": date(2026, 5, 12),
            "place": "湖北鄢城纺织有限公司织造车间",
            "participants": 75,
            "summary": "按接头速度、断头率和产品质量评选挡车工操作能手。",
        },
    ),
]
ACCEPTED_COMMENT = "内容完整，照片清晰，予以采用。"

# Messages for the accounts that have nothing to review: (recipient, event, subject, body, link, sent at;
# None: now). The worker's came with the May Day activity; the expert's is about the panel opening soon.
MESSAGES = [
    (
        "expert",
        "campaigns.demo.panel_invitation",
        "邀请您参加2026年“荆楚工匠”专家论证评审",
        "您已列入2026年“荆楚工匠”推荐选树专家库。企业推荐结束后专家论证评审即将开始：届时请登录平台申报回避情况，"
        "并对分配给您的候选人逐项评分。评审细则将在评审开始前发送。",
        "/news/?category=announcement",
        None,
    ),
    (
        "worker",
        "campaigns.demo.activity_invitation",
        "公司工会“五一”职工趣味运动会开始报名",
        "宜城市楚都食品有限公司工会将于4月28日在厂区篮球场举办“五一”职工趣味运动会，设拔河、跳绳、托球跑等八个项目，"
        "请于4月24日前向所在班组长报名。",
        "",
        at(date(2026, 4, 20), 9),
    ),
]


def _reporters() -> dict:
    """The helper submitters: no usable password, the submitter role in their union."""
    return demo.helper_accounts(REPORTERS, role=Role.SUBMITTER)


def _reports(users: dict, orgs: dict) -> int:
    added = 0
    for n, (code, author, reviewer, state, photos, reason, fields) in enumerate(REPORTS):
        org, user = orgs.get(code), users.get(author)
        if (
            org is None
            or user is None
            or ActivityReport.objects.filter(organisation=org, title=fields["title"]).exists()
        ):
            continue
        written = fields["date"] + timedelta(days=-3 if state == ReportState.DRAFT else 1)
        files = [demo_images.activity_photo(seed=100 * n + k) for k in range(photos)]
        with clock(at(written, 18)):
            report = activity_report_create(actor=user, organisation_id=org.pk, photo_files=files, **fields)
            if state != ReportState.DRAFT:
                activity_report_transition(actor=user, report_id=report.pk, to=ReportState.SUBMITTED)
        if state in (ReportState.ACCEPTED, ReportState.RETURNED):
            with clock(at(written + timedelta(days=2), 9, 30)):
                activity_report_transition(
                    actor=users[reviewer],
                    report_id=report.pk,
                    to=state,
                    comment=reason or ACCEPTED_COMMENT,
                )
        added += 1
    return added


def _messages(users: dict) -> int:
    """Delivered inbox messages for the expert and the worker (through the notification service)."""
    sent = 0
    for username, event, subject, body, url, sent_at in MESSAGES:
        user = users.get(username)
        if user is None or Notification.objects.filter(recipient=user, event=event).exists():
            continue
        with transaction.atomic(), clock(sent_at) if sent_at else nullcontext():
            rows = queue(Message(recipients=(user,), event=event, subject=subject, body=body, url=url))
            # Delivered now rather than after the seed's commit, so that the inbox shows them at once.
            for row in rows:
                if row.channel == Channel.INBOX and row.status == Status.PENDING:
                    deliver(notification_id=row.pk)
        sent += 1
    return sent


def seed_campaign_demo(*, stdout=None) -> None:
    stats = load_plan_2026()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "province",
                "city",
                "county",
                "grassroots",
                "grassroots2",
                "township",
                "county2",
                "expert",
                "worker",
            ]
        )
    }
    users.update(_reporters())
    codes = {"420000", "420600", *(code for code, *_rest in REPORTS)}
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    milestones = {m.title: m for m in Milestone.objects.filter(campaign__year=CAMPAIGN_2026["year"])}

    done = 0
    for title, code, username in COMPLETIONS:
        milestone, org, user = milestones.get(title), orgs.get(code), users.get(username)
        if None in (milestone, org, user):
            continue
        if not MilestoneCompletion.objects.filter(milestone=milestone, organisation=org).exists():
            with clock(at(milestone.due_on, 17)):
                milestone_mark_done(actor=user, milestone_id=milestone.pk, organisation_id=org.pk)
            done += 1

    reports = _reports(users, orgs)
    messages = _messages(users)

    if stdout is not None:
        stdout.write(
            f"Campaign calendar: milestones {stats['created']} created, {stats['updated']} updated; "
            f"{done} completions, {reports} activity reports and {messages} messages added."
        )
