"""The drive's services: each bad-input rule of issue 19 gives its message and changes nothing; the
offer's and the agreement's paths through the transition service (audited, notified)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.http import Http404

from bargaining import services
from bargaining.enums import AgreementState, OfferState, Side, Topic
from bargaining.models import Agreement, Negotiator, Offer
from bargaining.selectors import minimum_wage_for
from bargaining.services import BargainingError, NegotiatorRow
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_offer(world, actor=None, enterprise=None):
    return services.offer_create(
        actor=actor or world.staff_a,
        enterprise_id=(enterprise or world.enterprise).pk,
        side=Side.UNION,
        topics=[Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE],
        contact_name="人力资源部",
    )


def sent_offer(world, received_on=date(2026, 4, 10)):
    offer = make_offer(world)
    return services.offer_send(
        actor=world.staff_a, offer_id=offer.pk, sent_on=received_on, received_on=received_on, proof=pdf()
    )


def negotiating(world):
    offer = sent_offer(world)
    services.offer_reply(actor=world.staff_a, offer_id=offer.pk, accept=True, replied_on=date(2026, 4, 15))
    return services.agreement_open(actor=world.staff_a, offer_id=offer.pk)


def team(union=3, employer=3, *, union_experts=0, expert_chief=False, chiefs=1):
    rows = []
    for side, n in ((Side.UNION, union), (Side.EMPLOYER, employer)):
        for i in range(n):
            rows.append(
                NegotiatorRow(
                    side=side,
                    name=f"{side}{i}",
                    is_chief=i < chiefs,
                    is_expert=(side == Side.UNION and (i >= n - union_experts or (expert_chief and i == 0))),
                )
            )
    return rows


def ready(world, *, start=date(2026, 4, 1), wage=Decimal("1700")):
    agreement = negotiating(world)
    services.negotiators_set(actor=world.staff_a, agreement_id=agreement.pk, rows=team())
    services.round_add(
        actor=world.staff_a,
        agreement_id=agreement.pk,
        held_on=date(2026, 4, 18),
        place="会议室",
        recorder="记录员",
        minutes="纪要",
    )
    services.terms_save(
        actor=world.staff_a,
        agreement_id=agreement.pk,
        start_on=start,
        term_years=1,
        enterprise_min_wage=wage,
        average_rise=Decimal("5"),
    )
    return agreement


def vote(world, agreement, total=60, present=45, votes_for=31):
    return services.agreement_vote(
        actor=world.staff_a,
        agreement_id=agreement.pk,
        total=total,
        present=present,
        votes_for=votes_for,
        voted_on=date(2026, 4, 20),
    )


# --- minimum wage and targets --------------------------------------------------------------------------


def test_the_standard_in_force_on_a_date_is_the_nearest_regions_latest(world, today):
    assert minimum_wage_for(world.enterprise, date(2026, 4, 1)).monthly == Decimal("1650")
    assert minimum_wage_for(world.enterprise, date(2026, 6, 1)).monthly == Decimal("1800")
    # County b has no row of its own and its codes are not Hubei's: no standard at all.
    assert minimum_wage_for(world.enterprise_b, date(2026, 6, 1)) is None


def test_the_seeded_hubei_tiers_are_data_rows(world):
    from bargaining.models import MinimumWage

    seeded = dict(
        MinimumWage.objects.filter(effective_from=date(2021, 9, 1), region_code__startswith="42").values_list(
            "tier", "monthly"
        )
    )
    assert seeded == {1: Decimal("2010"), 2: Decimal("1800"), 3: Decimal("1650"), 4: Decimal("1520")}


def test_targets_follow_the_criteria_and_the_responsible_union(world, today):
    from bargaining.enums import ContractStatus, Flag
    from bargaining.models import BargainingProfile

    profile = services.profile_save(
        actor=world.staff_a,
        enterprise=world.no_union,
        contract_status=ContractStatus.IN_FORCE,
        contract_expires_on=date(2026, 3, 31),
        wage_agreement_year=2026,
        wages_flat_years=2,
        near_minimum_share=Decimal("10"),
    )
    # No union: the township is responsible.
    assert profile.org_path == world.tree["township_a"].path
    assert profile.flags(today) == [Flag.EXPIRED, Flag.WAGES_FLAT]
    assert list(BargainingProfile.objects.targets(today)) == [profile]
    services.profile_save(
        actor=world.staff_a,
        enterprise=world.no_union,
        contract_status=ContractStatus.IN_FORCE,
        contract_expires_on=date(2027, 3, 31),
        wage_agreement_year=2026,
        wages_flat_years=0,
    )
    assert not BargainingProfile.objects.targets(today).exists()
    with pytest.raises(Http404):
        services.profile_save(actor=world.staff_b, enterprise=world.no_union)


# --- offers -------------------------------------------------------------------------------------------


def test_an_offer_to_an_enterprise_outside_the_subtree_is_404_and_writes_nothing(world, today):
    with pytest.raises(Http404):
        make_offer(world, actor=world.staff_b)
    with pytest.raises(Http404):
        make_offer(world, actor=world.submitter_a, enterprise=world.no_union)
    assert not Offer.objects.exists()


def test_an_offer_needs_a_topic(world, today):
    with pytest.raises(BargainingError) as error:
        services.offer_create(
            actor=world.staff_a,
            enterprise_id=world.enterprise.pk,
            side=Side.UNION,
            topics=[],
            contact_name="x",
        )
    assert error.value.message == "请至少选择一项协商议题。"
    assert not Offer.objects.exists()


def test_sending_starts_the_20_day_clock_from_receipt(world, today):
    offer = make_offer(world)
    assert offer.supervisor == world.tree["township_a"]
    sent = services.offer_send(
        actor=world.submitter_a,
        offer_id=offer.pk,
        sent_on=date(2026, 4, 8),
        received_on=date(2026, 4, 10),
        proof=pdf(),
    )
    assert sent.state == OfferState.SENT
    assert sent.reply_due_on == date(2026, 4, 30)
    assert sent.delivery_proof.kind == "pdf"
    assert sent.days_left(today) == 3
    event = AuditEvent.objects.get(action="bargaining.offer.transition")
    assert (event.from_state, event.to_state) == ("draft", "sent")


def test_receipt_before_sending_is_refused(world, today):
    offer = make_offer(world)
    with pytest.raises(BargainingError) as error:
        services.offer_send(
            actor=world.staff_a, offer_id=offer.pk, sent_on=date(2026, 4, 10), received_on=date(2026, 4, 9)
        )
    assert error.value.message == "送达日期不能早于发出日期。"
    offer.refresh_from_db()
    assert offer.state == OfferState.DRAFT and offer.reply_due_on is None


def test_a_refusal_needs_a_reason_and_escalates_to_the_supervising_union(world, today):
    offer = sent_offer(world)
    with pytest.raises(BargainingError) as error:
        services.offer_reply(
            actor=world.staff_a, offer_id=offer.pk, accept=False, replied_on=today, reason=" "
        )
    assert error.value.message == "拒绝协商须写明理由。"
    assert Offer.objects.get(pk=offer.pk).state == OfferState.SENT
    services.offer_reply(
        actor=world.staff_a, offer_id=offer.pk, accept=False, replied_on=today, reason="经营困难"
    )
    offer.refresh_from_db()
    assert (offer.state, offer.refusal_reason, offer.replied_on) == (OfferState.REFUSED, "经营困难", today)
    told = Notification.objects.filter(event="bargaining.offer.refused", channel="inbox")
    assert set(told.values_list("recipient__username", flat=True)) == {"b_township_a", "b_sub_a"}


def test_a_reply_after_the_agreement_was_signed_is_refused(world, today):
    agreement = ready(world)
    vote(world, agreement)
    services.agreement_sign(
        actor=world.staff_a, agreement_id=agreement.pk, signed_on=today, signed_text=pdf()
    )
    late = sent_offer(world, received_on=date(2026, 4, 20))
    with pytest.raises(TransitionError) as error:
        services.offer_reply(actor=world.staff_a, offer_id=late.pk, accept=True, replied_on=today)
    assert error.value.message == "该企业的工资专项集体合同已经签订，不能再登记对这份要约的答复。"
    late.refresh_from_db()
    assert late.state == OfferState.SENT and late.replied_on is None


# --- the reply clock ----------------------------------------------------------------------------------


def test_the_clock_reminds_once_before_the_end_then_flags_overdue(world, today):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    offer = sent_offer(world, received_on=date(2026, 4, 10))  # due 2026-04-30
    tz = ZoneInfo("Asia/Shanghai")
    early = datetime(2026, 4, 20, 9, tzinfo=tz)
    assert services.offer_clock(now=early) == {"reminded": 0, "overdue": 0}
    soon = datetime(2026, 4, 26, 9, tzinfo=tz)
    assert services.offer_clock(now=soon) == {"reminded": 1, "overdue": 0}
    assert services.offer_clock(now=soon) == {"reminded": 0, "overdue": 0}
    reminders = Notification.objects.filter(event="bargaining.offer.reminder", channel="inbox")
    assert set(reminders.values_list("recipient__username", flat=True)) == {"b_township_a", "b_sub_a"}
    assert Offer.objects.get(pk=offer.pk).state == OfferState.SENT
    on_the_day = datetime(2026, 4, 30, 23, tzinfo=tz)
    assert services.offer_clock(now=on_the_day)["overdue"] == 0
    after = datetime(2026, 5, 1, 8, tzinfo=tz)
    assert services.offer_clock(now=after) == {"reminded": 0, "overdue": 1}
    offer.refresh_from_db()
    assert offer.state == OfferState.OVERDUE
    assert Notification.objects.filter(event="bargaining.offer.overdue", recipient=world.township_a).exists()
    event = AuditEvent.objects.get(action="bargaining.offer.transition", to_state="overdue")
    assert event.actor is None
    # A late reply is still recorded, and is not "in time".
    services.offer_reply(actor=world.staff_a, offer_id=offer.pk, accept=True, replied_on=today)
    offer.refresh_from_db()
    assert offer.state == OfferState.ACCEPTED


# --- negotiators --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows, message",
    [
        (team(3, 4), "双方协商代表人数应当对等：职工方 3 人，企业方 4 人。"),
        (team(2, 2), "每方协商代表至少 3 人，现为 2 人。"),
        (team(11, 11), "每方协商代表最多 10 人，现为 11 人。"),
        (team(3, 3, chiefs=2), "职工方（工会）应有且只有一名首席代表，现有 2 名。"),
        (team(3, 3, expert_chief=True), "职工方（工会）的首席代表不能由外聘专家担任。"),
        (team(3, 3, union_experts=2), "职工方（工会）外聘专家 2 人，超过本方代表人数（3 人）的三分之一。"),
    ],
)
def test_negotiator_rules_give_their_message_and_save_nothing(world, today, rows, message):
    agreement = negotiating(world)
    with pytest.raises(BargainingError) as error:
        services.negotiators_set(actor=world.staff_a, agreement_id=agreement.pk, rows=rows)
    assert error.value.message == message
    assert not Negotiator.objects.filter(agreement=agreement).exists()


def test_one_expert_in_three_is_allowed(world, today):
    agreement = negotiating(world)
    saved = services.negotiators_set(
        actor=world.staff_a, agreement_id=agreement.pk, rows=team(3, 3, union_experts=1)
    )
    assert len(saved) == 6


def test_the_upper_limit_is_a_setting(world, today, settings):
    settings.BARGAINING = {**settings.BARGAINING, "NEGOTIATORS_MAX": 4}
    agreement = negotiating(world)
    with pytest.raises(BargainingError) as error:
        services.negotiators_set(actor=world.staff_a, agreement_id=agreement.pk, rows=team(5, 5))
    assert error.value.message == "每方协商代表最多 4 人，现为 5 人。"


# --- terms --------------------------------------------------------------------------------------------


def test_a_term_over_three_years_is_refused(world, today):
    agreement = negotiating(world)
    with pytest.raises(BargainingError) as error:
        services.terms_save(
            actor=world.staff_a,
            agreement_id=agreement.pk,
            start_on=date(2026, 4, 1),
            term_years=4,
            enterprise_min_wage=Decimal("2000"),
            average_rise=None,
        )
    assert error.value.message == "协议期限为 1 至 3 年，现为 4 年。"
    agreement.refresh_from_db()
    assert agreement.start_on is None and agreement.term_years == 1


def test_a_minimum_wage_below_the_standard_in_force_on_the_start_date_is_refused(world, today):
    agreement = negotiating(world)
    # 1700 is above the standard of April (1650) but below the one in force from June (1800).
    services.terms_save(
        actor=world.staff_a,
        agreement_id=agreement.pk,
        start_on=date(2026, 5, 1),
        term_years=1,
        enterprise_min_wage=Decimal("1700"),
        average_rise=None,
    )
    with pytest.raises(BargainingError) as error:
        services.terms_save(
            actor=world.staff_a,
            agreement_id=agreement.pk,
            start_on=date(2026, 6, 1),
            term_years=1,
            enterprise_min_wage=Decimal("1700"),
            average_rise=None,
        )
    assert error.value.message == (
        "企业最低工资 1700 元低于County a 2026-06-01 执行的最低工资标准 1800.00 元/月（三类）。"
    )
    agreement.refresh_from_db()
    assert agreement.start_on == date(2026, 5, 1)


# --- congress, signing, filing, review ----------------------------------------------------------------


@pytest.mark.parametrize(
    "present, votes_for, message",
    [
        (39, 39, "出席代表 39 人，不足全体代表 60 人的三分之二，表决无效。"),
        (60, 30, "赞成 30 票，未超过全体代表 60 人的半数，草案未通过。"),
    ],
)
def test_a_congress_vote_below_quorum_or_majority_is_refused(world, today, present, votes_for, message):
    agreement = ready(world)
    with pytest.raises(BargainingError) as error:
        vote(world, agreement, present=present, votes_for=votes_for)
    assert error.value.message == message
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.NEGOTIATING and agreement.delegates_total is None


def test_filing_before_signing_is_refused(world, today):
    agreement = ready(world)
    vote(world, agreement, present=40, votes_for=31)
    with pytest.raises(BargainingError) as error:
        services.agreement_file(
            actor=world.staff_a, agreement_id=agreement.pk, filed_on=today, authority="人社局"
        )
    assert error.value.message == "协议尚未签订，不能报送审查。"
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.APPROVED and agreement.filed_on is None


def test_from_signing_to_effect_and_an_objection_sends_it_back(world, today):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    agreement = ready(world)
    vote(world, agreement)
    signed = services.agreement_sign(
        actor=world.staff_a, agreement_id=agreement.pk, signed_on=date(2026, 4, 21), signed_text=pdf("s.pdf")
    )
    assert signed.filing_due_on == date(2026, 5, 1)
    filed = services.agreement_file(
        actor=world.staff_a, agreement_id=agreement.pk, filed_on=date(2026, 4, 22), authority="人社局"
    )
    assert filed.review_ends_on == date(2026, 5, 7)
    with pytest.raises(TransitionError):
        services.agreement_objection(actor=world.staff_a, agreement_id=agreement.pk, objection="")
    services.agreement_objection(actor=world.staff_a, agreement_id=agreement.pk, objection="条款不全")
    agreement.refresh_from_db()
    assert (agreement.state, agreement.objection, agreement.filed_on) == (
        AgreementState.NEGOTIATING,
        "条款不全",
        None,
    )
    vote(world, agreement)
    services.agreement_sign(
        actor=world.staff_a, agreement_id=agreement.pk, signed_on=today, signed_text=pdf()
    )
    services.agreement_file(
        actor=world.staff_a, agreement_id=agreement.pk, filed_on=today, authority="人社局"
    )
    tz = ZoneInfo("Asia/Shanghai")
    assert services.agreement_clock(now=datetime(2026, 5, 12, 9, tzinfo=tz))["in_effect"] == 0
    assert services.agreement_clock(now=datetime(2026, 5, 13, 9, tzinfo=tz))["in_effect"] == 1
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.IN_EFFECT
    assert agreement.effective_on == today + timedelta(days=16)


def test_renewal_is_reminded_once_in_the_last_three_months(world, today):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    agreement = ready(world, start=date(2026, 1, 1), wage=Decimal("1700"))
    Agreement.objects.filter(pk=agreement.pk).update(state=AgreementState.IN_EFFECT)
    tz = ZoneInfo("Asia/Shanghai")
    assert services.agreement_clock(now=datetime(2026, 9, 30, 9, tzinfo=tz))["renewals"] == 0
    assert services.agreement_clock(now=datetime(2026, 10, 1, 9, tzinfo=tz))["renewals"] == 1
    assert services.agreement_clock(now=datetime(2026, 10, 2, 9, tzinfo=tz))["renewals"] == 0
    assert Notification.objects.filter(
        event="bargaining.agreement.renewal", recipient=world.submitter_a
    ).exists()


def test_an_industry_agreement_covers_each_enterprise_at_its_own_union(world, today):
    from bargaining.enums import AgreementKind

    industry = services.industry_agreement_create(
        actor=world.staff_a,
        union=world.tree["county_a"],
        title="水晶行业协议",
        employer_party="行业协会",
        enterprises=[world.enterprise, world.no_union],
        kind=AgreementKind.INDUSTRY,
    )
    paths = dict(industry.coverage.values_list("enterprise__name", "org_path"))
    assert paths == {"水晶甲厂": world.tree["grassroots_a"].path, "未建会企业": world.tree["township_a"].path}
    with pytest.raises(Http404):
        services.industry_agreement_create(
            actor=world.staff_b,
            union=world.tree["county_a"],
            title="x",
            employer_party="x",
            enterprises=[world.enterprise, world.no_union],
        )
