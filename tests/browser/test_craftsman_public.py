"""The public 荆楚工匠 pages in a browser, on a desktop and a 390×844 phone: the batch page, a craftsman
with the poster shown and the films embedded in sandboxed iframes (their remote content does not load
here: no internet); and the staff page that keeps the films."""

import pytest

from craftsmen.demo_films import poster_image
from craftsmen.films import films_save
from tests.browser.conftest import shot, sign_in
from tests.craftsmen.factories_public import films_for, published_craftsmen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SANDBOX = "allow-scripts allow-same-origin allow-presentation"


def build():
    w, candidacies, entries = published_craftsmen(3, films=False, poster=False)
    for n, c in enumerate(candidacies, start=1):
        films_save(actor=w.province, pk=c.pk, films=films_for(n), poster=poster_image(seed=c.pk))
    return w, candidacies, entries


def check_pages(page, base, entry, artifacts, label):
    page.goto(f"{base}/jingchu-craftsmen/", wait_until="domcontentloaded")
    assert page.locator(".craftsman-batch h2").first.inner_text().startswith("2026年 第1批")
    assert page.locator(".craftsman-card").count() == 3
    thumb = page.locator(".craftsman-card img").first
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    shot(page, artifacts, f"craftsman-batch-{label}")

    page.locator(".craftsman-card", has_text=entry.name).click()
    page.wait_for_url(f"**/jingchu-craftsmen/{entry.pk}/", wait_until="domcontentloaded")
    assert page.locator("h1").inner_text() == entry.name
    frames = page.locator("#films iframe")
    assert frames.count() == 2
    for n in range(2):
        frame = frames.nth(n)
        assert frame.get_attribute("sandbox") == SANDBOX
        assert frame.get_attribute("referrerpolicy") == "no-referrer"
        assert frame.get_attribute("loading") == "lazy"
    assert frames.first.get_attribute("src").startswith("https://player.bilibili.com/player.html?bvid=")
    poster = page.locator("#craftsman-poster")
    poster.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=poster.element_handle())
    assert poster.bounding_box()["width"] > 300
    assert page.locator("#skills").inner_text().startswith("绝活绝技")
    shot(page, artifacts, f"craftsman-page-{label}")


def test_batch_and_craftsman_pages_on_desktop_and_phone(page, phone_page, live_server, artifacts):
    _w, _candidacies, entries = build()
    check_pages(page, live_server.url, entries[0], artifacts, "desktop")
    check_pages(phone_page, live_server.url, entries[1], artifacts, "phone")
    # On the phone the cards stack two by two and the film fills the width.
    width = phone_page.locator("#films iframe").first.bounding_box()["width"]
    assert 300 < width <= 390


def test_staff_refuse_a_pasted_iframe_and_save_a_link(page, live_server, artifacts):
    w, candidacies, entries = build()
    sign_in(page, live_server.url, w.province.username)
    page.goto(f"{live_server.url}/craftsmen/films/{candidacies[0].pk}/")
    page.fill("#id_films-1-url", '<iframe src="https://player.bilibili.com/player.html?bvid=BV1Xs411c7mD">')
    page.click("#save-films")
    error = page.locator("#div_id_films-1-url .invalid-feedback").inner_text()
    assert error == "请粘贴视频的网页链接（以 https:// 开头），不要粘贴 <iframe> 嵌入代码。"
    assert page.locator("#film-form iframe").count() == 0  # shown as text, never as an element
    page.fill("#id_films-1-url", "https://www.ixigua.com/7212345678901234567")
    page.click("#save-films")
    page.wait_for_selector(".alert-success")
    assert "已保存 工匠1 的影片和海报。" in page.locator(".alert-success").inner_text()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/jingchu-craftsmen/{entries[0].pk}/", wait_until="domcontentloaded")
    assert page.locator("#films iframe").nth(1).get_attribute("src") == (
        "https://www.ixigua.com/iframe/7212345678901234567?autoplay=0"
    )
