"""Honouree pages: tag filter, search, query counts, cache invalidation on revoke, photo, share image."""

import io
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from tests.selection.factories import nominate, photo, world
from unionportal.public import share
from unionportal.public.models import PublicEntry
from unionportal.selection import services
from unionportal.uploads.services import upload_store

pytestmark = pytest.mark.django_db


def entry(n, **fields):
    defaults = {
        "year": 2026,
        "programme": "五一劳动奖",
        "award": "五一劳动奖章",
        "name": f"张{n}",
        "unit": f"单位{n}",
        "region": "襄阳市",
        "stage": PublicEntry.Stage.PUBLISHED,
        "summary": "事迹摘要",
        "source": f"test:{n}",
    }
    defaults.update(fields)
    return PublicEntry.objects.create(**defaults)


def names(client, query):
    return sorted(e.name for e in client.get("/honourees/" + query).context["page"].object_list)


def test_tag_filter_matches_whole_codes(client):
    entry(1, tags=",green,innovation,")
    entry(2, tags=",innovation,")
    entry(3, tags="")
    entry(4, tags=",green,", stage=PublicEntry.Stage.REVOKED)
    assert names(client, "?tag=green") == ["张1"]
    assert names(client, "?tag=innovation") == ["张1", "张2"]
    assert names(client, "?tag=nonsense") == ["张1", "张2", "张3"]
    html = client.get("/honourees/?tag=green").content.decode()
    assert '<option value="green" selected>绿色发展</option>' in html


def test_search_by_name_or_unit(client):
    entry(1, name="王师傅", unit="襄阳轴承厂")
    entry(2, name="李工", unit="宜昌船厂")
    entry(3, name="轴承班组", unit="某公司", stage=PublicEntry.Stage.NOTICE)
    assert names(client, "?q=王师") == ["王师傅"]
    assert names(client, "?q=轴承") == ["王师傅"]
    assert names(client, "?q=船厂&region=襄阳市") == ["李工"]
    html = client.get("/honourees/?q=没有这个人").content.decode()
    assert "没有符合条件的获奖者。" in html


def test_honourees_list_queries_are_constant_at_1_and_20_rows(client, django_assert_max_num_queries):
    entry(0, tags=",green,")
    with django_assert_max_num_queries(5) as one:
        response = client.get("/honourees/?tag=green&q=张")
    assert len(response.context["page"].object_list) == 1
    for n in range(1, 20):
        entry(n, tags=",green,")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/honourees/?tag=green&q=张")
    assert len(response.context["page"].object_list) == 20


def test_honouree_page_has_open_graph_tags_with_absolute_urls(client):
    e = entry(1, summary="扎根一线", tags=",green,")
    with override_settings(SITE_URL="https://portal.example.org/"):
        response = client.get(f"/honourees/{e.pk}/")
    html = response.content.decode()
    assert response.cookies == {}
    assert '<meta property="og:title" content="张1 · 五一劳动奖章">' in html
    assert '<meta property="og:description" content="扎根一线">' in html
    assert (
        f'<meta property="og:image" content="https://portal.example.org/honourees/{e.pk}/share.png">' in html
    )
    assert '<span class="badge text-bg-light border me-1">绿色发展</span>' in html


def published_honouree(**programme_fields):
    w = world()
    if programme_fields:
        for name, value in programme_fields.items():
            setattr(w.programme, name, value)
        w.programme.save()
    c = nominate(w, 1, submit=True)
    for actor, org in ((w.county_a, "county_a"), (w.city_a, "city_a"), (w.province, "province")):
        services.forward(actor=actor, programme=w.programme, organisation=w.tree[org], pks=[c.pk])
    today = timezone.localdate()
    services.notice_open(
        actor=w.province,
        programme=w.programme,
        starts_on=today - timedelta(days=30),
        office="省总",
        phone="027-1",
        address="武汉",
    )
    services.programme_publish(actor=w.province, programme=w.programme, today=today)
    return w, c, PublicEntry.objects.get(source=c.public_source)


