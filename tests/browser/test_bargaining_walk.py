"""An offer from sending to effect in the browser: the delivery recorded with its proof, the reply clock on
the offer, the reminder in the inbox, the reply, the congress vote, the clock putting the agreement into
effect, the county's progress page with its chart; another county's staff get 404 on the offer."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bargaining import services
from bargaining.demo import pdf_bytes
from bargaining.enums import AgreementState, Side, Topic
from tests.bargaining.conftest import DAY, build, pdf
from tests.browser.conftest import shot, sign_in
from unionportal import clock
from unionportal.notifications import services as notifications

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_offer_from_sending_to_effect(page, live_server, artifacts, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    tz = ZoneInfo("Asia/Shanghai")
    with clock.travel(DAY):
        world = build()
        offer = services.offer_create(
            actor=world.staff_a,
            enterprise_id=world.enterprise.pk,
            side=Side.UNION,
            topics=[Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE],
            contact_name="人力资源部",
        )
        base = live_server.url
        sign_in(page, base, "b_sub_a")
        page.goto(base + offer.get_absolute_url())
        page.click("#offer-send")
        page.fill("#id_sent_on", "2026-04-10")
        page.fill("#id_received_on", "2026-04-10")
        receipt = tmp_path / "receipt.pdf"
        receipt.write_bytes(pdf_bytes())
        page.set_input_files("#id_proof", str(receipt))
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(rf".*/bargaining/offers/{offer.pk}/$"))
        assert "2026-04-30" in page.locator("#reply-clock").inner_text()
        assert page.locator("#clock-left").inner_text() == "还剩 3 天"
        assert page.locator("#delivery-proof").count() == 1
        # The periodic clock reminds the union (and the supervising township) before the end.
        assert services.offer_clock(now=datetime(2026, 4, 27, 9, tzinfo=tz))["reminded"] == 1
        # With a broker the delivery task waits for a worker that does not run here: the periodic sweep
        # delivers what is still pending, as it would in production.
        notifications.sweep(now=timezone.now() + timedelta(minutes=2))
        page.reload()
        shot(page, artifacts, "bargaining-offer-clock")
        page.goto(base + "/inbox/")
        assert "提醒：水晶甲厂 应于 2026-04-30 前答复工资集体协商要约" in page.content()

        page.goto(base + offer.get_absolute_url())
        page.click("#offer-reply")
        page.check("input[name=decision][value=accept]")
        page.fill("#id_replied_on", "2026-04-20")
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(rf".*/bargaining/offers/{offer.pk}/$"))
        page.click("#offer-negotiate")
        page.wait_for_url(re.compile(r".*/bargaining/agreements/\d+/$"))
        agreement = offer.agreements.get()
        rows = [
            services.NegotiatorRow(side, f"{side}{i}", is_chief=i == 0)
            for side in (Side.UNION, Side.EMPLOYER)
            for i in range(3)
        ]
        services.negotiators_set(actor=world.submitter_a, agreement_id=agreement.pk, rows=rows)
        services.round_add(
            actor=world.submitter_a,
            agreement_id=agreement.pk,
            held_on=date(2026, 4, 21),
            place="会议室",
            recorder="记录员",
            minutes="纪要",
        )
        services.terms_save(
            actor=world.submitter_a,
            agreement_id=agreement.pk,
            start_on=date(2026, 5, 1),
            term_years=1,
            enterprise_min_wage=Decimal("1700"),
            average_rise=Decimal("6"),
        )
        # The congress vote through its page: below quorum first (refused, nothing saved), then passed.
        page.goto(base + agreement.get_absolute_url())
        page.click("#agreement-vote")
        page.fill("#id_voted_on", "2026-04-24")
        page.fill("#id_total", "60")
        page.fill("#id_present", "39")
        page.fill("#id_votes_for", "39")
        page.click("input[type=submit]")
        assert "不足全体代表 60 人的三分之二" in page.content()
        shot(page, artifacts, "bargaining-congress-vote-refused")
        page.fill("#id_present", "50")
        page.fill("#id_votes_for", "40")
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(rf".*/bargaining/agreements/{agreement.pk}/$"))
        assert "代表 60 人，出席 50 人，赞成 40 票" in page.locator("#congress-vote").inner_text()
        shot(page, artifacts, "bargaining-congress-vote")
        services.agreement_sign(
            actor=world.submitter_a, agreement_id=agreement.pk, signed_on=date(2026, 4, 25), signed_text=pdf()
        )
        services.agreement_file(
            actor=world.submitter_a, agreement_id=agreement.pk, filed_on=date(2026, 4, 26), authority="人社局"
        )
    assert services.agreement_clock(now=datetime(2026, 5, 12, 9, tzinfo=tz))["in_effect"] == 1
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.IN_EFFECT

    with clock.travel(date(2026, 5, 12)):
        sign_in(page, base, "b_staff_a")
        page.goto(base + "/bargaining/progress/")
        row = page.locator(f"#progress-table tr[data-key='{world.tree['township_a'].path}']")
        assert row.locator("td[data-figure=sent]").inner_text() == "1"
        assert row.locator("td[data-figure=in_effect]").inner_text() == "1"
        assert row.locator("td[data-figure=workers]").inner_text() == "200"
        drawn = page.evaluate(
            "() => { const c = document.getElementById('progress-chart');"
            " return !!(window.Chart && Chart.getChart(c)) && c.width > 0; }"
        )
        assert drawn is True
        shot(page, artifacts, "bargaining-progress")
        sign_in(page, base, "b_staff_b")
        response = page.goto(base + offer.get_absolute_url())
        assert response.status == 404
