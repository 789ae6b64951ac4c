"""The pages: a worker files on a form with a photo and follows her own request (another worker gets
404), bad files shown beside the form with nothing saved, the handler's queue in constant queries and
404 outside the scope, accepting / concluding / rating through the pages, a step in the wrong state
sent back with a message, the anonymous tip and its lookup, statistics and exports, flagged enterprises."""

import pytest
from django.test import Client
from django.urls import reverse

from rights import services
from rights.enums import RequestKind, RequestState, StepKind
from rights.models import EnterpriseFlag, RightsRequest

from .conftest import jpeg, script_as_jpeg

pytestmark = pytest.mark.django_db
FACTS = "三月份工资至今未发，车间十二人，每人约三千元。"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def filed(world, enterprise=None, worker=None):
    return services.request_file(
        worker=worker or world.worker,
        kind=RequestKind.WAGES,
        facts=FACTS,
        demands="请求足额支付。",
        enterprise_id=(enterprise or world.enterprise).pk,
    )


def test_a_worker_files_with_a_photo_and_follows_it(world, today):
    client = client_for(world.worker)
    response = client.post(
        reverse("rights:file"),
        {
            "kind": "wages",
            "enterprise": world.enterprise.pk,
            "facts": FACTS,
            "demands": "请求支付",
            "evidence": [jpeg()],
        },
    )
    request = RightsRequest.objects.filter(worker=world.worker).latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse(
        "rights:my_request", args=[request.pk]
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "待受理" in html and "楚都甲厂" in html
    assert request.evidence.count() == 1
    assert client_for(world.other_worker).get(response["Location"]).status_code == 404
    assert client_for(world.submitter).get(response["Location"]).status_code == 404  # the worker's own page
    assert "楚都甲厂" in client.get(reverse("rights:mine")).content.decode()


def test_a_script_named_jpg_is_shown_beside_the_form_and_nothing_is_saved(world, today):
    before = RightsRequest.objects.count()
    response = client_for(world.worker).post(
        reverse("rights:file"),
        {
            "kind": "wages",
            "enterprise": world.enterprise.pk,
            "facts": FACTS,
            "demands": "x",
            "evidence": [script_as_jpeg()],
        },
    )
    assert response.status_code == 200
    assert "可执行程序" in response.content.decode()
    assert RightsRequest.objects.count() == before


def test_an_oversized_file_is_refused_on_the_form(world, today, settings):
    settings.UPLOAD_MAX_BYTES = {"image": 200}
    before = RightsRequest.objects.count()
    response = client_for(world.worker).post(
        reverse("rights:file"),
        {
            "kind": "wages",
            "enterprise": world.enterprise.pk,
            "facts": FACTS,
            "demands": "x",
            "evidence": [jpeg()],
        },
    )
    assert response.status_code == 200 and "wages" not in response["Content-Type"]
    assert "photo.jpg" in response.content.decode()
    assert RightsRequest.objects.count() == before


def test_handlers_accept_log_conclude_and_the_worker_rates_once(world, today):
    request = filed(world)
    staff = client_for(world.submitter)
    assert staff.get(reverse("rights:accept", args=[request.pk])).status_code == 200  # the confirmation
    assert staff.post(reverse("rights:accept", args=[request.pk])).status_code == 302
    staff.post(
        reverse("rights:step_create", args=[request.pk]), {"kind": StepKind.MEDIATION, "note": "组织调解"}
    )
    response = staff.post(
        reverse("rights:conclude", args=[request.pk]), {"outcome": "resolved", "conclusion": "已足额支付"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.CONCLUDED
    worker = client_for(world.worker)
    page = worker.get(reverse("rights:my_request", args=[request.pk])).content.decode()
    assert "调解" in page and "已足额支付" in page and 'id="rate-card"' in page
    worker.post(reverse("rights:my_rate", args=[request.pk]), {"rating": "4", "comment": "不错"})
    again = worker.post(reverse("rights:my_rate", args=[request.pk]), {"rating": "1"}, follow=True)
    assert "不能重复评价" in again.content.decode()
    request.refresh_from_db()
    assert request.rating == 4


def test_a_step_in_the_wrong_state_goes_back_with_a_message(world, today):
    request = filed(world)
    response = client_for(world.submitter).post(
        reverse("rights:conclude", args=[request.pk]), {"outcome": "resolved", "conclusion": "x"}, follow=True
    )
    assert "不能进行此操作" in response.content.decode()
    rate = client_for(world.worker).post(
        reverse("rights:my_rate", args=[request.pk]), {"rating": "5"}, follow=True
    )
    assert "办结后才能评价" in rate.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED and request.rating is None


def test_outside_the_scope_is_404(world, today):
    request = filed(world)
    other = client_for(world.county_b)
    for name in (
        "rights:request",
        "rights:accept",
        "rights:step_create",
        "rights:conclude",
        "rights:escalate",
    ):
        assert other.get(reverse(name, args=[request.pk])).status_code == 404
        assert other.post(reverse(name, args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED
    assert client_for(world.worker).get(reverse("rights:request", args=[request.pk])).status_code == 404


def test_the_queue_runs_the_same_queries_for_one_and_many(world, today, django_assert_max_num_queries):
    staff = client_for(world.county)
    filed(world)
    with django_assert_max_num_queries(30) as one:
        assert staff.get(reverse("rights:queue")).status_code == 200
    for _i in range(5):
        filed(world, world.no_union)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = staff.get(reverse("rights:queue") + "?state=submitted&q=乙厂")
    assert "未建会乙厂" in page.content.decode() and "楚都甲厂" not in page.content.decode()
    assert client_for(world.worker).get(reverse("rights:queue")).status_code == 403


def test_queue_and_statistics_export(world, today):
    filed(world)
    staff = client_for(world.county)
    for name in ("rights:queue_export", "rights:stats_export"):
        response = staff.get(reverse(name))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    page = staff.get(reverse("rights:stats")).content.decode()
    assert world.tree["township_a"].name in page
    assert client_for(world.submitter).get(reverse("rights:stats")).status_code == 403
    assert staff.get(reverse("rights:stats") + f"?org={world.tree['county_b'].pk}").status_code == 404


def test_an_anonymous_tip_shows_its_code_once_and_the_code_finds_it(world, today, caplog):
    anonymous = Client(REMOTE_ADDR="203.0.113.77")
    with caplog.at_level("INFO", logger="unionportal.request"):
        response = anonymous.post(
            reverse("rights:tip"),
            {"enterprise": world.enterprise.pk, "facts": "破碎车间传送带防护罩被拆除。"},
        )
    assert response.status_code == 200
    # The request log keeps no address for a tip (it does for every other page).
    [logged] = [r for r in caplog.records if r.name == "unionportal.request"]
    assert logged.client_ip is None and "203.0.113.77" not in caplog.text
    code = response.context["code"]
    assert code in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    tip = RightsRequest.objects.get(anonymous=True, facts="破碎车间传送带防护罩被拆除。")
    assert tip.worker is None
    found = anonymous.post(reverse("rights:track"), {"code": code})
    assert "待受理" in found.content.decode()
    missing = anonymous.post(reverse("rights:track"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert "没有找到这个查询码" in missing.content.decode()


def test_flagged_enterprises_page(world, today):
    for _i in range(3):
        filed(world, world.enterprise_b)
    flag = EnterpriseFlag.objects.get(enterprise=world.enterprise_b)
    staff = client_for(world.county_b)
    assert "夷陵丙厂" in staff.get(reverse("rights:flags")).content.decode()
    assert staff.get(reverse("rights:flag", args=[flag.pk])).status_code == 200
    assert client_for(world.county).get(reverse("rights:flag", args=[flag.pk])).status_code == 404


def test_the_workers_list_and_the_flag_list_run_constant_queries(world, today, django_assert_max_num_queries):
    worker = client_for(world.worker)
    filed(world)
    with django_assert_max_num_queries(30) as one:
        assert worker.get(reverse("rights:mine")).status_code == 200
    for _i in range(4):
        filed(world, world.enterprise_b)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = worker.get(reverse("rights:mine"))
    assert page.content.decode().count('id="my-request-') >= 5
    staff = client_for(world.county_b)
    with django_assert_max_num_queries(30) as flags:
        assert staff.get(reverse("rights:flags")).status_code == 200
    assert len(flags.captured_queries) < 30


def test_tips_and_lookups_from_one_address_are_limited(world, today, settings):
    settings.RIGHTS = {"TIP_RATE": "2/h", "TRACK_RATE": "2/h"}
    anonymous = Client(REMOTE_ADDR="203.0.113.78")
    facts = "仓库消防通道被货物堵死。"
    posted = [
        anonymous.post(reverse("rights:tip"), {"enterprise": world.enterprise.pk, "facts": facts}).status_code
        for _i in range(3)
    ]
    assert posted == [200, 200, 429]
    assert RightsRequest.objects.filter(anonymous=True, facts=facts).count() == 2
    lookups = [
        anonymous.post(reverse("rights:track"), {"code": "ZZZZ-ZZZZ-ZZZZ"}).status_code for _i in range(3)
    ]
    assert lookups == [200, 200, 429]
    # Another address is not held back by this one's tips.
    assert Client(REMOTE_ADDR="198.51.100.5").get(reverse("rights:tip")).status_code == 200


def test_the_unions_home_keeps_its_counts_until_a_request_in_its_scope_changes(world, today, settings):
    """With the fragment cache on, the home page's rights to-dos are counted once and again when a
    worker files or a request is accepted (the services' own updates bump the topic too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.STAFF_FRAGMENT_CACHE = True
    home = client_for(world.submitter)
    home.get("/home/")

    def waiting() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = home.get("/home/").content.decode()
        return page, len(queries)

    page, cached = waiting()
    assert "待受理的维权申请" not in page
    request = filed(world)
    page, after_filing = waiting()
    assert "待受理的维权申请" in page and after_filing > cached  # counted again
    assert waiting()[1] == cached  # and kept
    services.request_accept(actor=world.township, request_id=request.pk)  # another user's action
    assert waiting()[1] > cached
