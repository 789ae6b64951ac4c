"""The craftsmen's demo data (seed_demo with the base data and this app's seeder, once for the module)."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from craftsmen.demo import seed_craftsmen_demo
from craftsmen.models import Craftsman, Patent
from unionportal import demo
from unionportal.audit.models import AuditEvent
from unionportal.selection.models import Candidacy, Programme

pytestmark = pytest.mark.django_db


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def craftsmen_demo(module_db, demo_day, tmp_path_factory):
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        module_db.unblock(),
    ):
        patch.setattr(demo, "_seeders", {"craftsmen": seed_craftsmen_demo})
        seed()
        yield


def states() -> Counter:
    """The second batch's recommendations (in intake) by union and state."""
    return Counter(
        Candidacy.objects.filter(programme__app="craftsmen", programme__code="craftsman").values_list(
            "organisation__code", "state"
        )
    )


def test_the_demo_has_recommendations_in_several_states_for_each_demo_union(craftsmen_demo):
    assert states() == Counter(
        {
            ("420684001001", "review1"): 1,
            ("420684001001", "review2"): 1,
            ("420684001001", "review3"): 1,
            ("420684001001", "returned"): 1,
            ("420506101001", "review3"): 2,
            ("420506101001", "rejected"): 1,
            ("420506101001", "draft"): 1,
        }
    )
    second = {"candidacy__programme__code": "craftsman"}
    assert Craftsman.objects.filter(**second).count() == 8
    assert Patent.objects.filter(**{f"craftsman__{k}": v for k, v in second.items()}).count() == 6
    programme = Programme.objects.get(app="craftsmen", code="craftsman")
    assert programme.craftsman_settings.per_enterprise_limit == 4
    assert programme.expert_stage.criteria.count() == 5


def test_seeding_again_changes_nothing(craftsmen_demo):
    before = (states(), Patent.objects.count(), AuditEvent.objects.count(), Programme.objects.count())
    seed()
    assert (states(), Patent.objects.count(), AuditEvent.objects.count(), Programme.objects.count()) == before


@pytest.mark.parametrize(
    ("username", "state"),
    [("county", "review3"), ("city", "review2"), ("province", "review1"), ("county2", "review3")],
)
def test_each_reviewer_finds_work_in_the_queue(craftsmen_demo, username, state):
    client = Client()
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    programme = Programme.objects.get(app="craftsmen", code="craftsman")
    page = client.get(reverse("selection:review"), {"programme": programme.pk}).content.decode()
    waiting = Candidacy.objects.filter(programme=programme, state=state)
    assert waiting.exists()
    for candidacy in waiting.visible_to(user):
        assert candidacy.name in page


def test_grassroots_has_a_returned_one_to_fix_and_is_at_its_limit(craftsmen_demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="grassroots"))
    programme = Programme.objects.get(app="craftsmen", code="craftsman")
    returned = Candidacy.objects.get(programme=programme, state="returned")
    page = client.get(reverse("craftsmen:detail", args=[returned.pk])).content.decode()
    assert "请补充两项实用新型专利的授权证书扫描件" in page
    home = client.get(reverse("home")).content.decode()
    assert "退回修改的荆楚工匠推荐" in home
    listing = client.get(reverse("craftsmen:list"))
    assert len(listing.context["page"].object_list) == 4
    # A fifth recommendation from 楚都食品 meets the limit's message.
    form = client.get(reverse("craftsmen:create", args=[programme.pk]))
    assert form.status_code == 200
    assert "最多推荐 4 人（含草稿）" in form.content.decode()
