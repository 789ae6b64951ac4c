"""The activity-report workflow on the shared transition service: every edge, every refusal, races."""

import threading
from unittest import mock

import pytest
from django.db import close_old_connections, connection
from django.http import Http404

from tests.campaigns.conftest import make_report
from tests.conftest import skip_unless_ci
from unionportal.audit.models import AuditEvent
from unionportal.audit.transitions import TransitionError
from unionportal.campaigns.enums import ReportState
from unionportal.campaigns.models import ActivityReport
from unionportal.campaigns.services import activity_report_transition
from unionportal.campaigns.workflows import ACTIVITY_REPORT_WORKFLOW
from unionportal.notifications.models import Notification

D, S, A, R = ReportState.DRAFT, ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED
ACTION = "campaigns.activity_report.transition"

# (source, target, actor, comment, event, recipients): submitting tells the parent union's staff;
# accepting and returning tell the author and the union's submitters.
EDGES = [
    (D, S, "submitter_a", "", "campaigns.activity_report.submitted", {"township_a_staff"}),
    (R, S, "union_staff_a", "已补充照片", "campaigns.activity_report.submitted", {"township_a_staff"}),
    (
        S,
        A,
        "township_a_staff",
        "内容完整",
        "campaigns.activity_report.accepted",
        {"submitter_a", "second_submitter"},
    ),
    (
        S,
        R,
        "county_a_staff",
        "照片不清晰",
        "campaigns.activity_report.returned",
        {"submitter_a", "second_submitter"},
    ),
]


def test_the_cases_cover_every_edge_of_the_workflow():
    assert {(e.source, e.target) for e in ACTIVITY_REPORT_WORKFLOW.edges} == {(s, t) for s, t, *_ in EDGES}


@pytest.fixture
def users(people, tree):
    from tests.factories import Role, make_user

    by_name = {u.username: u for u in people.values()}
    by_name["second_submitter"] = make_user("second_submitter", org=tree["grassroots_a"], role=Role.SUBMITTER)
    return by_name


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target", "actor", "comment", "event", "recipients"), EDGES)
def test_each_edge_writes_one_audit_event_and_the_expected_notifications(
    tree, people, users, campaign, source, target, actor, comment, event, recipients
):
    report = make_report(tree, people, state=source)
    audit_before = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not Notification.objects.exists()

    result = activity_report_transition(actor=users[actor], report_id=report.pk, to=target, comment=comment)

    assert result.state == target
    report.refresh_from_db()
    assert report.state == target
    events = AuditEvent.objects.exclude(pk__in=audit_before)
    assert events.count() == 1
    e = events.get()
    assert (e.action, e.from_state, e.to_state, e.actor, e.comment, e.object_id) == (
        ACTION,
        source,
        target,
        users[actor],
        comment,
        str(report.pk),
    )
    assert e.org_path == tree["grassroots_a"].path
    rows = list(Notification.objects.values_list("recipient__username", "channel", "event", "url"))
    assert sorted(rows) == sorted(
        (username, "inbox", event, f"/campaigns/reports/{report.pk}/") for username in recipients
    )


@pytest.mark.django_db
def test_the_notifications_say_what_happened(tree, people, campaign):
    report = make_report(tree, people, state=S)
    activity_report_transition(
        actor=people["township_a"], report_id=report.pk, to=R, comment="请补充活动照片"
    )
    row = Notification.objects.get()
    assert (row.subject, row.body) == (
        "活动报告《“五一”职工趣味运动会》被退回修改",
        "退回理由：请补充活动照片",
    )
    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=S)
    row = Notification.objects.get(event="campaigns.activity_report.submitted")
    assert row.subject == "待审核的基层活动报告：Union a《“五一”职工趣味运动会》"
    assert (
        row.body
        == "Union a提交了活动报告《“五一”职工趣味运动会》（2026-04-28，厂区篮球场，260人参与），请审核。"
    )


@pytest.mark.django_db
def test_without_staff_at_the_parent_the_nearest_ancestor_with_staff_hears_of_a_submission(
    tree, people, campaign
):
    people["township_a"].memberships.update(is_active=False)
    report = make_report(tree, people, state=D)
    activity_report_transition(actor=people["submitter_a"], report_id=report.pk, to=S)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["county_a_staff"]


# --- refusals: nothing changes --------------------------------------------------------------------------

