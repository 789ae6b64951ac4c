"""Review up the tree in a browser: county staff forward from their queue; the province ranks, approves
and opens the public notice."""

import pytest

from tests.browser.conftest import shot, sign_in
from tests.selection.factories import nominate, world
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Notice
from unionportal.selection.selectors import final_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_forwards_then_province_ranks_approves_and_opens_the_notice(
    page, phone_page, live_server, artifacts
):
    w = world()
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True)
    base = live_server.url

    sign_in(page, base, "county_a")
    page.goto(base + "/selection/review/")
    assert "已报送 0 / 名额 5" in page.content()
    shot(page, artifacts, "selection-review-queue")
    page.check("#select-all")
    page.click("#do-forward")
    page.wait_for_selector(".alert-success")
    assert "已向上级报送 2 个推荐对象。" in page.content()
    assert "已报送 2 / 名额 5" in page.content()

    sign_in(phone_page, base, "city_a")
    phone_page.goto(base + "/selection/review/")
    shot(phone_page, artifacts, "selection-review-queue-phone")
    phone_page.check("#select-all")
    phone_page.click("#do-forward")
    phone_page.wait_for_selector(".alert-success")

    sign_in(page, base, "prov")
    page.goto(base + f"/selection/programmes/{w.programme.pk}/final/")
    page.fill(f"#rank-{a.pk}", "2")
    page.fill(f"#rank-{b.pk}", "1")
    page.click("#save-ranks")
    page.wait_for_selector(".alert-success")
    page.check("#select-all")
    page.click("#approve")
    page.wait_for_selector(".alert-success")
    assert "已批准 2 个推荐对象。" in page.content()
    shot(page, artifacts, "selection-final")
    page.click("#notice-form [type=submit]")
    page.wait_for_selector("#notice-running")
    notice = Notice.objects.get()
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.NOTICE}
    assert notice.office == "省总工会"
    assert [c.pk for c in final_list(w.programme)] == [b.pk, a.pk]
    shot(page, artifacts, "selection-final-notice")
