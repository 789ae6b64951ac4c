"""Test data built through the same services users go through."""

import itertools

import factory
from django.contrib.auth import get_user_model
from stdnum.cn import uscc

from unionportal.orgs.enums import Industry, Level, OrgKind, Ownership, Role
from unionportal.orgs.models import Enterprise, Organisation
from unionportal.orgs.services import membership_grant, organisation_create

User = get_user_model()
PASSWORD = "test-pass-2026"
_codes = itertools.count(1)


def make_org(
    parent=None, *, level=None, name=None, code=None, kind=OrgKind.REGIONAL, **fields
) -> Organisation:
    level = level or (Level.PROVINCE if parent is None else min(parent.level + 1, Level.GRASSROOTS))
    n = next(_codes)
    return organisation_create(
        parent=parent, level=level, name=name or f"Org {n}", code=code or f"T{n:06d}", kind=kind, **fields
    )


def make_tree():
    """province → two cities → a county each → a township each → a grassroots union each."""
    province = make_org(name="Province")
    tree = {"province": province}
    for key in ("a", "b"):
        city = make_org(province, name=f"City {key}")
        county = make_org(city, name=f"County {key}")
        township = make_org(county, name=f"Township {key}")
        grassroots = make_org(township, name=f"Union {key}", kind=OrgKind.ENTERPRISE)
        tree.update(
            {
                f"city_{key}": city,
                f"county_{key}": county,
                f"township_{key}": township,
                f"grassroots_{key}": grassroots,
            }
        )
    return tree


def make_user(username=None, *, org=None, role=None, **fields):
    username = username or f"user{next(_codes)}"
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if org is not None and role is not None:
        membership_grant(user=user, organisation=org, role=role)
    return user


def credit_code(n: int) -> str:
    body = f"91420600MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_enterprise(township, union=None, **fields) -> Enterprise:
    n = next(_codes)
    defaults = {
        "name": f"Enterprise {n}",
        "credit_code": credit_code(n),
        "industry": Industry.MANUFACTURING,
        "ownership": Ownership.PRIVATE,
        "employees": 120,
    }
    defaults.update(fields)
    return Enterprise.objects.create(township=township, union=union, **defaults)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)


__all__ = ["PASSWORD", "Role", "UserFactory", "make_enterprise", "make_org", "make_tree", "make_user"]


def app_callbacks(callbacks) -> list:
    """The on-commit callbacks a test captured, without the cached pages' version moves
    (``unionportal.fragments``: every write queues one), so a test can count the tasks it queued."""
    from unionportal import fragments

    return [c for c in callbacks if getattr(c, "func", None) is not fragments._set_versions]
