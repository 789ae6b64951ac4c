"""Signing up, the waiting list, confirming and refusing, cancelling: each rule refused with its message
and nothing written; places never above the capacity."""

from datetime import date

import pytest
from django.http import Http404

from benefits import services
from benefits.enums import OfferState, SignupState
from benefits.models import Offer, Signup
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification

from .conftest import make_offer

pytestmark = pytest.mark.django_db


def places(offer) -> int:
    return Offer.objects.get(pk=offer.pk).taken


def test_a_member_signs_up_first_come_and_holds_a_place(world, today):
    offer = make_offer(world)
    made = services.signup_apply(user=world.ann, offer_id=offer.pk)
    assert made.state == SignupState.CONFIRMED
    assert made.member_path == world.tree["grassroots_a"].path and made.org_path == offer.org_path
    assert places(offer) == 1
    assert AuditEvent.objects.filter(action="benefits.signup.create", object_id=str(made.pk)).exists()


def test_an_offer_to_confirm_holds_the_place_until_the_union_decides(world, today):
    offer = make_offer(world, needs_confirmation=True)
    made = services.signup_apply(user=world.ann, offer_id=offer.pk)
    assert made.state == SignupState.PENDING and places(offer) == 1
    services.signup_confirm(actor=world.staff_a, signup_id=made.pk)
    assert Signup.objects.get(pk=made.pk).state == SignupState.CONFIRMED
    assert Notification.objects.filter(recipient=world.ann, subject="“职工健康体检”报名已确认").exists()


def test_signing_up_for_a_full_offer_is_refused_and_offers_the_waiting_list(world, today):
    offer = make_offer(world, capacity=1)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=world.bo, offer_id=offer.pk)
    assert refused.value.code == "full"
    assert refused.value.message == "名额已满（共 1 个）。您可以加入候补名单，有人取消时按报名先后递补。"
    assert not Signup.objects.filter(offer=offer, user=world.bo).exists()
    waiting = services.signup_apply(user=world.bo, offer_id=offer.pk, waitlist=True)
    assert waiting.state == SignupState.WAITING and places(offer) == 1


def test_signing_up_twice_is_refused(world, today):
    offer = make_offer(world)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=world.ann, offer_id=offer.pk)
    assert refused.value.message == "您已报名这项服务（报名成功），不能重复报名。"
    assert Signup.objects.filter(offer=offer).count() == 1 and places(offer) == 1


@pytest.mark.parametrize("who", ["dee", "stranger", "gone"])
def test_signing_up_from_outside_the_subtree_or_without_current_membership_is_refused(world, today, who):
    offer = make_offer(world)
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=getattr(world, who), offer_id=offer.pk)
    assert refused.value.message == "这项服务只面向County a及所属工会的在册会员，您不在报名范围内。"
    assert not Signup.objects.filter(offer=offer).exists() and places(offer) == 0


def test_an_offer_of_the_province_is_open_to_members_of_every_county(world, today):
    offer = make_offer(world, union=world.tree["province"], actor=world.province)
    for user in (world.ann, world.dee):
        assert services.signup_apply(user=user, offer_id=offer.pk).state == SignupState.CONFIRMED


def test_signing_up_outside_the_window_is_refused(world, today):
    late = make_offer(world, publish=False, signup_from=date(2026, 4, 1), signup_until=date(2026, 4, 26))
    Offer.objects.filter(pk=late.pk).update(state=OfferState.PUBLISHED)
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=world.ann, offer_id=late.pk)
    assert refused.value.message == "报名已于 2026-04-26 截止。"
    early = make_offer(world, signup_from=date(2026, 5, 1), signup_until=date(2026, 5, 5))
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=world.ann, offer_id=early.pk)
    assert refused.value.message == "报名尚未开始，将于 2026-05-01 开始。"
    assert not Signup.objects.filter(offer__in=[late, early]).exists()


def test_a_draft_offer_takes_no_sign_ups(world, today):
    draft = make_offer(world, publish=False)
    with pytest.raises(Http404):
        services.signup_apply(user=world.ann, offer_id=draft.pk)


def test_cancelling_gives_the_place_to_the_first_waiting_member_who_is_told(world, today):
    offer = make_offer(world, capacity=1)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    first = services.signup_apply(user=world.bo, offer_id=offer.pk, waitlist=True)
    second = services.signup_apply(user=world.cai, offer_id=offer.pk, waitlist=True)
    services.signup_cancel(user=world.ann, signup_id=held.pk)
    states = dict(Signup.objects.filter(offer=offer).values_list("user__username", "state"))
    assert states == {"f_ann": "cancelled", "f_bo": "confirmed", "f_cai": "waiting"}
    assert places(offer) == 1
    assert Notification.objects.filter(
        recipient=world.bo, subject="候补递补成功：您已获得“职工健康体检”的名额"
    ).exists()
    assert not Notification.objects.filter(recipient=world.cai).exists()
    assert AuditEvent.objects.filter(action="benefits.signup.promote", object_id=str(first.pk)).exists()
    assert second.pk


