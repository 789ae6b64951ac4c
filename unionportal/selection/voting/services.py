"""Writes of the public evaluation (社会评议): the stage's settings, opening and closing the vote, voter
verification, casting a vote (limits, throttles, anomaly checks) and the quarantine.

Who may call: the stage writes and the quarantine decisions are for province staff (``VoteError``
otherwise; the views also gate them through the permission matrix). ``voter_*`` and ``vote_cast`` are the
public's: they raise ``VoteRefused`` with a message for the voter and an HTTP status, and then have
changed nothing (a wrong phone code still counts its attempt, as everywhere on the platform).

Counts are exact under concurrency because a count is an aggregate over vote rows (see models.py). A
voter's limits are checked under a row lock on the voter, so two votes of one voter at the same instant
are checked one after the other and cannot both slip under a limit.
"""

import dataclasses
import ipaddress
import itertools
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from unionportal import permissions
from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import PhoneCodeError, phone_code_send, phone_code_verify
from unionportal.accounts.validators import MOBILE_RE, normalise_mobile
from unionportal.audit import services as audit
from unionportal.cache_backends import incr_many
from unionportal.public import services as public_services
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Programme
from unionportal.uploads.services import stored_file_set_public

from .enums import AnomalyFlag, Period, VoteStatus
from .models import Vote, VoteCandidate, Voter, VoterSession, VoteStage, phone_segment, session_digest

TOKEN_SALT = "selection_voting.vote"  # noqa: S105 (a signing salt, not a secret)
TOKEN_MAX_AGE = 2 * 3600
SESSION_DAYS = 7
SESSION_COOKIE = "vote_session"
DEVICE_COOKIE = "vote_device"
# Candidacies the province holds may enter a vote: in its review, or approved.
ELIGIBLE_STATES = (State.REVIEW1, State.APPROVED)

# Throttles: attempts per minute (refused with 429 past them). Anomaly checks: votes past these are
# cast but quarantined. Both can be tuned with the VOTE_THROTTLES / VOTE_ANOMALIES settings (dicts).
THROTTLES = {"address": 10, "network": 120, "device": 10}
ANOMALIES = {
    "window_minutes": 10,
    "network_voters": 20,  # distinct voters from one /24 (IPv4) or /64 (IPv6) within the window
    "segment_voters": 30,  # distinct voters of one number segment (first seven digits) within the window
    "burst_seconds": 60,
    "burst_votes": 60,  # votes for one candidate within this period of burst_seconds and the one before ...
    "burst_share": 50,  # ... that are also more than this percentage of the stage's votes then
    "regular_votes": 6,  # the last votes of one device or address, whose intervals ...
    "regular_spread_ms": 300,  # ... differ by less than this (a script, not a person)
    "regular_max_interval": 120,  # seconds; longer intervals are not looked at
}

CONSENT_TEXT = gettext_lazy(
    "本人同意主办单位为核实投票真实性使用本手机号；号码仅用于本次社会评议，不会公开或用于其他用途。"
)


class VoteError(Exception):
    """A staff step that cannot happen; ``message`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class VoteRefused(VoteError):
    """A vote or a verification refused: ``message`` for the voter, ``status`` the HTTP answer, ``rule``
    True when the refusal quotes one of the stage's rules (the page shows the rules beside it)."""

    def __init__(self, message: str, *, status: int = 400, rule: bool = False):
        super().__init__(message)
        self.status = status
        self.rule = rule


def _limits(name: str, defaults: dict) -> dict:
    return {**defaults, **getattr(settings, name, {})}


def _root_path() -> str:
    from unionportal.orgs.models import Organisation

    return Organisation.objects.get(depth=1).path


def _province_only(actor) -> None:
    if not permissions.is_province_staff(actor):
        raise VoteError(_("您无权执行此操作。"))


def fmt_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- the stage: settings, open, close -------------------------------------------------------------------


def stage_save(*, actor, programme: Programme, values: dict) -> VoteStage:
    """Create or change a programme's vote settings (a validated form's values). Once the vote is open
    only the closing time and whether results are hidden may change."""
    _province_only(actor)
    with transaction.atomic():
        stage = VoteStage.objects.select_for_update().filter(programme=programme).first()
        created = stage is None
        stage = stage or VoteStage(programme=programme)
        before = {k: getattr(stage, k, None) for k in values}
        if stage.is_open():
            frozen = [k for k in values if k not in ("closes_at", "hide_results") and values[k] != before[k]]
            if frozen:
                raise VoteError(_("投票已发布，只能修改截止时间和是否公开票数。"))
        for key, value in values.items():
            setattr(stage, key, value)
        try:
            stage.full_clean()
        except ValidationError as error:
            raise VoteError(" ".join(error.messages)) from None
        stage.save()
        audit.record(
            actor=actor,
            action="selection_voting.stage.save",
            obj=stage,
            org_path=_root_path(),
            changes={} if created else audit.field_changes(before, values),
        )
    if stage.is_open():
        public_services_refresh()
    return stage


