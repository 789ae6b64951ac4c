"""The audit page's filters (a FilterSet over the events the user may read): each narrows by its own
URL parameter, days are the site's days, and a form that does not validate narrows nothing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from tests.factories import Role, make_tree, make_user
from unionportal.audit import services as audit
from unionportal.audit.filters import AuditEventFilter
from unionportal.audit.models import AuditEvent
from unionportal.audit.selectors import events_for

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world():
    tree = make_tree()
    staff = make_user("county_a", org=tree["county_a"], role=Role.STAFF)
    clerk = make_user("clerk_wang", org=tree["county_a"], role=Role.STAFF)
    outsider = make_user("county_b", org=tree["county_b"], role=Role.STAFF)
    rows = [
        (staff, "orgs.organisation.change", tree["grassroots_a"], datetime(2026, 4, 29, 9, 0)),
        (clerk, "imports.import", tree["township_a"], datetime(2026, 4, 30, 23, 30)),
        (clerk, "imports.export", tree["county_a"], datetime(2026, 5, 1, 0, 10)),
        (outsider, "imports.import", tree["grassroots_b"], datetime(2026, 4, 30, 12, 0)),
    ]
    for actor, action, obj, at in rows:
        event = audit.record(actor=actor, action=action, obj=obj, comment=f"{action}@{at:%m%d%H%M}")
        AuditEvent.objects.filter(pk=event.pk).update(at=at.replace(tzinfo=SHANGHAI))
    return tree, staff


def shown(user, query: str) -> list[str]:
    filters = AuditEventFilter(QueryDict(query) or None, queryset=events_for(user))
    return [e.comment for e in filters.qs]


def page(client, user, query: str) -> list[str]:
    client.force_login(user)
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    return [e.comment for e in response.context["page"].object_list]


ALL = ["imports.export@05010010", "imports.import@04302330", "orgs.organisation.change@04290900"]


def test_no_parameters_list_every_event_in_scope_newest_first(world):
    _tree, staff = world
    assert shown(staff, "") == ALL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=CLERK", ["imports.export@05010010", "imports.import@04302330"]),
        ("actor=nobody", []),
        ("action=imports.", ["imports.export@05010010", "imports.import@04302330"]),
        ("action=imports.import", ["imports.import@04302330"]),
        ("action=export", []),  # a prefix of the code, not any part of it
        ("obj=township", ["imports.import@04302330"]),
        ("obj=union a", ["orgs.organisation.change@04290900"]),
        # Days in the site's time zone: 23:30 on 30 April is 30 April, 00:10 on 1 May is 1 May.
        ("date_from=2026-05-01", ["imports.export@05010010"]),
        ("date_from=2026-04-30", ["imports.export@05010010", "imports.import@04302330"]),
        ("date_to=2026-04-30", ["imports.import@04302330", "orgs.organisation.change@04290900"]),
        ("date_to=2026-04-28", []),
        ("date_from=2026-04-30&date_to=2026-04-30", ["imports.import@04302330"]),
        ("actor=clerk&action=imports.import&date_to=2026-04-30", ["imports.import@04302330"]),
    ],
)
def test_each_filter_narrows_by_its_url_parameter(world, client, query, expected):
    _tree, staff = world
    assert shown(staff, query) == expected
    assert page(client, staff, query) == expected


def test_a_malformed_date_narrows_nothing_and_the_page_says_why(world, client):
    _tree, staff = world
    assert shown(staff, "date_from=30/04/2026&actor=clerk") == ALL
    client.force_login(staff)
    response = client.get("/audit/?date_from=30/04/2026")
    assert [e.comment for e in response.context["page"].object_list] == ALL
    assert "日期格式应为 年-月-日。" in response.content.decode()


def test_the_form_keeps_the_parameters_and_their_labels(world, client):
    _tree, staff = world
    client.force_login(staff)
    response = client.get("/audit/?actor=clerk&date_to=2026-04-30")
    form = response.context["form"]
    assert list(form.fields) == ["actor", "action", "obj", "date_from", "date_to"]
    assert [str(f.label) for f in form.fields.values()] == ["操作人", "操作", "对象", "起始日期", "截止日期"]
    html = response.content.decode()
    assert 'name="actor" id="id_actor" value="clerk"' in html
    assert 'name="date_to" id="id_date_to" value="2026-04-30"' in html
