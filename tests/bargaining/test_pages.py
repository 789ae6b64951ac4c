"""The drive's pages: scoping (another county's staff gets 404), the reply clock on the offer, bad input
shown beside the form with nothing saved, query counts that do not grow with the rows, the progress page
and its export."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bargaining import services
from bargaining.enums import ContractStatus, OfferState, Side, Topic
from bargaining.models import Offer
from tests.factories import make_enterprise

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def offer_for(world, enterprise=None, *, send=True):
    offer = services.offer_create(
        actor=world.staff_a,
        enterprise_id=(enterprise or world.enterprise).pk,
        side=Side.UNION,
        topics=[Topic.WAGE_LEVEL],
        contact_name="人事部",
    )
    if send:
        offer = services.offer_send(
            actor=world.staff_a,
            offer_id=offer.pk,
            sent_on=date(2026, 4, 20),
            received_on=date(2026, 4, 20),
            proof=pdf(),
        )
    return offer


def test_the_offer_shows_its_clock_and_another_county_gets_404(world, today):
    offer = offer_for(world)
    url = reverse("bargaining:offer", kwargs={"pk": offer.pk})
    page = client_for(world.submitter_a).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "2026-05-10" in html and "还剩 13 天" in html
    other = client_for(world.staff_b)
    assert other.get(url).status_code == 404
    assert other.post(reverse("bargaining:offer_reply", kwargs={"pk": offer.pk})).status_code == 404
    assert Offer.objects.get(pk=offer.pk).state == OfferState.SENT


def test_a_refusal_without_reason_is_shown_on_the_form_and_nothing_saved(world, today):
    offer = offer_for(world)
    response = client_for(world.staff_a).post(
        reverse("bargaining:offer_reply", kwargs={"pk": offer.pk}),
        {"decision": "refuse", "replied_on": "2026-04-25", "reason": ""},
    )
    assert response.status_code == 200
    assert "拒绝协商须写明理由。" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).state == OfferState.SENT


def test_the_offer_walk_through_the_pages(world, today):
    client = client_for(world.staff_a)
    response = client.post(
        reverse("bargaining:offer_create"),
        {
            "enterprise": world.enterprise.pk,
            "side": Side.UNION,
            "topics": [Topic.WAGE_LEVEL, Topic.OVERTIME],
            "contact_name": "人事部",
        },
    )
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    response = client.post(
        reverse("bargaining:offer_send", kwargs={"pk": offer.pk}),
        {"sent_on": "2026-04-20", "received_on": "2026-04-21", "proof": pdf()},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.reply_due_on == date(2026, 5, 11)
    client.post(
        reverse("bargaining:offer_reply", kwargs={"pk": offer.pk}),
        {"decision": "accept", "replied_on": "2026-04-25"},
    )
    response = client.post(reverse("bargaining:offer_negotiate", kwargs={"pk": offer.pk}))
    agreement = offer.agreements.get()
    assert response["Location"] == agreement.get_absolute_url()
    # An unequal team posted through the page: the message, nothing saved.
    rows = [(Side.UNION, "甲", True), (Side.UNION, "乙", False), (Side.UNION, "丙", False)]
    rows += [(Side.EMPLOYER, "丁", True), (Side.EMPLOYER, "戊", False)]
    data = {"n-TOTAL_FORMS": str(len(rows)), "n-INITIAL_FORMS": "0"}
    for i, (side, name, chief) in enumerate(rows):
        data.update({f"n-{i}-side": side, f"n-{i}-name": name})
        if chief:
            data[f"n-{i}-is_chief"] = "on"
    response = client.post(reverse("bargaining:agreement_negotiators", kwargs={"pk": agreement.pk}), data)
    assert "双方协商代表人数应当对等：职工方 3 人，企业方 2 人。" in response.content.decode()
    assert not agreement.negotiators.exists()
    page = client.get(agreement.get_absolute_url())
    assert page.status_code == 200


def test_list_pages_keep_their_query_count(world, today, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    for name in ("bargaining:offers", "bargaining:targets", "bargaining:agreements"):
        client.get(reverse(name))  # warm the session and the per-process caches
    offer_for(world)
    services.profile_save(actor=None, enterprise=world.enterprise, contract_status=ContractStatus.NONE)
    counts = {}
    for name in ("bargaining:offers", "bargaining:targets", "bargaining:agreements"):
        with django_assert_max_num_queries(30) as one:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(one.captured_queries)
    for n in range(6):
        enterprise = make_enterprise(world.tree["township_a"], world.tree["grassroots_a"], employees=50 + n)
        offer_for(world, enterprise, send=n % 2 == 0)
        services.profile_save(
            actor=None,
            enterprise=enterprise,
            contract_status=ContractStatus.NONE,
            near_minimum_share=Decimal(40),
        )
    for name, before in counts.items():
        with django_assert_max_num_queries(before) as many:
            assert client.get(reverse(name)).status_code == 200
        assert len(many.captured_queries) == before, name


def test_the_progress_page_counts_per_child_in_constant_queries(world, today, django_assert_max_num_queries):
    client = client_for(world.staff_a)
    client.get(reverse("bargaining:progress"))
    offer_for(world)
    services.profile_save(actor=None, enterprise=world.no_union, contract_status=ContractStatus.NONE)
    with django_assert_max_num_queries(40) as few:
        page = client.get(reverse("bargaining:progress"))
    html = page.content.decode()
    assert page.status_code == 200
    for _n in range(5):
        enterprise = make_enterprise(world.tree["township_a"], None, employees=10)
        offer_for(world, enterprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("bargaining:progress"))
    html = page.content.decode()
    # County a's one child (its township) holds every offer: 6 sent, 1 target.
    row = html.split('data-key="{}"'.format(world.tree["township_a"].path))[1].split("</tr>")[0]
    assert 'data-figure="sent">6<' in row and 'data-figure="targets">1<' in row
    # County b's staff cannot open county a's level.
    assert (
        client_for(world.staff_b)
        .get(reverse("bargaining:progress") + f"?org={world.tree['county_a'].pk}")
        .status_code
        == 404
    )
    export = client.get(reverse("bargaining:progress_export"))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_target_export_lists_the_targets(world, today):
    services.profile_save(actor=None, enterprise=world.enterprise, contract_status=ContractStatus.NONE)
    export = client_for(world.staff_a).get(reverse("bargaining:target_export"))
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row]
    assert "水晶甲厂" in cells
    # Another county's staff export their own subtree's targets only.
    other = client_for(world.staff_b).get(reverse("bargaining:target_export"))
    assert other.status_code == 200
    cells = [c.value for row in load_workbook(BytesIO(other.content)).active.iter_rows() for c in row]
    assert "水晶甲厂" not in cells
