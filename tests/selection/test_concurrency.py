"""Quota under concurrency: 20 forwards at once, each of a different candidacy and each on its own
database connection, against a county quota of 5 — exactly 5 go through, 15 are refused clearly."""

import threading

import pytest
from django.db import connection, connections

from tests.conftest import skip_unless_ci
from unionportal.audit.transitions import TransitionError
from unionportal.selection import services
from unionportal.selection.enums import State
from unionportal.selection.models import Allocation, Candidacy, Rule

from .factories import nominate, world

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_concurrent_forwards_never_exceed_a_quota_of_five():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")
    w = world(quota=50, city_quota=20, county_quota=5)
    Rule.objects.filter(programme=w.programme).update(is_active=False)  # the quota alone is under test
    Allocation.objects.filter(organisation=w.tree["county_a"]).update(quota=5)
    pks = [nominate(w, n, submit=True).pk for n in range(1, 21)]
    county = w.tree["county_a"]
    barrier = threading.Barrier(len(pks))
    done, refused, crashed = [], [], []

    def forward(pk):
        try:
            barrier.wait(timeout=30)
            services.forward(actor=w.county_a, programme=w.programme, organisation=county, pks=[pk])
            done.append(pk)
        except TransitionError as error:
            refused.append(error.message)
        except Exception as error:
            crashed.append(repr(error))
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=forward, args=(pk,)) for pk in pks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashed == []
    assert len(done) == 5
    assert len(refused) == 15
    assert set(refused) == {"County a 的名额为 5 个，已报送 5 个，本次选择 1 个，超出 1 个。"}
    assert Candidacy.objects.filter(pk__in=pks, state=State.REVIEW2).count() == 5
    assert Candidacy.objects.filter(pk__in=pks, state=State.REVIEW3).count() == 15
