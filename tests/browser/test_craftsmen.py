"""A grassroots submitter recommends a craftsman in the browser (trade, grade, a patent, a photo), submits,
and the county forwards it on the shared review queue; the form fits a phone."""

import re

import pytest

from tests.browser.conftest import jpeg_file, shot, sign_in
from tests.craftsmen.factories import id_number, trade, world
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_craftsman_is_recommended_submitted_and_forwarded_by_the_county(
    page,
    phone_page,
    live_server,
    artifacts,
    tmp_path,
):
    w = world()
    base = live_server.url
    sign_in(page, base, "sub_a")
    page.goto(base + "/craftsmen/")
    page.click(f"#new-{w.programme.code}")
    page.wait_for_url(re.compile(r".*/craftsmen/new/\d+/$"))
    page.select_option("#id_enterprise", str(w.enterprise_a.pk))
    page.fill("#id_name", "王建华")
    page.fill("#id_id_number", id_number(7))
    page.select_option("#id_trade", str(trade().pk))
    page.select_option("#id_skill_grade", "senior_technician")
    page.fill("#id_years_in_trade", "26")
    page.fill("#id_apprentices", "21")
    page.fill("#id_signature_skills", "手工研磨精度达到0.002毫米。")
    page.select_option("#id_patents-0-kind", "invention")
    page.fill("#id_patents-0-number", "ZL202110000001.1")
    page.fill("#id_patents-0-title", "一种薄壁套筒车削夹具")
    page.fill("#id_patents-0-granted_on", "2023-04-18")
    page.fill("#id_summary", "扎根车工岗位二十六年。")
    page.fill("#id_deeds", "攻克薄壁零件加工变形难题，带出技师十二名。")
    page.set_input_files("#id_photo", str(jpeg_file(tmp_path, "portrait.jpg", (300, 400))))
    page.check("#id_consent")
    shot(page, artifacts, "craftsmen-form")
    page.click("#save-recommendation")
    page.wait_for_url(re.compile(r".*/craftsmen/\d+/$"))
    assert "ZL202110000001.1" in page.inner_text("#patent-table")
    page.click("#submit-recommendation")
    page.wait_for_selector("text=推荐已提交，等待上级工会审核。")
    shot(page, artifacts, "craftsmen-detail")
    candidacy = Candidacy.objects.get()
    assert candidacy.state == State.REVIEW3

    sign_in(page, base, "county_a")
    page.goto(base + f"/selection/review/?programme={w.programme.pk}")
    page.check(f"input[name=pk][value='{candidacy.pk}']")
    page.click("#do-forward")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("text=已向上级报送 1 个推荐对象。")
    candidacy.refresh_from_db()
    assert candidacy.state == State.REVIEW2

    sign_in(phone_page, base, "sub_a")
    phone_page.goto(base + f"/craftsmen/new/{w.programme.pk}/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone_page, artifacts, "craftsmen-form-phone")
