"""The five themes and three titles: loaded again when a database has lost them, edits kept."""

import pytest

from competitions import catalogue
from competitions.models import Theme, WinnerTitle

pytestmark = pytest.mark.django_db


def test_missing_themes_and_titles_are_loaded_again_with_english_names():
    Theme.objects.filter(code="non-public").delete()
    WinnerTitle.objects.all().delete()
    Theme.objects.filter(code="energy-saving").update(name="节能减排")

    catalogue.ensure(Theme, WinnerTitle)

    assert Theme.objects.count() == 5
    assert Theme.objects.get(code="energy-saving").name == "节能减排"
    assert dict(WinnerTitle.objects.values_list("code", "name_en")) == catalogue.TITLES_EN
