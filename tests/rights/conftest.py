"""A small world for the rights tests: two counties, a township and a grassroots union in each, an
enterprise with its union and one without, workers, the grassroots union's submitter and staff above."""

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import Role, make_enterprise, make_tree, make_user
from unionportal import clock

DAY = date(2026, 4, 20)  # a Monday: 3 working days later is Thursday 23 April


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def script_as_jpeg():
    return SimpleUploadedFile("wages.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")


def build():
    tree = make_tree()
    return SimpleNamespace(
        tree=tree,
        worker=make_user("r_worker", name="孙丽娟", org=tree["grassroots_a"], role=Role.WORKER),
        other_worker=make_user("r_worker2", name="李秀英"),
        submitter=make_user("r_sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        township=make_user("r_township_a", org=tree["township_a"], role=Role.STAFF),
        county=make_user("r_county_a", org=tree["county_a"], role=Role.STAFF),
        county_b=make_user("r_county_b", org=tree["county_b"], role=Role.STAFF),
        cadre=make_user("r_cadre_a", org=tree["county_a"], role=Role.CADRE),
        enterprise=make_enterprise(tree["township_a"], tree["grassroots_a"], name="楚都甲厂"),
        no_union=make_enterprise(tree["township_a"], None, name="未建会乙厂"),
        enterprise_b=make_enterprise(tree["township_b"], tree["grassroots_b"], name="夷陵丙厂"),
    )


@pytest.fixture(scope="module")
def world(module_db):
    with clock.travel(DAY), module_db.unblock():
        yield build()


@pytest.fixture
def today(world):
    with clock.travel(DAY):
        yield DAY


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
