"""The bargaining demo (seed_demo with this app's seeder only, seeded once for the module): offers and
agreements in every state, the 宜城 crystal industry agreement, work waiting for the demo accounts, and
``county2`` kept out of 宜城's records."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

from bargaining.demo import CRYSTAL_TITLE, seed_bargaining_demo
from bargaining.enums import AgreementKind, AgreementState, OfferState
from bargaining.models import Agreement, Offer
from unionportal import demo
from unionportal.notifications.models import Notification

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"bargaining": seed_bargaining_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def drive(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_offers_and_agreements_in_every_state(drive):
    assert set(Offer.objects.values_list("state", flat=True)) == set(OfferState.values)
    assert set(Agreement.objects.values_list("state", flat=True)) == set(AgreementState.values)
    objected = Agreement.objects.get(state=AgreementState.NEGOTIATING, objection__gt="")
    assert objected.filed_on is None


def test_the_crystal_industry_agreement_covers_several_enterprises(drive):
    crystal = Agreement.objects.get(title=CRYSTAL_TITLE)
    assert crystal.kind == AgreementKind.INDUSTRY and crystal.state == AgreementState.IN_EFFECT
    covered = list(crystal.coverage.values_list("enterprise__name", flat=True))
    assert len(covered) >= 4 and all("晶" in name for name in covered)


def test_work_waits_for_the_demo_accounts_and_county2_gets_404(drive):
    grassroots, county2 = User.objects.get(username="grassroots"), User.objects.get(username="county2")
    offer = Offer.objects.get(union__memberships__user=grassroots)
    assert offer.state == OfferState.SENT
    assert Notification.objects.filter(recipient=grassroots, event="bargaining.offer.reminder").exists()
    client = Client()
    client.force_login(county2)
    assert client.get(offer.get_absolute_url()).status_code == 404
    client.force_login(User.objects.get(username="county"))
    home = client.get("/home/").content.decode()
    assert "已签订、待报送审查的工资专项集体合同" in home


def test_seeding_again_changes_nothing(drive):
    before = (Offer.objects.count(), Agreement.objects.count(), Notification.objects.count())
    seed()
    assert (Offer.objects.count(), Agreement.objects.count(), Notification.objects.count()) == before


def test_the_drives_milestones_are_on_the_campaign_calendar(drive):
    from unionportal.campaigns.models import Milestone, MilestoneCompletion

    launch = Milestone.objects.get(title="宜城市工资集体协商集中要约行动启动会")
    assert launch.due_on.isoformat() == "2026-04-03" and launch.campaign.is_current
    assert [o.code for o in launch.organisations.all()] == ["420684"]
    done = MilestoneCompletion.objects.get(milestone=launch)
    assert done.organisation.code == "420684" and done.done_at.date().isoformat() == "2026-04-03"
    assert Milestone.objects.filter(title__startswith="宜城市集中要约").count() == 2
    before = Milestone.objects.count()
    seed()
    assert Milestone.objects.count() == before
