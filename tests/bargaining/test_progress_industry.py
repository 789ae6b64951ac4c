"""The progress page's table by industry: one grouped query over the drive's enterprises (those with
bargaining facts), each counted once, scoped to the level shown, exportable."""

import io
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from bargaining import services
from bargaining.enums import ContractStatus, Side, Topic
from bargaining.reports import by_industry
from bargaining.resources import AgreementImportResource
from tests.factories import make_enterprise
from unionportal import clock
from unionportal.orgs.enums import Industry

from .conftest import DAY, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def sign(world, enterprise):
    headers = list(AgreementImportResource.example_row)
    values = {**AgreementImportResource.example_row, "企业统一社会信用代码": enterprise.credit_code}
    with transaction.atomic():
        AgreementImportResource(user=world.staff_a).run(
            headers, [[values[h] for h in headers]], dry_run=False
        )


def sent_offer(world, enterprise):
    offer = services.offer_create(
        actor=world.staff_a,
        enterprise_id=enterprise.pk,
        side=Side.UNION,
        topics=[Topic.WAGE_LEVEL],
        contact_name="人事部",
    )
    services.offer_send(actor=world.staff_a, offer_id=offer.pk, sent_on=DAY, received_on=DAY, proof=pdf())


def test_the_industry_table_counts_each_enterprise_once_in_one_query(world, today, django_assert_num_queries):
    shop = make_enterprise(
        world.tree["township_a"], None, name="宜城便民超市", industry=Industry.TRADE, employees=30
    )
    sent_offer(world, world.enterprise)
    sent_offer(world, world.enterprise)  # a second offer: the enterprise still counts once
    sign(world, world.enterprise)
    services.profile_save(actor=None, enterprise=shop, contract_status=ContractStatus.NONE)
    for enterprise in (world.enterprise, world.no_union, world.enterprise_b):
        services.profile_save(
            actor=None,
            enterprise=enterprise,
            contract_status=ContractStatus.IN_FORCE,
            contract_expires_on=date(2027, 12, 31),
            wage_agreement_year=2026,
        )
    # Not in the drive (no bargaining facts): not counted.
    make_enterprise(world.tree["township_a"], None, name="未登记企业", industry=Industry.TRADE)
    with django_assert_num_queries(1):
        rows, total = by_industry(world.tree["county_a"])
    by_code = {row.key: row.figures for row in rows}
    assert set(by_code) == {Industry.MANUFACTURING, Industry.TRADE}  # county b's enterprise is not here
    assert by_code[Industry.MANUFACTURING] == {
        "enterprises": 2,
        "staff": 240,
        "targets": 0,
        "sent": 1,
        "signed": 1,
        "in_effect": 1,
        "workers": 200,
    }
    assert by_code[Industry.TRADE]["targets"] == 1 and by_code[Industry.TRADE]["signed"] == 0
    assert total.figures["enterprises"] == 3 and total.figures["workers"] == 200
    assert [r.share for r in rows] == [50, 0]
    # A township below sees its own enterprises only.
    rows, _total = by_industry(world.tree["township_b"])
    assert [r.figures["enterprises"] for r in rows] == [1]


def test_the_industry_table_is_on_the_page_and_exported(world, today):
    services.profile_save(actor=None, enterprise=world.enterprise, contract_status=ContractStatus.NONE)
    client = Client()
    client.force_login(world.staff_a)
    with clock.travel(DAY):
        html = client.get(reverse("bargaining:progress")).content.decode()
        assert 'id="industry-table"' in html and "制造业" in html
        export = client.get(reverse("bargaining:progress_export") + "?by=industry")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row if v is not None]
    assert "行业" in flat and "制造业" in flat and "合计" in flat


def test_with_the_shared_cache_the_figures_are_kept_until_a_record_of_the_drive_changes(
    world, today, settings
):
    settings.STAFF_FRAGMENT_CACHE = True
    client = Client()
    client.force_login(world.staff_a)
    url = reverse("bargaining:progress")

    def sent_in_township():
        html = client.get(url).content.decode()
        row = html.split('data-key="{}"'.format(world.tree["township_a"].path))[1].split("</tr>")[0]
        return row.split('data-figure="sent">')[1].split("<")[0]

    before = int(sent_in_township())
    assert int(sent_in_township()) == before  # served again
    sent_offer(world, world.no_union)  # through the services: the offer's signals tell the cache
    assert int(sent_in_township()) == before + 1
    # The offline import writes in bulk and tells the cache itself.
    sign(world, world.no_union)
    html = client.get(url).content.decode()
    row = html.split('data-key="{}"'.format(world.tree["township_a"].path))[1].split("</tr>")[0]
    assert 'data-figure="signed">1<' in row
