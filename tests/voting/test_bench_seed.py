"""The vote bench's seeder: a vote of N candidates, pre-verified voters and a file of vote requests,
each of which, posted as the bench posts it (voter cookie, token, X-Forwarded-For from a trusted proxy,
JSON answer), is recorded once; a line sent again is a replay."""

import re
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories import make_tree
from tests.selection.factories import make_programme
from unionportal.selection.voting.models import Vote

pytestmark = pytest.mark.django_db


def bench_lines(out: str) -> dict:
    return dict(re.findall(r"^bench (\w+)=(.*)$", out, re.M))


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_seeded_requests_are_each_recorded_once(tmp_path):
    make_tree()
    make_programme(code="medal")  # the campaign the bench vote joins
    path = tmp_path / "requests.tsv"
    stdout = StringIO()
    call_command("seed_vote_bench", voters=5, candidates=4, requests=30, out=str(path), stdout=stdout)
    keys = bench_lines(stdout.getvalue())
    assert keys["vote_voters"] == "5" and keys["vote_candidates"] == "4"
    lines = [line.split("\t") for line in path.read_text().splitlines()]
    assert len(lines) == 30 and len({line[3].rsplit(".", 1)[0] for line in lines}) == 30
    # Consecutive lines name different candidates (a run of one candidate would be a burst).
    assert all(a[2] != b[2] for a, b in pairwise(lines))
    client = Client(REMOTE_ADDR="127.0.0.1")
    accepted = 0
    for key, token, candidate, address in lines:
        client.cookies["vote_session"] = key
        response = client.post(
            keys["vote_cast"],
            {"candidate": candidate, "token": token},
            HTTP_ACCEPT="application/json",
            HTTP_X_FORWARDED_FOR=address,
        )
        assert response.status_code == 200, response.content
        accepted += response.json()["recorded"]
    assert accepted == Vote.objects.count() == 30
    assert set(Vote.objects.values_list("client_ip", flat=True)) == {line[3] for line in lines}
    key, token, candidate, address = lines[0]
    client.cookies["vote_session"] = key
    replay = client.post(
        keys["vote_cast"], {"candidate": candidate, "token": token}, HTTP_ACCEPT="application/json"
    )
    assert replay.status_code == 409
    count = StringIO()
    call_command("seed_vote_bench", count=True, stdout=count)
    assert count.getvalue().strip() == "bench vote_recorded=30"
    # Run again: the same vote, fresh tokens.
    again = StringIO()
    call_command("seed_vote_bench", voters=5, candidates=4, requests=3, out=str(path), stdout=again)
    assert bench_lines(again.getvalue())["vote_pk"] == keys["vote_pk"]
