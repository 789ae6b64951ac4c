"""Filing, routing, deadlines, handling, escalation, rating, the deadline clock, flagged enterprises and
anonymous tips: every refusal changes nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.test import override_settings

from rights import services
from rights.enums import Outcome, OverdueStage, RequestKind, RequestState, StepKind
from rights.models import EnterpriseFlag, Evidence, RightsRequest, Step
from rights.todos import flagged_enterprise_todos, rights_todos
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.notifications.models import Notification
from unionportal.uploads.models import StoredFile
from unionportal.uploads.services import UploadRejected

from .conftest import jpeg, script_as_jpeg

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
FACTS = "三月份工资至今未发，车间十二人，每人约三千元。"


def file(world, enterprise=None, **kwargs):
    fields = {"enterprise_id": (enterprise or world.enterprise).pk} if "employer_name" not in kwargs else {}
    return services.request_file(
        worker=kwargs.pop("worker", world.worker),
        kind=kwargs.pop("kind", RequestKind.WAGES),
        facts=FACTS,
        demands="请求足额支付。",
        **fields,
        **kwargs,
    )


def events(user, event):
    return Notification.objects.filter(recipient=user, event=event).count()


def test_a_request_goes_to_the_employers_union_with_its_deadlines(world, today):
    request = file(world, files=[jpeg()])
    assert request.union == world.tree["grassroots_a"]
    assert request.org_path == request.origin_path == world.tree["grassroots_a"].path
    assert request.accept_due == date(2026, 4, 23)  # 3 working days after Monday
    assert request.conclude_due == date(2026, 5, 20)
    evidence = Evidence.objects.get(request=request)
    assert evidence.file.organisation == world.tree["grassroots_a"]
    assert evidence.file.uploaded_by == world.worker
    assert events(world.submitter, "rights.request.filed") == 1


def test_no_union_goes_to_the_township_and_a_typed_name_to_the_county_chosen(world, today):
    assert file(world, world.no_union).union == world.tree["township_a"]
    typed = file(world, employer_name="某装饰工程部", county_id=world.tree["county_a"].pk)
    assert typed.union == world.tree["county_a"] and typed.enterprise is None
    assert typed.employer_name == "某装饰工程部"


def test_a_typed_name_without_a_county_is_refused(world, today):
    before = RightsRequest.objects.count()
    with pytest.raises(services.RightsError, match="请选择单位所在的县"):
        file(world, employer_name="某装饰工程部")
    assert RightsRequest.objects.count() == before


def test_a_script_named_jpg_is_refused_and_nothing_is_saved(world, today):
    before = (RightsRequest.objects.count(), StoredFile.objects.count())
    with pytest.raises(UploadRejected, match="可执行程序"):
        file(world, files=[jpeg(), script_as_jpeg()])
    assert (RightsRequest.objects.count(), StoredFile.objects.count()) == before


@override_settings(UPLOAD_MAX_BYTES={"image": 200})
def test_an_oversized_photo_is_refused_and_nothing_is_saved(world, today):
    before = RightsRequest.objects.count()
    with pytest.raises(UploadRejected):
        file(world, files=[jpeg()])
    assert RightsRequest.objects.count() == before


def test_accept_step_conclude_and_rate_telling_the_worker_each_time(world, today):
    request = file(world)
    services.request_accept(actor=world.submitter, request_id=request.pk)
    assert events(world.worker, "rights.request.accepted") == 1
    services.step_log(
        actor=world.submitter, request_id=request.pk, kind=StepKind.MEDIATION, note="约谈企业负责人"
    )
    request.refresh_from_db()
    assert request.state == RequestState.IN_PROGRESS
    services.step_log(
        actor=world.submitter, request_id=request.pk, kind=StepKind.LEGAL_AID, note="转介法律援助"
    )
    assert Step.objects.filter(request=request).count() == 2
    assert events(world.worker, "rights.request.step") == 2
    services.request_conclude(
        actor=world.submitter, request_id=request.pk, outcome=Outcome.RESOLVED, conclusion="已足额支付"
    )
    request.refresh_from_db()
    assert request.state == RequestState.CONCLUDED and request.outcome == Outcome.RESOLVED
    assert request.concluded_late is False
    assert events(world.worker, "rights.request.concluded") == 1
    services.request_rate(worker=world.worker, request_id=request.pk, rating=5, comment="满意")
    with pytest.raises(services.RightsError, match="不能重复评价"):
        services.request_rate(worker=world.worker, request_id=request.pk, rating=1)
    request.refresh_from_db()
    assert request.rating == 5 and request.rating_comment == "满意"


def test_rating_before_conclusion_or_out_of_range_is_refused(world, today):
    request = file(world)
    with pytest.raises(services.RightsError, match="办结后才能评价"):
        services.request_rate(worker=world.worker, request_id=request.pk, rating=4)
    with pytest.raises(services.RightsError, match="1 至 5 分"):
        services.request_rate(worker=world.worker, request_id=request.pk, rating=6)
    request.refresh_from_db()
    assert request.rating is None


def test_acting_in_the_wrong_state_is_refused(world, today):
    request = file(world)
    with pytest.raises(TransitionError, match="只有已受理或办理中的申请可以办结"):
        services.request_conclude(
            actor=world.submitter, request_id=request.pk, outcome="resolved", conclusion="x"
        )
    with pytest.raises(TransitionError, match="不能登记办理情况"):
        services.step_log(actor=world.submitter, request_id=request.pk, kind=StepKind.MEDIATION, note="x")
    services.request_accept(actor=world.submitter, request_id=request.pk)
    with pytest.raises(TransitionError):
        services.request_accept(actor=world.submitter, request_id=request.pk)
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED and not request.steps.exists()


def test_outside_the_scope_is_404_and_another_worker_gets_404(world, today):
    request = file(world)
    with pytest.raises(Http404):
        services.request_accept(actor=world.county_b, request_id=request.pk)
    with pytest.raises(Http404):
        services.request_accept(actor=world.other_worker, request_id=request.pk)
    services.request_accept(actor=world.submitter, request_id=request.pk)
    services.request_conclude(
        actor=world.submitter, request_id=request.pk, outcome="resolved", conclusion="好"
    )
    with pytest.raises(Http404):
        services.request_rate(worker=world.other_worker, request_id=request.pk, rating=1)
    request.refresh_from_db()
    assert request.state == RequestState.CONCLUDED and request.rating is None


def test_escalation_moves_the_request_to_the_parent_union(world, today):
    request = file(world)
    services.request_escalate(actor=world.submitter, request_id=request.pk, reason="涉及人数多")
    request.refresh_from_db()
    assert request.union == world.tree["township_a"] and request.escalations == 1
    assert request.origin_path == world.tree["grassroots_a"].path
    assert events(world.township, "rights.request.escalated") == 1
    assert events(world.worker, "rights.request.escalated") == 1
    with pytest.raises(Http404):  # no longer the grassroots union's to handle
        services.request_accept(actor=world.submitter, request_id=request.pk)
    services.request_accept(actor=world.township, request_id=request.pk)
    with pytest.raises(services.RightsError, match="上报理由"):
        services.request_escalate(actor=world.township, request_id=request.pk, reason=" ")


def test_the_root_cannot_escalate(world, today):
    request = file(world, employer_name="省直单位", county_id=world.tree["province"].pk)
    from tests.factories import make_user

    root = make_user(org=world.tree["province"], role="staff")
    with pytest.raises(services.RightsError, match="最高一级"):
        services.request_escalate(actor=root, request_id=request.pk, reason="无")


def test_the_deadline_clock_flags_once_and_alerts(world, today):
    request = file(world)
    late = datetime(2026, 4, 24, 9, tzinfo=TZ)
    assert services.deadline_clock(now=late)["accept"] >= 1
    request.refresh_from_db()
    assert request.overdue_stage == OverdueStage.ACCEPT and request.overdue_at is not None
    assert events(world.submitter, "rights.request.overdue_accept") >= 1
    assert events(world.township, "rights.request.overdue_accept") >= 1
    alerts = Notification.objects.count()
    assert services.deadline_clock(now=late)["accept"] == 0
    assert Notification.objects.count() == alerts
    assert any(t.count and "逾期" in t.label for t in rights_todos(world.submitter))
    services.request_accept(actor=world.submitter, request_id=request.pk)
    much_later = datetime(2026, 5, 21, 9, tzinfo=TZ)
    services.deadline_clock(now=much_later)
    request.refresh_from_db()
    assert request.overdue_stage == OverdueStage.CONCLUDE
    services.request_conclude(
        actor=world.submitter, request_id=request.pk, outcome="partly", conclusion="部分"
    )
    request.refresh_from_db()
    assert request.concluded_late is False  # concluded on the travelled day, before the deadline


def test_three_requests_in_thirty_days_flag_the_enterprise(world, today):
    enterprise = world.enterprise_b
    services.request_file(worker=world.worker, kind="wages", facts=FACTS, enterprise_id=enterprise.pk,
                          now=datetime(2026, 3, 1, 9, tzinfo=TZ))  # fmt: skip
    file(world, enterprise)
    assert not EnterpriseFlag.objects.filter(enterprise=enterprise).exists()
    file(world, enterprise, kind=RequestKind.CONTRACT)
    assert not EnterpriseFlag.objects.filter(enterprise=enterprise).exists()  # the March one is too old
    file(world, enterprise, kind=RequestKind.INJURY)
    flag = EnterpriseFlag.objects.get(enterprise=enterprise)
    assert flag.request_count == 3 and flag.org_path == world.tree["grassroots_b"].path
    from tests.factories import make_user

    staff_b = make_user(org=world.tree["township_b"], role="staff")
    todos = flagged_enterprise_todos(staff_b)
    assert [t.count for t in todos] == [1] and "1 家企业" in todos[0].label
    assert flagged_enterprise_todos(world.county_b)[0].count == 1
    assert sum(t.count for t in flagged_enterprise_todos(world.township)) == 0  # another county's
    assert flagged_enterprise_todos(world.worker) == []
    assert flagged_enterprise_todos(world.cadre) == []  # cadres reach only their own pairings


def test_an_anonymous_tip_keeps_no_identity_and_is_found_by_its_code(world, today):
    audit_before = AuditEvent.objects.count()
    tip, code = services.tip_file(facts="储罐区可燃气体报警器已关闭多日。", enterprise_id=world.enterprise.pk,
                                  files=[jpeg()])  # fmt: skip
    assert tip.anonymous and tip.worker is None and tip.kind == RequestKind.SAFETY
    assert code not in tip.tracking_hash and len(tip.tracking_hash) == 64
    assert Evidence.objects.get(request=tip).file.uploaded_by is None
    assert AuditEvent.objects.count() == audit_before  # an audit event would keep the client's address
    assert services.tip_lookup(code) == tip
    assert services.tip_lookup(code.lower().replace("-", "")) == tip
    assert services.tip_lookup("AAAA-BBBB-CCCC") is None
    with pytest.raises(Http404):
        services.request_rate(worker=world.worker, request_id=tip.pk, rating=5)


def test_filing_twice_in_a_week_counts_in_the_trend(world, today):
    from rights.reports import dashboard_trend

    before = dashboard_trend(world.tree["county_a"].path, date(2026, 4, 13), date(2026, 4, 26))[0]
    file(world)
    after = dashboard_trend(world.tree["county_a"].path, date(2026, 4, 13), date(2026, 4, 26))[0]
    assert after.key == "rights.filed"
    assert [p[0] for p in after.points] == [date(2026, 4, 13), date(2026, 4, 20)]
    assert after.points[1][1] == before.points[1][1] + 1
    assert after.points[0][1] == before.points[0][1]


def test_dashboard_figures_for_siblings_and_the_parent_in_constant_queries(
    world, today, django_assert_num_queries
):
    from rights.reports import dashboard_figures

    tree = world.tree
    a = file(world)
    file(world, world.enterprise_b)
    services.request_accept(actor=world.submitter, request_id=a.pk)
    services.request_conclude(actor=world.submitter, request_id=a.pk, outcome="resolved", conclusion="好")
    paths = [tree["province"].path, tree["county_a"].path, tree["county_b"].path]
    figures = dashboard_figures(paths)
    value = {p: {f.key: f.value for f in figures[p]} for p in paths}
    rows = RightsRequest.objects.all()
    for path in paths:
        inside = rows.filter(origin_path__startswith=path)
        assert (
            value[path]["rights.open"]
            == inside.filter(state__in=["submitted", "accepted", "in_progress"]).count()
        )
        assert value[path]["rights.in_time"] == inside.filter(state="concluded", concluded_late=False).count()
    assert value[tree["province"].path]["rights.open"] == (
        value[tree["county_a"].path]["rights.open"] + value[tree["county_b"].path]["rights.open"]
    )
    assert value[tree["county_b"].path]["rights.open"] >= 1
    with django_assert_num_queries(6):  # three figures × two path lengths
        dashboard_figures(paths)
    many = [tree[k].path for k in ("county_a", "county_b", "township_a", "township_b", "province")]
    with django_assert_num_queries(9):  # three path lengths
        dashboard_figures(many)
    siblings = [tree["county_a"].path, tree["county_b"].path]
    with django_assert_num_queries(3):
        dashboard_figures(siblings)
    with django_assert_num_queries(3):
        dashboard_figures(siblings[:1])


def test_a_late_conclusion_counts_as_late(world, today):
    request = services.request_file(worker=world.worker, kind="dismissal", facts=FACTS, enterprise_id=world.enterprise.pk,
                                    now=datetime(2026, 3, 2, 9, tzinfo=TZ))  # fmt: skip
    services.request_accept(
        actor=world.submitter, request_id=request.pk, now=datetime(2026, 3, 3, 9, tzinfo=TZ)
    )
    services.request_conclude(actor=world.submitter, request_id=request.pk, outcome="resolved", conclusion="晚了",
                              now=datetime(2026, 4, 10, 9, tzinfo=TZ))  # fmt: skip
    request.refresh_from_db()
    assert request.concluded_late is True
    assert request.conclude_due == date(2026, 3, 2) + timedelta(days=30)
