import pytest
from django.test import override_settings

from unionportal.public.models import PublicEntry

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


@pytest.mark.parametrize("path", ["/", "/en/", "/honourees/", "/en/honourees/", "/privacy/"])
def test_public_read_pages_set_no_cookie_and_carry_no_csrf_token(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert b"csrfmiddlewaretoken" not in response.content


def test_honourees_page_works_with_none_published(client):
    response = client.get("/honourees/")
    assert "尚未公布获奖名单。" in response.content.decode()


def test_honourees_filter_by_year_award_and_region(client):
    entry(1)
    entry(2, year=2025)
    entry(3, award="工人先锋号")
    entry(4, region="宜昌市")
    entry(5, stage=PublicEntry.Stage.NOTICE)
    entry(6, stage=PublicEntry.Stage.REVOKED)

    def names(query):
        return [e.name for e in client.get("/honourees/" + query).context["page"].object_list]

    assert sorted(names("")) == ["张1", "张2", "张3", "张4"]
    assert sorted(names("?year=2026")) == ["张1", "张3", "张4"]
    assert names("?award=工人先锋号") == ["张3"]
    assert names("?region=宜昌市") == ["张4"]
    assert names("?year=notanumber&region=宜昌市") == ["张4"]


def test_honourees_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    entry(0)
    with django_assert_max_num_queries(6):
        client.get("/honourees/")
    for n in range(1, 40):
        entry(n)
    with django_assert_max_num_queries(6):
        response = client.get("/honourees/?page=2")
    assert len(response.context["page"].object_list) == 10


def test_honouree_page_shows_published_rows_only(client):
    published = entry(1, deeds="扎根一线二十年")
    on_notice = entry(2, stage=PublicEntry.Stage.NOTICE)
    revoked = entry(3, stage=PublicEntry.Stage.REVOKED)
    response = client.get(f"/honourees/{published.pk}/")
    assert response.status_code == 200
    assert "扎根一线二十年" in response.content.decode()
    assert client.get(f"/honourees/{on_notice.pk}/").status_code == 404
    assert client.get(f"/honourees/{revoked.pk}/").status_code == 404
    assert client.get("/honourees/999999/").status_code == 404


@override_settings(
    SITE_OPERATOR="湖北省总工会",
    SITE_ICP_NUMBER="鄂ICP备12345678号",
    SITE_PSB_NUMBER="鄂公网安备42010602000001号",
)
def test_footer_shows_operator_and_filing_numbers_from_settings(client):
    html = client.get("/").content.decode()
    assert "主办单位：湖北省总工会" in html
    assert '<span id="icp">鄂ICP备12345678号</span>' in html
    assert "鄂公网安备42010602000001号" in html
    assert 'href="/privacy/"' in html


def test_home_page_shows_the_current_campaign_theme(client):
    from datetime import date

    from unionportal.campaigns.models import Campaign

    Campaign.objects.create(
        year=2026,
        theme="践行新理念，有为新常态，争当主力军",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 12, 31),
        is_current=True,
    )
    html = client.get("/").content.decode()
    assert "2026年“五一”系列活动" in html
    assert '<h1 class="display-6 fw-bold" id="campaign-theme">践行新理念，有为新常态，争当主力军</h1>' in html


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_public_pages_come_from_the_cache_until_content_changes(client, django_assert_num_queries):
    entry(1)
    assert "张1" in client.get("/honourees/").content.decode()
    with django_assert_num_queries(0):
        response = client.get("/honourees/")
    assert "张1" in response.content.decode()
    assert "public" in response["Cache-Control"]

    entry(2)  # publishing invalidates every cached public page
    assert "张2" in client.get("/honourees/").content.decode()


