"""/honourees/ filtered by programme (each 荆楚工匠 appears there beside the award honourees)."""

import pytest

from unionportal.public.models import PublicEntry

pytestmark = pytest.mark.django_db


def entry(n, programme, **fields):
    return PublicEntry.objects.create(
        year=fields.pop("year", 2026),
        programme=programme,
        award=fields.pop("award", programme),
        name=f"张{n}",
        stage=fields.pop("stage", PublicEntry.Stage.PUBLISHED),
        region="襄阳市",
        source=f"test:{n}",
        **fields,
    )


def names(client, **query):
    return sorted(e.name for e in client.get("/honourees/", query).context["page"].object_list)


def test_the_programme_filter_keeps_that_programmes_published_rows(client):
    entry(1, "2026年荆楚工匠")
    entry(2, "五一劳动奖", award="五一劳动奖章")
    entry(3, "2026年荆楚工匠", stage=PublicEntry.Stage.REVOKED)
    entry(4, "2026年荆楚工匠", year=2025)
    assert names(client, programme="2026年荆楚工匠") == ["张1", "张4"]
    assert names(client, programme="2026年荆楚工匠", year=2025) == ["张4"]
    assert names(client, programme="五一劳动奖") == ["张2"]
    assert names(client, programme="没有这个项目") == []
    assert names(client) == ["张1", "张2", "张4"]
    html = client.get("/honourees/", {"programme": "没有这个项目"}).content.decode()
    assert "没有符合条件的获奖者。" in html


def test_the_filter_offers_the_published_programmes_only(client):
    entry(1, "2026年荆楚工匠")
    entry(2, "五一劳动奖")
    entry(3, "已撤销的项目", stage=PublicEntry.Stage.REVOKED)
    choices = client.get("/honourees/").context["choices"]
    assert choices["programmes"] == sorted(["2026年荆楚工匠", "五一劳动奖"])
    html = client.get("/honourees/", {"programme": "五一劳动奖"}).content.decode()
    assert '<option data-user-content value="五一劳动奖" selected>五一劳动奖</option>' in html
    assert "已撤销的项目" not in html


def test_the_filter_choices_take_one_query_whatever_the_rows(client, django_assert_max_num_queries):
    entry(0, "五一劳动奖")
    with django_assert_max_num_queries(4) as one:
        client.get("/honourees/?programme=五一劳动奖")
    for n in range(1, 15):
        entry(n, f"项目{n % 3}", year=2020 + n % 4)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/honourees/?programme=五一劳动奖")