def public_services_refresh() -> None:
    from unionportal.public.cache import invalidate

    invalidate()


def eligible_candidacies(programme: Programme):
    return (
        Candidacy.objects.filter(programme=programme, state__in=ELIGIBLE_STATES)
        .select_related("campaign", "programme", "photo")
        .order_by("rank", "id")
    )


def entry_source(stage: VoteStage, candidacy_id: int) -> str:
    """The public row of a candidate in a vote speaks for the vote, not the candidacy: the candidacy's own
    row (notice, publication) is another one, so neither overwrites the other."""
    return f"selection_voting.stage:{stage.pk}:{candidacy_id}"


def _entry_fields(candidacy: Candidacy) -> dict:
    return {
        "year": candidacy.campaign.year,
        "programme": candidacy.programme.name,
        "award": candidacy.programme.award,
        "award_en": candidacy.programme.award_en,
        "name": candidacy.name,
        "unit": candidacy.unit,
        "region": candidacy.region,
        "summary": candidacy.summary,
        "deeds": candidacy.deeds,
        "photo": candidacy.photo,
        "tags": f",{','.join(candidacy.tags)}," if candidacy.tags else "",
    }


def stage_open(*, actor, stage: VoteStage, candidacy_ids: list[int], now=None) -> VoteStage:
    """Open the vote with the chosen candidacies (of those the province holds): a public row (stage
    "vote") and a candidate row each, their photos made public. Raises VoteError when the vote is already
    open, its window has passed, or a chosen candidacy is not eligible."""
    _province_only(actor)
    now = now or timezone.now()
    with transaction.atomic():
        stage = VoteStage.objects.select_for_update().select_related("programme").get(pk=stage.pk)
        if stage.is_open():
            raise VoteError(_("本项目的社会评议已经发布。"))
        if stage.closes_at <= now:
            raise VoteError(_("投票截止时间已过，请先修改投票时间。"))
        wanted = set(candidacy_ids)
        rows = [c for c in eligible_candidacies(stage.programme) if c.pk in wanted]
        if not wanted:
            raise VoteError(_("请至少选择一名候选人。"))
        if len(rows) != len(wanted):
            raise VoteError(_("所选候选人中有不在省级审核或已批准状态的，请刷新页面后重新选择。"))
        entries = public_services.entries_write(
            rows=[(entry_source(stage, c.pk), public_services.VOTE, _entry_fields(c)) for c in rows]
        )
        VoteCandidate.objects.bulk_create(
            VoteCandidate(stage=stage, candidacy=c, entry=entry, position=n)
            for n, (c, entry) in enumerate(zip(rows, entries, strict=True), start=1)
        )
        for candidacy in rows:
            if candidacy.photo is not None and not candidacy.photo.is_public:
                stored_file_set_public(stored_file=candidacy.photo, public=True)
        stage.opened_at = now
        stage.opened_by = actor
        stage.save(update_fields=["opened_at", "opened_by", "updated_at"])
        audit.record(
            actor=actor,
            action="selection_voting.stage.open",
            obj=stage,
            org_path=_root_path(),
            changes={"candidates": [str(len(rows))]},
        )
    return stage


def stage_close(*, actor, stage: VoteStage, now=None) -> VoteStage:
    """End a running vote now (before its window closes). Raises VoteError when it is not running."""
    _province_only(actor)
    now = now or timezone.now()
    with transaction.atomic():
        stage = VoteStage.objects.select_for_update().get(pk=stage.pk)
        if not stage.is_running(now):
            raise VoteError(_("投票未在进行中，不能结束。"))
        stage.closed_at = now
        stage.save(update_fields=["closed_at", "updated_at"])
        audit.record(actor=actor, action="selection_voting.stage.close", obj=stage, org_path=_root_path())
    public_services_refresh()
    return stage


# --- voters: phone code, consent, session ---------------------------------------------------------------


def voter_code_send(*, phone: str, client_ip: str | None, now=None) -> None:
    """Send a vote code to ``phone``. Raises VoteRefused (invalid number: 400; too many requests: 429)."""
    try:
        phone_code_send(phone=phone, purpose=PhoneCode.Purpose.VOTE, client_ip=client_ip, now=now)
    except PhoneCodeError as error:
        valid = MOBILE_RE.match(normalise_mobile(phone) or "")
        raise VoteRefused(error.message, status=429 if valid else 400) from None


