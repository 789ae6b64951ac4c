"""Demo data of the public evaluation: the public vote of the 2026 "最美一线职工" programme (the awards app's
demo builds the programme and its candidates, who came in by self-nomination, nomination by others and by
organisations, and calls this once they are at the province), open from 20 April to 10 May, a few hundred
votes cast through the vote service (verified voters from many networks over the week) and one burst
from a single /24 network on 26 April that the anomaly checks put in quarantine, so that ``province``
has something to decide on ``/home/``.

Idempotent: the vote is opened once, on the candidates the province holds, and votes are cast only
while the stage has none. Without the programme (the awards demo has not run yet) it does nothing.
"""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from unionportal.campaigns.models import Campaign
from unionportal.orgs.models import Organisation
from unionportal.selection.models import Programme

from . import services
from .models import Vote, Voter, VoterSession, VoteStage, session_digest

CODE = "frontline"  # the awards app's 最美一线职工 programme
TZ = timezone.get_fixed_timezone(8 * 60)
OPENS = datetime(2026, 4, 20, 9, 0, tzinfo=TZ)
CLOSES = datetime(2026, 5, 10, 18, 0, tzinfo=TZ)
BURST_AT = datetime(2026, 4, 26, 21, 3, 0, tzinfo=TZ)
BURST_NETWORK = "36.110.5"
BURST_VOTES = 40
ORDINARY_VOTES = 320


def _session(phone: str, n: int) -> tuple[VoterSession, str]:
    voter, _created = Voter.objects.get_or_create(
        phone=phone, defaults={"consent_at": OPENS, "consent_text": str(services.CONSENT_TEXT)}
    )
    key = f"demo-voter-{n}"
    session, _created = VoterSession.objects.get_or_create(
        digest=session_digest(key),
        defaults={"voter": voter, "expires_at": CLOSES + timedelta(days=1), "device": f"demo-device-{n}"},
    )
    return session, key


def _cast(stage, candidate, session, key, *, ip: str, now) -> bool:
    try:
        services.vote_cast(
            stage_id=stage.pk,
            candidate_id=candidate.pk,
            session_key=key,
            token=services.vote_token(session),
            client_ip=ip,
            device=session.device,
            now=now,
        )
    except services.VoteRefused:  # a limit the generated voter met: the next one votes instead
        return False
    return True


def _votes(stage: VoteStage, today) -> int:
    rng = random.Random(2026)
    candidates = list(stage.candidates.order_by("position"))
    # A few favourites, as in any vote: the weights make the ranking readable.
    weights = [12, 9, 8, 7, 6, 6, 5, 4, 4, 3, 3, 2][: len(candidates)]
    end = min(datetime.combine(today, datetime.min.time(), tzinfo=TZ) + timedelta(hours=12), BURST_AT)
    span = (end - OPENS).total_seconds()
    times = sorted(OPENS + timedelta(seconds=rng.uniform(0, span)) for _ in range(ORDINARY_VOTES))
    cast = 0
    for n, at in enumerate(times):
        session, key = _session(f"13{n % 900 + 100:03d}{rng.randrange(10**6):06d}", n)
        candidate = rng.choices(candidates, weights=weights)[0]
        ip = f"{rng.randrange(58, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        cast += _cast(stage, candidate, session, key, ip=ip, now=at)
    # The burst: forty numbers from one /24 network within a minute, all for one candidate.
    target = candidates[4]
    for n in range(BURST_VOTES):
        session, key = _session(f"15{n + 100:03d}{rng.randrange(10**6):06d}", 1000 + n)
        at = BURST_AT + timedelta(seconds=n * 1.4 + rng.uniform(0, 0.5))
        cast += _cast(stage, target, session, key, ip=f"{BURST_NETWORK}.{n + 10}", now=at)
    return cast


def seed_voting_demo(*, stdout=None) -> None:
    campaign = Campaign.objects.filter(year=2026).first()
    province = Organisation.objects.filter(depth=1).first()
    if campaign is None or province is None:
        return
    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.filter(username="province").first()
    programme = Programme.objects.filter(campaign=campaign, code=CODE).first()
    if actor is None or programme is None:
        return
    stage = VoteStage.objects.filter(programme=programme).first()
    if stage is None:
        stage = services.stage_save(
            actor=actor,
            programme=programme,
            values={
                "opens_at": OPENS,
                "closes_at": CLOSES,
                "period": "day",
                "votes_per_candidate": 1,
                "candidates_per_day": 3,
                "hide_results": False,
                "expert_weight": 70,
                "public_weight": 30,
            },
        )
    if not stage.is_open():
        # The candidates the province holds, in the order they reached it.
        candidacies = list(
            services.eligible_candidacies(programme).order_by("id").values_list("pk", flat=True)
        )
        if not candidacies:
            return
        stage = services.stage_open(
            actor=actor, stage=stage, candidacy_ids=candidacies, now=OPENS - timedelta(days=1)
        )
    if not Vote.objects.filter(stage=stage).exists():
        cast = _votes(stage, timezone.localdate())
        if stdout is not None:
            stdout.write(f"public evaluation: {cast} votes cast in the demo vote\n")
