"""Demo data of the public evaluation: the 2026 "最美一线职工" programme with twelve candidates the province
holds, its public vote open from 20 April to 10 May, a few hundred votes cast through the vote service
(verified voters from many networks over the week) and one burst from a single /24 network on 26 April
that the anomaly checks put in quarantine, so that ``province`` has something to decide on ``/home/``.

Idempotent: the programme and its candidates are looked up by code and name, the vote is opened once,
and votes are cast only while the stage has none.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from unionportal import demo_images
from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Level
from unionportal.orgs.models import Organisation
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.models import Candidacy, Programme
from unionportal.uploads.services import upload_store

from . import services
from .models import Vote, Voter, VoterSession, VoteStage, session_digest

CODE = "frontline"
TZ = timezone.get_fixed_timezone(8 * 60)
OPENS = datetime(2026, 4, 20, 9, 0, tzinfo=TZ)
CLOSES = datetime(2026, 5, 10, 18, 0, tzinfo=TZ)
BURST_AT = datetime(2026, 4, 26, 21, 3, 0, tzinfo=TZ)
BURST_NETWORK = "36.110.5"
BURST_VOTES = 40
ORDINARY_VOTES = 320

# name, initials, unit, city code, summary
CANDIDATES = (
    (
        "周建华",
        "ZJH",
        "武汉钢铁有限公司炼钢厂",
        "420100",
        "转炉炼钢工，二十年守在炉前，总结“看火花判钢温”操作法，带出徒弟四十余名。",
    ),
    (
        "李秀梅",
        "LXM",
        "宜昌市公交集团有限公司",
        "420500",
        "公交驾驶员，安全行车一百二十万公里零事故，车厢里设“爱心药箱”服务乘客。",
    ),
    (
        "王德胜",
        "WDS",
        "襄阳汽车轴承股份有限公司",
        "420600",
        "数控车工，改进轴承套圈加工工艺，废品率从百分之三降到千分之五。",
    ),
    (
        "陈晓燕",
        "CXY",
        "黄石市中心医院",
        "420200",
        "急诊科护士长，带领团队完成急救三万余人次，推行急诊分级护理流程。",
    ),
    (
        "刘国强",
        "LGQ",
        "中铁大桥局集团第五工程有限公司",
        "421000",
        "桥梁架子工班长，参建长江大桥六座，高空作业十八年无安全事故。",
    ),
    (
        "张丽娟",
        "ZLJ",
        "十堰东风商用车有限公司",
        "420300",
        "总装线质检员，发现并推动解决装配隐患两百余项，创建“零缺陷”班组。",
    ),
    (
        "黄志明",
        "HZM",
        "国网荆门供电公司",
        "420800",
        "输电线路带电作业工，攻克特高压带电检修难题，保障迎峰度夏供电。",
    ),
    (
        "吴春兰",
        "WCL",
        "孝感市环卫管理处",
        "420900",
        "环卫工人，清扫街道二十二年，自创“分段保洁法”在全市推广。",
    ),
    (
        "郑海波",
        "ZHB",
        "黄冈市建筑安装有限公司",
        "421100",
        "焊工，获全省职工技能大赛焊接项目第一名，培养高级焊工三十名。",
    ),
    (
        "孙美玲",
        "SML",
        "咸宁市纺织有限公司",
        "421200",
        "细纱挡车工，看台能力全厂第一，总结的接头操作法提效百分之十五。",
    ),
    (
        "马卫东",
        "MWD",
        "随州专用汽车有限公司",
        "421300",
        "装配钳工，完成技术革新十二项，为企业节约成本四百余万元。",
    ),
    (
        "何丽华",
        "HLH",
        "恩施州农业技术推广中心",
        "422800",
        "农技员，扎根山区推广茶叶绿色种植技术，带动两千余户茶农增收。",
    ),
)
DEEDS = "{summary}岗位上立足本职、精益求精，多次获得所在单位和地方工会表彰，是职工身边的榜样。"


def _programme(campaign: Campaign) -> Programme:
    programme, _created = Programme.objects.get_or_create(
        campaign=campaign,
        code=CODE,
        defaults={
            "app": "frontline",
            "name": "最美一线职工",
            "award": "湖北省五一劳动奖章（最美一线职工）",
            "name_en": "Most Beautiful Frontline Workers",
            "award_en": "Hubei May Day Labour Medal (Most Beautiful Frontline Workers)",
            "nominee_kind": NomineeKind.INDIVIDUAL,
            "total_quota": 10,
            "intake_opens_at": datetime(2026, 2, 2, 0, 0, tzinfo=TZ),
            "intake_closes_at": datetime(2026, 3, 31, 17, 30, tzinfo=TZ),
            "review_levels": [Level.CITY, Level.PROVINCE],
        },
    )
    return programme


def _candidacies(programme: Programme) -> list[Candidacy]:
    from unionportal.selection.services import region_of

    cities = {o.code: o for o in Organisation.objects.filter(code__in={c[3] for c in CANDIDATES})}
    rows = []
    for n, (name, initials, unit, city, summary) in enumerate(CANDIDATES, start=1):
        candidacy = Candidacy.objects.filter(programme=programme, name=name).first()
        if candidacy is None:
            organisation = cities[city]
            card = demo_images.initials_card(initials, seed=300 + n, caption="2026")
            candidacy = Candidacy.objects.create(
                programme=programme,
                campaign_id=programme.campaign_id,
                organisation=organisation,
                state=State.REVIEW1,
                name=name,
                unit=unit,
                region=region_of(organisation),
                flags={"frontline": True},
                tags=["innovation"] if n % 2 else ["shared"],
                summary=summary,
                deeds=DEEDS.format(summary=summary),
                photo=upload_store(file=card, kind="image", actor=None, organisation=organisation),
                consent_at=datetime(2026, 3, 10, 10, 0, tzinfo=TZ),
                submitted_at=datetime(2026, 3, 12, 10, 0, tzinfo=TZ),
                rank=n,
            )
        rows.append(candidacy)
    return rows


def _session(phone: str, n: int) -> tuple[VoterSession, str]:
    voter, _created = Voter.objects.get_or_create(
        phone=phone, defaults={"consent_at": OPENS, "consent_text": str(services.CONSENT_TEXT)}
    )
    key = f"demo-voter-{n}"
    session, _created = VoterSession.objects.get_or_create(
        digest=session_digest(key),
        defaults={"voter": voter, "expires_at": CLOSES + timedelta(days=1), "device": f"demo-device-{n}"},
    )
    return session, key


def _cast(stage, candidate, session, key, *, ip: str, now) -> bool:
    try:
        services.vote_cast(
            stage_id=stage.pk,
            candidate_id=candidate.pk,
            session_key=key,
            token=services.vote_token(session),
            client_ip=ip,
            device=session.device,
            now=now,
        )
    except services.VoteRefused:  # a limit the generated voter met: the next one votes instead
        return False
    return True


def _votes(stage: VoteStage, today) -> int:
    rng = random.Random(2026)
    candidates = list(stage.candidates.order_by("position"))
    # A few favourites, as in any vote: the weights make the ranking readable.
    weights = [12, 9, 8, 7, 6, 6, 5, 4, 4, 3, 3, 2][: len(candidates)]
    end = min(datetime.combine(today, datetime.min.time(), tzinfo=TZ) + timedelta(hours=12), BURST_AT)
    span = (end - OPENS).total_seconds()
    times = sorted(OPENS + timedelta(seconds=rng.uniform(0, span)) for _ in range(ORDINARY_VOTES))
    cast = 0
    for n, at in enumerate(times):
        session, key = _session(f"13{n % 900 + 100:03d}{rng.randrange(10**6):06d}", n)
        candidate = rng.choices(candidates, weights=weights)[0]
        ip = f"{rng.randrange(58, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        cast += _cast(stage, candidate, session, key, ip=ip, now=at)
    # The burst: forty numbers from one /24 network within a minute, all for one candidate.
    target = candidates[4]
    for n in range(BURST_VOTES):
        session, key = _session(f"15{n + 100:03d}{rng.randrange(10**6):06d}", 1000 + n)
        at = BURST_AT + timedelta(seconds=n * 1.4 + rng.uniform(0, 0.5))
        cast += _cast(stage, target, session, key, ip=f"{BURST_NETWORK}.{n + 10}", now=at)
    return cast


def seed_voting_demo(*, stdout=None) -> None:
    campaign = Campaign.objects.filter(year=2026).first()
    province = Organisation.objects.filter(depth=1).first()
    if campaign is None or province is None:
        return
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(username="province").first()
    if actor is None:
        return
    programme = _programme(campaign)
    candidacies = _candidacies(programme)
    stage = VoteStage.objects.filter(programme=programme).first()
    if stage is None:
        stage = services.stage_save(
            actor=actor,
            programme=programme,
            values={
                "opens_at": OPENS,
                "closes_at": CLOSES,
                "period": "day",
                "votes_per_candidate": 1,
                "candidates_per_day": 3,
                "hide_results": False,
                "expert_weight": 70,
                "public_weight": 30,
            },
        )
    if not stage.is_open():
        stage = services.stage_open(
            actor=actor, stage=stage, candidacy_ids=[c.pk for c in candidacies], now=OPENS - timedelta(days=1)
        )
    if not Vote.objects.filter(stage=stage).exists():
        cast = _votes(stage, timezone.localdate())
        if stdout is not None:
            stdout.write(f"public evaluation: {cast} votes cast in the demo vote\n")
