"""Counts under concurrency, on PostgreSQL: 2,000 votes cast in parallel by 2,000 voters on 16
connections at once are all counted, exactly; and 20 votes of one voter for one candidate at the same
instant, against a limit of one, leave exactly one vote."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests.conftest import skip_unless_ci
from unionportal.selection.voting import selectors, services
from unionportal.selection.voting.enums import VoteStatus
from unionportal.selection.voting.models import Vote, Voter, VoterSession, session_digest

from .factories import vote_world

pytestmark = pytest.mark.django_db(transaction=True)

VOTES = 2000
THREADS = 16


def _postgres_only():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks and parallel writers need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")


def _sessions(count: int) -> list[tuple[VoterSession, str]]:
    now = timezone.now()
    voters = Voter.objects.bulk_create(
        Voter(
            phone=f"1{30 + n // 100000:02d}{n % 100000:05d}{n % 10000:04d}"[:11],
            consent_at=now,
            consent_text="同意",
        )
        for n in range(count)
    )
    keys = [f"concurrent-{n}" for n in range(count)]
    sessions = VoterSession.objects.bulk_create(
        VoterSession(digest=session_digest(k), voter=v, expires_at=now + timedelta(days=1), device=f"dev{n}")
        for n, (v, k) in enumerate(zip(voters, keys, strict=True))
    )
    return list(zip(sessions, keys, strict=True))


def _run(jobs, work):
    """Run ``work(job)`` for every job on THREADS connections started together; (results, crashes)."""
    barrier = threading.Barrier(THREADS)
    results, crashed, lock = [], [], threading.Lock()
    slices = [jobs[i::THREADS] for i in range(THREADS)]

    def worker(mine):
        try:
            barrier.wait(timeout=30)
            for job in mine:
                outcome = work(job)
                with lock:
                    results.append(outcome)
        except Exception as error:
            crashed.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(s,)) for s in slices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results, crashed


def test_two_thousand_parallel_votes_are_counted_exactly():
    _postgres_only()
    w = vote_world(candidates=10, candidates_per_day=10)
    candidates = w.candidates
    sessions = _sessions(VOTES)
    jobs = [(n, session, key, candidates[n % len(candidates)]) for n, (session, key) in enumerate(sessions)]

    def vote(job):
        n, session, key, candidate = job
        # Every vote from an address, network and device of its own: the checks have nothing to flag.
        cast = services.vote_cast(
            stage_id=w.stage.pk,
            candidate_id=candidate.pk,
            session_key=key,
            token=services.vote_token(session),
            client_ip=f"10.{n // 250}.{n % 250}.1",
            device=session.device,
        )
        return candidate.pk, cast.counted

    results, crashed = _run(jobs, vote)
    assert crashed == []
    assert len(results) == VOTES
    accepted = Counter(pk for pk, counted in results if counted)
    assert sum(accepted.values()) == VOTES
    assert selectors.counts(w.stage) == dict(accepted)
    assert Vote.objects.filter(stage=w.stage, status=VoteStatus.COUNTED).count() == VOTES


def test_one_voter_racing_against_the_limit_gets_exactly_one_vote():
    _postgres_only()
    w = vote_world(candidates=1)
    [(session, key)] = _sessions(1)
    candidate = w.candidates[0]
    jobs = [(n, services.vote_token(session)) for n in range(THREADS)]

    def vote(job):
        n, token = job
        try:
            services.vote_cast(
                stage_id=w.stage.pk,
                candidate_id=candidate.pk,
                session_key=key,
                token=token,
                client_ip=f"10.9.{n}.1",
                device=f"race{n}",
            )
        except services.VoteRefused as refusal:
            return refusal.message
        return "ok"

    results, crashed = _run(jobs, vote)
    assert crashed == []
    assert results.count("ok") == 1
    assert set(results) - {"ok"} == {"每位投票人每天可为同一候选人投 1 票。您已为 候选人1 投过 1 票。"}
    assert Vote.objects.filter(stage=w.stage).count() == 1
