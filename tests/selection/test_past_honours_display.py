"""A nomination's earlier honours are stored one by one (year, level, award as imported) and joined when
shown, in the reader's language: Chinese pages show the line as before, English pages the English level
names and punctuation from the catalogue; the award names stay as typed."""

import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from unionportal.selection.models import Candidacy, PastHonour, PastHonours

from .factories import id_number, nominate, world

pytestmark = pytest.mark.django_db

HONOURS = [
    {"year": 2024, "level": "provincial", "award": "湖北省五一劳动奖章"},
    {"year": 2022, "level": "national", "award": "全国五一劳动奖章"},
]


def flagged(w):
    for honour in HONOURS:
        PastHonour.objects.create(id_number=id_number(1), name="候选人1", **honour)
    return nominate(w, 1, submit=True)


def test_the_honours_are_stored_as_data_not_as_a_chinese_line():
    w = world()
    candidacy = flagged(w)
    stored = Candidacy.objects.values_list("past_honours", flat=True).get(pk=candidacy.pk)
    assert stored == HONOURS
    assert isinstance(Candidacy.objects.get(pk=candidacy.pk).past_honours, PastHonours)


def test_chinese_readers_see_the_line_as_before():
    with translation.override("zh-hans"):
        assert str(PastHonours(HONOURS)) == "2024 省级湖北省五一劳动奖章；2022 全国全国五一劳动奖章"
        assert str(PastHonours()) == ""


def test_english_readers_see_english_levels_and_punctuation_and_the_awards_as_typed():
    with translation.override("en"):
        line = str(PastHonours(HONOURS))
    assert line == "2024 Province 湖北省五一劳动奖章; 2022 National 全国五一劳动奖章"
    assert not set(line) & set("；，、：")


def test_the_review_queue_joins_them_in_the_pages_language(client):
    w = world()
    flagged(w)
    client.force_login(w.county_a)
    chinese = client.get(reverse("selection:review")).content.decode()
    assert "既往荣誉：2024 省级湖北省五一劳动奖章；2022 全国全国五一劳动奖章" in chinese
    with translation.override("en"):
        url = reverse("selection:review")
    english = client.get(url).content.decode()
    start = english.index('class="small text-danger past-honours"')
    flag = english[start : english.index("</div>", start)]
    assert "2024 Province 湖北省五一劳动奖章; 2022 National 全国五一劳动奖章" in flag
    assert "；" not in flag


def test_the_queue_filter_by_earlier_honours_reads_the_list(client):
    w = world()
    honoured = flagged(w)
    plain = nominate(w, 2, submit=True)
    client.force_login(w.county_a)
    review = reverse("selection:review")
    assert [c.pk for c in client.get(review, {"honours": "1"}).context["rows"]] == [honoured.pk]
    assert [c.pk for c in client.get(review, {"honours": "0"}).context["rows"]] == [plain.pk]


def test_the_migration_reads_the_old_lines_back_into_honours():
    migration = importlib.import_module(
        "unionportal.selection.migrations.0007_candidacy_past_honours_as_list"
    )
    line = "2024 省级湖北省五一劳动奖章；2022 全国全国五一劳动奖章"
    assert migration.honours_of(line) == HONOURS
    assert migration.line_of(HONOURS) == line
    # A part cut off by the old 300-character limit, or typed otherwise, is kept whole.
    assert migration.honours_of("2024 省级五一劳动奖章；2019 市级劳") == [
        {"year": 2024, "level": "provincial", "award": "五一劳动奖章"},
        {"award": "2019 市级劳"},
    ]
    assert migration.honours_of("") == []
    assert str(PastHonours([{"award": "2019 市级劳"}])) == "2019 市级劳"
