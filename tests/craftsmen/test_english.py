"""The craftsman pages read in English under /en/ (data users typed is marked and not read)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.test_english_leftovers import offending, read

from .factories import recommend, world

pytestmark = pytest.mark.django_db


def english_text(client, name, *args, typed=()) -> list[str]:
    with translation.override("en"):
        url = reverse(name, args=args)
        assert url.startswith("/en/")
        response = client.get(url)
    assert response.status_code == 200, url
    reader = read(response.content.decode())
    title = "".join(reader.title)
    for value in typed:  # a record's page is titled with its name, as typed
        title = title.replace(value, "")
    return offending("\n".join([title, *reader.parts]))


def test_list_form_and_record_read_in_english(client):
    w = world()
    c = recommend(w, 1, submit=True)
    client.force_login(w.submitter_a)
    for name, args in (
        ("craftsmen:list", ()),
        ("craftsmen:create", (w.programme.pk,)),
        ("craftsmen:detail", (c.pk,)),
        ("craftsmen:withdraw", (c.pk,)),
    ):
        assert english_text(client, name, *args, typed=[c.name]) == [], name
