"""Demo data of the bargaining drive, as it stands on the demo's day (2026-04-27): the drive launched at
the 宜城 meeting in early April, offers in every state across 宜城市's streets and towns, agreements from
negotiation to effect, the 宜城 crystal industry (水晶行业) agreement covering the crystal enterprises, and
one offer in 夷陵区 (``county2``'s). Everything goes through the services, so the audit trail, the
notifications and the reply clock are what users would have left. Idempotent: an enterprise that already
has a demo offer, or an agreement of the same title, is left alone."""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionportal.orgs.models import Enterprise, Organisation

from . import minimum_wages, services
from .enums import AgreementKind, ContractStatus, OfferState, Side, Topic
from .models import Agreement, MinimumWage, Offer

User = get_user_model()
D = date

# union code of the enterprise, the furthest state its offer reaches (agreement states after "accepted")
OFFERS = [
    ("420684001001", "sent"),  # 楚都食品: due 2026-05-02, reminded on the demo's day
    ("420684001002", "draft"),
    ("420684001003", "overdue"),
    ("420684002001", "refused"),
    ("420684002002", "negotiating"),
    ("420684003001", "approved"),
    ("420684003002", "signed"),
    ("420684102001", "filed"),
    ("420684109001", "objected"),
    ("420684452001", "in_effect"),
    ("420506101001", "sent"),  # 夷陵区 (county2)
]
SENT = {
    "sent": (D(2026, 4, 10), D(2026, 4, 12)),
    "overdue": (D(2026, 3, 20), D(2026, 3, 22)),
}
EARLY = (D(2026, 2, 20), D(2026, 2, 22))
CRYSTAL_UNION = "420684901"
COUNTY_CODE = "420684"
# The drive's steps on the campaign calendar: (title, due date, description, done by 宜城 on that day).
MILESTONES = [
    (
        "宜城市工资集体协商集中要约行动启动会",
        D(2026, 4, 3),
        "宜城市总工会召开集中要约行动启动会，部署各镇（街道）工会摸清要约对象、统一发出要约。",
        True,
    ),
    (
        "宜城市集中要约：要约全部发出",
        D(2026, 4, 30),
        "对摸底确定的要约对象企业全部发出书面要约，上传送达凭证。",
        False,
    ),
    (
        "宜城市集中要约：工资专项集体合同签订报送",
        D(2026, 6, 30),
        "同意协商的企业完成协商、职代会审议和签订，并在 10 日内报送人社部门审查。",
        False,
    ),
]
CRYSTAL_TITLE = "宜城市水晶行业 2026 年度工资专项集体合同"


def pdf_bytes() -> bytes:
    """A minimal valid one-page PDF (the signed texts and delivery receipts of the demo)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _pdf(name: str):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def _profiles(actor) -> None:
    """Facts for every demo enterprise, spread over the drive's criteria (a few meet none)."""
    for index, enterprise in enumerate(
        Enterprise.objects.select_related("union", "township").order_by("credit_code")
    ):
        kind = index % 5
        services.profile_save(
            actor=None,
            enterprise=enterprise,
            contract_status=[
                ContractStatus.NONE,
                ContractStatus.EXPIRED,
                ContractStatus.IN_FORCE,
                ContractStatus.IN_FORCE,
                ContractStatus.IN_FORCE,
            ][kind],
            contract_expires_on=[None, D(2025, 12, 31), D(2027, 6, 30), D(2026, 12, 31), D(2028, 3, 31)][
                kind
            ],
            wage_agreement_year=[None, 2024, 2025, 2025, 2026][kind],
            wages_flat_years=[3, 2, 0, 1, 0][kind],
            near_minimum_share=Decimal([45, 20, 35, 10, 5][kind]),
        )


def _agreement(actor, agreement: Agreement, upto: str) -> None:
    rows = [
        services.NegotiatorRow(Side.UNION, "工会主席代表", "工会主席", is_chief=True),
        services.NegotiatorRow(Side.UNION, "职工代表甲", "车间主任"),
        services.NegotiatorRow(Side.UNION, "职工代表乙", "一线职工"),
        services.NegotiatorRow(Side.EMPLOYER, "企业法定代表人", "总经理", is_chief=True),
        services.NegotiatorRow(Side.EMPLOYER, "人力资源部负责人", "人力资源部部长"),
        services.NegotiatorRow(Side.EMPLOYER, "财务负责人", "财务总监"),
    ]
    services.negotiators_set(actor=actor, agreement_id=agreement.pk, rows=rows)
    services.round_add(
        actor=actor,
        agreement_id=agreement.pk,
        held_on=D(2026, 3, 10),
        place="企业会议室",
        recorder="工会办公室",
        minutes="双方就工资增长幅度、企业最低工资和计件单价交换意见。",
        settled="企业最低工资",
        open_issues="年度平均工资增长幅度",
    )
    services.terms_save(
        actor=actor,
        agreement_id=agreement.pk,
        start_on=D(2026, 4, 1),
        term_years=1,
        enterprise_min_wage=Decimal("1800"),
        average_rise=Decimal("6.5"),
        clauses="工资于每月 10 日前以货币形式足额支付；加班工资按国家规定标准支付。",
    )
    if upto == "negotiating":
        return
    services.agreement_vote(
        actor=actor, agreement_id=agreement.pk, total=60, present=52, votes_for=47, voted_on=D(2026, 3, 20)
    )
    if upto == "approved":
        return
    services.agreement_sign(
        actor=actor,
        agreement_id=agreement.pk,
        signed_on={"signed": D(2026, 4, 22), "filed": D(2026, 4, 14)}.get(upto, D(2026, 3, 25)),
        signed_text=_pdf("signed.pdf"),
    )
    if upto == "signed":
        return
    filed_on = D(2026, 4, 20) if upto == "filed" else D(2026, 3, 28)
    services.agreement_file(
        actor=actor, agreement_id=agreement.pk, filed_on=filed_on, authority="宜城市人力资源和社会保障局"
    )
    if upto == "objected":
        services.agreement_objection(
            actor=actor,
            agreement_id=agreement.pk,
            objection="企业最低工资条款未写明适用范围（含试用期职工），请补充后重新协商。",
        )