def voter_verify(
    *, phone: str, code: str, consent: bool, client_ip: str | None, device: str, now=None
) -> tuple[VoterSession, str]:
    """Accept the code, record the consent and open a voter session. Returns the session and the key
    the cookie holds (only its digest is stored). Raises VoteRefused saying why (no consent, wrong or
    expired code); a wrong code's attempt stays counted."""
    now = now or timezone.now()
    phone = normalise_mobile(phone)
    if not consent:
        raise VoteRefused(_("请阅读并同意手机号使用说明后再投票。"))
    refusal = None
    with transaction.atomic():
        # Caught inside the block: leaving it by the exception would roll back the counted wrong attempt.
        try:
            phone_code_verify(phone=phone, purpose=PhoneCode.Purpose.VOTE, code=code, now=now)
        except PhoneCodeError as error:
            refusal = error.message
        else:
            voter, created = Voter.objects.get_or_create(
                phone=phone, defaults={"consent_at": now, "consent_text": str(CONSENT_TEXT)}
            )
            if not created:
                voter.consent_at, voter.consent_text = now, str(CONSENT_TEXT)
                voter.save(update_fields=["consent_at", "consent_text"])
            key = secrets.token_urlsafe(32)
            session = VoterSession.objects.create(
                digest=session_digest(key),
                voter=voter,
                expires_at=now + timedelta(days=SESSION_DAYS),
                client_ip=client_ip or None,
                device=device[:64],
            )
    if refusal is not None:
        raise VoteRefused(refusal)
    return session, key


def voter_session(key: str | None, *, now=None) -> VoterSession | None:
    """The live session a cookie's key names, with its voter; None for a missing, unknown or expired one."""
    if not key:
        return None
    now = now or timezone.now()
    return (
        VoterSession.objects.select_related("voter")
        .filter(digest=session_digest(key), expires_at__gt=now)
        .first()
    )


def vote_token(session: VoterSession) -> str:
    """A signed single-use token for one vote of this session (each vote page carries a fresh one)."""
    return signing.dumps({"s": session.pk, "n": uuid.uuid4().hex}, salt=TOKEN_SALT, compress=False)


def new_device_id() -> str:
    return secrets.token_urlsafe(16)


# --- casting a vote -------------------------------------------------------------------------------------


def network_of(address: str | None) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of an address, as the throttles and checks group it."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


class _Posted:
    """A vote post's counters in the shared cache, counted in one round trip before the database is
    asked anything: the throttles (attempts per address, network and device cookie in this minute; 429
    past a limit) and the burst check's votes for the candidate and for the whole stage in this period.
    A post the checks then refuse takes its burst counts back (``take_back``), so that a flood of
    refused posts for a candidate cannot quarantine the real votes it gets. The burst is counted here
    rather than by reading the stage's recent votes: at a few hundred votes a second those are tens of
    thousands of rows. While the cache fails the vote goes ahead unthrottled and the burst check is
    skipped (the other anomaly checks still run)."""

    def __init__(self, *, stage_id, candidate_pk, client_ip: str, network: str, device: str, now):
        throttles = _limits("VOTE_THROTTLES", THROTTLES)
        period = _limits("VOTE_ANOMALIES", ANOMALIES)["burst_seconds"]
        self.timeout = 3 * period
        minute, bucket = int(now.timestamp()) // 60, int(now.timestamp()) // period
        gates = {
            f"vote:throttle:{kind}:{value}:{minute}": throttles[kind]
            for kind, value in (("address", client_ip), ("network", network), ("device", device))
            if value
        }
        burst = [f"vote:burst:{stage_id}:{candidate_pk}:", f"vote:burst:{stage_id}:all:"]
        self.burst_keys = [key + str(bucket) for key in burst] if candidate_pk else []
        before = [key + str(bucket - 1) for key in burst] if candidate_pk else []
        self.counts = self._count([*gates, *self.burst_keys], timeout=self.timeout, read=before)
        if any(self.counts.get(key, 0) > limit for key, limit in gates.items()):
            self.take_back()
            raise VoteRefused(_("您所在网络或设备投票过于频繁，请一分钟后再试。"), status=429)
        self.totals = None  # votes for the candidate, and for the stage, in this period and the one before
        if self.burst_keys and all(key in self.counts for key in [*self.burst_keys, *before]):
            self.totals = [
                self.counts[now_] + (self.counts[then] or 0)
                for now_, then in zip(self.burst_keys, before, strict=True)
            ]

    @staticmethod
    def _count(keys, *, timeout, read=(), delta=1) -> dict:
        if not keys:
            return {}
        try:
            return incr_many(cache, keys, timeout=timeout, read=read, delta=delta)
        except Exception:  # an unavailable cache must not stop the vote
            return {}

    def is_burst(self, limits) -> bool:
        """More than ``burst_votes`` for the candidate in this period and the one before, and more than
        ``burst_share`` percent of the stage's votes then."""
        if self.totals is None:
            return False
        here, everything = self.totals
        return here > limits["burst_votes"] and here * 100 > everything * limits["burst_share"]

    def take_back(self) -> None:
        if self.burst_keys:
            self._count(self.burst_keys, timeout=self.timeout, delta=-1)


