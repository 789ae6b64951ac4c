"""The fields a move sets (submitted_at, the notice batch, an objection's findings, handler and time) are
written in the transition's own compare-and-set UPDATE and named in its audit event: a move that loses
the race writes none of them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from unionportal.audit.models import AuditEvent
from unionportal.audit.presenting import describe
from unionportal.audit.transitions import TransitionError, transition
from unionportal.selection import services
from unionportal.selection.enums import ObjectionState, State
from unionportal.selection.models import Candidacy, Objection
from unionportal.selection.workflows import CANDIDACY_WORKFLOW, OBJECTION_WORKFLOW

from .factories import nominate, world

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def events(obj, workflow):
    return list(
        AuditEvent.objects.filter(action=f"{workflow.name}.transition", object_id=str(obj.pk))
        .select_related("actor", "content_type")
        .order_by("at", "id")
    )


def stale(monkeypatch, workflow, obj):
    """Make the workflow fetch ``obj`` as it was read earlier: what a second request holding the old
    state sees on a database without row locks (SQLite), where only the compare-and-set stops it."""
    monkeypatch.setattr(workflow, "access", lambda actor, pk, for_update=False: obj)


def open_objection(w):
    c = nominate(w, 1, submit=True)
    for org, actor in (("county_a", w.county_a), ("city_a", w.city_a), ("province", w.province)):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=[c.pk])
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=date.today(), office="o", phone="p", address="a"
    )
    return notice, services.objection_lodge(
        notice=notice,
        candidacy_id=c.pk,
        name="群众",
        contact="13800001111",
        reason="反映情况",
        token=services.objection_form_token(),
        today=date.today(),
    )


# --- submitting ---------------------------------------------------------------------------------


def test_submit_stamps_submitted_at_with_the_state_and_names_it_in_the_event():
    w = world()
    draft = nominate(w, 1)
    at = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    services.candidacy_submit(actor=w.submitter_a, pk=draft.pk, now=at)
    draft.refresh_from_db()
    assert (draft.state, draft.submitted_at) == (State.REVIEW3, at)
    [event] = events(draft, CANDIDACY_WORKFLOW)
    assert event.changes == {"submitted_at": ["", at.astimezone(SHANGHAI).isoformat()]}
    [row] = describe([event])
    assert row.changes == [("提交时间", "—", at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"))]


def test_a_second_submit_from_the_stale_draft_writes_nothing(monkeypatch):
    w = world()
    draft = nominate(w, 1)
    as_read = Candidacy.objects.select_related("programme__campaign", "organisation").get(pk=draft.pk)
    first = timezone.now() - timedelta(hours=1)
    services.candidacy_submit(actor=w.submitter_a, pk=draft.pk, now=first)
    stale(monkeypatch, CANDIDACY_WORKFLOW, as_read)
    with pytest.raises(TransitionError) as refused:
        transition(
            workflow=CANDIDACY_WORKFLOW,
            pk=draft.pk,
            to=State.REVIEW3,
            actor=w.submitter_a,
            expected_from=State.DRAFT,
            now=timezone.now(),
        )
    assert refused.value.message == "该记录已被他人处理，请刷新后再操作。"
    draft.refresh_from_db()
    assert (draft.state, draft.submitted_at) == (State.REVIEW3, first)
    assert len(events(draft, CANDIDACY_WORKFLOW)) == 1


# --- the notice batch ---------------------------------------------------------------------------


def test_going_on_notice_sets_the_batch_with_the_state():
    w = world()
    notice, objection = open_objection(w)
    candidacy = Candidacy.objects.get(pk=objection.candidacy_id)
    assert (candidacy.state, candidacy.notice_id) == (State.NOTICE, notice.pk)
    event = events(candidacy, CANDIDACY_WORKFLOW)[-1]
    assert (event.to_state, event.changes) == (State.NOTICE, {"notice": ["", str(notice)]})
    [row] = describe([event])
    assert row.changes == [("公示批次", "—", str(notice))]


# --- closing an objection -----------------------------------------------------------------------


def test_closing_an_objection_records_findings_handler_and_time_with_the_state():
    w = world()
    _notice, objection = open_objection(w)
    before = timezone.now()
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=False, findings="经核实，反映不实。")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DISMISSED
    assert (objection.findings, objection.handled_by) == ("经核实，反映不实。", w.province)
    assert before <= objection.handled_at <= timezone.now()
    [event] = events(objection, OBJECTION_WORKFLOW)
    handled_at = timezone.localtime(objection.handled_at)
    assert event.changes == {
        "findings": ["", "经核实，反映不实。"],
        "handled_by": ["", "prov"],
        "handled_at": ["", handled_at.isoformat()],
    }
    [row] = describe([event])
    assert (row.from_state, row.to_state) == ("调查核实中", "异议不成立")
    assert row.changes == [
        ("调查核实情况", "—", "经核实，反映不实。"),
        ("处理人", "—", "prov"),
        ("办结时间", "—", handled_at.strftime("%Y-%m-%d %H:%M")),
    ]


def test_a_second_close_from_the_stale_open_case_writes_nothing(monkeypatch):
    w = world()
    _notice, objection = open_objection(w)
    as_read = Objection.objects.select_related("candidacy__organisation", "notice__programme").get(
        pk=objection.pk
    )
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=False, findings="反映不实")
    closed = Objection.objects.get(pk=objection.pk)
    stale(monkeypatch, OBJECTION_WORKFLOW, as_read)
    with pytest.raises(TransitionError) as refused:
        transition(
            workflow=OBJECTION_WORKFLOW,
            pk=objection.pk,
            to=ObjectionState.UPHELD,
            actor=w.province,
            comment="属实",
            expected_from=ObjectionState.OPEN,
            now=timezone.now() + timedelta(minutes=5),
        )
    assert refused.value.message == "该记录已被他人处理，请刷新后再操作。"
    after = Objection.objects.get(pk=objection.pk)
    assert (after.state, after.findings, after.handled_by_id, after.handled_at) == (
        ObjectionState.DISMISSED,
        "反映不实",
        w.province.pk,
        closed.handled_at,
    )
    assert len(events(objection, OBJECTION_WORKFLOW)) == 1


def test_deciding_a_closed_case_again_is_refused_and_keeps_the_first_findings():
    w = world()
    _notice, objection = open_objection(w)
    services.objection_decide(actor=w.province, pk=objection.pk, upheld=False, findings="反映不实")
    with pytest.raises(TransitionError) as refused:
        services.objection_decide(actor=w.province, pk=objection.pk, upheld=True, findings="属实")
    assert refused.value.message == "该记录已被他人处理，当前状态为“异议不成立”，请刷新后再操作。"
    objection.refresh_from_db()
    assert (objection.state, objection.findings) == (ObjectionState.DISMISSED, "反映不实")
    assert Candidacy.objects.get(pk=objection.candidacy_id).state == State.NOTICE


def test_an_approval_over_the_province_total_has_the_one_quota_message():
    w = world(quota=1)
    a, b = (nominate(w, n, submit=True) for n in (1, 2))
    for org, actor in (("county_a", w.county_a), ("city_a", w.city_a)):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=[a.pk, b.pk])
    services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[a.pk])
    with pytest.raises(TransitionError) as single:
        transition(workflow=CANDIDACY_WORKFLOW, pk=b.pk, to=State.APPROVED, actor=w.province)
    with pytest.raises(TransitionError) as batch:
        services.forward(actor=w.province, programme=w.programme, organisation=w.tree["province"], pks=[b.pk])
    assert (
        single.value.message
        == batch.value.message
        == "Province 的名额为 1 个，已报送 1 个，本次选择 1 个，超出 1 个。"
    )


def test_a_time_is_told_in_local_time_whatever_zone_it_was_written_in():
    at = datetime(2026, 4, 27, 2, 5, tzinfo=ZoneInfo("UTC"))
    event = AuditEvent(
        at=at,
        action=f"{OBJECTION_WORKFLOW.name}.transition",
        content_type=ContentType.objects.get_for_model(Objection),
        from_state=ObjectionState.OPEN,
        to_state=ObjectionState.UPHELD,
        changes={"handled_at": ["", at.isoformat()], "state": ["open", "upheld"]},
    )
    [row] = describe([event])
    assert row.changes == [("状态", "调查核实中", "异议成立"), ("办结时间", "—", "2026-04-27 10:05")]