def test_a_cached_page_is_read_with_its_version_in_one_cache_call_and_missed_once_the_version_moves(
    client, monkeypatch
):
    from unittest import mock

    from django.core.cache import cache

    from unionportal.public import cache as page_cache

    entry(1)
    client.get("/honourees/")  # stored with the current version
    monkeypatch.setattr(page_cache, "_version_file", lambda: None)  # as with Redis: the version in the cache
    page_cache.invalidate()
    entry(2)  # only visible once the page is made again
    assert "张2" in client.get("/honourees/").content.decode()  # a miss: stored under the earlier version
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        with mock.patch.object(cache, "get", wraps=cache.get) as get:
            assert "张2" in client.get("/honourees/").content.decode()  # a hit
    assert get_many.call_count == 1  # one round trip for the version and the page
    # (a cache without its own get_many, the local-memory one, answers it key by key)
    assert {call.args[0] for call in get.call_args_list} <= {
        page_cache.VERSION_KEY,
        "public:page:/honourees/",
    }
    stored_version, content, _headers = cache.get("public:page:/honourees/")
    assert stored_version == page_cache.version() and "张1" in content.decode()


def test_signed_in_visitors_are_never_served_a_cached_page(client):
    from tests.factories import make_user

    client.get("/")  # fills the anonymous cache
    client.force_login(make_user("visitor", name="王五"))
    html = client.get("/").content.decode()
    assert "王五" in html and "退出" in html


def test_a_demo_site_says_so_on_every_page(client, settings, db):
    settings.SITE_DEMO = True
    assert "并非真实信息" in client.get("/").content.decode()
    assert "generated demo data" in client.get("/en/news/").content.decode()
    settings.SITE_DEMO = False
    from django.core.cache import cache

    cache.clear()  # public pages are cached whole
    assert 'id="demo-note"' not in client.get("/").content.decode()


def test_a_demo_on_a_fixed_day_names_the_day(client, settings, db):
    from datetime import date

    from django.core.cache import cache

    from unionportal import clock

    settings.SITE_DEMO = True
    assert 'id="demo-day"' not in client.get("/").content.decode()
    cache.clear()
    with clock.travel(date(2026, 4, 27)):
        assert "站点日期按演示设定为 2026-04-27。" in client.get("/").content.decode()
        assert (
            "The site's date is set to 2026-04-27 for the demo." in client.get("/en/news/").content.decode()
        )


def test_the_operator_is_named_in_the_page_s_language(client, db):
    assert "· 湖北省总工会</title>" in client.get("/").content.decode()
    assert "· Hubei Federation of Trade Unions</title>" in client.get("/en/").content.decode()


def test_a_page_served_from_the_cache_keeps_the_headers_the_stack_made(client, django_assert_num_queries):
    """The stored page answers before the session, CSRF, CSP and frame middleware: it carries their headers."""
    entry(1)
    made = client.get("/honourees/")
    with django_assert_num_queries(0):
        served = client.get("/honourees/")
    assert served.content == made.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Cache-Control"):
        assert served[header] == made[header]
    assert served["X-Content-Type-Options"] == "nosniff"  # the security middleware, above, still runs
    assert not served.cookies


def test_the_menu_links_the_public_vote_for_everyone_and_its_management_for_province_staff(client, db):
    from tests.factories import Role, make_tree, make_user

    assert 'id="nav-vote" href="/vote/"' in client.get("/").content.decode()
    tree = make_tree()
    client.force_login(make_user("county_staff", org=tree["county_a"], role=Role.STAFF))
    page = client.get("/home/").content.decode()
    assert 'id="nav-vote"' in page and 'id="nav-votes"' not in page
    client.force_login(make_user("province_staff", org=tree["province"], role=Role.STAFF))
    assert 'id="nav-votes" href="/selection/votes/"' in client.get("/home/").content.decode()


@pytest.mark.parametrize(
    ("path", "other"),
    [
        (
            "/honourees/?year=2026&region=%E8%A5%84%E9%98%B3",
            "/en/honourees/?year=2026&region=%E8%A5%84%E9%98%B3",
        ),
        ("/en/news/", "/news/"),
        ("/notices/", "/en/notices/"),
    ],
)
def test_the_language_switch_links_the_same_page_with_its_query_in_the_other_language(client, path, other):
    page = client.get(path).content.decode()
    assert f'href="{other}"' in page.replace("&amp;", "&")
