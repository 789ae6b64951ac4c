"""Province staff find the nomination exports on the import/export page, download the review list, and see
a past-honours file with bad rows refused row by row."""

import csv
import io
import re

import pytest

from tests.browser.conftest import shot, sign_in
from tests.selection.factories import id_number, nominate, world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABELS = ["推荐审核名单", "省级批准名单", "表彰名单", "全国五一劳动奖推荐名册", "既往荣誉（核查用）"]


def honours_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["身份证号", "姓名", "年度", "级别", "荣誉称号", "单位"])
    writer.writerow([id_number(1), "李建军", "2024", "省级", "湖北省五一劳动奖章", "宜城市楚都食品有限公司"])
    writer.writerow([id_number(2)[:-1] + "Y", "王秀英", "2023", "省级", "湖北省五一劳动奖章", ""])
    writer.writerow([id_number(3), "张国华", "2022", "市级", "襄阳市五一劳动奖章", ""])
    return buffer.getvalue().encode("utf-8")


def test_province_staff_export_the_review_list_and_import_past_honours(
    page, phone_page, live_server, artifacts
):
    w = world()
    nominate(w, 1, submit=True)
    sign_in(page, live_server.url, w.province.username)

    page.goto(live_server.url + "/imports/")
    cards = page.locator("#import-resources").inner_text()
    for label in LABELS:
        assert label in cards
    shot(page, artifacts, "exports-index")

    page.goto(live_server.url + "/imports/selection.candidacy/export/")
    shot(page, artifacts, "exports-review-list-form")
    with page.expect_download() as download:
        page.click("input[type=submit]")
    assert re.fullmatch(r"selection\.candidacy-prov-\d{8}-\d{6}\.xlsx", download.value.suggested_filename)

    page.goto(live_server.url + "/imports/selection.past_honour/")
    page.set_input_files(
        "#id_file", files=[{"name": "既往荣誉.csv", "mimeType": "text/csv", "buffer": honours_csv()}]
    )
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/jobs/\d+/$"))
    errors = page.locator("#import-errors").inner_text()
    assert "第 3 行：身份证号：身份证号应为 18 位，最后一位可以是数字或 X。" in errors
    assert "第 4 行：级别：“市级”不是可选的值（可选：省级、全国）。" in errors
    assert page.locator("#confirm-form").count() == 0
    shot(page, artifacts, "past-honours-preview")

    sign_in(phone_page, live_server.url, w.province.username)
    phone_page.goto(live_server.url + "/imports/")
    shot(phone_page, artifacts, "exports-index-phone")
