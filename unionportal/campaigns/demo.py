"""Demo rows for ``seed_demo`` (registered in apps.py): the 2026 milestones from the plan, a few
completions, and activity reports of the two demo grassroots unions walked through the workflow.

Idempotent: milestones by title, completions by (milestone, organisation), reports by (union, title);
an existing report is left as it is.
"""

from datetime import date

from django.contrib.auth import get_user_model

from unionportal.orgs.models import Organisation

from .enums import ReportState
from .models import ActivityReport, Milestone, MilestoneCompletion
from .plan import CAMPAIGN_2026, load_plan_2026
from .services import activity_report_create, activity_report_transition, milestone_mark_done

User = get_user_model()

# (milestone title, organisation code, user who marks it done)
COMPLETIONS = [
    ("全省行业集体协商推动会", "420000", "province"),
    ("全省“十三五”劳动竞赛动员大会", "420000", "province"),
    ("“五一”当天集中刊（播）发庆祝活动消息", "420000", "province"),
    ("市州工会建成覆盖城区的网络体系", "420600", "city"),
]

# (union code, author, reviewer or None, final state, fields)
REPORTS = [
    (
        "420684001001",
        "grassroots",
        "township",
        ReportState.ACCEPTED,
        {
            "title": "“五一”职工趣味运动会",
            "date": date(2026, 4, 28),
            "place": "宜城市楚都食品有限公司厂区篮球场",
            "participants": 260,
            "summary": "公司工会组织拔河、跳绳、托球跑等八个项目，一线班组职工踊跃参加，并为当年评出的十名岗位能手颁发证书。",
        },
    ),
    (
        "420684001001",
        "grassroots",
        None,
        ReportState.SUBMITTED,
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
        {
            "title": "“安康杯”安全生产知识竞赛",
            "date": date(2026, 5, 8),
            "place": "公司职工活动中心",
            "participants": 120,
            "summary": "以班组为单位组队，竞赛内容为食品安全与安全生产法规。",
        },
    ),
    (
        "420506101001",
        "grassroots2",
        "county2",
        ReportState.ACCEPTED,
        {
            "title": "“五一”劳模座谈会暨职工书画展",
            "date": date(2026, 4, 29),
            "place": "宜昌樟村坪磷矿有限公司职工之家",
            "participants": 140,
            "summary": "公司各级劳模、先进工作者座谈安全生产和技术革新，同期展出职工书画摄影作品六十余幅。",
        },
    ),
]


def seed_campaign_demo(*, stdout=None) -> None:
    stats = load_plan_2026()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["province", "city", "grassroots", "grassroots2", "township", "county2"]
        )
    }
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(code__in=["420000", "420600", "420684001001", "420506101001"])
    }
    milestones = {m.title: m for m in Milestone.objects.filter(campaign__year=CAMPAIGN_2026["year"])}

    done = 0
    for title, code, username in COMPLETIONS:
        milestone, org, user = milestones.get(title), orgs.get(code), users.get(username)
        if None in (milestone, org, user):
            continue
        if not MilestoneCompletion.objects.filter(milestone=milestone, organisation=org).exists():
            milestone_mark_done(actor=user, milestone_id=milestone.pk, organisation_id=org.pk)
            done += 1

    reports = 0
    for code, author, reviewer, state, fields in REPORTS:
        org, user = orgs.get(code), users.get(author)
        if (
            org is None
            or user is None
            or ActivityReport.objects.filter(organisation=org, title=fields["title"]).exists()
        ):
            continue
        report = activity_report_create(actor=user, organisation_id=org.pk, **fields)
        if state != ReportState.DRAFT:
            activity_report_transition(actor=user, report_id=report.pk, to=ReportState.SUBMITTED)
        if state == ReportState.ACCEPTED:
            activity_report_transition(
                actor=users[reviewer],
                report_id=report.pk,
                to=ReportState.ACCEPTED,
                comment="内容完整，照片清晰，予以采用。",
            )
        reports += 1

    if stdout is not None:
        stdout.write(
            f"Campaign calendar: milestones {stats['created']} created, {stats['updated']} updated; "
            f"{done} completions and {reports} activity reports added."
        )
