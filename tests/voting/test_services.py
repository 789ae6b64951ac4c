"""The vote's services: opening writes the public rows, the window and the limits refuse clearly and
store nothing, replayed and forged posts are refused, throttles answer 429, anomaly checks quarantine."""

from datetime import timedelta

import pytest
from django.utils import timezone

from unionportal.audit.models import AuditEvent
from unionportal.public.models import PublicEntry
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy
from unionportal.selection.voting import selectors, services
from unionportal.selection.voting.enums import VoteStatus
from unionportal.selection.voting.models import Vote, VoterSession, VoteStage

from .factories import cast, vote_world, voter_session

pytestmark = pytest.mark.django_db


def refused(call) -> services.VoteRefused:
    before = Vote.objects.count()
    with pytest.raises(services.VoteRefused) as info:
        call()
    assert Vote.objects.count() == before, "a refused vote stored something"
    return info.value


def test_opening_writes_a_public_row_per_candidate_in_stage_vote():
    w = vote_world(candidates=3)
    entries = PublicEntry.objects.filter(source__startswith=f"selection_voting.stage:{w.stage.pk}:")
    assert sorted(entries.values_list("name", flat=True)) == ["候选人1", "候选人2", "候选人3"]
    assert set(entries.values_list("stage", flat=True)) == {PublicEntry.Stage.VOTE}
    assert [c.position for c in w.candidates] == [1, 2, 3]
    assert all(c.entry.photo.is_public for c in w.candidates)
    # The candidacy's own public row (notice, publication) is another one: none was written.
    assert not PublicEntry.objects.filter(source__startswith="selection.candidacy:").exists()
    assert AuditEvent.objects.filter(action="selection_voting.stage.open").count() == 1


def test_opening_twice_an_ineligible_candidacy_or_by_other_staff_is_refused():
    w = vote_world(candidates=2, open_vote=False)
    pks = [c.pk for c in w.candidacies]
    with pytest.raises(services.VoteError, match="您无权执行此操作"):
        services.stage_open(actor=w.county_a, stage=w.stage, candidacy_ids=pks)
    Candidacy.objects.filter(pk=pks[0]).update(state=State.REVIEW2)
    with pytest.raises(services.VoteError, match="不在省级审核或已批准状态"):
        services.stage_open(actor=w.province, stage=w.stage, candidacy_ids=pks)
    with pytest.raises(services.VoteError, match="请至少选择一名候选人"):
        services.stage_open(actor=w.province, stage=w.stage, candidacy_ids=[])
    assert not PublicEntry.objects.exists()
    services.stage_open(actor=w.province, stage=w.stage, candidacy_ids=pks[1:])
    with pytest.raises(services.VoteError, match="已经发布"):
        services.stage_open(actor=w.province, stage=w.stage, candidacy_ids=pks[1:])
    assert PublicEntry.objects.count() == 1


def test_weights_that_do_not_sum_to_100_are_refused():
    w = vote_world(candidates=1, open_vote=False)
    values = {"expert_weight": 60, "public_weight": 30}
    with pytest.raises(services.VoteError, match="权重之和必须为 100"):
        services.stage_save(actor=w.province, programme=w.programme, values=values)
    assert VoteStage.objects.get(pk=w.stage.pk).expert_weight == 70


def test_a_vote_outside_the_window_is_refused_with_the_window():
    w = vote_world(candidates=1)
    a = w.candidates[0]
    early = w.stage.opens_at - timedelta(minutes=1)
    error = refused(lambda: cast(w.stage, a, now=early))
    assert error.status == 409
    assert error.message.startswith("不在投票时间内（")
    late = w.stage.closes_at + timedelta(seconds=1)
    assert refused(lambda: cast(w.stage, a, now=late)).status == 409
    services.stage_close(actor=w.province, stage=w.stage)
    assert refused(lambda: cast(w.stage, a)).status == 409


def test_a_second_vote_for_one_candidate_on_one_day_is_refused_with_the_rule():
    w = vote_world(candidates=2)
    a = w.candidates[0]
    session, key = voter_session()
    assert cast(w.stage, a, session=session, key=key).counted
    error = refused(lambda: cast(w.stage, a, session=session, key=key))
    assert error.status == 409 and error.rule
    assert error.message == "每位投票人每天可为同一候选人投 1 票。您已为 候选人1 投过 1 票。"
    # The next day the period starts again.
    tomorrow = timezone.now() + timedelta(days=1)
    assert cast(w.stage, a, session=session, key=key, now=tomorrow).counted


