"""A household's moves carry their fields: filing stamps ``filed_on`` and a move that closes the file keeps
its reason in ``closed_reason``, both in the transition's one compare-and-set UPDATE and named in its
audit event; nobody writes them after the move."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assistance import services
from assistance.enums import HouseholdState as S
from assistance.models import Household
from assistance.workflows import HOUSEHOLD_WORKFLOW, household_transition
from tests.assistance.factories import MEMBERS, household_fields, ledger
from unionportal.audit.models import AuditEvent
from unionportal.audit.presenting import describe
from unionportal.audit.transitions import TransitionError, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return ledger()


def applied(world, n=1):
    return services.household_create(
        actor=world.cadre, enterprise=world.enterprise, members=MEMBERS, **household_fields(n)
    )


def move(world, household, *targets, comment=""):
    for to in targets:
        actor = world.cadre if to == S.VERIFIED else world.staff_a
        household_transition(actor=actor, household_id=household.pk, to=to, comment=comment)


def household_updates(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].startswith('UPDATE "assistance_household"')]


def last_event(household) -> AuditEvent:
    return (
        AuditEvent.objects.filter(action="assistance.household.transition", object_id=str(household.pk))
        .select_related("actor", "content_type")
        .latest("at", "id")
    )


def test_filing_stamps_the_date_in_the_one_update_and_the_audit_event(world):
    household = applied(world)
    move(world, household, S.VERIFIED, S.APPRAISED, S.NOTICED)
    with CaptureQueriesContext(connection) as captured:
        filed = household_transition(actor=world.staff_a, household_id=household.pk, to=S.FILED)
    [update] = household_updates(captured)
    assert '"filed_on"' in update and '"state"' in update
    today = timezone.localdate()
    assert filed.filed_on == today
    stored = Household.objects.get(pk=household.pk)
    assert (stored.state, stored.filed_on, stored.closed_reason) == (S.FILED, today, "")
    event = last_event(household)
    assert (event.from_state, event.to_state) == (S.NOTICED, S.FILED)
    assert event.changes == {"filed_on": ["", today.isoformat()]}
    [row] = describe([event])
    assert row.changes == [("建档日期", "—", today.isoformat())]


def test_filing_stamps_the_local_date_of_the_move(world):
    household = applied(world)
    move(world, household, S.VERIFIED, S.APPRAISED, S.NOTICED)
    # 23:30 on 1 May in UTC is already 2 May in the site's time zone (Asia/Shanghai).
    late = datetime(2026, 5, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    transition(workflow=HOUSEHOLD_WORKFLOW, pk=household.pk, to=S.FILED, actor=world.staff_a, now=late)
    assert Household.objects.get(pk=household.pk).filed_on == date(2026, 5, 2)


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ((S.VERIFIED, S.APPRAISED, S.NOTICED, S.FILED), S.EXITED),
        ((S.VERIFIED, S.APPRAISED, S.NOTICED, S.FILED), S.ESCAPED),
        ((), S.REJECTED),
        ((S.VERIFIED, S.APPRAISED, S.NOTICED), S.REJECTED),
    ],
)
def test_a_closing_move_keeps_its_reason_in_the_one_update_and_the_audit_event(world, path, to):
    household = applied(world)
    move(world, household, *path)
    with CaptureQueriesContext(connection) as captured:
        closed = household_transition(
            actor=world.staff_a, household_id=household.pk, to=to, comment="调离本省"
        )
    [update] = household_updates(captured)
    assert '"closed_reason"' in update and '"state"' in update
    assert closed.closed_reason == "调离本省"
    stored = Household.objects.get(pk=household.pk)
    assert (stored.state, stored.closed_reason) == (to, "调离本省")
    event = last_event(household)
    assert (event.to_state, event.comment) == (to, "调离本省")
    assert event.changes == {"closed_reason": ["", "调离本省"]}


def test_the_reason_is_cut_to_what_the_column_holds_and_the_comment_kept_whole(world):
    household = applied(world)
    reason = "理" * 350
    household_transition(actor=world.staff_a, household_id=household.pk, to=S.REJECTED, comment=reason)
    assert Household.objects.get(pk=household.pk).closed_reason == "理" * 300
    event = last_event(household)
    assert event.comment == reason
    assert event.changes == {"closed_reason": ["", "理" * 300]}


def test_moves_that_neither_file_nor_close_set_nothing_else(world):
    household = applied(world)
    with CaptureQueriesContext(connection) as captured:
        household_transition(actor=world.cadre, household_id=household.pk, to=S.VERIFIED, comment="已核实")
    [update] = household_updates(captured)
    assert '"filed_on"' not in update and '"closed_reason"' not in update
    assert last_event(household).changes == {}


def test_every_edge_that_files_or_closes_declares_its_field():
    for edge in HOUSEHOLD_WORKFLOW.edges:
        if edge.target == S.FILED:
            assert set(edge.sets) == {"filed_on"}
        elif edge.target in (S.ESCAPED, S.EXITED, S.REJECTED):
            assert set(edge.sets) == {"closed_reason"} and edge.needs_comment
        else:
            assert not edge.sets


def test_a_move_that_loses_the_race_writes_neither_state_nor_reason(world, monkeypatch):
    household = applied(world)
    as_read = Household.objects.select_related("enterprise", "organisation").get(pk=household.pk)
    household_transition(actor=world.staff_a, household_id=household.pk, to=S.REJECTED, comment="不符合")
    monkeypatch.setattr(HOUSEHOLD_WORKFLOW, "access", lambda actor, pk, for_update=False: as_read)
    with pytest.raises(TransitionError) as refused:
        household_transition(
            actor=world.staff_a, household_id=household.pk, to=S.REJECTED, comment="另一理由"
        )
    assert refused.value.message == "该记录已被他人处理，请刷新后再操作。"
    stored = Household.objects.get(pk=household.pk)
    assert (stored.state, stored.closed_reason) == (S.REJECTED, "不符合")
    assert AuditEvent.objects.filter(action="assistance.household.transition").count() == 1
