"""``python manage.py seed_vote_bench``: a public vote for the vote endpoint's benchmark.

Builds (once) a programme with ``--candidates`` candidacies the province holds and its public vote,
running from an hour ago for 30 days, with limits a bench voter never meets (1,000 votes per candidate
a day, every candidate a day) while the throttles and anomaly checks stay on; ``--voters`` verified
voters, each with a voter session whose cookie key is ``bench-voter-<n>``; and a file of ``--requests``
vote posts, one a line, tab-separated: the voter's session key, a single-use vote token, the candidate
id and the address the proxy forwards (``X-Forwarded-For``). Every line has an address of its own /24
network and every voter a number segment of their own, and consecutive lines name different candidates,
so the throttles and checks count but neither refuse nor quarantine: each line is one vote that is
recorded once (a line sent twice is a replay and answers 409).
Tokens are signed with the server's SECRET_KEY and live two hours: seed right before the measurement.

Run again, it keeps the vote and its votes and writes a new file of fresh tokens. ``--count`` prints
only how many votes the bench vote has recorded (``bench vote_recorded=N``), for the bench to compare
with the answers it counted as accepted.

Prints ``bench key=value`` lines for bin/bench: vote_pk, vote_page, vote_cast, vote_requests (the file),
vote_requests_count (its lines), vote_voters, vote_candidates, vote_csrf (a CSRF secret to send as the csrftoken cookie and the
X-CSRFToken header).
"""

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionportal.campaigns.models import Campaign
from unionportal.orgs.enums import Role
from unionportal.orgs.models import Organisation
from unionportal.orgs.services import membership_grant
from unionportal.selection.enums import NomineeKind, State
from unionportal.selection.models import Candidacy, Programme
from unionportal.selection.voting import services
from unionportal.selection.voting.models import Vote, Voter, VoterSession, VoteStage, session_digest

CODE = "bench-vote"
ACTOR = "bench-vote-admin"


def _phone(n: int) -> str:
    # The segment (first seven digits) is the voter's own: 13 + five digits of n.
    return f"13{n % 100000:05d}{n // 100000:04d}"


def _address(i: int) -> str:
    # One /24 per request line, none of them private (the proxy forwards public clients).
    return f"{11 + i // 65536}.{(i // 256) % 256}.{i % 256}.7"


