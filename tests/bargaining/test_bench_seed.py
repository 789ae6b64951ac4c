"""The bargaining bench seeder on a tiny size: idempotent, every state present, and the progress page
(province and county, with its table by industry) costs the same number of queries at two sizes."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bargaining.enums import AgreementState, OfferState
from bargaining.models import Agreement, BargainingProfile, Offer
from bench import bargaining as seeder
from unionportal import clock

pytestmark = pytest.mark.django_db


def seed(enterprises, offers):
    out = StringIO()
    call_command("seed_bargaining_bench", enterprises=enterprises, offers=offers, stdout=out)
    return out.getvalue()


def queries(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    url = reverse("bargaining:progress")
    client.get(url)  # warm the per-process caches (content types, scope)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="progress-table"' in html and 'id="industry-table"' in html
    return len(captured.captured_queries), html


def test_the_seeder_writes_every_state_and_the_progress_page_costs_the_same_at_two_sizes(settings):
    settings.STAFF_FRAGMENT_CACHE = False  # measure the figures' queries, not the cache's
    with clock.travel(seeder.DAY):
        output = seed(60, 30)
        assert "bench bargaining_county_pk=" in output
        assert seeder.counts() == (60, 30)
        assert (
            BargainingProfile.objects.filter(enterprise__credit_code__startswith=seeder.CODE_PREFIX).count()
            == 60
        )
        assert set(Offer.objects.values_list("state", flat=True)) == set(OfferState.values)
        assert set(Agreement.objects.values_list("state", flat=True)) == set(AgreementState.values)
        small = {user: queries(user)[0] for user in ("bench-staff", "bench-county")}
        seed(60, 30)  # a second run adds nothing
        assert seeder.counts() == (60, 30)
        seed(240, 120)
        assert seeder.counts() == (240, 120)
        large = {}
        for user in ("bench-staff", "bench-county"):
            large[user], html = queries(user)
        assert large == small
        # The county's own figures are there (its page lists its townships).
        assert 'data-figure="sent">' in html
