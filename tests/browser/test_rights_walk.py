"""A wage-arrears request on a phone, from filing to rating: the worker files it with a photo, the
grassroots union accepts it, logs a mediation and concludes it, and the worker sees each step (and the
notices in her inbox) and rates the outcome once."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rights.models import RightsRequest
from tests.browser.conftest import jpeg_file, shot, sign_in
from tests.factories import Role, make_enterprise, make_tree, make_user
from unionportal import clock
from unionportal.notifications import services as notifications

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = date(2026, 4, 20)


def file_wage_request(page, base, enterprise, tmp_path, artifacts=None):
    """The worker (signed in on ``page``) files a wage-arrears request with a photo; returns it."""
    page.goto(base + "/rights/new/")
    page.select_option("#id_kind", "wages")
    page.select_option("#id_enterprise", str(enterprise.pk))
    page.fill("#id_facts", "三月份工资至今未发，车间共 12 人，每人约 3000 元。")
    page.fill("#id_demands", "请求公司在五一前足额支付 3 月工资。")
    page.set_input_files("#id_evidence", str(jpeg_file(tmp_path, "payslip.jpg")))
    if artifacts is not None:
        shot(page, artifacts, "rights-worker-form")
    page.click("#main input[type=submit]")
    page.wait_for_url(re.compile(r".*/rights/mine/\d+/$"))
    assert "待受理" in page.locator("#request-state").inner_text()
    assert page.locator("#request-evidence img").count() == 1
    return RightsRequest.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))


def accept_mediate_conclude(page, base, request, artifacts=None):
    """The union's submitter (signed in on ``page``) accepts the request, logs a mediation, concludes it."""
    page.goto(base + "/rights/queue/")
    assert page.locator(f"#request-{request.pk}").count() == 1
    if artifacts is not None:
        shot(page, artifacts, "rights-staff-queue")
    page.click(f"#request-{request.pk} a")
    page.click("#request-accept")
    page.click("#main button[type=submit]")
    page.wait_for_url(re.compile(rf".*/rights/requests/{request.pk}/$"))
    assert "已受理" in page.locator("#request-state").inner_text()
    page.click("#request-step")
    page.select_option("#id_kind", "mediation")
    page.fill("#id_note", "约谈企业负责人，企业承诺 4 月 30 日前补发工资。")
    page.click("#main input[type=submit]")
    page.wait_for_url(re.compile(rf".*/rights/requests/{request.pk}/$"))
    assert "办理中" in page.locator("#request-state").inner_text()
    page.click("#request-conclude")
    page.select_option("#id_outcome", "resolved")
    page.fill("#id_conclusion", "企业已于 4 月 20 日足额补发 3 月工资。")
    page.click("#main input[type=submit]")
    page.wait_for_url(re.compile(rf".*/rights/requests/{request.pk}/$"))
    assert "已办结" in page.locator("#request-state").inner_text()


def rate(page, base, request):
    """The worker rates the concluded request, once."""
    page.goto(base + f"/rights/mine/{request.pk}/")
    page.check("input[name=rating][value='5']")
    page.fill("#id_comment", "工会很快就帮我们拿回了工资。")
    page.click("#rate-submit")
    page.wait_for_url(re.compile(rf".*/rights/mine/{request.pk}/$"))
    assert "5 分" in page.locator("#my-rating").inner_text()
    assert page.locator("#rate-card").count() == 0


def test_a_wage_arrears_request_from_filing_to_rating(phone_page, live_server, artifacts, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page, base = phone_page, live_server.url
    with clock.travel(DAY):
        tree = make_tree()
        union = tree["grassroots_a"]
        make_user("worker", name="孙丽娟", org=union, role=Role.WORKER)
        make_user("grassroots", name="刘建华", org=union, role=Role.SUBMITTER)
        enterprise = make_enterprise(tree["township_a"], union, name="宜城市楚都食品有限公司")

        sign_in(page, base, "worker")
        request = file_wage_request(page, base, enterprise, tmp_path, artifacts)
        assert request.worker.username == "worker"

        sign_in(page, base, "grassroots")
        accept_mediate_conclude(page, base, request, artifacts)

        notifications.sweep(now=timezone.now() + timedelta(minutes=2))
        sign_in(page, base, "worker")
        page.goto(base + "/inbox/")
        inbox = page.content()
        assert (
            "已由Union a受理" in inbox
            and "有新的办理进展：调解" in inbox
            and "已办结，请评价办理结果" in inbox
        )
        page.goto(base + f"/rights/mine/{request.pk}/")
        steps = page.locator("#request-steps").inner_text()
        assert "已受理" in steps and "调解" in steps and "企业已于 4 月 20 日足额补发" in steps
        shot(page, artifacts, "rights-worker-request")
        rate(page, base, request)
        shot(page, artifacts, "rights-worker-rated")
        request.refresh_from_db()
        assert request.rating == 5
