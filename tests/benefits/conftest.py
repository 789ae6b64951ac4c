"""A small world for inclusive services: two counties, a grassroots union in each, staff and submitters,
workers who are members (two in county a's union, one in county b's), a worker who is no member and a
member who has left; offers are made per test (``offer``)."""

from datetime import date
from types import SimpleNamespace

import pytest

from benefits import services
from tests.factories import Role, make_tree, make_user
from unionportal import clock
from unionportal.orgs.enums import MemberStatus
from unionportal.orgs.member_demo import id_number
from unionportal.orgs.members import member_add
from unionportal.orgs.models import Member

DAY = date(2026, 4, 27)
_seq = iter(range(1, 10**6))


def member(union, name, *, user=None, status=MemberStatus.MEMBER):
    row = member_add(
        actor=None,
        organisation=union,
        name=name,
        id_number=id_number("420684", date(1990, 5, 1), next(_seq) % 1000),
        phone=f"1390000{next(_seq) % 10000:04d}",
        joined_on=date(2015, 3, 1),
        user=user,
        check_scope=False,
    )
    if status != MemberStatus.MEMBER:
        Member.objects.filter(pk=row.pk).update(status=status)
    return row


def worker(username, union=None, name="", **kwargs):
    user = make_user(username, name=name or username)
    if union is not None:
        member(union, name or username, user=user, **kwargs)
    return user


def build():
    tree = make_tree()
    return SimpleNamespace(
        tree=tree,
        province=make_user("f_province", org=tree["province"], role=Role.STAFF),
        staff_a=make_user("f_staff_a", org=tree["county_a"], role=Role.STAFF),
        staff_b=make_user("f_staff_b", org=tree["county_b"], role=Role.STAFF),
        sub_a=make_user("f_sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER),
        ann=worker("f_ann", tree["grassroots_a"], "李安娜"),
        bo=worker("f_bo", tree["grassroots_a"], "王博"),
        cai=worker("f_cai", tree["grassroots_a"], "蔡晓"),
        dee=worker("f_dee", tree["grassroots_b"], "邓涛"),
        stranger=worker("f_stranger", None, "路人"),
        gone=worker("f_gone", tree["grassroots_a"], "高峰", status=MemberStatus.LEFT),
    )


def make_offer(world, *, union=None, actor=None, publish=True, **fields):
    values = {
        "kind": "health_check",
        "title": "职工健康体检",
        "description": "常规体检",
        "place": "县人民医院",
        "capacity": 2,
        "signup_from": date(2026, 4, 20),
        "signup_until": date(2026, 5, 5),
        "service_on": date(2026, 5, 9),
        "needs_confirmation": False,
    }
    values.update(fields)
    actor = actor or world.staff_a
    offer = services.offer_create(actor=actor, union=union or world.tree["county_a"], **values)
    if publish:
        services.offer_publish(actor=actor, offer_id=offer.pk)
        offer.refresh_from_db()
    return offer


@pytest.fixture(scope="module")
def world(module_db):
    with clock.travel(DAY), module_db.unblock():
        yield build()


@pytest.fixture
def today(world):
    with clock.travel(DAY):
        yield DAY
