"""The combined score: public score = 100 × votes ÷ the stage's highest count, weighted with the expert
score by the programme's weights; ties go to the higher expert score."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from unionportal.selection.voting import selectors

from .factories import cast, scored_vote_world, vote_world

pytestmark = pytest.mark.django_db


def test_combined_ranking_weights_both_parts_and_breaks_ties_by_the_expert_score(
    django_assert_max_num_queries,
):
    w = vote_world(candidates=4, expert_weight=70, public_weight=30, candidates_per_day=4)
    a, b, c, d = w.candidates
    for n in range(4):
        cast(w.stage, a, ip=f"192.0.{n}.1", device=f"a{n}")
    for n in range(2):
        cast(w.stage, b, ip=f"192.1.{n}.1", device=f"b{n}")
    cast(w.stage, c, ip="192.2.0.1", device="c")
    expert = {a.candidacy_id: Decimal("80"), b.candidacy_id: Decimal("90"), c.candidacy_id: Decimal("85.5")}
    with django_assert_max_num_queries(2):
        ranking = selectors.combined_ranking(w.stage, expert)
    rows = [(r.candidate.pk, r.votes, r.public_score, r.expert_score, r.combined) for r in ranking]
    assert rows == [
        # 0.7 × 80 + 0.3 × 100 = 86; 0.7 × 90 + 0.3 × 50 = 78; 0.7 × 85.5 + 0.3 × 25 = 67.35
        (a.pk, 4, Decimal("100.00"), Decimal("80.00"), Decimal("86.00")),
        (b.pk, 2, Decimal("50.00"), Decimal("90.00"), Decimal("78.00")),
        (c.pk, 1, Decimal("25.00"), Decimal("85.50"), Decimal("67.35")),
        (d.pk, 0, Decimal("0"), None, Decimal("0.00")),
    ]
    assert [r.rank for r in ranking] == [1, 2, 3, 4]


def test_a_tie_goes_to_the_higher_expert_score():
    w = vote_world(candidates=2, expert_weight=50, public_weight=50)
    a, b = w.candidates
    # a: 0.5 × 60 + 0.5 × 100 (5 of 5 votes) = 80; b: 0.5 × 100 + 0.5 × 60 (3 of 5) = 80.
    expert = {a.candidacy_id: Decimal("60"), b.candidacy_id: Decimal("100")}
    ranking = selectors.combined_ranking(w.stage, expert, {a.pk: 5, b.pk: 3})
    assert [(r.candidate.pk, r.combined) for r in ranking] == [
        (b.pk, Decimal("80.00")),
        (a.pk, Decimal("80.00")),
    ]
    # Without the tie the combined score alone decides.
    ranking = selectors.combined_ranking(w.stage, expert, {a.pk: 5, b.pk: 2})
    assert [r.candidate.pk for r in ranking] == [a.pk, b.pk]


def test_the_ranking_page_shows_each_part_of_the_combined_score(django_assert_max_num_queries):
    w, stage, (a, b, c) = scored_vote_world()
    for n in range(4):
        cast(stage, a, ip=f"192.0.{n}.1", device=f"a{n}")
    cast(stage, b, ip="192.1.0.1", device="b")
    client = Client()
    client.force_login(w.province)
    url = reverse("voting_staff:ranking", args=[stage.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # a: 70 × 0.7 + 100 × 0.3 = 79; b: 100 × 0.7 + 25 × 0.3 = 77.5; c: not scored, no votes.
    assert page.index(f'id="line-{a.pk}"') < page.index(f'id="line-{b.pk}"') < page.index(f'id="line-{c.pk}"')
    assert "70.00 × 70% + 100.00 × 30% = 79.00" in page
    assert "100.00 × 70% + 25.00 × 30% = 77.50" in page
    assert "未评分" in page and "本项最高计票数（4 票）" in page
    assert 'id="still-running"' in page
    # The vote's staff page links to it; staff of a county do not reach it.
    assert url in client.get(reverse("voting_staff:stage", args=[w.programme.pk])).content.decode()
    county = Client()
    county.force_login(w.county_a)
    assert county.get(url).status_code in (403, 404)


def test_the_ranking_page_s_queries_do_not_grow_with_candidates(django_assert_max_num_queries):
    w = vote_world(candidates=8, candidates_per_day=8)
    for n, candidate in enumerate(w.candidates):
        cast(w.stage, candidate, ip=f"192.3.{n}.1", device=f"d{n}")
    client = Client()
    client.force_login(w.province)
    url = reverse("voting_staff:ranking", args=[w.stage.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
