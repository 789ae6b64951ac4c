"""A small world for the competitions tests: two counties, a competition of county a, built through the
services users go through."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from competitions import catalogue, services
from competitions.enums import Direction, EntrantState, Method
from competitions.models import Theme, WinnerTitle
from competitions.workflows import entrant_transition
from tests.factories import make_enterprise, make_tree, make_user
from unionportal.orgs.enums import Role

START, END = date(2026, 3, 1), date(2026, 8, 31)
TODAY = date(2026, 5, 15)


def indicators(**overrides):
    rows = [
        {
            "name": "产值",
            "unit": "万元",
            "weight": Decimal(60),
            "method": Method.TARGET,
            "direction": Direction.HIGHER,
            "target": Decimal(100),
            "base": Decimal(60),
            "points_better": Decimal(2),
            "points_worse": Decimal(3),
            "cap": Decimal(100),
            "min_value": Decimal(0),
            "max_value": None,
        },
        {
            "name": "安全事故",
            "unit": "起",
            "weight": Decimal(20),
            "method": Method.TARGET,
            "direction": Direction.LOWER,
            "target": Decimal(0),
            "base": Decimal(100),
            "points_better": Decimal(0),
            "points_worse": Decimal(50),
            "cap": Decimal(100),
            "min_value": Decimal(0),
            "max_value": None,
        },
        {
            "name": "现场管理",
            "unit": "",
            "weight": Decimal(20),
            "method": Method.JUDGED,
            "direction": Direction.HIGHER,
            "target": None,
            "cap": Decimal(10),
        },
    ]
    for row in rows:
        row.update(overrides.get(row["name"], {}))
    return rows


def competition_data(tree, **overrides):
    catalogue.ensure(Theme, WinnerTitle)  # a transactional test before this one flushed the migration's rows
    data = {
        "title": "重大项目劳动竞赛",
        "theme": Theme.objects.get(code="major-projects"),
        "organiser": tree["county_a"],
        "scope": tree["county_a"],
        "starts_on": START,
        "ends_on": END,
        "period_months": 1,
        "report_days": 10,
        "entrant_kind": "team",
        "rules": "按月报送。",
    }
    data.update(overrides)
    return data


def world():
    tree = make_tree()
    w = SimpleNamespace(tree=tree)
    w.organiser = make_user("org_staff", org=tree["county_a"], role=Role.STAFF)
    w.city = make_user("city_staff", org=tree["city_a"], role=Role.STAFF)
    w.township = make_user("town_staff", org=tree["township_a"], role=Role.STAFF)
    w.other_county = make_user("county_b_staff", org=tree["county_b"], role=Role.STAFF)
    w.submitter = make_user("sub_a", org=tree["grassroots_a"], role=Role.SUBMITTER)
    w.outsider = make_user("sub_b", org=tree["grassroots_b"], role=Role.SUBMITTER)
    w.enterprise = make_enterprise(tree["township_a"], union=tree["grassroots_a"])
    w.competition = services.competition_save(
        actor=w.organiser, data=competition_data(tree), indicators=indicators()
    )
    return w


def entrant(w, name="钢筋一班", *, approve=True, **kwargs):
    e = services.entrant_register(
        actor=w.submitter,
        competition_id=w.competition.pk,
        organisation_id=w.tree["grassroots_a"].pk,
        name=name,
        members=[services.MemberRow("张三", "班长"), services.MemberRow("李四")],
        today=TODAY,
        **kwargs,
    )
    if approve:
        e = entrant_transition(actor=w.organiser, entrant_id=e.pk, to=EntrantState.APPROVED)
    return e


def values(w, output="110", accidents="0", judged="8"):
    ind = {i.name: i.pk for i in w.competition.indicators.all()}
    return {ind["产值"]: output, ind["安全事故"]: accidents, ind["现场管理"]: judged}