class Command(BaseCommand):
    help = "Build the bench public vote (candidates, pre-verified voters) and a file of vote requests."

    def add_arguments(self, parser):
        parser.add_argument("--voters", type=int, default=1000)
        parser.add_argument("--candidates", type=int, default=50)
        parser.add_argument("--requests", type=int, default=100_000)
        parser.add_argument(
            "--out", default=str(Path(settings.BASE_DIR) / "var" / "bench" / "vote-requests.tsv")
        )
        parser.add_argument("--count", action="store_true", help="Only print the votes recorded so far.")

    def handle(self, *args, voters, candidates, requests, out, count, **options):
        if count:
            stage = VoteStage.objects.filter(programme__code=CODE).first()
            recorded = Vote.objects.filter(stage=stage).count() if stage else 0
            self.stdout.write(f"bench vote_recorded={recorded}")
            return
        if voters < 1 or candidates < 1 or requests < 1:
            raise CommandError("--voters, --candidates and --requests must be at least 1.")
        if requests > 200 * 65536:
            raise CommandError("--requests: at most 13,107,200 lines (one /24 network each).")
        stage = self._stage(candidates)
        sessions = self._sessions(voters)
        rows = list(stage.candidates.order_by("position").values_list("pk", flat=True))
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w") as handle:
            for i in range(requests):
                session, key = sessions[i % len(sessions)]
                # Consecutive lines go to different candidates, as a public's votes do; a file that sent
                # a thousand in a row to one candidate would be a burst, and the bench would measure the
                # quarantine of every vote instead of the vote.
                candidate = rows[(i + i // len(sessions)) % len(rows)]
                handle.write(f"{key}\t{services.vote_token(session)}\t{candidate}\t{_address(i)}\n")
        self.stdout.write(f"Wrote {requests:,} vote requests for {len(sessions):,} voters to {path}.")
        for key, value in (
            ("vote_pk", stage.pk),
            ("vote_page", reverse("voting:stage", args=[stage.pk])),
            ("vote_cast", reverse("voting:cast", args=[stage.pk])),
            ("vote_requests", path),
            ("vote_requests_count", requests),
            ("vote_voters", len(sessions)),
            ("vote_candidates", len(rows)),
            ("vote_csrf", secrets.token_hex(16)),
        ):
            self.stdout.write(f"bench {key}={value}")

    def _actor(self):
        User = get_user_model()
        root = Organisation.objects.filter(depth=1).first()
        if root is None:
            raise CommandError("No union tree: run seed_bench (or seed_demo) first.")
        user = User.objects.filter(username=ACTOR).first()
        if user is None:
            user = User(username=ACTOR, name="Bench vote")
            user.set_unusable_password()
            user.save()
        membership_grant(user=user, organisation=root, role=Role.STAFF)
        return user, root

    def _stage(self, count: int) -> VoteStage:
        actor, root = self._actor()
        now = timezone.now()
        with transaction.atomic():
            campaign = Campaign.objects.order_by("-is_current", "-year").first()
            if campaign is None:
                raise CommandError("No campaign: run seed_bench (or seed_demo) first.")
            programme, _created = Programme.objects.get_or_create(
                campaign=campaign,
                code=CODE,
                defaults={
                    "app": "bench",
                    "name": "基准测试社会评议",
                    "award": "基准测试",
                    "nominee_kind": NomineeKind.INDIVIDUAL,
                    "total_quota": count,
                    "intake_opens_at": now - timedelta(days=60),
                    "intake_closes_at": now - timedelta(days=30),
                },
            )
            have = programme.candidacies.count()
            Candidacy.objects.bulk_create(
                Candidacy(
                    programme=programme,
                    campaign=campaign,
                    organisation=root,
                    state=State.REVIEW1,
                    name=f"候选人{n:02d}",
                    unit=f"基准测试单位{n:02d}",
                    summary="扎根一线，攻坚克难。",
                    rank=n,
                )
                for n in range(have + 1, count + 1)
            )
        stage = VoteStage.objects.filter(programme=programme).first()
        if stage is None:
            stage = services.stage_save(
                actor=actor,
                programme=programme,
                values={
                    "opens_at": now - timedelta(hours=1),
                    "closes_at": now + timedelta(days=30),
                    "period": "day",
                    "votes_per_candidate": 1000,
                    "candidates_per_day": max(count, 1),
                    "hide_results": False,
                    "expert_weight": 70,
                    "public_weight": 30,
                },
            )
        if not stage.is_open():
            pks = list(programme.candidacies.filter(state=State.REVIEW1).values_list("pk", flat=True))
            stage = services.stage_open(actor=actor, stage=stage, candidacy_ids=pks)
        return stage

    def _sessions(self, count: int) -> list[tuple[VoterSession, str]]:
        now = timezone.now()
        phones = [_phone(n) for n in range(count)]
        existing = set(Voter.objects.filter(phone__in=phones).values_list("phone", flat=True))
        Voter.objects.bulk_create(
            Voter(phone=p, consent_at=now, consent_text=str(services.CONSENT_TEXT))
            for p in phones
            if p not in existing
        )
        voters = dict(Voter.objects.filter(phone__in=phones).values_list("phone", "pk"))
        keys = [f"bench-voter-{n}" for n in range(count)]
        digests = {session_digest(k): k for k in keys}
        VoterSession.objects.filter(digest__in=digests).delete()
        sessions = VoterSession.objects.bulk_create(
            VoterSession(
                digest=session_digest(key), voter_id=voters[phone], expires_at=now + timedelta(days=30)
            )
            for key, phone in zip(keys, phones, strict=True)
        )
        return list(zip(sessions, keys, strict=True))