@dataclass(frozen=True)
class Cast:
    candidate_id: int
    counted: bool
    candidate_name: str


def rules_text(stage: VoteStage) -> list[str]:
    """The stage's rules in words, as the vote page states them and a refusal quotes them."""
    per = (
        ngettext(
            "每位投票人每天可为同一候选人投 %(n)s 票。",
            "每位投票人每天可为同一候选人投 %(n)s 票。",
            stage.votes_per_candidate,
        )
        if stage.period == Period.DAY
        else ngettext(
            "整个投票期内，每位投票人可为同一候选人投 %(n)s 票。",
            "整个投票期内，每位投票人可为同一候选人投 %(n)s 票。",
            stage.votes_per_candidate,
        )
    ) % {"n": stage.votes_per_candidate}
    daily = ngettext(
        "每位投票人每天最多为 %(n)s 位候选人投票。",
        "每位投票人每天最多为 %(n)s 位候选人投票。",
        stage.candidates_per_day,
    ) % {"n": stage.candidates_per_day}
    window = _("投票时间：%(start)s 至 %(end)s。") % {
        "start": fmt_time(stage.opens_at),
        "end": fmt_time(stage.ends_at),
    }
    results = (
        _("投票结束前不公布票数；结束后公布各候选人得票。")
        if stage.hide_results
        else _("得票数实时公布（页面数字可能有几秒延迟）。")
    )
    checks = _("为保证公正，异常投票（如同一网络、同一号段集中投票）将暂不计票，经核查后再决定是否计入。")
    return [window, per, daily, results, checks]


def _token_claim(token: str) -> tuple[int, str] | VoteRefused:
    """The session and the nonce a vote token names, or the refusal (forged or expired) to give once
    the post has shown a live session (a post without one is asked to verify first)."""
    try:
        value = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return VoteRefused(_("投票页面已过期，请刷新页面后重新投票。"))
    except signing.BadSignature:
        value = None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("s"), int)
        or not isinstance(value.get("n"), str)
    ):
        return VoteRefused(_("投票请求无效，请刷新页面后重新投票。"))
    return value["s"], value["n"]


