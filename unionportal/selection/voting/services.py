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

import ipaddress
import itertools
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from unionportal import permissions
from unionportal.accounts.models import PhoneCode
from unionportal.accounts.phone import PhoneCodeError, phone_code_send, phone_code_verify
from unionportal.accounts.validators import MOBILE_RE, normalise_mobile
from unionportal.audit import services as audit
from unionportal.public import services as public_services
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Programme
from unionportal.uploads.services import stored_file_set_public

from .enums import AnomalyFlag, Period, VoteStatus
from .models import Vote, VoteCandidate, Voter, VoterSession, VoteStage, session_digest

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


def _throttle(kind: str, value: str, now) -> bool:
    """Count one attempt of ``kind`` from ``value`` in this minute; True when over the limit. The count
    lives in the shared cache (atomic increments in Redis); if the cache fails the vote goes ahead."""
    if not value:
        return False
    limit = _limits("VOTE_THROTTLES", THROTTLES)[kind]
    key = f"vote:throttle:{kind}:{value}:{int(now.timestamp()) // 60}"
    try:
        if cache.add(key, 1, timeout=120):
            return limit < 1
        return cache.incr(key) > limit
    except Exception:  # an unavailable cache must not stop the vote; the anomaly checks still run
        return False


def _throttles(*, client_ip: str, network: str, device: str, now) -> None:
    over = [
        kind
        for kind, value in (("address", client_ip), ("network", network), ("device", device))
        if _throttle(kind, value, now)
    ]
    if over:
        raise VoteRefused(_("您所在网络或设备投票过于频繁，请一分钟后再试。"), status=429)


@dataclass(frozen=True)
class Cast:
    vote: Vote
    counted: bool


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


def _check_token(token: str, session: VoterSession) -> str:
    try:
        value = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise VoteRefused(_("投票页面已过期，请刷新页面后重新投票。")) from None
    except signing.BadSignature:
        raise VoteRefused(_("投票请求无效，请刷新页面后重新投票。")) from None
    if not isinstance(value, dict) or value.get("s") != session.pk or not isinstance(value.get("n"), str):
        raise VoteRefused(_("投票请求无效，请刷新页面后重新投票。"))
    return value["n"]


def vote_cast(
    *,
    stage_id: int,
    candidate_id,
    session_key: str | None,
    token: str,
    client_ip: str | None,
    device: str = "",
    now=None,
    stage: VoteStage | None = None,
) -> Cast:
    """Cast one vote for ``candidate_id`` (a VoteCandidate of the stage) in the voter session ``session_key``.

    Checks in order: throttles per address, /24 or /64 network and device cookie (429); a verified
    session (403); the single-use token, bound to the session (forged or expired: 400; replayed: 409); the
    window (409); the candidate (400); then, under a lock on the voter, the per-candidate and per-day
    limits (409, quoting the rule). The vote is then stored and the anomaly checks run: a flagged vote,
    and the votes of the same pattern before it, go to quarantine (out of the count until staff decide).
    Returns the vote and whether it counts. Raises VoteRefused; nothing is stored then.
    """
    now = now or timezone.now()
    client_ip = client_ip or ""
    network = network_of(client_ip)
    _throttles(client_ip=client_ip, network=network, device=device, now=now)
    session = voter_session(session_key, now=now)
    if session is None:
        raise VoteRefused(_("请先验证手机号再投票。"), status=403)
    nonce = _check_token(token, session)
    try:
        candidate_pk = int(candidate_id)
    except (TypeError, ValueError):
        raise VoteRefused(_("请选择本次评议中的候选人。")) from None
    if stage is None or stage.pk != stage_id:  # a caller that has read the stage passes it
        stage = VoteStage.objects.filter(pk=stage_id).first()
    if stage is None or not stage.is_open():
        raise VoteRefused(_("没有这项社会评议。"), status=404)
    if not stage.is_running(now):
        raise VoteRefused(
            _("不在投票时间内（%(start)s 至 %(end)s）。")
            % {"start": fmt_time(stage.opens_at), "end": fmt_time(stage.ends_at)},
            status=409,
        )
    candidate = VoteCandidate.objects.select_related("entry").filter(pk=candidate_pk, stage=stage).first()
    if candidate is None:
        raise VoteRefused(_("请选择本次评议中的候选人。"))
    day = timezone.localdate(now)
    voter = session.voter
    with transaction.atomic():
        # The voter's row lock: this voter's votes are checked and written one at a time.
        Voter.objects.select_for_update().filter(pk=voter.pk).first()
        if Vote.objects.filter(nonce=nonce).exists():
            raise VoteRefused(_("这张选票已经投出，请勿重复提交。"), status=409)
        _check_limits(stage, voter, candidate, day)
        # No savepoint: a token is bound to its session, and this voter's votes wait for the lock above,
        # so the same token cannot reach this INSERT twice (the unique nonce still holds if it did).
        vote = Vote.objects.create(
            stage=stage,
            candidate=candidate,
            voter=voter,
            session=session,
            day=day,
            created_at=now,
            client_ip=client_ip or None,
            network=network,
            device=device[:64],
            segment=voter.segment,
            nonce=nonce,
        )
        flags = _anomalies(stage, vote, now)
        if flags:
            vote.refresh_from_db(fields=["status", "flags"])
    return Cast(vote=vote, counted=vote.status == VoteStatus.COUNTED)