def _milestones(county_user) -> int:
    """The drive's dates on the 2026 campaign calendar, 宜城's union responsible; the launch meeting done."""
    from unionportal.campaigns.models import Campaign, Milestone
    from unionportal.campaigns.services import milestone_mark_done

    campaign = Campaign.objects.filter(is_current=True).first() or Campaign.objects.filter(year=2026).first()
    county = Organisation.objects.filter(code=COUNTY_CODE).first()
    if campaign is None or county is None:
        return 0
    made = 0
    for title, due_on, description, done in MILESTONES:
        milestone, created = Milestone.objects.get_or_create(
            campaign=campaign,
            title=title,
            defaults={"due_on": due_on, "description": description, "remind_days_before": 3},
        )
        if created:
            milestone.organisations.add(county)
            made += 1
        if done:
            milestone_mark_done(
                actor=county_user,
                milestone_id=milestone.pk,
                organisation_id=county.pk,
                note="启动会已召开，各镇（街道）工会参会。",
                now=timezone.make_aware(datetime(due_on.year, due_on.month, due_on.day, 16)),
            )
    return made


def seed_bargaining_demo(*, stdout=None) -> None:
    minimum_wages.load(MinimumWage)
    users = {u.username: u for u in User.objects.filter(username__in=["county", "county2"])}
    county, county2 = users["county"], users["county2"]
    _profiles(county)
    _milestones(county)
    for union_code, upto in OFFERS:
        enterprise = Enterprise.objects.select_related("union", "township").get(union__code=union_code)
        if Offer.objects.filter(enterprise=enterprise).exists():
            continue
        actor = county2 if union_code.startswith("420506") else county
        offer = services.offer_create(
            actor=actor,
            enterprise_id=enterprise.pk,
            side=Side.UNION,
            topics=[Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE, Topic.OVERTIME, Topic.PAY_DATES],
            data_requested="近两年职工工资总额、平均工资及企业经营状况。",
            contact_name=f"{enterprise.name}人力资源部",
            contact_phone="0710-4200000",
        )
        if upto == "draft":
            continue
        sent_on, received_on = SENT.get(upto, EARLY)
        services.offer_send(
            actor=actor,
            offer_id=offer.pk,
            sent_on=sent_on,
            received_on=received_on,
            proof=_pdf("receipt.pdf"),
        )
        if upto in ("sent", "overdue"):
            continue
        if upto == "refused":
            services.offer_reply(
                actor=actor,
                offer_id=offer.pk,
                accept=False,
                replied_on=D(2026, 3, 5),
                reason="企业订单下滑，今年暂不安排工资增长，待经营好转后再协商。",
            )
            continue
        services.offer_reply(actor=actor, offer_id=offer.pk, accept=True, replied_on=D(2026, 3, 2))
        agreement = services.agreement_open(actor=actor, offer_id=offer.pk)
        _agreement(actor, agreement, upto)
    if not Agreement.objects.filter(title=CRYSTAL_TITLE).exists():
        union = Organisation.objects.get(code=CRYSTAL_UNION)
        crystal = list(
            Enterprise.objects.filter(union__path__startswith=union.path)
            .select_related("union", "township")
            .order_by("name")
        )
        agreement = services.industry_agreement_create(
            actor=county,
            union=union,
            title=CRYSTAL_TITLE,
            employer_party="宜城市水晶行业协会",
            enterprises=crystal,
            kind=AgreementKind.INDUSTRY,
        )
        _agreement(county, agreement, "in_effect")
    # The clocks as they stand on the demo's day: overdue offers flagged, reminders sent, agreements filed
    # more than 15 days ago without objection in effect.
    now = timezone.now()
    services.offer_clock(now=now)
    services.agreement_clock(now=now)
    if stdout is not None:
        stdout.write(
            f"bargaining: {Offer.objects.count()} offers "
            f"({Offer.objects.filter(state=OfferState.OVERDUE).count()} overdue), "
            f"{Agreement.objects.count()} agreements"
        )
