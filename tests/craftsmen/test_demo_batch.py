"""The demo's published first batch of 荆楚工匠 (「在全省推出首批10名高技能、有绝活的“荆楚工匠”」): thirteen
craftsmen recommended in February, reviewed up the tree, scored by a panel, put to the public vote of 1-10
April, the top ten approved as the batch, on notice from 13 April with one objection (dismissed) and
published on 24 April; each step through the services on its day (seed_demo with the base data and this
app's seeder, once for the module)."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from craftsmen.demo import FIRST_CODE, published_craftsmen, seed_craftsmen_demo
from unionportal import demo
from unionportal.audit.models import AuditEvent
from unionportal.public.models import PublicEntry
from unionportal.selection.enums import State
from unionportal.selection.experts.models import Assignment
from unionportal.selection.models import Candidacy, Objection, Programme
from unionportal.selection.voting.models import Vote

pytestmark = pytest.mark.django_db

BATCH = ["姜海涛", "罗建平", "熊志勇", "左明珠", "邱春燕", "陈光辉", "邓晓军", "覃明华", "向德俊", "万建国"]


def seed():
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def first_batch(module_db, demo_day, tmp_path_factory):
    with (
        pytest.MonkeyPatch.context() as patch,
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        module_db.unblock(),
    ):
        patch.setattr(demo, "_seeders", {"craftsmen": seed_craftsmen_demo})
        seed()
        yield Programme.objects.select_related("campaign").get(code=FIRST_CODE)


def test_ten_craftsmen_are_published_and_three_were_not_chosen(first_batch):
    rows = Candidacy.objects.filter(programme=first_batch)
    assert Counter(rows.values_list("state", flat=True)) == {State.PUBLISHED: 10, State.REJECTED: 3}
    assert [c.candidacy.name for c in published_craftsmen()] == BATCH
    assert [c.candidacy.rank for c in published_craftsmen()] == list(range(1, 11))
    assert first_batch.craftsman_settings.batch_size == 10
    assert str(first_batch.name) == "荆楚工匠（首批）"
    assert Programme.objects.get(app="craftsmen", code="craftsman").name == "荆楚工匠（第二批）"
    # Real-looking enterprises of four cities and trades from the list.
    craftsmen = list(published_craftsmen())
    assert {c.candidacy.region for c in craftsmen} == {"武汉市", "襄阳市", "宜昌市", "仙桃市"}
    assert len({c.trade.code for c in craftsmen}) >= 9
    assert {c.enterprise.union_id for c in craftsmen} == {c.candidacy.organisation_id for c in craftsmen}


def test_the_public_rows_of_the_batch_are_published_without_personal_data(first_batch):
    entries = PublicEntry.objects.published().filter(year=2026, programme=first_batch.name)
    assert sorted(entries.values_list("name", flat=True)) == sorted(BATCH)
    assert {e.award for e in entries} == {"荆楚工匠"}
    assert {timezone.localtime(e.published_at).date() for e in entries} == {date(2026, 4, 24)}
    assert all(e.photo is not None and e.photo.is_public for e in entries)
    id_numbers = set(Candidacy.objects.filter(programme=first_batch).values_list("id_number", flat=True))
    text = " ".join(f"{e.name} {e.unit} {e.summary} {e.deeds}" for e in entries)
    assert not any(number in text for number in id_numbers)
    page = Client().get(reverse("public:honourees"), {"year": 2026}).content.decode()
    assert all(name in page for name in BATCH)


def test_each_stage_ran_through_the_services_on_its_day(first_batch):
    rows = Candidacy.objects.filter(programme=first_batch)
    assert {timezone.localtime(c.submitted_at).date() for c in rows} == {date(2026, 3, 2)}
    # The panel: three experts a candidate, all declared and submitted before the deadline.
    assignments = Assignment.objects.filter(stage__programme=first_batch)
    assert assignments.count() == 3 * 13
    assert set(assignments.values_list("state", "score_status")) == {("cleared", "submitted")}
    # The vote: every vote counted (no burst in this one), cast within 1-10 April.
    votes = Vote.objects.filter(stage__programme=first_batch)
    assert votes.count() > 300 and set(votes.values_list("status", flat=True)) == {"counted"}
    days = {timezone.localtime(v.created_at).date() for v in votes}
    assert min(days) >= date(2026, 4, 1) and max(days) <= date(2026, 4, 10)
    # The notice from 13 April (five working days) and the objection, handled before publication.
    notice = first_batch.notices.get()
    assert (notice.starts_on, notice.ends_on) == (date(2026, 4, 13), date(2026, 4, 17))
    objection = Objection.objects.get(notice=notice)
    assert objection.state == "dismissed" and timezone.localtime(objection.handled_at).date() == date(
        2026, 4, 16
    )
    # The history: nothing before the programme was set up, nothing after publication but the films the
    # provincial TV station delivered for the published ten on 27 April.
    ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(content_type__model="candidacy", object_id__in=ids)
    pipeline = events.exclude(action="craftsmen.films.save")
    moments = {timezone.localtime(at).date() for at in pipeline.values_list("at", flat=True)}
    assert min(moments) == date(2026, 2, 26) and max(moments) == date(2026, 4, 24)
    films = events.filter(action="craftsmen.films.save")
    assert films.count() == 10
    assert {timezone.localtime(at).date() for at in films.values_list("at", flat=True)} == {date(2026, 4, 27)}
    rejected = rows.filter(state=State.REJECTED).values_list("name", flat=True)
    assert sorted(rejected) == sorted(["夏永刚", "温晓峰", "田志华"])


def test_the_batch_page_and_the_exports_show_the_published_batch(first_batch):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="province"))
    page = client.get(reverse("craftsmen:batch", args=[first_batch.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "每批 10 人；已批准（含公示中、已公布）10 人，本批还可批准 0 人。" in html
    assert "本批人数已满。" in html
    assert client.get(reverse("craftsmen:batch_export", args=[first_batch.pk])).status_code == 200
    stage = first_batch.vote_stage
    assert client.get(reverse("voting_staff:ranking", args=[stage.pk])).status_code == 200
    assert client.get(reverse("voting_staff:ranking_export", args=[stage.pk])).status_code == 200


def test_seeding_again_changes_nothing_in_the_first_batch(first_batch):
    def figures():
        return (
            Counter(Candidacy.objects.filter(programme=first_batch).values_list("state", flat=True)),
            Vote.objects.count(),
            Assignment.objects.count(),
            PublicEntry.objects.count(),
            AuditEvent.objects.count(),
        )

    before = figures()
    seed()
    assert figures() == before
