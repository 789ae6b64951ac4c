"""The vote pages through the test client: verification by code with consent, the cached page of a
visitor, a voter's page with its single-use token, votes and refusals (4xx with the rule), the staff
pages (settings, opening, live counts, the quarantine, the export), and their query counts."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from unionportal.audit.models import AuditEvent
from unionportal.selection.voting import services
from unionportal.selection.voting.enums import VoteStatus
from unionportal.selection.voting.models import Vote, Voter, VoteStage

from .factories import cast, vote_world, voter_session

pytestmark = pytest.mark.django_db

PHONE = "13712345678"


def code_from(sms_outbox) -> str:
    return re.search(r"您的验证码为 (\d{6})", sms_outbox[-1][1]).group(1)


def verified_client(stage, sms_outbox, capture, phone=PHONE, ip="203.0.113.20") -> Client:
    client = Client(REMOTE_ADDR=ip)
    url = reverse("voting:verify", args=[stage.pk])
    with capture(execute=True):
        response = client.post(url, {"phone": phone, "send": "1"})
    assert response.status_code == 200
    response = client.post(
        url, {"phone": phone, "code": code_from(sms_outbox), "consent": "on", "verify": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("voting:stage", args=[stage.pk])
    return client


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_a_voter_verifies_by_code_with_consent_and_votes(sms_outbox, django_capture_on_commit_callbacks):
    w = vote_world(candidates=2)
    client = verified_client(w.stage, sms_outbox, django_capture_on_commit_callbacks)
    voter = Voter.objects.get(phone=PHONE)
    assert voter.consent_text.startswith("本人同意主办单位为核实投票真实性使用本手机号")
    assert client.cookies[services.SESSION_COOKIE]["httponly"]
    page = client.get(reverse("voting:stage", args=[w.stage.pk]))
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "已验证手机号 137****5678" in page.content.decode()
    a = w.candidates[0]
    response = client.post(
        reverse("voting:cast", args=[w.stage.pk]), {"candidate": a.pk, "token": token_of(page)}
    )
    assert response.status_code == 302 and response["X-Vote"] == "recorded"
    assert Vote.objects.get().status == VoteStatus.COUNTED
    # Over the limit: refused with the rule shown, nothing stored.
    page = client.get(reverse("voting:stage", args=[w.stage.pk]))
    assert "投票成功：您为 候选人1 投了一票。" in page.content.decode()
    response = client.post(
        reverse("voting:cast", args=[w.stage.pk]), {"candidate": a.pk, "token": token_of(page)}
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "每位投票人每天可为同一候选人投 1 票。您已为 候选人1 投过 1 票。" in text
    assert Vote.objects.count() == 1


def test_consent_is_required_and_a_wrong_code_is_refused(sms_outbox, django_capture_on_commit_callbacks):
    w = vote_world(candidates=1)
    client = Client()
    url = reverse("voting:verify", args=[w.stage.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"phone": PHONE, "send": "1"})
    code = code_from(sms_outbox)
    response = client.post(url, {"phone": PHONE, "code": code, "verify": "1"})
    assert response.status_code == 400
    assert "请阅读并同意手机号使用说明后再投票。" in response.content.decode()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url, {"phone": PHONE, "code": wrong, "consent": "on", "verify": "1"})
    assert response.status_code == 400
    assert "验证码错误，还可尝试 4 次。" in response.content.decode()
    assert not Voter.objects.exists()
    assert services.SESSION_COOKIE not in response.cookies


def test_a_flood_of_code_requests_is_refused_with_429(sms_outbox, django_capture_on_commit_callbacks):
    w = vote_world(candidates=1)
    client = Client()
    url = reverse("voting:verify", args=[w.stage.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"phone": PHONE, "send": "1"}).status_code == 200
        again = client.post(url, {"phone": PHONE, "send": "1"})
    assert again.status_code == 429
    assert "验证码刚刚已发送到该号码" in again.content.decode()
    assert len(sms_outbox) == 1
    bad = client.post(url, {"phone": "12345", "send": "1"})
    assert bad.status_code == 400


def test_a_visitor_s_page_is_cached_without_cookies_and_counts_follow_within_seconds(
    django_assert_max_num_queries,
):
    w = vote_world(candidates=3)
    url = reverse("voting:stage", args=[w.stage.pk])
    client = Client()
    first = client.get(url)
    assert first.status_code == 200
    assert sorted(first["Cache-Control"].split(", ")) == ["max-age=5", "public"]
    assert not first.cookies
    body = first.content.decode()
    assert "csrfmiddlewaretoken" not in body and 'name="token"' not in body
    assert "验证手机号后投票" in body and "每位投票人每天最多为 2 位候选人投票。" in body
    assert "距投票截止还有 2 天" in body
    cast(w.stage, w.candidates[0])
    with django_assert_max_num_queries(0):
        again = client.get(url)
    assert again.content == first.content  # at most a few seconds old
    assert f'id="count-{w.candidates[0].pk}">0 票' in body


def test_counts_are_hidden_until_the_close_when_the_programme_says_so():
    w = vote_world(candidates=1, hide_results=True)
    cast(w.stage, w.candidates[0])
    url = reverse("voting:stage", args=[w.stage.pk])
    body = Client().get(url).content.decode()
    assert "vote-count" not in body and "得票数将在投票结束后公布。" in body
    services.stage_close(actor=w.province, stage=w.stage)
    body = Client().get(url + "?after=close").content.decode()
    assert f'id="count-{w.candidates[0].pk}">1 票' in body
    assert "投票已结束。" in body


def test_search_finds_by_name_and_the_page_does_not_grow_in_queries(django_assert_max_num_queries):
    w = vote_world(candidates=4)
    url = reverse("voting:stage", args=[w.stage.pk])
    with django_assert_max_num_queries(4):
        body = Client().get(url, {"q": "候选人3"}).content.decode()
    assert "候选人3" in body and "候选人2" not in body
    _session, key = voter_session()
    client = Client()
    client.cookies[services.SESSION_COOKIE] = key
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count('class="vote-form"') == 4


def test_a_post_without_a_voter_session_goes_to_verification():
    w = vote_world(candidates=1)
    response = Client().post(reverse("voting:cast", args=[w.stage.pk]), {"candidate": w.candidates[0].pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("voting:verify", args=[w.stage.pk])
    assert not Vote.objects.exists()


def test_an_unopened_vote_is_404_and_a_photo_is_served_once_open():
    w = vote_world(candidates=1, open_vote=False)
    assert Client().get(reverse("voting:stage", args=[w.stage.pk])).status_code == 404
    services.stage_open(actor=w.province, stage=w.stage, candidacy_ids=[w.candidacies[0].pk])
    candidate = w.stage.candidates.get()
    photo = Client().get(reverse("voting:photo", args=[w.stage.pk, candidate.pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert Client().get(reverse("voting:photo", args=[w.stage.pk, 99999])).status_code == 404


def test_english_page_reads_in_english():
    w = vote_world(candidates=1)
    body = Client().get("/en" + reverse("voting:stage", args=[w.stage.pk])).content.decode()
    assert "Voting rules" in body and "Verify your phone to vote" in body


# --- staff ---------------------------------------------------------------------------------------------


def test_province_sets_up_and_opens_a_vote_on_the_staff_page():
    w = vote_world(candidates=2, open_vote=False)
    VoteStage.objects.filter(pk=w.stage.pk).delete()
    client = Client()
    client.force_login(w.province)
    url = reverse("voting_staff:stage", args=[w.programme.pk])
    now = timezone.localtime()
    form = {
        "action": "save",
        "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "period": "day",
        "votes_per_candidate": 1,
        "candidates_per_day": 3,
        "expert_weight": 80,
        "public_weight": 30,
    }
    bad = client.post(url, form)
    assert bad.status_code == 400
    assert "专家评审权重与社会评议权重之和必须为 100。" in bad.content.decode()
    assert not VoteStage.objects.exists()
    form["public_weight"] = 20
    assert client.post(url, form).status_code == 302
    page = client.get(url)
    assert page.content.decode().count('name="candidacy"') == 2
    response = client.post(url, {"action": "open", "candidacy": [w.candidacies[0].pk]})
    assert response.status_code == 302
    stage = VoteStage.objects.get()
    assert stage.is_open() and stage.candidates.count() == 1
    live = client.get(url).content.decode()
    assert 'id="live-counts"' in live


def test_other_staff_cannot_open_the_staff_pages():
    w = vote_world(candidates=1)
    client = Client()
    client.force_login(w.county_a)
    assert client.get(reverse("voting_staff:list")).status_code == 403
    assert client.get(reverse("voting_staff:stage", args=[w.programme.pk])).status_code == 404
    assert client.get(reverse("voting_staff:quarantine", args=[w.stage.pk])).status_code == 404


def test_the_quarantine_page_releases_a_group_and_the_list_does_not_grow_in_queries(
    django_assert_max_num_queries,
):
    w = vote_world(candidates=2)
    now = timezone.now()
    for n in range(25):
        cast(w.stage, w.candidates[n % 2], ip=f"198.51.100.{n + 1}", device=f"q{n}", now=now)
    client = Client()
    client.force_login(w.province)
    url = reverse("voting_staff:quarantine", args=[w.stage.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    body = page.content.decode()
    assert body.count('name="group"') == 2
    assert "同一网段大量投票人" in body
    keys = re.findall(r'name="group" value="([^"]+)"', body)
    refused = client.post(url + "?tab=quarantined", {"decision": "release", "group": keys, "reason": ""})
    assert refused.status_code == 400
    assert Vote.objects.filter(status=VoteStatus.QUARANTINED).count() == 25
    done = client.post(url + "?tab=quarantined", {"decision": "release", "group": keys, "reason": "已核实"})
    assert done.status_code == 302
    assert Vote.objects.filter(status=VoteStatus.COUNTED).count() == 25
    assert AuditEvent.objects.filter(action="selection_voting.votes.release").count() == 2
    home = client.get(reverse("home")).content.decode()
    assert "待核查的社会评议投票" not in home


def test_home_lists_quarantined_votes_for_the_province():
    w = vote_world(candidates=1)
    now = timezone.now()
    for n in range(21):
        cast(w.stage, w.candidates[0], ip=f"198.51.100.{n + 1}", device=f"h{n}", now=now)
    client = Client()
    client.force_login(w.province)
    home = client.get(reverse("home")).content.decode()
    assert "待核查的社会评议投票" in home
    assert "社会评议投票中：2026 Programme medal" in home


def test_votes_per_day_export(django_assert_max_num_queries):
    import io

    from openpyxl import load_workbook

    w = vote_world(candidates=2)
    for n in range(3):
        cast(w.stage, w.candidates[0], ip=f"192.0.2.{n}", device=f"e{n}")
    cast(w.stage, w.candidates[1], ip="192.0.2.99", device="e9", now=timezone.now() - timedelta(minutes=30))
    client = Client()
    client.force_login(w.province)
    response = client.get(reverse("imports:export_download", args=["selection_voting.daily", "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r and r[0] == "日期"))
    data = [r for r in rows[header + 1 :] if r and r[0]]
    # Sorted: the earlier vote falls on the day before when the test runs in the first half hour of a day.
    assert sorted((r[4], r[6], r[9]) for r in data) == [("候选人1", 3, 3), ("候选人2", 1, 1)]
    county = Client()
    county.force_login(w.county_a)
    assert (
        county.get(reverse("imports:export_download", args=["selection_voting.daily", "xlsx"])).status_code
        == 403
    )


def test_a_json_client_gets_200_when_recorded_and_the_refusal_s_status():
    w = vote_world(candidates=1)
    session, key = voter_session()
    client = Client(enforce_csrf_checks=False)
    client.cookies[services.SESSION_COOKIE] = key
    url = reverse("voting:cast", args=[w.stage.pk])
    data = {"candidate": w.candidates[0].pk, "token": services.vote_token(session)}
    first = client.post(url, data, HTTP_ACCEPT="application/json")
    assert (first.status_code, first.json(), first["X-Vote"]) == (
        200,
        {"recorded": True, "counted": True},
        "recorded",
    )
    data["token"] = services.vote_token(session)
    second = client.post(url, data, HTTP_ACCEPT="application/json")
    assert second.status_code == 409
    assert second.json() == {
        "recorded": False,
        "message": "每位投票人每天可为同一候选人投 1 票。您已为 候选人1 投过 1 票。",
    }
    assert Vote.objects.count() == 1


def _json_vote(client, stage, candidate, session, ip):
    return client.post(
        reverse("voting:cast", args=[stage.pk]),
        {"candidate": candidate.pk, "token": services.vote_token(session)},
        HTTP_ACCEPT="application/json",
        HTTP_X_FORWARDED_FOR=ip,
    )


def test_a_vote_costs_the_same_few_queries_however_many_votes_the_stage_holds(
    django_assert_num_queries, settings
):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    w = vote_world(candidates=3, candidates_per_day=3)
    client = Client()
    # Inside the transaction (in a test, a savepoint and its release): the session with the voter's
    # lock, the stage and the candidate; the limits with the anomaly counts; the insert.
    expected = 5
    first, key = voter_session(device="q0")
    client.cookies[services.SESSION_COOKIE] = key
    with django_assert_num_queries(expected):
        assert _json_vote(client, w.stage, w.candidates[0], first, "203.0.113.1").status_code == 200
    for n in range(60):  # other voters, and this voter's own second vote of the day
        cast(w.stage, w.candidates[n % 3], ip=f"198.18.{n}.1", device=f"q{n + 1}")
    with django_assert_num_queries(expected):
        assert _json_vote(client, w.stage, w.candidates[1], first, "203.0.113.1").status_code == 200
    assert Vote.objects.filter(stage=w.stage, voter=first.voter).count() == 2
