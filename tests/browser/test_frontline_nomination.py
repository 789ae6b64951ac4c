"""A worker self-nominates for 最美一线职工 on a phone (390×844): the phone code, the form with the union
found by search and the photo, the submitted page; then their grassroots union's staff confirm it from
the home page's to-do on a desktop, and it enters review."""

import re

import pytest

from awards.models import FrontlineEntry
from tests.awards.test_frontline import frontline_world
from tests.browser.conftest import jpeg_file, shot, sign_in
from tests.selection.factories import id_number
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def test_a_worker_self_nominates_on_a_phone_and_the_union_confirms(
    phone_page, page, live_server, artifacts, sms_outbox, tmp_path
):
    w = frontline_world()
    base = live_server.url
    phone = phone_page
    phone.goto(f"{base}/awards/frontline/")
    phone.click("#frontline-self")
    phone.fill("#id_phone", PHONE)
    phone.click("#send-code")
    phone.wait_for_selector(".alert-info")
    code = re.search(r"您的验证码为 (\d{6})", sms_outbox[-1][1]).group(1)
    phone.fill("#id_code", code)
    shot(phone, artifacts, "frontline-phone-verify")
    phone.click("#verify")
    phone.wait_for_selector("#frontline-form")
    assert "139****5678" in phone.inner_text("main")

    phone.fill("#id_union_q", "Union a")
    phone.click("#union-search-go")
    phone.wait_for_selector("#union-found")
    phone.select_option("#id_union", str(w.tree["grassroots_a"].pk))
    phone.fill("#id_name", "李建国")
    phone.fill("#id_id_number", id_number(321))
    phone.fill("#id_employer", "襄阳某机械有限公司")
    phone.fill("#id_job", "数控车工")
    phone.fill("#id_skills", "高级技师，擅长薄壁件数控车削。")
    phone.fill("#id_innovations", "改进专用夹具三项，获实用新型专利一项。")
    phone.fill("#id_summary", "扎根一线十五年，技术革新节约成本两百万元。")
    phone.fill("#id_deeds", "攻克薄壁件加工变形难题，废品率下降九成；带徒十二名，其中五名成为技师。")
    phone.set_input_files("#id_photo", str(jpeg_file(tmp_path, size=(300, 400))))
    phone.check("#id_consent")
    # The form fits the phone's width: nothing scrolls sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(phone, artifacts, "frontline-phone-form")
    phone.click("#frontline-submit")
    phone.wait_for_selector("#frontline-submitted")
    assert "李建国" in phone.inner_text("main") and "139****5678" in phone.inner_text("main")
    shot(phone, artifacts, "frontline-phone-submitted")
    candidacy = Candidacy.objects.get(name="李建国")
    assert candidacy.state == State.DRAFT and candidacy.frontline.phone == PHONE

    sign_in(page, base, "sub_a")
    page.click("a[href='/awards/frontline/confirm/']")
    page.wait_for_selector(f"#confirm-{candidacy.pk}")
    shot(page, artifacts, "frontline-confirm-queue")
    page.click(f"#confirm-button-{candidacy.pk}")
    page.wait_for_selector(".alert-success")
    assert "已确认“李建国”的推荐，已提交上级工会审核。" in page.inner_text("main")
    candidacy.refresh_from_db()
    assert candidacy.state == State.REVIEW2
    assert FrontlineEntry.objects.get(pk=candidacy.pk).confirmed_by == w.submitter_a


def test_the_province_chooses_after_the_combined_ranking(page, live_server, artifacts):
    from tests.awards.test_frontline import _at_province, _closed_vote

    w = frontline_world()
    rows = _at_province(w, 3)
    _closed_vote(w, rows)
    sign_in(page, live_server.url, "prov")
    page.goto(f"{live_server.url}/awards/frontline/choose/")
    assert page.locator("#choose-table tbody tr").count() == 3
    for c in rows[:2]:
        page.check(f"input[name=chosen][value='{c.pk}']")
    shot(page, artifacts, "frontline-choose")
    page.click("#choose-submit")
    page.wait_for_selector(".alert-success")
    assert Candidacy.objects.filter(programme=w.frontline, state=State.APPROVED).count() == 2
