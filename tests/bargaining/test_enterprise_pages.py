"""An enterprise's bargaining facts page and an agreement's coverage page (an industry agreement's many
enterprises): scoped (404 outside), searchable, paginated, constant queries."""

import pytest
from django.test import Client
from django.urls import reverse

from bargaining import services
from bargaining.enums import AgreementKind, ContractStatus, Side, Topic
from tests.factories import make_enterprise

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def industry(world, today):
    enterprises = [world.enterprise, world.no_union] + [
        make_enterprise(world.tree["township_a"], None, name=f"水晶{n:02d}厂", employees=10 + n)
        for n in range(30)
    ]
    return services.industry_agreement_create(
        actor=world.staff_a,
        union=world.tree["county_a"],
        title="宜城市水晶行业工资专项集体合同",
        employer_party="水晶行业协会",
        enterprises=enterprises,
        kind=AgreementKind.INDUSTRY,
    )


def test_the_coverage_page_lists_searches_and_pages_the_enterprises(
    world, industry, django_assert_max_num_queries
):
    client = client_for(world.staff_a)
    url = reverse("bargaining:agreement_coverage", args=[industry.pk])
    client.get(url)
    with django_assert_max_num_queries(30):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="enterprises">32<' in html
    assert f'data-figure="workers">{200 + 40 + sum(10 + n for n in range(30))}<' in html
    assert html.count('<tr id="coverage-') == 25
    assert "水晶29厂" not in html and "共 32 家" in html
    second = client.get(url + "?page=2").content.decode()
    assert "水晶29厂" in second
    found = client.get(url + "?q=水晶甲").content.decode()
    assert "共 1 家" in found and "水晶甲厂" in found
    detail = client.get(reverse("bargaining:agreement", args=[industry.pk])).content.decode()
    assert 'id="all-coverage"' in detail and "覆盖企业 32 家" in detail
    assert client_for(world.staff_b).get(url).status_code == 404


def test_the_enterprise_page_shows_its_facts_offers_and_agreements(world, industry):
    services.profile_save(actor=None, enterprise=world.enterprise, contract_status=ContractStatus.NONE)
    services.offer_create(
        actor=world.staff_a,
        enterprise_id=world.enterprise.pk,
        side=Side.UNION,
        topics=[Topic.WAGE_LEVEL],
        contact_name="人事部",
    )
    url = reverse("bargaining:enterprise", args=[world.enterprise.pk])
    html = client_for(world.submitter_a).get(url).content.decode()
    assert "未签集体合同" in html and "草稿" in html
    # The county's industry agreement covers it; the grassroots submitter sees its title without a link.
    assert "宜城市水晶行业工资专项集体合同" in html
    assert reverse("bargaining:agreement", args=[industry.pk]) not in html
    staff_html = client_for(world.staff_a).get(url).content.decode()
    assert reverse("bargaining:agreement", args=[industry.pk]) in staff_html
    assert 'id="enterprise-offer"' in staff_html
    # Outside the reach: another county's staff, a submitter for a union-less enterprise of the township.
    assert client_for(world.staff_b).get(url).status_code == 404
    assert (
        client_for(world.submitter_a)
        .get(reverse("bargaining:enterprise", args=[world.no_union.pk]))
        .status_code
        == 404
    )
    assert client_for(world.staff_a).get(reverse("bargaining:enterprise", args=[999999])).status_code == 404
