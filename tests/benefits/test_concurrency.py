"""Two hundred members signing up at once for fifty places, each from a thread with its own database
connection (PostgreSQL: the offer's row lock queues them): exactly fifty get a place, the others are
told the offer is full, and the count matches the rows."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from benefits import services
from benefits.enums import SignupState
from benefits.models import Offer, Signup
from tests.conftest import skip_unless_ci
from tests.factories import Role, make_tree, make_user
from unionportal import clock
from unionportal.orgs.models import Member

User = get_user_model()
DAY = date(2026, 4, 27)
PEOPLE, PLACES = 200, 50


def crowd(union) -> list:
    users = User.objects.bulk_create(User(username=f"crowd{n}", name=f"职工{n}") for n in range(PEOPLE))
    Member.objects.bulk_create(
        Member(
            organisation=union,
            org_path=union.path,
            name=f"职工{n}",
            id_number=f"420684199001{n:06d}",
            id_tail=f"{n:04d}"[-4:],
            joined_on=date(2015, 1, 1),
            user=user,
        )
        for n, user in enumerate(users)
    )
    return users


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_hundred_parallel_sign_ups_never_overbook_fifty_places():
    if connection.vendor != "postgresql":
        skip_unless_ci("row locks need PostgreSQL (DATABASE_URL)")
        pytest.fail("PostgreSQL is required under CI")
    with clock.travel(DAY):
        tree = make_tree()
        staff = make_user("crowd_staff", org=tree["county_a"], role=Role.STAFF)
        offer = services.offer_create(
            actor=staff,
            union=tree["county_a"],
            kind="health_check",
            title="职工健康体检",
            place="县人民医院",
            capacity=PLACES,
            signup_from=DAY,
            signup_until=DAY,
            service_on=DAY,
        )
        services.offer_publish(actor=staff, offer_id=offer.pk)
        users = crowd(tree["grassroots_a"])

        def sign_up(user):
            try:
                return services.signup_apply(user=user, offer_id=offer.pk).state
            except services.BenefitsError as error:
                return error.code
            finally:
                connections.close_all()  # this thread's own connection

        with ThreadPoolExecutor(max_workers=20) as pool:
            outcomes = list(pool.map(sign_up, users))
    assert outcomes.count(SignupState.CONFIRMED) == PLACES
    assert outcomes.count("full") == PEOPLE - PLACES
    assert Offer.objects.get(pk=offer.pk).taken == PLACES
    assert Signup.objects.filter(offer=offer, state=SignupState.CONFIRMED).count() == PLACES