REFUSED = [
    # (state, target, actor, comment, exact message)
    (D, A, "township_a_staff", "", "不能从“草稿”变为“已采用”。"),
    (D, R, "township_a_staff", "不行", "不能从“草稿”变为“已退回”。"),
    (A, R, "township_a_staff", "撤回", "不能从“已采用”变为“已退回”。"),
    (S, S, "submitter_a", "", "不能从“已提交”变为“已提交”。"),
    (S, A, "submitter_a", "", "您无权执行此操作。"),  # the union may not accept its own report
    (S, A, "union_staff_a", "", "您无权执行此操作。"),  # nor may the union's own staff
    (D, S, "township_a_staff", "", "您无权执行此操作。"),  # reviewers do not submit for the union
    (S, R, "township_a_staff", "  ", "请填写理由。"),
]


def _snapshot(report):
    report.refresh_from_db()
    return (
        report.state,
        report.updated_at,
        list(AuditEvent.objects.values_list("pk", flat=True)),
        list(Notification.objects.values_list("pk", flat=True)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "target", "actor", "comment", "message"), REFUSED)
def test_a_forbidden_move_changes_nothing_and_says_why(
    tree, people, users, campaign, state, target, actor, comment, message
):
    report = make_report(tree, people, state=state)
    before = _snapshot(report)
    with pytest.raises(TransitionError) as error:
        activity_report_transition(actor=users[actor], report_id=report.pk, to=target, comment=comment)
    assert error.value.message == message
    assert _snapshot(report) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "target", "actor"),
    [
        (S, A, "township_b_staff"),  # staff of another branch
        (S, R, "city_b_staff"),
        (D, S, "submitter_b"),  # a submitter of another union
    ],
)
def test_a_user_out_of_scope_gets_404_and_nothing_changes(tree, people, campaign, state, target, actor):
    report = make_report(tree, people, state=state)
    before = _snapshot(report)
    by_name = {u.username: u for u in people.values()}
    with pytest.raises(Http404):
        activity_report_transition(actor=by_name[actor], report_id=report.pk, to=target, comment="理由")
    assert _snapshot(report) == before


# --- two reviewers at once ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_of_two_reviewers_who_saw_the_same_state_one_wins(tree, people, campaign):
    report = make_report(tree, people, state=S)
    activity_report_transition(actor=people["township_a"], report_id=report.pk, to=A, expected_from=S)
    before = _snapshot(report)
    with pytest.raises(TransitionError) as error:
        activity_report_transition(
            actor=people["county_a"], report_id=report.pk, to=R, comment="照片不清晰", expected_from=S
        )
    assert error.value.message == "该记录已被他人处理，当前状态为“已采用”，请刷新后再操作。"
    assert _snapshot(report) == before
    assert AuditEvent.objects.filter(action=ACTION).count() == 1


@pytest.mark.django_db
def test_a_move_read_from_a_stale_row_loses_the_compare_and_set(tree, people, campaign):
    """Without row locks (SQLite) two calls may both read "submitted": the state compare-and-set stops
    the second one."""
    report = make_report(tree, people, state=S)
    stale = ActivityReport.objects.select_related("organisation").get(pk=report.pk)
    activity_report_transition(actor=people["township_a"], report_id=report.pk, to=A)
    before = _snapshot(report)
    with (
        mock.patch.object(ACTIVITY_REPORT_WORKFLOW, "access", lambda actor, pk, for_update=False: stale),
        pytest.raises(TransitionError) as error,
    ):
        activity_report_transition(actor=people["county_a"], report_id=report.pk, to=R, comment="照片不清晰")
    assert error.value.message == "该记录已被他人处理，请刷新后再操作。"
    assert _snapshot(report) == before
    assert ActivityReport.objects.get(pk=report.pk).state == A


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reviewers_on_postgresql_one_wins(tree, people, campaign):
    if connection.vendor != "postgresql":
        skip_unless_ci("needs PostgreSQL row locks (DATABASE_URL=postgres://…)")
    report = make_report(tree, people, state=S)
    barrier = threading.Barrier(2)
    outcomes = {}

    def review(name, target, comment):
        try:
            barrier.wait(timeout=10)
            activity_report_transition(
                actor=people[name], report_id=report.pk, to=target, comment=comment, expected_from=S
            )
            outcomes[name] = "won"
        except TransitionError as error:
            outcomes[name] = error.message
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=review, args=("township_a", A, "")),
        threading.Thread(target=review, args=("county_a", R, "照片不清晰")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert list(outcomes.values()).count("won") == 1 and len(outcomes) == 2
    loser = next(message for message in outcomes.values() if message != "won")
    assert loser.startswith("该记录已被他人处理，当前状态为“")
    assert AuditEvent.objects.filter(action=ACTION).count() == 1
    assert ActivityReport.objects.get(pk=report.pk).state in (A, R)
