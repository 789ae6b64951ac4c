"""The admin of the craftsmen: trades and settings for province staff, recommendations read-only and
scoped like their candidacy, ID numbers masked."""

import pytest
from django.urls import reverse

from craftsmen.models import Trade
from unionportal.accounts.validators import mask_id_number

from .factories import id_number, recommend, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = world()
    for user in (w.province, w.county_a, w.county_b):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return w


def test_province_staff_keep_the_trade_list(client, w):
    client.force_login(w.province)
    page = client.get(reverse("admin:craftsmen_trade_changelist"))
    assert page.status_code == 200 and "肉制品加工工" in page.content.decode()
    resp = client.post(
        reverse("admin:craftsmen_trade_add"),
        {
            "code": "paper_cutter",
            "name": "剪纸工",
            "name_en": "Paper cutter",
            "position": 99,
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    assert Trade.objects.get(code="paper_cutter").label == "剪纸工"


def test_county_staff_may_not_change_the_trades(client, w):
    client.force_login(w.county_a)
    assert client.get(reverse("admin:craftsmen_trade_changelist")).status_code == 403
    assert client.get(reverse("admin:craftsmen_craftsmanprogramme_changelist")).status_code == 403


def test_recommendations_are_read_only_scoped_and_masked(client, w):
    mine = recommend(w, 1, submit=True)
    theirs = recommend(w, 2, org=w.tree["grassroots_b"], submit=True)
    client.force_login(w.county_a)
    listing = client.get(reverse("admin:craftsmen_craftsman_changelist")).content.decode()
    assert "工匠1" in listing and "工匠2" not in listing
    assert mask_id_number(id_number(1)) in listing and id_number(1) not in listing
    change = client.get(reverse("admin:craftsmen_craftsman_change", args=[mine.pk]))
    assert change.status_code == 200 and id_number(1) not in change.content.decode()
    assert client.get(reverse("admin:craftsmen_craftsman_change", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("admin:craftsmen_craftsman_change", args=[mine.pk]), {}).status_code == 403
