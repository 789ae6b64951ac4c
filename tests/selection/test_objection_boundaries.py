"""An objection at the edges of what admits it: the form's token is good for two hours after the page
served it (``FORM_TOKEN_MAX_AGE``), and the notice takes objections from its first day to its last."""

from datetime import date, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core import signing

from unionportal.selection import services
from unionportal.selection.models import Objection

from .factories import nominate, world

pytestmark = pytest.mark.django_db

SERVED_AT = 1_780_000_000.0  # the moment the page signed the token (seconds since the epoch)
TWO_HOURS = 2 * 3600


@pytest.fixture
def notice():
    """One candidate on a notice running from a Monday, 8 June 2026."""
    w = world()
    candidacy = nominate(w, 1, submit=True)
    for actor, org in ((w.county_a, "county_a"), (w.city_a, "city_a"), (w.province, "province")):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=[candidacy.pk])
    notice = services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=date(2026, 6, 8),
        office="省总工会",
        phone="027-1",
        address="武汉",
    )
    return SimpleNamespace(notice=notice, candidacy=candidacy)


def at(moment: float):
    """The signing clock stopped at ``moment``."""
    return mock.patch.object(signing, "time", SimpleNamespace(time=lambda: moment))


def lodge(site, token: str, today: date | None = None):
    return services.objection_lodge(
        notice=site.notice,
        candidacy_id=site.candidacy.pk,
        name="群众",
        contact="13800001111",
        reason="反映情况",
        token=token,
        today=today or site.notice.starts_on + timedelta(days=1),
    )


def served_token() -> str:
    with at(SERVED_AT):
        return services.objection_form_token()


@pytest.mark.parametrize(
    "age", [TWO_HOURS - 1, TWO_HOURS], ids=["a second to spare", "two hours to the second"]
)
def test_a_form_sent_within_two_hours_of_serving_is_taken(notice, age):
    token = served_token()
    with at(SERVED_AT + age):
        objection = lodge(notice, token)
    assert objection.candidacy == notice.candidacy
    assert Objection.objects.count() == 1


def test_a_form_sent_a_second_after_two_hours_is_refused_and_creates_nothing(notice):
    token = served_token()
    with at(SERVED_AT + TWO_HOURS + 1), pytest.raises(services.SelectionError) as refused:
        lodge(notice, token)
    assert refused.value.message == "表单已过期，请刷新页面后重新填写。"
    assert Objection.objects.count() == 0


@pytest.mark.parametrize("day", ["first", "last"])
def test_the_notice_takes_objections_on_its_first_and_last_days(notice, day):
    today = notice.notice.starts_on if day == "first" else notice.notice.ends_on
    assert lodge(notice, services.objection_form_token(), today=today).notice == notice.notice


@pytest.mark.parametrize("day", ["the day before", "the day after"])
def test_the_notice_refuses_objections_outside_its_period(notice, day):
    n = notice.notice
    today = n.starts_on - timedelta(days=1) if day == "the day before" else n.ends_on + timedelta(days=1)
    with pytest.raises(services.SelectionError) as refused:
        lodge(notice, services.objection_form_token(), today=today)
    assert refused.value.message == f"公示期为 {n.starts_on} 至 {n.ends_on}，现在不在公示期内。"
    assert Objection.objects.count() == 0