def test_the_whole_window_period_counts_every_day():
    w = vote_world(candidates=1, period="window", votes_per_candidate=2)
    a = w.candidates[0]
    session, key = voter_session()
    cast(w.stage, a, session=session, key=key)
    cast(w.stage, a, session=session, key=key, now=timezone.now() + timedelta(days=1))
    error = refused(
        lambda: cast(w.stage, a, session=session, key=key, now=timezone.now() + timedelta(days=2))
    )
    assert error.message == "整个投票期内，每位投票人可为同一候选人投 2 票。您已为 候选人1 投过 2 票。"


def test_more_candidates_a_day_than_the_limit_is_refused():
    w = vote_world(candidates=3, candidates_per_day=2)
    session, key = voter_session()
    cast(w.stage, w.candidates[0], session=session, key=key)
    cast(w.stage, w.candidates[1], session=session, key=key)
    error = refused(lambda: cast(w.stage, w.candidates[2], session=session, key=key))
    assert error.message == "每位投票人每天最多为 2 位候选人投票。您今天已为 2 位候选人投票。"


def test_a_candidate_not_in_the_vote_or_unknown_is_refused():
    w = vote_world(candidates=1)
    other = vote_world_other(w)
    session, key = voter_session()
    for candidate_id in (other.pk, 999999, "x", None):
        error = refused(
            lambda candidate_id=candidate_id: services.vote_cast(
                stage_id=w.stage.pk,
                candidate_id=candidate_id,
                session_key=key,
                token=services.vote_token(session),
                client_ip="203.0.113.5",
            )
        )
        assert (error.status, error.message) == (400, "请选择本次评议中的候选人。")