def vote_cast(
    *,
    stage_id: int,
    candidate_id,
    session_key: str | None,
    token: str,
    client_ip: str | None,
    device: str = "",
    now=None,
) -> Cast:
    """Cast one vote for ``candidate_id`` (a VoteCandidate of the stage) in the voter session ``session_key``.

    Checks in order: throttles per address, /24 or /64 network and device cookie (429); a verified
    session (403); the single-use token, bound to the session (forged or expired: 400; replayed: 409); the
    vote (404) and its window (409); the candidate (400); then, under a lock on the voter, the
    per-candidate and per-day limits (409, quoting the rule). Then the anomaly checks: a flagged vote is
    stored in quarantine, and the votes of the same pattern before it join it there (out of the count
    until staff decide). Returns whether the vote counts. Raises VoteRefused; nothing is stored then.

    This is the one write the public makes at volume, so its round trips are few and its statements are
    written out (``_Ballot``): one to Redis for the throttles and the burst counts (``_Posted``); then, in
    one transaction, the session with the voter's lock, the stage and the candidate; the limits, the
    replay check and the anomaly counts; the insert (already quarantined when a check flags it); the
    commit. Each statement's cost stays flat as the vote grows: the voter's votes are read for today
    (and for the candidate under a whole-window limit), not all of them.
    """
    now = now or timezone.now()
    client_ip = client_ip or ""
    network = network_of(client_ip)
    try:
        candidate_pk = int(candidate_id)
    except (TypeError, ValueError):
        candidate_pk = None
    device = device[:64]
    posted = _Posted(
        stage_id=stage_id,
        candidate_pk=candidate_pk,
        client_ip=client_ip,
        network=network,
        device=device,
        now=now,
    )
    claim = _token_claim(token)
    vote = _BallotVote(
        day=timezone.localdate(now),
        created_at=now,
        client_ip=client_ip or None,
        network=network,
        device=device,
        nonce="" if isinstance(claim, VoteRefused) else claim[1],
    )
    limits = _limits("VOTE_ANOMALIES", ANOMALIES)
    try:
        with transaction.atomic():
            ballot = _Ballot.locked(session_key, stage_id, candidate_pk, now)
            if ballot is None:
                raise VoteRefused(_("请先验证手机号再投票。"), status=403)
            if isinstance(claim, VoteRefused):
                raise claim
            if claim[0] != ballot.session_id:
                raise VoteRefused(_("投票请求无效，请刷新页面后重新投票。"))
            if ballot.stage_id is None:
                raise VoteRefused(_("没有这项社会评议。"), status=404)
            if not ballot.running:
                stage = VoteStage.objects.get(pk=stage_id)
                raise VoteRefused(
                    _("不在投票时间内（%(start)s 至 %(end)s）。")
                    % {"start": fmt_time(stage.opens_at), "end": fmt_time(stage.ends_at)},
                    status=409,
                )
            if ballot.candidate_id is None:
                raise VoteRefused(_("请选择本次评议中的候选人。"))
            vote.segment = phone_segment(ballot.phone)
            figures = ballot.figures(vote, limits)
            _check_limits(ballot, figures)
            vote.flags = _anomalies(ballot, vote, figures, posted.is_burst(limits), limits)
            ballot.insert(vote)
            _quarantine_pattern(ballot, vote, limits)
    except VoteRefused:
        posted.take_back()
        raise
    except IntegrityError:
        # The token's nonce is unique: a token of another vote's page cast twice at the same instant
        # (the voter's lock makes this voter's second post see the first one's vote otherwise).
        posted.take_back()
        raise VoteRefused(str(_REPLAYED), status=409) from None
    return Cast(
        candidate_id=ballot.candidate_id, counted=not vote.flags, candidate_name=ballot.candidate_name
    )


_REPLAYED = gettext_lazy("这张选票已经投出，请勿重复提交。")


@dataclass
class _BallotVote:
    """The vote a post would store: what the request says; the segment (the voter's phone) and the flags
    (the anomaly checks) are filled in once the ballot is read."""

    day: object
    created_at: object
    client_ip: str | None
    network: str
    device: str
    nonce: str
    segment: str = ""
    flags: list[str] = dataclasses.field(default_factory=list)
    regular: str = ""  # the field ("device" or "client_ip") whose intervals were machine-regular


