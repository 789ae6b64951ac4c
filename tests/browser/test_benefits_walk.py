"""Inclusive services on a phone: a member signs up for an offer, sees it among her sign-ups, cancels
her place in a full health check and the first member on its waiting list moves up; staff of the county
confirm a sign-up on their list. Screenshots: the offer list on the phone, the sign-up, the staff list."""

import re

import pytest

from benefits import services
from benefits.enums import SignupState
from benefits.models import Signup
from tests.benefits.conftest import DAY, build, make_offer
from tests.browser.conftest import shot, sign_in
from unionportal import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_up_on_her_phone_and_her_cancellation_moves_the_waiting_list(
    phone_page, page, live_server, artifacts
):
    with clock.travel(DAY):
        world = build()
        full = make_offer(world, title="五一职工健康体检", capacity=1)
        legal = make_offer(world, kind="legal", title="劳动合同法律咨询", place="县职工服务中心", capacity=20)
        course = make_offer(
            world, kind="training", title="电工技能培训班", capacity=10, needs_confirmation=True
        )
        held = services.signup_apply(user=world.ann, offer_id=full.pk)
        first = services.signup_apply(user=world.bo, offer_id=full.pk, waitlist=True)
        second = services.signup_apply(user=world.cai, offer_id=full.pk, waitlist=True)
        pending = services.signup_apply(user=world.cai, offer_id=course.pk)
        base = live_server.url

        p = phone_page
        sign_in(p, base, "f_ann")
        p.goto(base + "/services/")
        assert p.locator(f"#public-offer-{legal.pk}").is_visible()
        shot(p, artifacts, "benefits-phone-offers")

        p.goto(base + "/services/me/")
        assert p.locator(f"#open-offer-{full.pk}").count() == 0  # she holds a place there already
        p.click(f"#open-offer-{legal.pk}")
        p.wait_for_url(re.compile(rf".*/services/{legal.pk}/signup/$"))
        p.check("#id_consent")
        shot(p, artifacts, "benefits-phone-signup")
        p.click("input[type=submit]")
        p.wait_for_url(re.compile(r".*/services/me/$"))
        mine = Signup.objects.get(offer=legal, user=world.ann)
        assert mine.state == SignupState.CONFIRMED
        assert p.locator(f"#signup-{mine.pk} .signup-state").inner_text() == "报名成功"
        shot(p, artifacts, "benefits-phone-mine")

        p.click(f"#signup-{held.pk} .signup-cancel")
        p.wait_for_url(re.compile(rf".*/services/me/signups/{held.pk}/cancel/$"))
        assert "名额将让给候补名单中的下一位" in p.content()
        p.click("input[type=submit]")
        p.wait_for_url(re.compile(r".*/services/me/$"))
        assert p.locator(f"#signup-{held.pk} .signup-state").inner_text() == "已取消"
        states = dict(Signup.objects.filter(pk__in=[held.pk, first.pk, second.pk]).values_list("pk", "state"))
        assert states == {held.pk: "cancelled", first.pk: "confirmed", second.pk: "waiting"}

        sign_in(page, base, "f_staff_a")
        page.goto(base + f"/services/manage/{course.pk}/?state=pending")
        row = page.locator(f"#signup-{pending.pk}")
        assert "蔡晓" in row.inner_text() and "*" in row.inner_text()
        shot(page, artifacts, "benefits-staff-list")
        row.locator(".signup-confirm").click()
        page.wait_for_url(re.compile(rf".*/services/manage/{course.pk}/\?state=pending$"))
        assert Signup.objects.get(pk=pending.pk).state == SignupState.CONFIRMED
        assert "已确认 蔡晓 的报名。" in page.content()
