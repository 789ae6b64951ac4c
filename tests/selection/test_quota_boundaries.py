"""The quota at its edge: a move with slots left, the move taking the last slot, the move after it.

Two checks guard a quota and each is tested on its own: the per-move guard of the transition edges
(``workflows.within_quota``, under the allocation's lock), which every single move passes, and the
batch check of ``services.forward``, which refuses a whole list before any of it moves. Then the lock
itself: a row lock on PostgreSQL, nothing on SQLite, where the database's single writer is what stops a
second forward from overspending (see ``quota_race``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import skip_unless_ci
from unionportal.audit.transitions import TransitionError, transition
from unionportal.selection import services
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Rule
from unionportal.selection.selectors import forwarded
from unionportal.selection.workflows import CANDIDACY_WORKFLOW, lock_quota

from .factories import nominate, world
from .quota_race import QUOTA, last_slot_race, last_slot_world

ROOT = Path(__file__).resolve().parents[2]


def county_world(waiting: int):
    w = world(county_quota=QUOTA)
    Rule.objects.filter(programme=w.programme).update(is_active=False)  # the quota alone is under test
    return w, [nominate(w, n, submit=True) for n in range(1, waiting + 1)]


def move(w, candidacy):
    """One candidacy from the county's queue to the city, through the transition edge alone."""
    return transition(
        workflow=CANDIDACY_WORKFLOW,
        pk=candidacy.pk,
        to=State.REVIEW2,
        actor=w.county_a,
        expected_from=State.REVIEW3,
    )


def used(w, org="county_a") -> int:
    return forwarded(w.programme, w.tree[org]).count()


# --- the per-move guard ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("before", [QUOTA - 2, QUOTA - 1], ids=["two slots left", "the last slot"])
def test_a_move_with_a_slot_left_goes_through(before):
    w, waiting = county_world(QUOTA + 1)
    for candidacy in waiting[:before]:
        move(w, candidacy)
    moved = move(w, waiting[before])
    assert moved.state == State.REVIEW2
    assert used(w) == before + 1


@pytest.mark.django_db
def test_a_move_once_the_quota_is_used_up_is_refused_and_changes_nothing():
    w, waiting = county_world(QUOTA + 1)
    for candidacy in waiting[:QUOTA]:
        move(w, candidacy)
    with pytest.raises(TransitionError) as refused:
        move(w, waiting[QUOTA])
    assert refused.value.message == "County a 的名额为 3 个，已报送 3 个，本次选择 1 个，超出 1 个。"
    assert Candidacy.objects.get(pk=waiting[QUOTA].pk).state == State.REVIEW3
    assert used(w) == QUOTA


@pytest.mark.django_db
def test_the_province_approves_up_to_the_programme_total_and_not_one_more():
    w = world(quota=2)
    Rule.objects.filter(programme=w.programme).update(is_active=False)
    waiting = [nominate(w, n, submit=True) for n in range(1, 4)]
    pks = [c.pk for c in waiting]
    services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks)
    services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=pks)

    def approve(candidacy):
        return transition(
            workflow=CANDIDACY_WORKFLOW,
            pk=candidacy.pk,
            to=State.APPROVED,
            actor=w.province,
            expected_from=State.REVIEW1,
        )

    assert approve(waiting[0]).state == State.APPROVED  # one slot of two left
    assert approve(waiting[1]).state == State.APPROVED  # the last slot
    with pytest.raises(TransitionError) as refused:
        approve(waiting[2])
    assert refused.value.message == "Province 的名额为 2 个，已报送 2 个，本次选择 1 个，超出 1 个。"
    assert used(w, "province") == 2


# --- the batch check of forward -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("batch", [QUOTA - 2, QUOTA - 1], ids=["a slot to spare", "fills it exactly"])
def test_forwarding_a_batch_within_the_quota_goes_through(batch):
    w, waiting = county_world(QUOTA + 2)
    move(w, waiting[0])
    pks = [c.pk for c in waiting[1 : 1 + batch]]
    moved = services.forward(
        actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks
    )
    assert [c.state for c in moved] == [State.REVIEW2] * batch
    assert used(w) == 1 + batch


@pytest.mark.django_db
def test_forwarding_a_batch_one_over_the_quota_is_refused_whole():
    w, waiting = county_world(QUOTA + 2)
    move(w, waiting[0])
    pks = [c.pk for c in waiting[1 : 1 + QUOTA]]
    with pytest.raises(services.SelectionError) as refused:
        services.forward(actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=pks)
    assert refused.value.message == "County a 的名额为 3 个，已报送 1 个，本次选择 3 个，超出 1 个。"
    assert used(w) == 1
    assert set(Candidacy.objects.filter(pk__in=pks).values_list("state", flat=True)) == {State.REVIEW3}


# --- the lock --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("org", "table"), [("county_a", "selection_allocation"), ("province", "selection_programme")]
)
def test_the_quota_lock_is_a_row_lock_on_postgresql_and_a_plain_read_on_sqlite(org, table):
    """A union's allocation row, the province's programme row. SQLite has no row locks: Django drops
    FOR UPDATE there, which is why the race below is run on both databases."""
    w = world()
    with CaptureQueriesContext(connection) as queries:
        lock_quota(w.programme, w.tree[org])
    [sql] = [q["sql"] for q in queries.captured_queries]
    assert f'FROM "{table}"' in sql
    assert sql.endswith("FOR UPDATE") is (connection.vendor == "postgresql")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_forward_waits_for_the_lock_and_is_refused_with_the_figures():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")
    w, first, second = last_slot_world()
    outcome = last_slot_race(w, first, second)
    assert outcome == {
        "A": "forwarded",
        "B": "County a 的名额为 3 个，已报送 3 个，本次选择 1 个，超出 1 个。",
        "B finished while A held the lock": False,
        "forwarded": QUOTA,
        "still waiting": [second.name],
    }


def test_on_an_sqlite_file_a_second_forward_waits_for_the_first(tmp_path):
    """The embedded database (``make run``): a file in WAL mode, as the settings open it, in a process
    of its own. SQLite ignores select_for_update; the settings' ``transaction_mode: IMMEDIATE`` takes
    the write lock when the atomic block begins, so B waits for A and is then refused with the quota's
    figures, as on PostgreSQL. Without that option B would forward the last slot while A held the
    "lock", and A would be stopped by SQLite itself ("database is locked"): never an overspend, but an
    error page instead of the quota's message (the second branch keeps that case described)."""
    result = tmp_path / "race.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="unionportal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "tests.selection.quota_race", str(result)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(result.read_text(encoding="utf-8"))
    assert outcome.pop("forwarded") == QUOTA
    if outcome.pop("transaction_mode") == "IMMEDIATE":
        assert outcome == {
            "A": "forwarded",
            "B": "County a 的名额为 3 个，已报送 3 个，本次选择 1 个，超出 1 个。",
            "B finished while A held the lock": False,
            "still waiting": ["候选人4"],
        }
    else:
        assert outcome == {
            "A": "OperationalError: database is locked",
            "B": "forwarded",
            "B finished while A held the lock": True,
            "still waiting": ["候选人3"],
        }