def test_revoking_takes_the_honour_off_list_detail_photo_and_share_at_once_even_when_cached(client):
    w, c, e = published_honouree()
    pages = ["/", "/honourees/", "/en/honourees/"]
    for path in pages:
        assert "候选人1" in client.get(path).content.decode()
    assert client.get(f"/honourees/{e.pk}/").status_code == 200
    assert client.get(f"/honourees/{e.pk}/share.png").status_code == 200
    assert client.get(f"/honourees/{e.pk}/photo/").status_code == 200

    services.honour_revoke(actor=w.province, pk=c.pk, reason="弄虚作假")

    for path in pages:
        assert "候选人1" not in client.get(path).content.decode(), path
    assert client.get(f"/honourees/{e.pk}/").status_code == 404
    assert client.get(f"/honourees/{e.pk}/share.png").status_code == 404
    assert client.get(f"/honourees/{e.pk}/photo/").status_code == 404


def test_photo_is_not_served_for_a_row_whose_file_is_not_public(client):
    stored = upload_store(file=photo(), kind="image", actor=None, public=False)
    e = entry(1, photo=stored)
    assert client.get(f"/honourees/{e.pk}/photo/").status_code == 404


def png_of(response):
    image = Image.open(io.BytesIO(response.content))
    return image.format, image.size


@pytest.mark.skipif(share.font_path() is None, reason="no CJK font installed")
def test_share_image_is_a_1200_by_630_png_in_a_cjk_font(client):
    stored = upload_store(file=photo(size=(300, 400)), kind="image", actor=None, public=True)
    e = entry(1, photo=stored)
    response = client.get(f"/honourees/{e.pk}/share.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png_of(response) == ("PNG", (1200, 630))


def test_share_image_falls_back_to_a_plain_card_without_a_font(client, monkeypatch):
    monkeypatch.setattr(share, "DEFAULT_FONT", "/nonexistent/font.ttc")
    with override_settings(SHARE_IMAGE_FONT="/nonexistent/other.ttf"):
        assert share.font_path() is None
        e = entry(1)
        response = client.get(f"/honourees/{e.pk}/share.png")
    assert response.status_code == 200
    assert png_of(response) == ("PNG", (1200, 630))


def test_share_image_uses_the_font_setting_first(tmp_path):
    font = tmp_path / "font.ttf"
    font.write_bytes(b"x")
    with override_settings(SHARE_IMAGE_FONT=str(font)):
        assert share.font_path() == str(font)


def test_share_image_is_cached_under_the_public_version(client, django_assert_num_queries):
    e = entry(1)
    first = client.get(f"/honourees/{e.pk}/share.png").content
    with django_assert_num_queries(0):
        assert client.get(f"/honourees/{e.pk}/share.png").content == first


def test_share_image_of_an_unpublished_row_is_404(client):
    e = entry(1, stage=PublicEntry.Stage.NOTICE)
    assert client.get(f"/honourees/{e.pk}/share.png").status_code == 404


def test_english_pages_show_the_programmes_english_award_name(client):
    """The English name is the programme's (data); publication copies it to the public row."""
    _w, _c, row = published_honouree(award="湖北省五一劳动奖章", award_en="Hubei May Day Labour Medal")
    assert row.award_en == "Hubei May Day Labour Medal"
    for path in ("/en/honourees/", f"/en/honourees/{row.pk}/"):
        page = client.get(path).content.decode()
        shown = page.replace('value="湖北省五一劳动奖章"', "")  # the filter's value stays the award itself
        assert "Hubei May Day Labour Medal" in page and "湖北省五一劳动奖章" not in shown, path
    assert "湖北省五一劳动奖章" in client.get(f"/honourees/{row.pk}/").content.decode()


def test_the_award_programmes_are_created_with_their_english_names(db):
    from awards.programmes import award_programmes_create
    from tests.selection.factories import make_programme

    campaign = make_programme(code="other").campaign
    today = timezone.localdate()
    medal = next(
        p
        for p in award_programmes_create(campaign=campaign, opens_on=today, closes_on=today)
        if p.code == "medal"
    )
    assert medal.award_en and medal.award_en != medal.award
    assert medal.name_en and all(ord(ch) < 0x3000 for ch in medal.award_en)
