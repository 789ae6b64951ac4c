"""seed_craftsmen_bench: published 荆楚工匠 batches in the public storage for the bench's craftsman pages."""

from io import StringIO

import pytest
from django.core.management import call_command

from craftsmen.models import CraftsmanPublic
from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_craftsmen_bench", *args, stdout=out)
    return out.getvalue()


def test_it_writes_three_years_of_two_batches_once_and_the_pages_answer(
    client, django_assert_max_num_queries
):
    out = seed()
    assert "bench craftsmen: 60 added, 60 there." in out
    assert CraftsmanPublic.objects.filter(entry__year=2026, batch=2).count() == 10
    pk = int(out.rsplit("bench craftsman_pk=", 1)[1])
    assert PublicEntry.objects.get(pk=pk).year == 2026
    assert "bench craftsmen: 0 added, 60 there." in seed()
    with django_assert_max_num_queries(4):
        response = client.get("/jingchu-craftsmen/?year=2026")
    assert [(batch, len(rows)) for batch, rows in response.context["batches"]] == [(1, 10), (2, 10)]
    page = client.get(f"/jingchu-craftsmen/{pk}/")
    assert page.status_code == 200
    assert page.content.decode().count("<iframe ") == 3
    assert "bench craftsmen: 60 added, 60 there." in seed("--reset")
