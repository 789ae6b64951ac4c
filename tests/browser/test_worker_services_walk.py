"""Worker services end to end on a phone, and the province's dashboard moving with them: a member files a
wage-arrears request with a photo, her union accepts and concludes it, she rates it and signs up for an
inclusive-services offer; the province's staff refresh the dashboard and see both figures move."""

import re
from datetime import date

import pytest

from tests.benefits.conftest import build, make_offer
from tests.browser.conftest import shot, sign_in
from tests.browser.test_dashboard_walk import figure
from tests.browser.test_rights_walk import accept_mediate_conclude, file_wage_request, rate
from tests.factories import make_enterprise
from unionportal import clock
from unionportal.campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = date(2026, 4, 27)


def test_a_member_is_helped_and_served_and_the_dashboard_moves(
    phone_page, page, live_server, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    with clock.travel(DAY):
        world = build()
        Campaign.objects.filter(is_current=True).update(is_current=False)
        Campaign.objects.create(
            year=2099,
            theme="测试活动",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 5, 31),
            is_current=True,
        )
        enterprise = make_enterprise(
            world.tree["township_a"], world.tree["grassroots_a"], name="宜城市楚都食品有限公司"
        )
        offer = make_offer(world, kind="legal", title="劳动合同法律咨询", place="县职工服务中心", capacity=20)

        sign_in(page, base, "f_province")
        page.goto(base + "/dashboard/")
        before = {key: figure(page, key) for key in ("rights.in_time", "benefits.places_used")}

        worker = phone_page
        sign_in(worker, base, "f_ann")
        request = file_wage_request(worker, base, enterprise, tmp_path)
        sign_in(page, base, "f_sub_a")
        accept_mediate_conclude(page, base, request)
        rate(worker, base, request)

        worker.goto(base + "/services/me/")
        worker.click(f"#open-offer-{offer.pk}")
        worker.wait_for_url(re.compile(rf".*/services/{offer.pk}/signup/$"))
        worker.check("#id_consent")
        worker.click("input[type=submit]")
        worker.wait_for_url(re.compile(r".*/services/me/$"))
        assert "报名成功" in worker.locator("#my-signups").inner_text()
        shot(worker, artifacts, "worker-services-signed-up")

        sign_in(page, base, "f_province")
        page.goto(base + "/dashboard/?fresh=1")
        assert figure(page, "rights.in_time") == before["rights.in_time"] + 1
        assert figure(page, "benefits.places_used") == before["benefits.places_used"] + 1
        shot(page, artifacts, "worker-services-dashboard")