@dataclass
class _Ballot:
    """What a vote is checked against: the voter session (its voter locked), and the stage and candidate
    the post names (None when there is no such opened stage or candidate).

    The vote's statements are written out in SQL: the ORM spent several times longer building these
    joins and filtered counts than the database spent running them. Table names come from the models;
    values go in as parameters, adapted by the backend, so the same statements run on SQLite."""

    session_id: int
    voter_id: int
    phone: str
    stage_id: int | None
    running: bool
    period: str
    votes_per_candidate: int
    candidates_per_day: int
    candidate_id: int | None
    candidate_name: str

    TABLES = {
        "stage": VoteStage._meta.db_table,
        "candidate": VoteCandidate._meta.db_table,
        "entry": VoteCandidate._meta.get_field("entry").related_model._meta.db_table,
        "session": VoterSession._meta.db_table,
        "voter": Voter._meta.db_table,
        "vote": Vote._meta.db_table,
    }
    LOCKED = """SELECT s.id, s.voter_id, v.phone, st.id,
            st.opens_at <= %(now)s AND %(now)s < st.closes_at
                AND (st.closed_at IS NULL OR %(now)s < st.closed_at),
            st.period, st.votes_per_candidate, st.candidates_per_day, c.id, e.name
        FROM {session} s
        JOIN {voter} v ON v.id = s.voter_id
        LEFT JOIN {stage} st ON st.id = %(stage)s AND st.opened_at IS NOT NULL
        LEFT JOIN {candidate} c ON c.stage_id = st.id AND c.id = %(candidate)s
        LEFT JOIN {entry} e ON e.id = c.entry_id
        WHERE s.digest = %(digest)s AND s.expires_at > %(now)s""".format(**TABLES)  # noqa: S608 - model tables
    # Run once LOCKED holds the voter's lock, on a snapshot taken then, so it sees every vote of theirs
    # committed before. The token already used (the nonce's unique index); then the voter's votes the
    # stage's limits count, read on (voter, stage, day): today's, and under a whole-window period also
    # the candidate's on other days (votes discarded by staff do not count). Then the anomaly counts over
    # the stage's recent votes (RECENT), each on its own index.
    FIGURES = """SELECT
            (SELECT COUNT(*) FROM {vote} WHERE nonce = %(nonce)s),
            COUNT(DISTINCT CASE WHEN day = %(day)s THEN candidate_id END),
            COUNT(CASE WHEN day = %(day)s AND candidate_id = %(candidate)s THEN 1 END),
            COUNT(CASE WHEN candidate_id = %(candidate)s THEN 1 END)
            {{recent}}
        FROM {vote} WHERE voter_id = %(voter)s AND stage_id = %(stage)s AND status <> %(discarded)s
            AND {{scope}}""".format(**TABLES)  # noqa: S608 - model tables
    SCOPE = {Period.DAY: "day = %(day)s", Period.WINDOW: "(day = %(day)s OR candidate_id = %(candidate)s)"}
    # Other voters (COUNT(DISTINCT ...)) or votes (COUNT(*)) of the stage with the vote's value of one
    # field since a moment; the vote about to be stored adds one to either.
    RECENT = (
        ", (SELECT {counted} FROM " + TABLES["vote"] + " WHERE stage_id = %(stage)s"  # noqa: S608
        " AND {field} = %({field})s AND created_at > %({field}_since)s AND created_at <= %(now)s)"
    )
    # Every column but the id (``insert`` fills each by name).
    COLUMNS = (
        "stage_id",
        "candidate_id",
        "voter_id",
        "session_id",
        "day",
        "created_at",
        "client_ip",
        "network",
        "device",
        "segment",
        "nonce",
        "status",
        "flags",
        "reviewed_at",
    )
    INSERT = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - model table, columns
        TABLES["vote"],
        ", ".join(connection.ops.quote_name(column) for column in COLUMNS),
        ", ".join(f"%({column})s" for column in COLUMNS),
    )

    @classmethod
    def locked(cls, session_key, stage_id, candidate_pk, now) -> "_Ballot | None":
        if not session_key:
            return None
        lock = " FOR UPDATE OF v" if connection.features.has_select_for_update_of else ""
        row = _fetch(
            cls.LOCKED + lock,
            {
                "digest": session_digest(session_key),
                "now": connection.ops.adapt_datetimefield_value(now),
                "stage": stage_id,
                "candidate": candidate_pk,
            },
        )
        if row is None:
            return None
        session_id, voter_id, phone, stage, running, period, per_candidate, per_day, candidate, name = row
        return cls(
            session_id, voter_id, phone, stage, bool(running), period, per_candidate, per_day, candidate, name
        )

    def figures(self, vote: _BallotVote, limits: dict) -> dict[str, int]:
        """The limits' and the anomaly checks' counts, as they are once ``vote`` is stored."""
        adapt = connection.ops.adapt_datetimefield_value
        since = vote.created_at - timedelta(minutes=limits["window_minutes"])
        # ``regular_votes`` votes within this span, or some interval is longer than regular_max_interval.
        regular_since = vote.created_at - timedelta(
            seconds=(limits["regular_votes"] - 1) * limits["regular_max_interval"]
        )
        recent = {  # field: what is counted, the vote's value, since when
            "network": (OTHER_VOTERS, vote.network, since),
            "segment": (OTHER_VOTERS, vote.segment, since),
            "device": ("COUNT(*)", vote.device, regular_since),
            "client_ip": (
                "COUNT(*)",
                connection.ops.adapt_ipaddressfield_value(vote.client_ip),
                regular_since,
            ),
        }
        recent = {field: check for field, check in recent.items() if check[1]}
        params = {
            "nonce": vote.nonce,
            "stage": self.stage_id,
            "day": connection.ops.adapt_datefield_value(vote.day),
            "discarded": VoteStatus.DISCARDED.value,
            "candidate": self.candidate_id,
            "voter": self.voter_id,
            "now": adapt(vote.created_at),
        }
        for field, (_counted, value, start) in recent.items():
            params[field] = value
            params[f"{field}_since"] = adapt(start)
        columns = "".join(
            self.RECENT.format(counted=counted, field=field) for field, (counted, _v, _s) in recent.items()
        )
        scope = self.SCOPE.get(self.period, self.SCOPE[Period.WINDOW])
        row = _fetch(self.FIGURES.format(recent=columns, scope=scope), params)
        figures = dict(zip(("replayed", "candidates", "here_today", "here"), row[:4], strict=True))
        # The vote about to be stored: one more voter (itself) or one more vote.
        figures.update({field: n + 1 for field, n in zip(recent, row[4:], strict=True)})
        return figures

    def insert(self, vote: _BallotVote) -> None:
        ops = connection.ops
        params = {
            "stage_id": self.stage_id,
            "candidate_id": self.candidate_id,
            "voter_id": self.voter_id,
            "session_id": self.session_id,
            "day": ops.adapt_datefield_value(vote.day),
            "created_at": ops.adapt_datetimefield_value(vote.created_at),
            "client_ip": ops.adapt_ipaddressfield_value(vote.client_ip),
            "network": vote.network,
            "device": vote.device,
            "segment": vote.segment,
            "nonce": vote.nonce,
            "status": VoteStatus.QUARANTINED.value if vote.flags else VoteStatus.COUNTED.value,
            "flags": f",{','.join(vote.flags)}," if vote.flags else "",
            "reviewed_at": None,
        }
        _fetch(self.INSERT, params, fetch=False)


