"""Assignment under concurrency, on PostgreSQL: automatic runs started together on one panel, and
experts declaring conflicts at the same instant, never give a candidate more than N experts nor one
expert a candidate twice (each write locks the panel first)."""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import skip_unless_ci
from tests.experts.factories import expert_world
from unionportal.selection.experts import services
from unionportal.selection.experts.enums import ACTIVE_STATES
from unionportal.selection.experts.models import Assignment

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def _postgres_only():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks and parallel writers need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")


def _together(work, jobs):
    barrier = threading.Barrier(len(jobs))
    crashed = []

    def worker(job):
        try:
            barrier.wait(timeout=30)
            work(job)
        except Exception as exc:  # reported below: the test fails on any
            crashed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return crashed


def _per_candidate():
    rows = Assignment.objects.filter(state__in=ACTIVE_STATES).values_list("candidacy_id", "expert_id")
    counts = {}
    for cid, _eid in rows:
        counts[cid] = counts.get(cid, 0) + 1
    return counts


def test_parallel_automatic_runs_assign_each_candidate_exactly_n_experts():
    _postgres_only()
    w = expert_world(candidates=6, experts=5, per_candidate=3)
    crashed = _together(
        lambda _n: services.assign_auto(actor=w.province, panel=w.panel), list(range(THREADS))
    )
    assert crashed == []
    assert _per_candidate() == {c.pk: 3 for c in w.candidacies}


def test_parallel_conflict_declarations_keep_n_experts_each():
    _postgres_only()
    w = expert_world(candidates=4, experts=6, per_candidate=2)
    services.assign_auto(actor=w.province, panel=w.panel)
    first = list(Assignment.objects.order_by("candidacy_id", "pk"))
    # One expert of each candidate declares a conflict at once: each reassignment fills one place.
    declaring = {}
    for row in first:
        declaring.setdefault(row.candidacy_id, row)
    jobs = list(declaring.values())
    crashed = _together(
        lambda row: services.declare(
            actor=row.expert.user, assignment_id=row.pk, conflict=True, note="同一单位"
        ),
        jobs,
    )
    assert crashed == []
    assert _per_candidate() == {c.pk: 2 for c in w.candidacies}
    pairs = list(Assignment.objects.values_list("candidacy_id", "expert_id"))
    assert len(pairs) == len(set(pairs)) == 4 * 3