def vote_world_other(w):
    """A candidate of another programme's vote."""
    from types import SimpleNamespace

    from tests.selection.factories import make_programme, nominate

    programme = make_programme(code="other")
    c = nominate(SimpleNamespace(**{**vars(w), "programme": programme}), 9, submit=True)
    Candidacy.objects.filter(pk=c.pk).update(state=State.REVIEW1)
    now = timezone.now()
    stage = services.stage_save(
        actor=w.province,
        programme=programme,
        values={"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=1)},
    )
    services.stage_open(actor=w.province, stage=stage, candidacy_ids=[c.pk])
    return stage.candidates.get()


def test_replayed_forged_and_foreign_tokens_are_refused():
    w = vote_world(candidates=2, candidates_per_day=5)
    a, b = w.candidates
    session, key = voter_session()
    token = services.vote_token(session)
    cast(w.stage, a, session=session, key=key, token=token)
    replay = refused(lambda: cast(w.stage, b, session=session, key=key, token=token))
    assert (replay.status, replay.message) == (409, "这张选票已经投出，请勿重复提交。")
    forged = refused(lambda: cast(w.stage, b, session=session, key=key, token=token[:-2] + "xx"))
    assert (forged.status, forged.message) == (400, "投票请求无效，请刷新页面后重新投票。")
    other, _key = voter_session()
    foreign = refused(lambda: cast(w.stage, b, session=session, key=key, token=services.vote_token(other)))
    assert foreign.status == 400
    nobody = refused(lambda: cast(w.stage, b, session=session, key="no-such-key"))
    assert (nobody.status, nobody.message) == (403, "请先验证手机号再投票。")


def test_an_expired_session_is_refused():
    w = vote_world(candidates=1)
    session, key = voter_session()
    later = w.stage.opens_at + timedelta(minutes=5)
    VoterSession.objects.filter(pk=session.pk).update(expires_at=later - timedelta(seconds=1))
    assert refused(lambda: cast(w.stage, w.candidates[0], session=session, key=key, now=later)).status == 403


def test_votes_from_one_address_past_the_throttle_get_429():
    w = vote_world(candidates=1)
    a = w.candidates[0]
    now = timezone.now().replace(second=5)
    for n in range(services.THROTTLES["address"]):
        cast(w.stage, a, ip="203.0.113.7", device=f"d{n}", now=now + timedelta(seconds=n))
    error = refused(
        lambda: cast(w.stage, a, ip="203.0.113.7", device="other", now=now + timedelta(seconds=30))
    )
    assert (error.status, error.message) == (429, "您所在网络或设备投票过于频繁，请一分钟后再试。")
    # Another address is not held back; the same one is again the next minute.
    cast(w.stage, a, ip="203.0.113.8", device="x", now=now + timedelta(seconds=31))
    cast(w.stage, a, ip="203.0.113.7", device="y", now=now + timedelta(seconds=61))


def test_one_device_cookie_past_the_throttle_gets_429():
    w = vote_world(candidates=1)
    now = timezone.now().replace(second=5)
    for n in range(services.THROTTLES["device"]):
        cast(w.stage, w.candidates[0], ip=f"198.18.{n}.1", device="one", now=now + timedelta(seconds=n))
    error = refused(lambda: cast(w.stage, w.candidates[0], ip="198.19.0.1", device="one", now=now))
    assert error.status == 429


def test_fifty_votes_from_one_network_in_a_minute_are_quarantined_and_release_restores_the_count():
    w = vote_world(candidates=2)
    a, b = w.candidates
    for n in range(7):  # ordinary votes from everywhere
        cast(w.stage, a, ip=f"192.0.{n}.10", device=f"ok{n}")
    assert selectors.counts(w.stage) == {a.pk: 7}
    now = timezone.now()
    casts = [
        cast(w.stage, a, ip=f"198.51.100.{n + 1}", device=f"burst{n}", now=now + timedelta(seconds=n))
        for n in range(50)
    ]
    assert len(casts) == 50
    assert selectors.counts(w.stage) == {a.pk: 7}, "the public count moved"
    burst = Vote.objects.filter(network="198.51.100.0/24")
    assert burst.count() == 50
    assert set(burst.values_list("status", flat=True)) == {VoteStatus.QUARANTINED}
    assert set(burst.values_list("flags", flat=True)) == {",network,"}
    assert not casts[-1].counted
    # The quarantine shows them as one group; releasing it restores the exact count, audited.
    groups = selectors.groups(w.stage, VoteStatus.QUARANTINED)
    assert [(g["network"], g["n"], g["voters"]) for g in groups] == [("198.51.100.0/24", 50, 50)]
    key = services.group_key(",network,", "198.51.100.0/24", a.pk)
    moved = services.votes_decide(
        actor=w.province, stage=w.stage, decision="release", groups=[key], reason="核实为同一单位职工"
    )
    assert moved == 50
    assert selectors.counts(w.stage) == {a.pk: 57}
    event = AuditEvent.objects.get(action="selection_voting.votes.release")
    assert (event.comment, event.changes["votes"]) == ("核实为同一单位职工", ["50"])
    # Released votes are not quarantined again by the next vote from that network.
    cast(w.stage, b, ip="198.51.100.99", device="late", now=now + timedelta(seconds=55))
    assert selectors.counts(w.stage) == {a.pk: 57}
    assert Vote.objects.filter(network="198.51.100.0/24", status=VoteStatus.COUNTED).count() == 50
    # Reversible: back to quarantine, then discarded, then restored.
    services.votes_decide(
        actor=w.province, stage=w.stage, decision="requarantine", groups=[key], reason="复核"
    )
    assert selectors.counts(w.stage) == {a.pk: 7}
    services.votes_decide(
        actor=w.province, stage=w.stage, decision="discard", groups=[key], reason="确认刷票"
    )
    assert burst.filter(status=VoteStatus.DISCARDED).count() == 50
    services.votes_decide(actor=w.province, stage=w.stage, decision="restore", groups=[key], reason="撤回")
    assert burst.filter(candidate=a, status=VoteStatus.QUARANTINED).count() == 50
    assert selectors.counts(w.stage) == {a.pk: 7}
    assert AuditEvent.objects.filter(action__startswith="selection_voting.votes.").count() == 4


def test_quarantine_decisions_need_province_staff_and_a_reason():
    w = vote_world(candidates=1)
    with pytest.raises(services.VoteError, match="您无权执行此操作"):
        services.votes_decide(
            actor=w.county_a, stage=w.stage, decision="release", groups=["x"], reason="理由"
        )
    with pytest.raises(services.VoteError, match="请填写处理理由"):
        services.votes_decide(actor=w.province, stage=w.stage, decision="release", groups=["x"], reason=" ")
    with pytest.raises(services.VoteError, match="所选投票组无效"):
        services.votes_decide(
            actor=w.province, stage=w.stage, decision="release", groups=["x"], reason="理由"
        )


def test_many_numbers_of_one_segment_are_quarantined():
    w = vote_world(candidates=1)
    now = timezone.now()
    limit = services.ANOMALIES["segment_voters"]
    for n in range(limit + 1):
        session, key = voter_session(f"1390000{n:04d}")
        cast(w.stage, w.candidates[0], session=session, key=key, ip=f"10.{n}.0.1", device=f"s{n}", now=now)
    votes = Vote.objects.filter(segment="1390000")
    assert set(votes.values_list("status", flat=True)) == {VoteStatus.QUARANTINED}
    assert set(votes.values_list("flags", flat=True)) == {",segment,"}


def test_machine_regular_intervals_from_one_device_are_quarantined():
    w = vote_world(candidates=1)
    now = timezone.now().replace(second=0)
    for n in range(services.ANOMALIES["regular_votes"]):
        cast(w.stage, w.candidates[0], ip=f"10.{n}.1.1", device="bot", now=now + timedelta(seconds=7 * n))
    votes = Vote.objects.filter(device="bot")
    assert set(votes.values_list("status", flat=True)) == {VoteStatus.QUARANTINED}
    assert set(votes.values_list("flags", flat=True)) == {",regular,"}


def test_a_person_s_uneven_intervals_are_not_flagged():
    w = vote_world(candidates=1)
    now = timezone.now().replace(second=0)
    for n, gap in enumerate((0, 5, 13, 14, 30, 41)):
        cast(w.stage, w.candidates[0], ip=f"10.{n}.1.1", device="person", now=now + timedelta(seconds=gap))
    assert set(Vote.objects.values_list("status", flat=True)) == {VoteStatus.COUNTED}


def test_a_burst_on_one_candidate_is_quarantined():
    w = vote_world(candidates=2)
    now = timezone.now()
    limit = services.ANOMALIES["burst_votes"]
    for n in range(limit + 1):
        cast(
            w.stage,
            w.candidates[0],
            ip=f"10.{n % 250}.{n // 250}.1",
            device=f"b{n}",
            now=now + timedelta(milliseconds=n * 37),
        )
    flagged = Vote.objects.filter(flags__contains="burst")
    assert flagged.count() == limit + 1
    assert selectors.counts(w.stage) == {}


def test_refused_posts_for_a_candidate_do_not_make_a_burst_of_its_real_votes():
    """A flood of posts that the checks refuse (here replays of one token) is not counted as votes for
    the candidate: the real votes it gets in the same minutes stay counted."""
    w = vote_world(candidates=2)
    now = timezone.now()
    limit = services.ANOMALIES["burst_votes"]
    session, key = voter_session(device="flood")
    token = services.vote_token(session)
    cast(
        w.stage,
        w.candidates[0],
        session=session,
        key=key,
        token=token,
        ip="10.9.0.1",
        device="flood",
        now=now,
    )
    for n in range(limit + 5):
        refused(
            lambda n=n: cast(
                w.stage,
                w.candidates[0],
                session=session,
                key=key,
                token=token,
                ip=f"10.{n % 250}.{n // 250}.2",
                device=f"f{n}",
                now=now + timedelta(milliseconds=n * 11),
            )
        )
    for n in range(3):
        cast(w.stage, w.candidates[0], ip=f"10.8.{n}.3", device=f"r{n}", now=now + timedelta(seconds=2 + n))
    assert not Vote.objects.exclude(flags="").exists()
    assert selectors.counts(w.stage) == {w.candidates[0].pk: 4}


def test_results_hidden_until_the_window_closes_when_the_programme_says_so():
    w = vote_world(candidates=1, hide_results=True)
    assert not w.stage.results_public()
    services.stage_close(actor=w.province, stage=w.stage)
    w.stage.refresh_from_db()
    assert w.stage.results_public()
