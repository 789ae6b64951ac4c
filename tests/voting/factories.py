"""Builders for vote tests: a programme whose candidacies the province holds, a vote opened on them,
verified voters (a session each) and votes cast through the service."""

import itertools
from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from tests.experts.factories import expert_world, score
from tests.selection.factories import nominate, world
from unionportal.selection.enums import State
from unionportal.selection.experts import services as experts
from unionportal.selection.experts.models import Assignment
from unionportal.selection.models import Candidacy
from unionportal.selection.voting import services
from unionportal.selection.voting.models import Voter, VoterSession, VoteStage, session_digest

_phones = itertools.count(1)


def vote_world(*, candidates=3, open_vote=True, **settings):
    w = world(quota=50, county_quota=20, city_quota=30)
    rows = [nominate(w, n, submit=True) for n in range(1, candidates + 1)]
    # The province holds them (its review): what a vote may be opened on.
    Candidacy.objects.filter(pk__in=[c.pk for c in rows]).update(state=State.REVIEW1)
    now = timezone.now()
    values = {
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=3),
        "period": "day",
        "votes_per_candidate": 1,
        "candidates_per_day": 2,
        "hide_results": False,
        "expert_weight": 70,
        "public_weight": 30,
        **settings,
    }
    stage = services.stage_save(actor=w.province, programme=w.programme, values=values)
    if open_vote:
        stage = services.stage_open(actor=w.province, stage=stage, candidacy_ids=[c.pk for c in rows])
    stage = VoteStage.objects.select_related("programme").get(pk=stage.pk)
    return SimpleNamespace(**vars(w), stage=stage, candidacies=rows, candidates=list(stage.candidates.all()))


def voter_session(phone=None, *, device="dev"):
    """A verified voter and the key of their session (what the cookie holds)."""
    k = next(_phones)
    phone = phone or f"13{k % 1000:03d}{k:06d}"  # a number segment of its own
    voter, _created = Voter.objects.get_or_create(
        phone=phone, defaults={"consent_at": timezone.now(), "consent_text": "同意"}
    )
    key = f"key-{phone}-{next(_phones)}"
    session = VoterSession.objects.create(
        digest=session_digest(key), voter=voter, expires_at=timezone.now() + timedelta(days=30), device=device
    )
    return session, key


def cast(stage, candidate, *, session=None, key=None, ip="203.0.113.9", device="dev", now=None, token=None):
    if session is None:
        session, key = voter_session(device=device)
    return services.vote_cast(
        stage_id=stage.pk,
        candidate_id=candidate.pk,
        session_key=key,
        token=token if token is not None else services.vote_token(session),
        client_ip=ip,
        device=device,
        now=now,
    )


def scored_vote_world():
    """Three candidacies with expert scores (two experts each, submitted) and an open vote on them."""
    w = expert_world(candidates=3, experts=2, per_candidate=2)
    experts.assign_auto(actor=w.province, panel=w.panel)
    points = {w.candidacies[0].pk: (40, 20, 10), w.candidacies[1].pk: (50, 30, 20)}  # 70 and 100
    for row in Assignment.objects.filter(candidacy_id__in=points):
        score(row, points[row.candidacy_id])
    now = timezone.now()
    stage = services.stage_save(
        actor=w.province,
        programme=w.programme,
        values={
            "opens_at": now - timedelta(hours=1),
            "closes_at": now + timedelta(days=3),
            "period": "day",
            "votes_per_candidate": 1,
            "candidates_per_day": 3,
            "hide_results": False,
            "expert_weight": 70,
            "public_weight": 30,
        },
    )
    stage = services.stage_open(actor=w.province, stage=stage, candidacy_ids=[c.pk for c in w.candidacies])
    stage = VoteStage.objects.select_related("programme").get(pk=stage.pk)
    by_candidacy = {c.candidacy_id: c for c in stage.candidates.all()}
    return w, stage, [by_candidacy[c.pk] for c in w.candidacies]
