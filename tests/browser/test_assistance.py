"""Issue path of the assistance ledger as people walk it: a cadre on a phone logs a visit, files a household
and adds a measure; the county sees it; another county and another grassroots union see nothing."""

import re

import pytest

from assistance.models import Household
from tests.assistance.factories import id_number, ledger
from tests.browser.conftest import jpeg_file, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cadre_on_a_phone_then_county_sees_it_and_others_do_not(
    browser, phone_page, page, live_server, artifacts, tmp_path
):
    ledger()  # county a with a paired cadre (cadre_a), staff_a, staff_b and submitter_b
    base = live_server.url
    cadre = phone_page

    # The cadre logs a visit with a photo.
    sign_in(cadre, base, "cadre_a")
    cadre.goto(base + "/assistance/visits/new/")
    cadre.select_option("#id_drive_enterprise", label="宜城水晶厂（去产能）")
    cadre.fill("#id_households_met", "3")
    cadre.fill("#id_findings", "走访分流职工3户，1户配偶重病。")
    cadre.set_input_files("#id_photos", str(jpeg_file(tmp_path, "visit.jpg")))
    shot(cadre, artifacts, "assistance-visit-form")
    cadre.click("#visit-form [type=submit]")
    cadre.wait_for_url(re.compile(r".*/assistance/visits/\d+/$"))
    assert "走访分流职工3户" in cadre.content()

    # Files a household with one member.
    cadre.goto(base + "/assistance/households/new/")
    cadre.select_option("#id_enterprise", label="宜城水晶厂")
    cadre.fill("#id_worker_name", "刘建国")
    cadre.fill("#id_id_number", id_number(41))
    cadre.select_option("#id_gender", "male")
    cadre.fill("#id_phone", "13971000001")
    cadre.select_option("#id_job_status", "laid_off")
    cadre.fill("#id_worker_income", "900")
    cadre.check("input[name=causes][value=illness]")
    cadre.fill("#id_members-0-name", "张秀兰")
    cadre.select_option("#id_members-0-relation", "spouse")
    cadre.fill("#id_members-0-age", "48")
    cadre.select_option("#id_members-0-health", "serious")
    cadre.fill("#id_members-0-monthly_income", "0")
    cadre.select_option("#id_claimed_category", "deep")
    shot(cadre, artifacts, "assistance-household-form")
    cadre.click("#household-save")
    cadre.wait_for_url(re.compile(r".*/assistance/households/\d+/$"))
    household = Household.objects.get(worker_name="刘建国")
    html = cadre.content()
    assert "深度困难" in html and "450.00" in html  # 900 for two people
    assert household.id_number not in html  # masked on the record
    cadre.click("#move-verified")
    cadre.wait_for_load_state()

    # The county appraises, notices and files it.
    sign_in(page, base, "staff_a")
    url = f"{base}/assistance/households/{household.pk}/"
    for step in ("appraised", "noticed", "filed"):
        page.goto(url)
        page.click(f"#move-{step}")
        page.wait_for_load_state()
    household.refresh_from_db()
    assert household.state == "filed"

    # Back on the phone: a measure and a plan step.
    cadre.goto(url)
    cadre.click("#add-measure summary")
    measure = cadre.locator(f"form[action$='/households/{household.pk}/measures/new/']")
    measure.locator("[name=type]").select_option("medical")
    measure.locator("[name=form]").select_option("cash")
    measure.locator("[name=amount]").fill("3000")
    measure.locator("[name=fund_source]").select_option("union")
    measure.locator("[name=giver]").fill("宜城市总工会")
    measure.locator("[type=submit]").click()
    cadre.wait_for_load_state()
    if cadre.locator("#add-plan summary").count():
        cadre.click("#add-plan summary")
    plan = cadre.locator(f"form[action$='/households/{household.pk}/plan/new/']")
    plan.locator("[name=action]").fill("协助申请大病医保二次报销")
    plan.locator("[name=follow_up_on]").fill("2026-12-15")
    plan.locator("[type=submit]").click()
    cadre.wait_for_load_state()
    cadre.goto(url)
    assert "协助申请大病医保二次报销" in cadre.content()
    shot(cadre, artifacts, "assistance-household-record")
    household.refresh_from_db()
    assert household.state == "assisted"

    # The county sees it in its list and on the record.
    page.goto(base + "/assistance/households/")
    assert "刘建国" in page.content()
    page.goto(url)
    assert "3,000" in page.content() or "3000" in page.content()

    # Another county and another grassroots union see nothing: 404 in the portal and the admin.
    outsiders = browser.new_context(locale="zh-CN")
    for username in ("staff_b", "submitter_b"):
        other = outsiders.new_page()
        sign_in(other, base, username)
        assert other.goto(url).status == 404
        listing = other.goto(base + "/assistance/households/")
        assert listing.status in (200, 403) and "刘建国" not in other.content()
        admin = other.goto(f"{base}/admin/assistance/household/{household.pk}/change/")
        if username == "staff_b":
            assert admin.status == 404
        else:
            assert other.url.endswith("/home/")  # no admin access at all: back to the workspace
        other.context.clear_cookies()
        other.close()
    outsiders.close()