def _check_limits(stage: VoteStage, voter: Voter, candidate: VoteCandidate, day) -> None:
    mine = Vote.objects.filter(stage=stage, voter=voter).exclude(status=VoteStatus.DISCARDED)
    period = mine.filter(day=day) if stage.period == Period.DAY else mine
    figures = mine.filter(day=day).aggregate(
        candidates=Count("candidate", distinct=True), here=Count("id", filter=Q(candidate=candidate))
    )
    here = figures["here"] if stage.period == Period.DAY else period.filter(candidate=candidate).count()
    name = candidate.entry.name
    if here >= stage.votes_per_candidate:
        rule = rules_text(stage)[1]
        raise VoteRefused(
            _("%(rule)s您已为 %(name)s 投过 %(count)s 票。") % {"rule": rule, "name": name, "count": here},
            status=409,
            rule=True,
        )
    voted_here_today = figures["here"] > 0
    if not voted_here_today and figures["candidates"] >= stage.candidates_per_day:
        rule = rules_text(stage)[2]
        raise VoteRefused(
            _("%(rule)s您今天已为 %(count)s 位候选人投票。") % {"rule": rule, "count": figures["candidates"]},
            status=409,
            rule=True,
        )


def _flag(rows, flag: str) -> int:
    """Quarantine the counted votes in ``rows`` that staff have not reviewed, adding ``flag``."""
    moved = 0
    for vote in rows.filter(status=VoteStatus.COUNTED, reviewed_at__isnull=True).only("pk", "flags"):
        flags = vote.flag_list()
        if flag not in flags:
            flags.append(flag)
        moved += Vote.objects.filter(pk=vote.pk, status=VoteStatus.COUNTED).update(
            status=VoteStatus.QUARANTINED, flags=f",{','.join(flags)},"
        )
    return moved


def _anomalies(stage: VoteStage, vote: Vote, now) -> list[str]:
    """Run the anomaly checks for the vote just cast; quarantine what they flag. Returns the flags."""
    limits = _limits("VOTE_ANOMALIES", ANOMALIES)
    since = now - timedelta(minutes=limits["window_minutes"])
    recent = Vote.objects.filter(stage=stage, created_at__gt=since, created_at__lte=now)
    flags = []
    if vote.network:
        same = recent.filter(network=vote.network)
        if same.values("voter").distinct().count() > limits["network_voters"]:
            _flag(same, AnomalyFlag.NETWORK)
            flags.append(AnomalyFlag.NETWORK)
    if vote.segment:
        same = recent.filter(segment=vote.segment)
        if same.values("voter").distinct().count() > limits["segment_voters"]:
            _flag(same, AnomalyFlag.SEGMENT)
            flags.append(AnomalyFlag.SEGMENT)
    if _burst(stage, vote, now, limits):
        burst_since = now - timedelta(seconds=2 * limits["burst_seconds"])
        _flag(
            Vote.objects.filter(stage=stage, candidate=vote.candidate_id, created_at__gt=burst_since),
            AnomalyFlag.BURST,
        )
        flags.append(AnomalyFlag.BURST)
    for field in ("device", "client_ip"):
        value = getattr(vote, field)
        if value and _regular(stage, field, value, limits):
            _flag(recent.filter(**{field: value}), AnomalyFlag.REGULAR)
            flags.append(AnomalyFlag.REGULAR)
            break
    return flags


def _burst(stage: VoteStage, vote: Vote, now, limits) -> bool:
    """Whether the vote's candidate is getting a burst: more than ``burst_votes`` in this period and the
    one before, and more than ``burst_share`` percent of the stage's votes then. Counted in the shared
    cache (one increment per key and vote), not by reading the stage's recent votes: at a few hundred
    votes a second those are tens of thousands of rows. A failing cache skips this check."""
    period = limits["burst_seconds"]
    bucket = int(now.timestamp()) // period
    keys = [f"vote:burst:{stage.pk}:{vote.candidate_id}:", f"vote:burst:{stage.pk}:all:"]
    try:
        here_all = []
        for key in keys:
            current = key + str(bucket)
            if not cache.add(current, 1, timeout=3 * period):
                cache.incr(current)
        found = cache.get_many([key + str(b) for key in keys for b in (bucket, bucket - 1)])
        here_all = [sum(found.get(key + str(b), 0) for b in (bucket, bucket - 1)) for key in keys]
    except Exception:
        return False
    here, everything = here_all
    return here > limits["burst_votes"] and here * 100 > everything * limits["burst_share"]


def _regular(stage: VoteStage, field: str, value, limits) -> bool:
    """Whether the last votes of one device or address came at intervals too even for a person."""
    n = limits["regular_votes"]
    times = list(
        Vote.objects.filter(stage=stage, **{field: value})
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:n]
    )
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
