"""The rights demo (seed_demo with this app's seeder only, seeded once for the module): requests in every
state, the demo accounts' work waiting for them, the flagged enterprise, the anonymous tips, and running
the seeder again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from rights import services
from rights.demo import DEMO_TIP_CODES, seed_rights_demo
from rights.enums import RequestState
from rights.models import EnterpriseFlag, RightsRequest, Step
from unionportal import demo
from unionportal.reports.registry import todos_for

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"rights": seed_rights_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def seeded(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_requests_in_every_state_around_yicheng_and_xiangyang(seeded):
    rows = RightsRequest.objects.all()
    assert 24 <= rows.count() <= 30
    assert set(rows.values_list("state", flat=True)) == set(RequestState.values)
    assert rows.filter(escalations__gt=0).count() == 2
    assert rows.filter(state="concluded", rating__isnull=False).count() >= 4
    assert rows.filter(overdue_at__isnull=False).exists()
    assert Step.objects.filter(request__state="in_progress").exists()
    assert not rows.exclude(
        origin_path__startswith=User.objects.get(username="city").memberships.get().organisation.path
    ).exists()


def test_the_demo_accounts_have_their_work_waiting(seeded):
    worker = User.objects.get(username="worker")
    mine = RightsRequest.objects.filter(worker=worker)
    assert sorted(mine.values_list("state", flat=True)) == ["accepted", "concluded"]
    assert mine.get(state="concluded").rating is None
    grassroots = User.objects.get(username="grassroots")
    waiting = RightsRequest.objects.visible_to(grassroots, "change").filter(state="submitted")
    assert waiting.count() == 1
    assert any("待受理的维权申请" in t.label and t.count == 1 for t in todos_for(grassroots))
    township = User.objects.get(username="township")
    assert any("家企业因维权申请集中被标记" in t.label for t in todos_for(township))
    assert EnterpriseFlag.objects.get().enterprise.name == "湖北鄢城纺织有限公司"
    client = Client()
    client.force_login(worker)
    page = client.get(reverse("rights:mine")).content.decode()
    assert "待您评价" in page


def test_two_anonymous_tips_found_by_their_codes(seeded):
    tips = RightsRequest.objects.filter(anonymous=True)
    assert tips.count() == 2 and not tips.filter(worker__isnull=False).exists()
    assert {services.tip_lookup(code).pk for code in DEMO_TIP_CODES} == set(tips.values_list("pk", flat=True))


def test_seeding_again_changes_nothing(seeded):
    before = (RightsRequest.objects.count(), Step.objects.count(), EnterpriseFlag.objects.count())
    seed()
    assert (RightsRequest.objects.count(), Step.objects.count(), EnterpriseFlag.objects.count()) == before
