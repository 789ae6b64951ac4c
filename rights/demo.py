"""Demo data of rights protection, as it stands on the demo's day (2026-04-27): about 25 requests around
宜城 and 襄阳 in every state — waiting, accepted, in progress with logged steps, escalated, concluded and
rated, overdue — the ``worker`` account's two (one accepted, one concluded awaiting her rating), one
waiting for ``grassroots`` to accept, 湖北鄢城纺织 flagged for three wage-arrears requests in April, and
two anonymous safety tips. Everything goes through the services at its own moment, so the audit trail,
the notifications and the deadlines are what users would have left. Idempotent: a request already filed
(same employer, same moment) is left alone."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from unionportal import demo
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Enterprise, Organisation

from . import services
from .enums import Outcome, RequestKind, StepKind
from .models import RightsRequest

User = get_user_model()
TZ = ZoneInfo("Asia/Shanghai")
DEMO_TIP_CODES = ("AQ26-YCWJ-0001", "AQ26-YCLH-0002")

# (user name, name, union code) of the workers filing requests besides ``worker``.
WORKERS = [
    ("rights_w01", "李秀英", "420684001001"),
    ("rights_w02", "周建国", "420684001002"),
    ("rights_w03", "郑春梅", "420684001002"),
    ("rights_w04", "何志强", "420684001002"),
    ("rights_w05", "罗丽", "420684001003"),
    ("rights_w06", "高勇", "420684002001"),
    ("rights_w07", "杨德胜", "420684002003"),
    ("rights_w08", "林芳", "420684003001"),
    ("rights_w09", "冯海波", "420684003002"),
    ("rights_w10", "谢玉兰", "420684102001"),
    ("rights_w11", "曹明", "420684103001"),
    ("rights_w12", "邓新华", "420684104001"),
    ("rights_w13", "彭俊", "420684106001"),
    ("rights_w14", "蔡晓燕", "420684452001"),
    ("rights_w15", "袁卫东", "420684452002"),
    ("rights_w16", "沈桂芳", "420684103"),
    ("rights_w17", "吕文斌", "420684"),
    ("rights_w18", "魏秀兰", "420607"),
    ("rights_w19", "汪鹏", "420606"),
    ("rights_w20", "田玉珍", "420683"),
    ("rights_w21", "熊光明", "420602"),
    ("rights_w22", "覃丽娟", "420625"),
]


def at(month, day, hour=9, minute=30) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def photo(name="photo.jpg", colour=(200, 190, 170)):
    buffer = io.BytesIO()
    Image.new("RGB", (96, 72), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# who (user name), enterprise union code or (typed name, county code), kind, filed, facts, demands,
# handler account, the steps: ("accept", when) | (StepKind, when, note) | ("escalate", when, reason)
# | ("conclude", when, outcome, opinion) | ("rate", when, score, comment)
REQUESTS = [
    (
        "worker",
        "420684001001",
        RequestKind.CONTRACT,
        at(3, 16),
        "入职八个月，公司一直未与我签订书面劳动合同，多次询问人事部门均称“等通知”。",
        "请求公司补签劳动合同，并依法支付未签合同期间的二倍工资差额。",
        "grassroots",
        [
            ("accept", at(3, 17)),
            (StepKind.CONSULTATION, at(3, 18), "向申请人解读《劳动合同法》第八十二条，告知维权途径。"),
            (
                StepKind.MEDIATION,
                at(3, 25),
                "约谈企业人事负责人，企业同意补签合同并补发二倍工资差额 12800 元。",
            ),
            ("conclude", at(4, 8), Outcome.RESOLVED, "企业已于 4 月 3 日补签劳动合同，差额工资已足额发放。"),
        ],
    ),
    (
        "worker",
        "420684001001",
        RequestKind.SOCIAL_INSURANCE,
        at(4, 22, 20, 15),
        "公司自今年 1 月起未为我缴纳社会保险，工资条上却仍在扣除个人部分。",
        "请求公司补缴 1 月以来的社会保险，退还或补缴已扣除的个人部分。",
        "grassroots",
        [("accept", at(4, 23, 10))],
    ),
    (
        "rights_w01",
        "420684001001",
        RequestKind.WAGES,
        at(4, 24, 18),
        "3 月份的加班工资至今未发，车间共有 12 人，每人约 1500 元。",
        "请求公司在五一前发放 3 月加班工资。",
        "grassroots",
        [],
    ),
    (
        "rights_w02",
        "420684001002",
        RequestKind.WAGES,
        at(4, 8),
        "公司拖欠织布车间 2 月、3 月工资，涉及 40 余名职工。",
        "请求公司尽快足额支付拖欠工资。",
        "township",
        [
            ("accept", at(4, 9)),
            (StepKind.MEDIATION, at(4, 14), "组织劳资双方调解，企业承诺分两期支付。"),
            (
                "conclude",
                at(4, 20),
                Outcome.RESOLVED,
                "第一期、第二期工资已分别于 4 月 15 日、4 月 20 日发放。",
            ),
            ("rate", at(4, 21), 5, "工会出面很快就解决了，谢谢！"),
        ],
    ),
    (
        "rights_w03",
        "420684001002",
        RequestKind.WAGES,
        at(4, 15),
        "整经车间 3 月工资只发了一半，公司说资金紧张。",
        "请求补发 3 月剩余工资。",
        "township",
        [
            ("accept", at(4, 16)),
            (StepKind.MEDIATION, at(4, 22), "与企业负责人协商，企业承诺 4 月 30 日前补发。"),
        ],
    ),
    (
        "rights_w04",
        "420684001002",
        RequestKind.WAGES,
        at(4, 21),
        "离职已一个月，最后一个月工资和经济补偿仍未结清。",
        "请求结清工资并支付经济补偿。",
        "township",
        [("accept", at(4, 22))],
    ),
    (
        "rights_w05",
        "420684001003",
        RequestKind.DISMISSAL,
        at(4, 17),
        "公司以“业务调整”为由口头辞退我，未提前通知，也未支付任何补偿。",
        "请求公司支付违法解除劳动合同的赔偿金。",
        "township",
        [("escalate", at(4, 23, 9), "基层工会逾期未受理，本案涉及违法解除，需街道总工会协调。")],
    ),
    (
        "rights_w06",
        "420684002001",
        RequestKind.INJURY,
        at(4, 16),
        "在车床作业时左手受伤，公司不肯申报工伤，只给了 2000 元医药费。",
        "请求公司为我申报工伤认定，承担工伤待遇。",
        "county",
        [],
    ),
    (
        "rights_w07",
        "420684002003",
        RequestKind.INJURY,
        at(3, 10),
        "工地脚手架坍塌致我右腿骨折，包工头失联，总包单位不予理睬。",
        "请求认定工伤并支付停工留薪期工资和医疗费。",
        "county",
        [
            ("accept", at(3, 11)),
            (StepKind.LEGAL_AID, at(3, 13), "转介宜城市法律援助中心，已指派律师。"),
            (StepKind.ARBITRATION, at(4, 2), "协助申请人向宜城市劳动人事争议仲裁委员会申请仲裁，已立案。"),
        ],
    ),
    (
        "rights_w08",
        "420684003001",
        RequestKind.DISMISSAL,
        at(3, 2),
        "怀孕后被公司以“不能胜任工作”为由解除劳动合同。",
        "请求撤销解除决定，恢复劳动关系。",
        "county",
        [
            ("accept", at(3, 3)),
            (StepKind.CONSULTATION, at(3, 4), "告知女职工特殊保护规定。"),
            (StepKind.MEDIATION, at(3, 12), "约谈企业负责人，企业撤销解除决定。"),
            ("conclude", at(3, 20), Outcome.RESOLVED, "企业已撤销解除决定，申请人 3 月 18 日返岗。"),
            ("rate", at(3, 22), 4, "问题解决了，就是前期等得有点久。"),
        ],
    ),
    (
        "rights_w09",
        "420684003002",
        RequestKind.SOCIAL_INSURANCE,
        at(2, 20),
        "公司按最低基数为我缴纳社保，与实际工资差距很大。",
        "请求按实际工资补缴社会保险。",
        "county",
        [
            ("accept", at(2, 24)),
            (StepKind.LABOUR_INSPECTION, at(3, 5), "移送宜城市劳动保障监察大队处理。"),
            ("conclude", at(3, 30), Outcome.REFERRED, "劳动监察已责令企业按实际工资补缴，企业已整改。"),
            ("rate", at(4, 2), 3, "结果还可以，但办理时间超过了一个月。"),
        ],
    ),
    (
        "rights_w10",
        "420684102001",
        RequestKind.WAGES,
        at(3, 23),
        "公司拖欠纺纱车间 1 月至 3 月绩效工资。",
        "请求足额支付绩效工资。",
        "county",
        [
            ("accept", at(3, 24)),
            (StepKind.LABOUR_INSPECTION, at(3, 30), "移送劳动保障监察，监察已立案。"),
            ("conclude", at(4, 17), Outcome.RESOLVED, "企业已补发拖欠绩效工资共计 86000 元。"),
            ("rate", at(4, 18), 5, "非常满意。"),
        ],
    ),
    (
        "rights_w11",
        "420684103001",
        RequestKind.CONTRACT,
        at(4, 20),
        "公司要求全体职工重新签订合同，新合同大幅降低了岗位工资。",
        "请求公司依法协商变更劳动合同。",
        "county",
        [("accept", at(4, 21))],
    ),
    (
        "rights_w12",
        "420684104001",
        RequestKind.INJURY,
        at(4, 9),
        "工伤认定已下来，公司拖着不支付一次性伤残补助金。",
        "请求公司支付伤残补助金。",
        "county",
        [("accept", at(4, 10)), (StepKind.CONSULTATION, at(4, 13), "解答工伤保险待遇的支付主体和标准。")],
    ),
    (
        "rights_w13",
        "420684106001",
        RequestKind.SAFETY,
        at(4, 13),
        "粉磨车间除尘设备长期损坏，粉尘浓度很高，职工没有配发防尘口罩。",
        "请求公司尽快修复除尘设备、配发劳动防护用品。",
        "county",
        [
            ("accept", at(4, 14)),
            (StepKind.LABOUR_INSPECTION, at(4, 16), "移送应急管理部门和劳动监察联合检查。"),
        ],
    ),
    (
        "rights_w14",
        "420684452001",
        RequestKind.WAGES,
        at(4, 27, 8, 40),
        "公司把年终奖拆成“季度奖”，至今一季度奖未发。",
        "请求公司按约定发放奖金。",
        "county",
        [],
    ),
    (
        "rights_w15",
        "420684452002",
        RequestKind.OTHER,
        at(3, 30),
        "公司强制职工每周六加班且不支付加班费。",
        "请求公司停止强制加班并补发加班费。",
        "county",
        [
            ("accept", at(3, 31)),
            (StepKind.MEDIATION, at(4, 7), "组织协商，企业同意改为自愿加班并补发加班费。"),
            ("conclude", at(4, 15), Outcome.PARTLY, "加班费已补发；周六加班改为轮休，仍有部分岗位需加班。"),
        ],
    ),
    (
        "rights_w16",
        "宜城市小河家具厂",
        RequestKind.WAGES,
        at(4, 14),
        "家具厂拖欠 8 名木工 3 个月工资，老板避而不见。",
        "请求支付拖欠工资。",
        "county",
        [("accept", at(4, 15))],
    ),
    (
        "rights_w17",
        ("宜城市鑫盛装饰工程部", "420684"),
        RequestKind.WAGES,
        at(4, 23),
        "装修工程完工两个月，包工头拖欠我和同伴 5 人工资共 3 万余元。",
        "请求帮助追回工资。",
        "county",
        [],
    ),
    (
        "rights_w18",
        ("襄阳市襄州区恒远物流有限公司", "420607"),
        RequestKind.WAGES,
        at(4, 10),
        "公司拖欠驾驶员 3 月工资和出车补贴。",
        "请求公司支付拖欠工资和补贴。",
        "city",
        [
            ("accept", at(4, 13)),
            (StepKind.MEDIATION, at(4, 20), "区总工会组织调解，企业承诺 5 月 10 日前支付。"),
        ],
    ),
    (
        "rights_w19",
        ("襄阳樊城鑫达餐饮管理有限公司", "420606"),
        RequestKind.CONTRACT,
        at(4, 1),
        "餐饮公司以试用期为由连续一年不签劳动合同。",
        "请求签订劳动合同。",
        "city",
        [
            ("accept", at(4, 2)),
            (StepKind.CONSULTATION, at(4, 3), "告知试用期和书面劳动合同的法律规定。"),
            ("conclude", at(4, 16), Outcome.RESOLVED, "企业已与申请人签订三年期劳动合同。"),
            ("rate", at(4, 17), 5, "很专业，谢谢区总工会。"),
        ],
    ),
    (
        "rights_w20",
        ("枣阳市华丰汽车部件有限公司", "420683"),
        RequestKind.DISMISSAL,
        at(4, 20),
        "公司裁员 30 余人，未向工会说明情况，也未听取职工意见。",
        "请求依法履行经济性裁员程序。",
        "city",
        [("escalate", at(4, 24), "涉及人数较多的经济性裁员，需市总工会协调。")],
    ),
    (
        "rights_w21",
        ("襄阳市襄城区宏兴建筑劳务有限公司", "420602"),
        RequestKind.INJURY,
        at(4, 22),
        "在工地被钢管砸伤，公司没有为我缴纳工伤保险。",
        "请求公司承担工伤待遇。",
        "city",
        [],
    ),
    (
        "rights_w22",
        ("谷城县银城纸业有限公司", "420625"),
        RequestKind.SOCIAL_INSURANCE,
        at(3, 25),
        "公司未为我缴纳生育保险，产假期间的生育津贴无处领取。",
        "请求公司支付生育津贴。",
        "city",
        [("accept", at(3, 26)), (StepKind.LEGAL_AID, at(4, 8), "转介谷城县法律援助中心。")],
    ),
]

# enterprise union code, filed, facts, handler, steps
TIPS = [
    (
        "420684108001",
        at(4, 25, 21, 10),
        "化工厂西侧储罐区的可燃气体报警器已关闭多日，夜班巡检经常缺人。",
        "county",
        [],
    ),
    (
        "420684109001",
        at(4, 19, 22, 30),
        "建材厂破碎车间传送带防护罩被拆除，已有职工衣物被卷入。",
        "county",
        [
            ("accept", at(4, 20)),
            (StepKind.LABOUR_INSPECTION, at(4, 21), "已移送应急管理部门检查，现场责令整改。"),
        ],
    ),
]


def _workers() -> dict:
    users = demo.helper_accounts(WORKERS, role=Role.WORKER)
    users["worker"] = User.objects.get(username="worker")
    return users


def _play(request, steps, actor) -> None:
    for step in steps:
        if step[0] == "accept":
            services.request_accept(actor=actor, request_id=request.pk, now=step[1])
        elif step[0] == "escalate":
            services.deadline_clock(now=step[1])
            services.request_escalate(actor=actor, request_id=request.pk, reason=step[2], now=step[1])
        elif step[0] == "conclude":
            services.request_conclude(
                actor=actor, request_id=request.pk, outcome=step[2], conclusion=step[3], now=step[1]
            )
        elif step[0] == "rate":
            services.request_rate(
                worker=request.worker, request_id=request.pk, rating=step[2], comment=step[3], now=step[1]
            )
        else:
            services.step_log(actor=actor, request_id=request.pk, kind=step[0], note=step[2], now=step[1])


def _employer(where) -> dict:
    if isinstance(where, tuple):
        return {"employer_name": where[0], "county_id": Organisation.objects.get(code=where[1]).pk}
    enterprise = Enterprise.objects.filter(union__code=where).first() or Enterprise.objects.get(name=where)
    return {"enterprise_id": enterprise.pk}


def seed_rights_demo(*, stdout=None) -> None:
    workers = _workers()
    handlers = {
        u.username: u for u in User.objects.filter(username__in=["grassroots", "township", "county", "city"])
    }
    made = 0
    for who, where, kind, filed, facts, demands, handler, steps in REQUESTS:
        employer = _employer(where)
        name = employer.get("employer_name") or Enterprise.objects.get(pk=employer["enterprise_id"]).name
        if RightsRequest.objects.filter(employer_name=name, filed_at=filed).exists():
            continue
        files = [photo(f"{kind}-evidence.jpg")] if who == "worker" or kind == RequestKind.SAFETY else []
        request = services.request_file(
            worker=workers[who], kind=kind, facts=facts, demands=demands, files=files, now=filed, **employer
        )
        _play(request, steps, handlers[handler])
        made += 1
    for index, (where, filed, facts, handler, steps) in enumerate(TIPS):
        employer = _employer(where)
        name = Enterprise.objects.get(pk=employer["enterprise_id"]).name
        if RightsRequest.objects.filter(employer_name=name, filed_at=filed).exists():
            continue
        request, _code = services.tip_file(
            facts=facts, files=[photo("hazard.jpg", (90, 90, 90))], now=filed, **employer
        )
        # A known code, so the demo's tips can be looked up (a real tip's code is random and shown once).
        RightsRequest.objects.filter(pk=request.pk).update(
            tracking_hash=services.tracking_hash(DEMO_TIP_CODES[index])
        )
        _play(request, steps, handlers[handler])
        made += 1
    flagged = services.deadline_clock(
        now=datetime.combine(demo.DAY, datetime.min.time(), tzinfo=TZ).replace(hour=8)
    )
    if stdout is not None:
        stdout.write(
            f"rights: {made} requests and tips filed, {sum(flagged.values())} flagged overdue; "
            f"demo tip codes: {', '.join(DEMO_TIP_CODES)}\n"
        )
