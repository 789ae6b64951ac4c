"""A small world for the bargaining tests: two counties, a union in each, enterprises, staff and
submitters, a local minimum wage for county a (1650 from 2021-09-01, 1800 from 2026-06-01)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bargaining.demo import pdf_bytes
from bargaining.models import MinimumWage
from tests.factories import Role, make_enterprise, make_tree, make_user
from unionportal import clock

DAY = date(2026, 4, 27)


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def build():
    tree = make_tree()
    MinimumWage.objects.create(
        region_code=tree["county_a"].code,
        region_name="County a",
        tier=3,
        monthly=Decimal("1650"),
        hourly=Decimal("16.5"),
        effective_from=date(2021, 9, 1),
    )
    MinimumWage.objects.create(
        region_code=tree["county_a"].code,
        region_name="County a",
        tier=3,
        monthly=Decimal("1800"),
        hourly=Decimal("18"),
        effective_from=date(2026, 6, 1),
    )
    return SimpleNamespace(
        tree=tree,
        staff_a=make_user("b_staff_a", org=tree["county_a"], role=Role.STAFF),
        township_a=make_user("b_township_a", org=tree["township_a"], role=Role.STAFF),
        staff_b=make_user("b_staff_b", org=tree["county_b"], role=Role.STAFF),
        submitter_a=make_user("b_sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        enterprise=make_enterprise(tree["township_a"], tree["grassroots_a"], name="水晶甲厂", employees=200),
        no_union=make_enterprise(tree["township_a"], None, name="未建会企业", employees=40),
        enterprise_b=make_enterprise(tree["township_b"], tree["grassroots_b"], name="夷陵乙厂"),
    )


@pytest.fixture(scope="module")
def world(module_db):
    with clock.travel(DAY), module_db.unblock():
        yield build()


@pytest.fixture
def today(world):
    with clock.travel(DAY):
        yield DAY
