"""The inclusive-services demo (seed_demo with the member registry's seeder and this app's only, seeded
once for the module): offers in every state, one full with a waiting list, the worker signed up to one
and eligible for others, sign-ups waiting for ``grassroots`` and ``county``; seeding again adds nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings

from benefits import selectors
from benefits.demo import seed_benefits_demo
from benefits.enums import OfferState, SignupState
from benefits.models import Offer, Signup
from benefits.todos import benefits_todos
from unionportal import demo
from unionportal.orgs.member_demo import seed_members_demo

pytestmark = pytest.mark.django_db
User = get_user_model()


def seed():
    with pytest.MonkeyPatch.context() as patch, override_settings(DEBUG=True):
        patch.setattr(demo, "_seeders", {"orgs.members": seed_members_demo, "benefits": seed_benefits_demo})
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def seeded(module_db, demo_day, tmp_path_factory):
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), module_db.unblock():
        seed()
        yield


def test_offers_in_every_state_and_one_full_with_a_waiting_list(seeded):
    assert Offer.objects.count() == 10
    assert set(Offer.objects.values_list("state", flat=True)) == set(OfferState.values)
    full = Offer.objects.get(title="五一职工健康体检（宜城市人民医院）")
    assert full.is_full and full.taken == full.capacity == 8
    assert Signup.objects.filter(offer=full, state=SignupState.WAITING).count() == 4
    for offer in Offer.objects.all():
        held = offer.signups.filter(state__in=("pending", "confirmed")).count()
        assert offer.taken == held, offer.title


def test_the_worker_holds_a_place_and_may_sign_up_for_others(seeded):
    worker = User.objects.get(username="worker")
    assert list(Signup.objects.filter(user=worker).values_list("offer__title", "state")) == [
        ("五一职工健康体检（宜城市人民医院）", "confirmed")
    ]
    open_to_her = {o.title for o in selectors.offers_open_to(worker)}
    assert {"职工法律服务进企业：劳动合同与工资权益咨询", "车间防暑降温物资申领"} <= open_to_her
    assert "磷化工安全操作技能培训" not in open_to_her


def test_sign_ups_wait_for_the_grassroots_union_and_the_county(seeded):
    for username in ("grassroots", "county"):
        todos = {t.label: t.count for t in benefits_todos(User.objects.get(username=username))}
        assert todos["待确认的普惠服务报名"] > 0, username
    assert {t.label: t.count for t in benefits_todos(User.objects.get(username="county2"))}[
        "待确认的普惠服务报名"
    ] == 0


def test_seeding_again_adds_nothing(seeded):
    before = (Offer.objects.count(), Signup.objects.count())
    seed_benefits_demo()
    assert (Offer.objects.count(), Signup.objects.count()) == before
