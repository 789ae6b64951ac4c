"""Review up the tree in a browser: county staff forward from their queue (after a confirm page); the
city shares its quota on the allocation page; the province ranks, approves and opens the public notice,
each confirmed first."""

import pytest

from tests.browser.conftest import shot, sign_in
from tests.selection.factories import nominate, world
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy, Notice, Programme
from unionportal.selection.selectors import final_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The select's text against the room it has: the shown option's width in the select's own font.
SELECT_FITS = """el => {
  const style = getComputedStyle(el);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(el.options[el.selectedIndex].text).width <= room;
}"""


def confirm(page, expect: str) -> None:
    """On a confirm page: check what it says will happen, then confirm."""
    page.wait_for_selector("#confirm-form")
    assert expect in page.inner_text("#confirm-question")
    page.click("#confirm-submit")
    page.wait_for_selector(".alert-success")


def test_county_forwards_then_province_ranks_approves_and_opens_the_notice(
    page, phone_page, live_server, artifacts
):
    w = world()
    Programme.objects.filter(pk=w.programme.pk).update(name="五一劳动奖章（个人）")
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True)
    c = nominate(w, 3, submit=True)
    base = live_server.url

    sign_in(page, base, "county_a")
    page.goto(base + "/selection/review/?sort=name")
    assert "已报送 0 / 名额 5" in page.content()
    assert page.locator("#id_programme option:checked").inner_text() == "2026 五一劳动奖章（个人）"
    assert page.locator("#id_programme").evaluate(SELECT_FITS), "the programme's name is cut off"
    shot(page, artifacts, "selection-review-queue")
    page.check(f"#pick-{a.pk}")
    page.check(f"#pick-{b.pk}")
    page.fill("#id_reason", "同意报送")
    page.click("#do-forward")
    page.wait_for_selector("#confirm-form")
    assert page.inner_text("#confirm-question") == "将以下 2 名推荐对象报送至 City a："
    assert page.locator("#confirm-rows tbody tr").count() == 2
    assert "候选人3" not in page.inner_text("#confirm-rows")
    shot(page, artifacts, "selection-forward-confirm")
    # Cancel: back to the queue as it was sorted, nothing moved.
    page.click("#confirm-cancel")
    page.wait_for_url(f"{base}/selection/review/?sort=name")
    assert set(Candidacy.objects.values_list("state", flat=True)) == {State.REVIEW3}
    page.check(f"#pick-{a.pk}")
    page.check(f"#pick-{b.pk}")
    page.click("#do-forward")
    confirm(page, "将以下 2 名推荐对象报送至 City a：")
    assert "已向上级报送 2 个推荐对象。" in page.content()
    assert "已报送 2 / 名额 5" in page.content()
    assert Candidacy.objects.get(pk=c.pk).state == State.REVIEW3

    sign_in(phone_page, base, "city_a")
    phone_page.goto(base + "/selection/review/")
    assert phone_page.locator("#id_programme").evaluate(SELECT_FITS), "the programme's name is cut off"
    shot(phone_page, artifacts, "selection-review-queue-phone")
    phone_page.check("#select-all")
    phone_page.click("#do-forward")
    phone_page.wait_for_selector("#confirm-form")
    shot(phone_page, artifacts, "selection-forward-confirm-phone")
    confirm(phone_page, "将以下 2 名推荐对象报送至 Province：")

    # The city's quota page, from the review page's link.
    sign_in(page, base, "city_a")
    page.goto(base + "/selection/review/")
    page.click("#allocations-link")
    page.wait_for_selector("#allocation-table")
    assert page.inner_text("#allocation-own .used") == "2"
    assert page.inner_text("#allocation-own .remaining") == "1"
    shot(page, artifacts, "selection-allocations")

    sign_in(page, base, "prov")
    page.goto(base + f"/selection/programmes/{w.programme.pk}/final/")
    page.fill(f"#rank-{a.pk}", "2")
    page.fill(f"#rank-{b.pk}", "1")
    page.click("#save-ranks")
    page.wait_for_selector(".alert-success")
    page.check("#select-all")
    page.click("#approve")
    confirm(page, "批准以下 2 名推荐对象列入省级批准名单：")
    assert "已批准 2 个推荐对象。" in page.content()
    shot(page, artifacts, "selection-final")
    page.click("#notice-form [type=submit]")
    page.wait_for_selector("#confirm-form")
    assert not Notice.objects.exists()
    shot(page, artifacts, "selection-notice-confirm")
    page.click("#confirm-submit")
    page.wait_for_selector("#notice-running")
    notice = Notice.objects.get()
    assert set(Candidacy.objects.exclude(pk=c.pk).values_list("state", flat=True)) == {State.NOTICE}
    assert notice.office == "省总工会"
    assert [c.pk for c in final_list(w.programme)] == [b.pk, a.pk]
    shot(page, artifacts, "selection-final-notice")