def test_cancelling_with_nobody_waiting_frees_the_place(world, today):
    offer = make_offer(world)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    services.signup_cancel(user=world.ann, signup_id=held.pk)
    assert places(offer) == 0
    again = services.signup_apply(user=world.ann, offer_id=offer.pk)  # a cancelled sign-up may sign up again
    assert again.state == SignupState.CONFIRMED


def test_cancelling_someone_elses_sign_up_is_404_and_changes_nothing(world, today):
    offer = make_offer(world)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    for other in (world.bo, world.staff_a):
        with pytest.raises(Http404):
            services.signup_cancel(user=other, signup_id=held.pk)
    assert Signup.objects.get(pk=held.pk).state == SignupState.CONFIRMED and places(offer) == 1


def test_a_refusal_needs_a_reason_and_moves_the_waiting_list_up(world, today):
    offer = make_offer(world, capacity=1, needs_confirmation=True)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    waiting = services.signup_apply(user=world.bo, offer_id=offer.pk, waitlist=True)
    with pytest.raises(TransitionError) as refused:
        services.signup_refuse(actor=world.staff_a, signup_id=held.pk, reason=" ")
    assert refused.value.message == "请填写理由。"
    assert Signup.objects.get(pk=waiting.pk).state == SignupState.WAITING
    services.signup_refuse(actor=world.staff_a, signup_id=held.pk, reason="不符合体检年龄要求")
    assert Signup.objects.get(pk=held.pk).refusal_reason == "不符合体检年龄要求"
    assert Signup.objects.get(pk=waiting.pk).state == SignupState.PENDING  # the union confirms it in turn
    assert places(offer) == 1
    assert Notification.objects.filter(recipient=world.ann, subject="“职工健康体检”报名未通过").exists()


def test_staff_of_another_county_cannot_decide_or_change_an_offer(world, today):
    offer = make_offer(world, needs_confirmation=True)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    with pytest.raises(Http404):
        services.signup_confirm(actor=world.staff_b, signup_id=held.pk)
    with pytest.raises(Http404):
        services.offer_close(actor=world.staff_b, offer_id=offer.pk)
    with pytest.raises(Http404):
        services.offer_create(actor=world.staff_b, union=world.tree["county_a"], **_fields())


def _fields(**over):
    base = {
        "kind": "legal",
        "title": "法律咨询",
        "place": "服务中心",
        "capacity": 5,
        "signup_from": date(2026, 4, 27),
        "signup_until": date(2026, 5, 1),
        "service_on": date(2026, 5, 2),
    }
    return {**base, **over}


def test_the_capacity_never_goes_below_the_places_taken(world, today):
    offer = make_offer(world, capacity=2)
    services.signup_apply(user=world.ann, offer_id=offer.pk)
    services.signup_apply(user=world.bo, offer_id=offer.pk)
    with pytest.raises(services.BenefitsError) as refused:
        services.offer_update(
            actor=world.staff_a, offer_id=offer.pk, needs_confirmation=False, **_fields(capacity=1)
        )
    assert refused.value.message == "已有 2 人占用名额，名额不能少于 2 个。"
    assert Offer.objects.get(pk=offer.pk).capacity == 2


def test_bad_dates_are_refused(world, today):
    with pytest.raises(services.BenefitsError) as refused:
        services.offer_create(
            actor=world.staff_a, union=world.tree["county_a"], **_fields(signup_until=date(2026, 4, 1))
        )
    assert refused.value.message == "报名截止日期不能早于开始日期。"


def test_an_offer_whose_window_is_over_is_not_published(world, today):
    offer = make_offer(world, publish=False, signup_from=date(2026, 4, 1), signup_until=date(2026, 4, 20))
    with pytest.raises(TransitionError) as refused:
        services.offer_publish(actor=world.staff_a, offer_id=offer.pk)
    assert refused.value.message == "报名截止日期 2026-04-20 已过，请先修改报名时间再发布。"


def test_a_closed_offer_takes_no_sign_ups_or_cancellations(world, today):
    offer = make_offer(world)
    held = services.signup_apply(user=world.ann, offer_id=offer.pk)
    services.offer_close(actor=world.staff_a, offer_id=offer.pk)
    with pytest.raises(services.BenefitsError) as refused:
        services.signup_apply(user=world.bo, offer_id=offer.pk)
    assert refused.value.message == "这项服务已结束报名。"
    with pytest.raises(services.BenefitsError):
        services.signup_cancel(user=world.ann, signup_id=held.pk)