OTHER_VOTERS = "COUNT(DISTINCT CASE WHEN voter_id <> %(voter)s THEN voter_id END)"


# A field added to Vote must be written by the ballot's insert as well.
assert set(_Ballot.COLUMNS) == {f.column for f in Vote._meta.concrete_fields if not f.primary_key}


class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor that binds its parameters on the server and prepares each statement: PostgreSQL
    parses and plans a statement once per connection rather than once per vote."""

    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True)


def _ballot_cursor():
    """The cursor for the ballot's statements. Django binds on the client (each vote's values written into
    the SQL text), so PostgreSQL parses and plans every statement of every vote anew; the ballot's few
    statements are instead prepared, through Django's cursor wrapper so that they are counted and logged
    as any other query. (Prepared statements need a session per client: no pooler in transaction mode.)"""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    cursor = _PreparingCursor(connection.connection)
    return (
        connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    )


def _fetch(sql: str, params, *, fetch: bool = True) -> tuple | None:
    with _ballot_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if fetch else None


def _check_limits(ballot: _Ballot, figures: dict[str, int]) -> None:
    """The replayed token and the stage's limits; refusals quote the rule (the stage read for it)."""
    if figures["replayed"]:
        raise VoteRefused(str(_REPLAYED), status=409)
    here = figures["here_today"] if ballot.period == Period.DAY else figures["here"]
    if here >= ballot.votes_per_candidate:
        rule = rules_text(VoteStage.objects.get(pk=ballot.stage_id))[1]
        raise VoteRefused(
            _("%(rule)s您已为 %(name)s 投过 %(count)s 票。")
            % {"rule": rule, "name": ballot.candidate_name, "count": here},
            status=409,
            rule=True,
        )
    if not figures["here_today"] and figures["candidates"] >= ballot.candidates_per_day:
        rule = rules_text(VoteStage.objects.get(pk=ballot.stage_id))[2]
        raise VoteRefused(
            _("%(rule)s您今天已为 %(count)s 位候选人投票。") % {"rule": rule, "count": figures["candidates"]},
            status=409,
            rule=True,
        )


def _flag(rows, flag: str) -> int:
    """Quarantine the counted votes in ``rows`` that staff have not reviewed, adding ``flag`` to their
    flags (kept as ``,a,b,``): one UPDATE, however many votes a burst or a network has."""
    marked = f",{flag},"
    return rows.filter(status=VoteStatus.COUNTED, reviewed_at__isnull=True).update(
        status=VoteStatus.QUARANTINED,
        flags=Case(
            When(flags__contains=marked, then=F("flags")),
            When(flags="", then=Value(marked)),
            default=Concat(F("flags"), Value(f"{flag},")),
        ),
    )


def _anomalies(
    ballot: _Ballot, vote: _BallotVote, figures: dict[str, int], burst: bool, limits: dict
) -> list[str]:
    """The anomaly checks' flags for the vote about to be stored (its counts in ``figures``, the burst
    check's answer in ``burst``); only a device or address with enough recent votes to be
    machine-regular has its intervals read."""
    flags = []
    if figures.get("network", 0) > limits["network_voters"]:
        flags.append(AnomalyFlag.NETWORK)
    if figures.get("segment", 0) > limits["segment_voters"]:
        flags.append(AnomalyFlag.SEGMENT)
    if burst:
        flags.append(AnomalyFlag.BURST)
    for field in ("device", "client_ip"):
        value = getattr(vote, field)
        if figures.get(field, 0) >= limits["regular_votes"] and _regular(
            ballot.stage_id, field, value, vote.created_at, limits
        ):
            flags.append(AnomalyFlag.REGULAR)
            vote.regular = field
            break
    return flags


