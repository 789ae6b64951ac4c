"""A grassroots submitter fills the individual nomination form with a photo and submits it; the record
shows the state and history; the form works at phone width; the A4 recommendation form renders."""

import re

import pytest

from tests.browser.conftest import jpeg_file, shot, sign_in
from tests.selection.factories import id_number, world
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy
from unionportal.selection.services import characters

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submitter_fills_the_individual_form_with_a_photo_and_submits(
    browser, page, phone_page, live_server, artifacts, tmp_path
):
    w = world()
    base = live_server.url
    sign_in(page, base, "sub_a")
    page.goto(base + "/awards/")
    page.click(f"#new-{w.programme.code}")
    page.wait_for_url(re.compile(r".*/awards/new/\d+/$"))
    page.fill("#id_name", "张建国")
    page.fill("#id_id_number", id_number(7))
    page.fill("#id_unit", "宜城市示例机械有限公司")
    page.select_option("#id_gender", "M")
    page.fill("#id_ethnicity", "汉族")
    page.select_option("#id_political_status", "cpc")
    page.select_option("#id_education", "college")
    page.fill("#id_job_title", "高级技师")
    page.fill("#id_position", "焊接班班长")
    page.fill("#id_phone", "13800001234")
    page.check("#id_flag_frontline")
    summary = "扎根焊接一线二十年， 攻克多项关键焊接工艺难题。"
    page.fill("#id_summary", summary)
    page.fill("#id_deeds", "带领班组完成重点工程焊接任务，培养高级技工 12 名，提出合理化建议 30 余条。")
    assert (
        page.inner_text(".award-counter[data-for=id_summary]")
        == f"已输入 {characters(summary)} 字 / 上限 500 字"
    )
    page.check("input[name=tags][value=innovation]")
    page.set_input_files("#id_photo", str(jpeg_file(tmp_path, "portrait.jpg", (300, 400), (170, 40, 40))))
    for code in ("safety", "arrears", "environment", "union"):
        page.check(f"#id_declare_{code}")
    page.check("#id_consent")
    shot(page, artifacts, "awards-intake-form")
    page.click("#save-nomination")
    page.wait_for_url(re.compile(r".*/awards/\d+/$"))
    page.click("#submit-nomination")
    page.wait_for_selector("text=推荐已提交，等待上级工会审核。")
    assert page.inner_text("#masked-id") != id_number(7)
    # The photo loads after the page: wait for it rather than reading its width at once.
    page.wait_for_function(
        "() => { const i = document.querySelector('#nominee-photo'); return i && i.complete; }"
    )
    assert page.locator("#nominee-photo").evaluate("img => img.naturalWidth") > 0
    assert "县（市、区）审核中" in page.inner_text("#history")
    shot(page, artifacts, "awards-detail")
    candidacy = Candidacy.objects.get()
    assert candidacy.state == State.REVIEW3

    page.click("#print-nomination")
    page.wait_for_url(re.compile(r".*/print/$"))
    assert page.locator(".opinion-row").count() == 4
    shot(page, artifacts, "awards-print")

    sign_in(phone_page, base, "sub_a")
    phone_page.goto(base + f"/awards/new/{w.programme.pk}/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(phone_page, artifacts, "awards-intake-form-phone")
