import re

import pytest

from tests.browser.conftest import shot
from tests.factories import PASSWORD, Role, make_enterprise, make_tree, make_user
from tests.imports.conftest import ENTERPRISE_HEADERS, csv_bytes, enterprise_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_preview_marks_new_changed_and_the_bad_row(page, live_server, artifacts):
    tree = make_tree()
    make_user("county_staff", org=tree["county_a"], role=Role.STAFF, name="李明")
    known = make_enterprise(tree["township_a"], tree["grassroots_a"], name="宜城示范机械厂", employees=80)
    township, union = tree["township_a"], tree["grassroots_a"]
    rows = [
        enterprise_row(1, township, union, 名称="鄢城食品有限公司"),
        enterprise_row(
            2, township, union, 名称="宜城示范机械厂", 统一社会信用代码=known.credit_code, 职工人数="96"
        ),
        enterprise_row(3, township, union, 名称="楚都纺织有限公司", 统一社会信用代码="91420600MA0000000X"),
        enterprise_row(4, township, None, 名称="汉江物流有限公司", 经济类型="国有"),
    ]

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "county_staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/home/")

    page.goto(live_server.url + "/imports/orgs.enterprise/")
    assert page.locator("#template-link").get_attribute("href") == "/imports/orgs.enterprise/template.xlsx"
    page.set_input_files(
        "#id_file",
        files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": csv_bytes(ENTERPRISE_HEADERS, rows)}],
    )
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/jobs/\d+/$"))

    errors = page.locator("#import-errors")
    assert (
        "第 4 行：统一社会信用代码：“91420600MA0000000X”不是有效的统一社会信用代码。" in errors.inner_text()
    )
    statuses = page.locator("#preview-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses == ["new", "changed", "error", "new"]
    assert "将更新：职工人数" in page.locator('#preview-table tr[data-row="3"]').inner_text()
    assert page.locator("#confirm-form").count() == 0
    shot(page, artifacts, "import-preview")


def test_progress_page_follows_the_task_until_done(page, live_server, artifacts):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from unionportal.imports import services
    from unionportal.imports.enums import JobStatus
    from unionportal.imports.models import ImportJob
    from unionportal.imports.tasks import run

    tree = make_tree()
    user = make_user("county_staff", org=tree["county_a"], role=Role.STAFF, name="李明")
    rows = [enterprise_row(n, tree["township_a"]) for n in range(4)]
    upload = SimpleUploadedFile("企业.csv", csv_bytes(ENTERPRISE_HEADERS, rows))
    job = services.job_create(actor=user, key="orgs.enterprise", upload=upload)
    # Confirmed, and waiting for the worker (set directly: with no broker the task would run at once).
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, confirmed_at=timezone.now())

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "county_staff")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/home/")
    page.goto(f"{live_server.url}/imports/jobs/{job.pk}/")
    assert page.locator("#import-progress").is_visible()

    services.job_progress_save(job_id=job.pk, processed=2)
    page.locator("[data-progress-text]", has_text="已处理 2 / 4 行").wait_for()
    assert page.locator("#import-progress progress").evaluate("p => p.value") == 2
    shot(page, artifacts, "import-progress")

    assert run(job_id=job.pk) == "done"
    page.locator("#import-done").wait_for()
    assert page.locator("#import-done").inner_text() == "导入完成：新增 4 条，更新 0 条。"