def _quarantine_pattern(ballot: _Ballot, vote: _BallotVote, limits: dict) -> None:
    """Move the counted votes before ``vote`` that share its flagged pattern into quarantine beside it:
    the network's or the segment's votes in the window, the candidate's in the burst's two periods, the
    device's or address's in the window for machine-regular intervals."""
    now = vote.created_at
    since = now - timedelta(minutes=limits["window_minutes"])

    def recent():
        return Vote.objects.filter(stage=ballot.stage_id, created_at__gt=since, created_at__lte=now)

    for flag in vote.flags:
        if flag == AnomalyFlag.NETWORK:
            _flag(recent().filter(network=vote.network), flag)
        elif flag == AnomalyFlag.SEGMENT:
            _flag(recent().filter(segment=vote.segment), flag)
        elif flag == AnomalyFlag.BURST:
            burst_since = now - timedelta(seconds=2 * limits["burst_seconds"])
            _flag(
                Vote.objects.filter(
                    stage=ballot.stage_id, candidate=ballot.candidate_id, created_at__gt=burst_since
                ),
                flag,
            )
        elif flag == AnomalyFlag.REGULAR:
            _flag(recent().filter(**{vote.regular: getattr(vote, vote.regular)}), flag)


def _regular(stage_id: int, field: str, value, now, limits) -> bool:
    """Whether the last votes of one device or address, the one cast ``now`` among them, came at
    intervals too even for a person."""
    n = limits["regular_votes"]
    before = (
        Vote.objects.filter(stage=stage_id, **{field: value})
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: n - 1]
    )
    times = [now, *before]
    if len(times) < n:
        return False
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(times)]
    if max(gaps) > limits["regular_max_interval"]:
        return False
    return (max(gaps) - min(gaps)) * 1000 < limits["regular_spread_ms"]


# --- the quarantine -------------------------------------------------------------------------------------

# Staff decisions: (from status, to status, audit action). Each can be undone by another.
DECISIONS = {
    "release": (VoteStatus.QUARANTINED, VoteStatus.COUNTED, "selection_voting.votes.release"),
    "discard": (VoteStatus.QUARANTINED, VoteStatus.DISCARDED, "selection_voting.votes.discard"),
    "restore": (VoteStatus.DISCARDED, VoteStatus.QUARANTINED, "selection_voting.votes.quarantine"),
    "requarantine": (VoteStatus.COUNTED, VoteStatus.QUARANTINED, "selection_voting.votes.quarantine"),
}


def group_key(flags: str, network: str, candidate_id: int) -> str:
    return f"{flags}|{network}|{candidate_id}"


def votes_decide(*, actor, stage: VoteStage, decision: str, groups: list[str], reason: str, now=None) -> int:
    """Release, discard or undo a decision on groups of flagged votes (``group_key``: flags, network,
    candidate). Each group's move is one UPDATE and one audit event with the number of votes; only votes
    in the decision's starting status move. Returns how many moved. Raises VoteError (not province staff,
    no reason, unknown decision, nothing chosen)."""
    _province_only(actor)
    if decision not in DECISIONS:
        raise VoteError(_("未知的操作。"))
    reason = (reason or "").strip()
    if len("".join(reason.split())) < 2:
        raise VoteError(_("请填写处理理由。"))
    if not groups:
        raise VoteError(_("请至少选择一组投票。"))
    now = now or timezone.now()
    source, target, action = DECISIONS[decision]
    moved = 0
    with transaction.atomic():
        VoteStage.objects.select_for_update().filter(pk=stage.pk).first()
        for key in groups:
            try:
                flags, network, candidate = key.split("|")
                candidate = int(candidate)
            except ValueError:
                raise VoteError(_("所选投票组无效，请刷新页面后重试。")) from None
            rows = Vote.objects.filter(
                stage=stage, status=source, flags=flags, network=network, candidate_id=candidate
            )
            if source == VoteStatus.COUNTED:
                rows = rows.exclude(flags="")
            count = rows.update(status=target, reviewed_at=now)
            if count:
                moved += count
                audit.record(
                    actor=actor,
                    action=action,
                    obj=stage,
                    org_path=_root_path(),
                    from_state=source,
                    to_state=target,
                    comment=reason,
                    changes={"votes": [str(count)], "group": [key]},
                )
    return moved
