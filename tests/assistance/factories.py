"""Builders for assistance tests: a tree with thresholds, a paired cadre and drive enterprises."""

from decimal import Decimal
from types import SimpleNamespace

from stdnum.cn import ric

from assistance.models import DriveEnterprise, Threshold
from tests.factories import Role, make_enterprise, make_tree, make_user
from unionportal.accounts.validators import gender_from_id


def id_number(n: int, born: str = "19800101", area: str = "420684") -> str:
    """A valid resident ID number (checksum right) numbered n."""
    body = f"{area}{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def ledger():
    """Tree + a cadre paired with two enterprises in county a, staff of county a/b, a submitter in b."""
    tree = make_tree()
    Threshold.objects.create(organisation=tree["province"], dibao_line=Decimal("700"))
    Threshold.objects.create(
        organisation=tree["county_a"], dibao_line=Decimal("650"), relative_factor=Decimal("2")
    )
    cadre = make_user("cadre_a", org=tree["county_a"], role=Role.CADRE, name="王干部")
    staff_a = make_user("staff_a", org=tree["county_a"], role=Role.STAFF, name="县工会")
    staff_b = make_user("staff_b", org=tree["county_b"], role=Role.STAFF)
    submitter_b = make_user("submitter_b", org=tree["grassroots_b"], role=Role.SUBMITTER)
    enterprise = make_enterprise(tree["township_a"], tree["grassroots_a"], name="宜城水晶厂")
    other = make_enterprise(tree["township_a"], None, name="无工会企业")
    enterprise_b = make_enterprise(tree["township_b"], tree["grassroots_b"], name="夷陵磷化")
    drive = DriveEnterprise.objects.create(
        enterprise=enterprise, responsible_cadre=cadre, capacity_cutting=True
    )
    drive.cadres.add(cadre)
    drive_other = DriveEnterprise.objects.create(enterprise=other, responsible_cadre=cadre)
    drive_b = DriveEnterprise.objects.create(enterprise=enterprise_b, responsible_cadre=staff_b)
    return SimpleNamespace(
        tree=tree,
        cadre=cadre,
        staff_a=staff_a,
        staff_b=staff_b,
        submitter_b=submitter_b,
        enterprise=enterprise,
        other=other,
        enterprise_b=enterprise_b,
        drive=drive,
        drive_other=drive_other,
        drive_b=drive_b,
    )


def household_fields(n: int = 1, **overrides) -> dict:
    """A household's input fields; the gender is the ID number's unless given."""
    fields = {
        "worker_name": f"职工{n}",
        "id_number": id_number(n),
        "phone": "13800001234",
        "job_status": "laid_off",
        "worker_income": Decimal("1200"),
        "causes": ["illness"],
        "sudden_cause_on": None,
    }
    fields.update(overrides)
    fields.setdefault("gender", gender_from_id(fields["id_number"]))
    return fields


MEMBERS = [
    {"name": "配偶", "relation": "spouse", "age": 45, "health": "serious", "monthly_income": Decimal("0")},
    {"name": "孩子", "relation": "child", "age": 15, "schooling": "junior", "monthly_income": Decimal("0")},
]
