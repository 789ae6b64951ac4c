"""The founding demo: enterprises without a union under 鄢城街道 and 夷陵区, one application waiting for
``township``, one returned with guidance, one approved on 10 April (counted on the coverage page)."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from unionportal import demo
from unionportal.orgs.founding import targets_for, waiting_count
from unionportal.orgs.founding_demo import seed_founding_demo
from unionportal.orgs.models import Enterprise, FoundingApplication, Member, Organisation
from unionportal.orgs.models_founding import FoundingState
from unionportal.reports.coverage import coverage

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_founding_demo_is_in_place_and_idempotent(monkeypatch):
    monkeypatch.setattr(demo, "_seeders", {"orgs.founding": seed_founding_demo})
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())
    township = User.objects.get(username="township")
    states = dict(FoundingApplication.objects.values_list("enterprise__name", "state"))
    assert states == {
        "宜城市鄢城印务有限公司": FoundingState.SUBMITTED,
        "宜城市鄢城汽车维修服务有限公司": FoundingState.RETURNED,
        "宜城市鄢城餐饮管理有限公司": FoundingState.APPROVED,
    }
    assert waiting_count(township) == 1
    approved = FoundingApplication.objects.get(state=FoundingState.APPROVED)
    union = approved.union
    assert union.name == "宜城市鄢城餐饮管理有限公司工会委员会"
    assert union.parent_organisation().code == "420684001" and union.founded_on == date(2026, 4, 10)
    assert Member.objects.filter(organisation=union).count() == 4
    targets = {e.name for e in targets_for(township)}
    assert {"宜城市鄢城建材经营部", "宜城市鄢城印务有限公司"} <= targets
    assert "宜昌市小溪塔物业服务有限公司" in {
        e.name for e in targets_for(User.objects.get(username="county2"))
    }
    figures = coverage(township)["total"]
    counts = (Organisation.objects.count(), Enterprise.objects.count(), FoundingApplication.objects.count())
    seed_founding_demo()
    assert (
        Organisation.objects.count(),
        Enterprise.objects.count(),
        FoundingApplication.objects.count(),
    ) == counts
    assert coverage(township)["total"] == figures
    assert figures.members >= 4
