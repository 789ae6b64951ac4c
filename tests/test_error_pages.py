"""The portal's own 400, 403, 404, 429 and 500 pages, in Chinese at unprefixed URLs and English under /en/."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from tests.factories import Role, make_tree, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

HAN = re.compile(r"[\u4e00-\u9fff]")

# (path, status, a sentence of the Chinese page, the same sentence in English)
PAGES = [
    ("/test-errors/400/", 400, "服务器无法理解这次请求。", "The server could not understand this request."),
    ("/test-errors/403/", 403, "您没有使用此页面的权限。", "You do not have permission to use this page."),
    (
        "/no-such-page/",
        404,
        "您要打开的页面不存在，或者您无权打开它。",
        "does not exist, or you may not open it.",
    ),
    ("/test-errors/429/", 429, "请在 42 秒后再试。", "Please try again in 42 seconds."),
    ("/test-errors/500/", 500, "错误已被记录，我们会尽快处理。", "The error has been logged"),
]


def english_outside_data(html: str) -> str:
    """The page less what is data, not interface: the operator's name (a setting) and the language
    switch's name for Chinese, written in Chinese on purpose."""
    return html.replace(settings.SITE_OPERATOR, "").replace('title="中文"', "")


@pytest.fixture
def client(client):
    client.raise_request_exception = False  # the 500 case: answer with the handler's page
    return client


@pytest.mark.parametrize(("path", "status", "zh", "en"), PAGES, ids=[str(p[1]) for p in PAGES])
def test_error_page_speaks_chinese_at_the_unprefixed_url(client, path, status, zh, en):
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == status
    assert 'lang="zh-Hans"' in html
    assert zh in html
    assert f'data-status="{status}"' in html
    assert 'href="/"' in html  # the way home


@pytest.mark.parametrize(("path", "status", "zh", "en"), PAGES, ids=[str(p[1]) for p in PAGES])
def test_error_page_speaks_english_under_en(client, path, status, zh, en):
    response = client.get("/en" + path)
    html = response.content.decode()
    assert response.status_code == status
    assert 'lang="en"' in html
    assert en in html
    assert HAN.findall(english_outside_data(html)) == []
    assert 'href="/en/"' in html


def test_403_from_a_staff_page_shows_the_role_message_and_the_way_to_the_workspace(client):
    tree = make_tree()
    client.force_login(make_user("worker1", org=tree["grassroots_a"], role=Role.WORKER))

    zh = client.get("/audit/")
    assert zh.status_code == 403
    assert '<p class="lead" id="error-what">您的角色不能使用此页面。</p>' in zh.content.decode()
    assert 'href="/home/"' in zh.content.decode()

    en = client.get("/en/audit/")
    html = en.content.decode()
    assert en.status_code == 403
    assert '<p class="lead" id="error-what">Your role does not give access to this page.</p>' in html
    assert 'href="/en/home/"' in html
    assert HAN.findall(english_outside_data(html)) == []


def test_403_for_a_visitor_offers_sign_in_and_back_here(client):
    html = client.get("/en/test-errors/403/").content.decode()
    assert "If you have an account, please sign in first." in html
    assert 'href="/en/accounts/login/?next=/en/test-errors/403/"' in html


@pytest.mark.parametrize("path", ["/no-such-page/", "/en/no-such-page/", "/honourees/999999/"])
def test_404_for_a_visitor_sets_no_cookie_and_carries_no_csrf_token(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() or "Page not found" in response.content.decode()
    assert response.cookies == {}
    assert b"csrfmiddlewaretoken" not in response.content


def test_404_does_not_show_the_exception_message(client):
    """Http404's message is for developers ("No PublicEntry matches…"); a guessed URL learns nothing."""
    html = client.get("/honourees/999999/").content.decode()
    assert "matches" not in html and "PublicEntry" not in html


def test_400_for_a_disallowed_host_is_the_portal_page(client):
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "The server could not understand this request." in response.content.decode()


def test_400_offers_the_way_back_to_a_page_of_this_site_only(client):
    here = client.get("/test-errors/400/", HTTP_REFERER="http://testserver/awards/").content.decode()
    assert 'href="http://testserver/awards/">返回上一页</a>' in here
    elsewhere = client.get("/test-errors/400/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in elsewhere and ">返回上一页</a>" not in elsewhere


def test_429_sends_retry_after_when_the_view_knows_it(client):
    response = client.get("/en/test-errors/429/")
    assert response.status_code == 429
    assert response["Retry-After"] == "42"


def test_a_blocking_ratelimit_answers_429_not_403(client):
    """django-ratelimit's Ratelimited is a PermissionDenied: the 403 handler hands it to RATELIMIT_VIEW."""
    response = client.get("/en/test-errors/429-blocked/")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Too many requests" in html
    assert "Please try again later." in html
    assert "Retry-After" not in response


@override_settings(SITE_CONTACT_PHONE="027-99999")
def test_500_names_the_hotline(client):
    assert "如需帮助，请拨打服务热线 027-99999。" in client.get("/test-errors/500/").content.decode()
    assert (
        "If you need help, call the hotline 027-99999." in client.get("/en/test-errors/500/").content.decode()
    )


def test_500_template_renders_with_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0), translation.override("zh-hans"):
        zh = render_to_string("500.html")
    with django_assert_num_queries(0), translation.override("en"):
        en = render_to_string("500.html")
    assert "抱歉，我们这边出了问题，您的请求没有完成。" in zh
    assert "Something went wrong on our side." in zh  # the one English line for English readers
    assert "Sorry, something went wrong on our side and your request was not completed." in en
    assert HAN.findall(en) == []


def test_500_handler_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/test-errors/500/")
    assert response.status_code == 500


def test_500_answers_a_fixed_page_when_even_its_template_fails(client):
    with mock.patch("unionportal.errors.render_to_string", side_effect=ValueError("no manifest entry")):
        response = client.get("/en/test-errors/500/")
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.content.decode()


def test_a_form_posted_without_its_csrf_token_gets_the_portal_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "表单已过期或来源无法确认，本次提交没有保存。" in response.content.decode()
    english = client.post("/en/accounts/login/", {"username": "x", "password": "y"})
    assert "The form has expired" in english.content.decode()
