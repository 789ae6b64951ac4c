from datetime import timedelta

import pytest
from django.utils import timezone

from awards.todos import awards_todos
from tests.factories import make_user
from tests.selection.factories import nominate, world
from unionportal.selection import services

pytestmark = pytest.mark.django_db


def test_submitters_see_returned_nominations_and_open_drafts():
    w = world()
    nominate(w, 1)
    nominate(w, 2)
    returned = nominate(w, 3, submit=True)
    services.send_back(actor=w.county_a, pks=[returned.pk], reason="补充材料")
    nominate(w, 4, org=w.tree["grassroots_b"])
    todos = awards_todos(w.submitter_a)
    assert [(t.label, t.count, t.url) for t in todos] == [
        ("退回修改的推荐", 1, "/awards/?state=returned"),
        ("尚未提交的推荐草稿", 2, "/awards/?state=draft"),
    ]


def test_drafts_of_a_closed_programme_are_not_a_todo():
    w = world()
    nominate(w, 1)
    w.programme.intake_closes_at = timezone.now() - timedelta(minutes=1)
    w.programme.save()
    assert [t.count for t in awards_todos(w.submitter_a)] == [0, 0]


def test_users_who_do_not_nominate_get_no_todos():
    world()
    assert awards_todos(make_user("nobody")) == []
