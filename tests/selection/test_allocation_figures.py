"""The allocation page: linked from the review page for a union that shares its quota below, and the
figures of the union and each union below it (held, allocated below, left to allocate, used), at a
query count that does not grow with the unions."""

import pytest
from django.urls import reverse

from tests.factories import make_org
from unionportal.selection.enums import State
from unionportal.selection.models import Allocation, Candidacy
from unionportal.selection.selectors import allocation_figures, forwarded, quota_of

from .factories import nominate, world

pytestmark = pytest.mark.django_db

REVIEW = reverse("selection:review")


@pytest.fixture
def w():
    return world()


def login(client, user):
    client.force_login(user)
    return client


def allocations_url(w):
    return reverse("selection:allocations", args=[w.programme.pk])


def figures(response) -> list[tuple]:
    return [
        (r.organisation.name, r.held, r.given, r.remaining, r.used)
        for r in [response.context["own"], *response.context["rows"]]
    ]


def put(w, org, state, n=1):
    """``n`` candidacies of ``org`` standing in ``state`` (the figures only read the state)."""
    for _i in range(n):
        Candidacy.objects.create(
            programme=w.programme, campaign=w.programme.campaign, organisation=org, state=state, name="x"
        )


def test_the_review_page_links_the_allocation_page_for_a_union_that_shares_its_quota(w, client):
    link = f'id="allocations-link" href="{allocations_url(w)}?org={w.tree["city_a"].pk}"'
    assert link in login(client, w.city_a).get(REVIEW).content.decode()
    province = login(client, w.province).get(REVIEW).content.decode()
    assert f'href="{allocations_url(w)}?org={w.tree["province"].pk}"' in province
    # A county holds a quota but the programme reviews at no level below it: nothing to share.
    assert 'id="allocations-link"' not in login(client, w.county_a).get(REVIEW).content.decode()


def test_a_union_without_a_quota_gets_no_link(w, client):
    Allocation.objects.filter(organisation=w.tree["city_a"]).delete()
    assert 'id="allocations-link"' not in login(client, w.city_a).get(REVIEW).content.decode()


def test_the_figures_of_the_union_and_each_union_below(w, client):
    a, b, _c = (nominate(w, n, submit=True) for n in (1, 2, 3))
    from unionportal.selection import services

    services.forward(
        actor=w.county_a, programme=w.programme, organisation=w.tree["county_a"], pks=[a.pk, b.pk]
    )
    services.forward(actor=w.city_a, programme=w.programme, organisation=w.tree["city_a"], pks=[a.pk])
    page = login(client, w.city_a).get(allocations_url(w))
    assert page.status_code == 200
    assert figures(page) == [("City a", 6, 5, 1, 1), ("County a", 5, 0, 5, 2)]
    html = page.content.decode()
    assert f'href="{REVIEW}?programme={w.programme.pk}&amp;org={w.tree["city_a"].pk}"' in html  # back
    assert f'id="id_org_{w.tree["county_a"].pk}"' in html and 'value="5"' in html
    # The province gave its cities more than it holds (6 + 6 of 10): it shows, in red.
    province = login(client, w.province).get(allocations_url(w))
    assert figures(province) == [("Province", 10, 12, -2, 0), ("City a", 6, 5, 1, 1), ("City b", 6, 5, 1, 0)]
    assert 'class="remaining text-danger fw-bold">-2<' in province.content.decode()


def test_the_figures_agree_with_quota_of_and_forwarded(w, django_assert_num_queries):
    put(w, w.tree["grassroots_a"], State.REVIEW2, 2)
    put(w, w.tree["grassroots_a"], State.REVIEW1)
    put(w, w.tree["grassroots_a"], State.NOTICE)
    put(w, w.tree["grassroots_a"], State.REVIEW3)  # still at the county: not forwarded by it
    put(w, w.tree["grassroots_b"], State.APPROVED)
    put(w, w.tree["grassroots_b"], State.RETURNED)
    t = w.tree
    below = {"province": ["city_a", "city_b"], "city_a": ["county_a"], "city_b": ["county_b"]}
    for key, keys in below.items():
        org, children = t[key], [t[k] for k in keys]
        own, rows = allocation_figures(w.programme, org, children)
        for row in (own, *rows):
            assert row.held == quota_of(w.programme, row.organisation), row.organisation
            assert row.used == forwarded(w.programme, row.organisation).count(), row.organisation
    with django_assert_num_queries(2):
        own, rows = allocation_figures(w.programme, t["province"], [t["city_a"], t["city_b"]])
    assert [(r.used, r.given) for r in (own, *rows)] == [(2, 12), (2, 5), (1, 5)]
    own, rows = allocation_figures(w.programme, t["city_a"], [t["county_a"]])
    assert (own.used, rows[0].used) == (2, 4)


def test_the_page_costs_the_same_queries_at_one_and_at_several_unions_below(
    w, client, django_assert_max_num_queries, django_assert_num_queries
):
    put(w, w.tree["grassroots_a"], State.REVIEW2, 2)
    client = login(client, w.city_a)
    client.get(allocations_url(w))  # the session's first page loads what later pages find cached
    with django_assert_max_num_queries(20) as one:
        response = client.get(allocations_url(w))
    assert len(response.context["rows"]) == 1
    city = w.tree["city_a"]
    for n in range(4):
        county = make_org(city, name=f"County a{n}")
        union = make_org(make_org(county, name=f"Township a{n}"), name=f"Union a{n}")
        Allocation.objects.create(programme=w.programme, organisation=county, quota=1)
        put(w, union, State.REVIEW2, n)
        put(w, union, State.APPROVED)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(allocations_url(w))
    assert [(r.held, r.used) for r in response.context["rows"]] == [(5, 2), (1, 1), (1, 2), (1, 3), (1, 4)]
    assert response.context["own"].given == 9 and response.context["own"].remaining == -3
