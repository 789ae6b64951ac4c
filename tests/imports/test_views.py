"""Pages: upload with a template link, preview, confirm, progress JSON, exports; scoped to the uploader."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import Role, app_callbacks, make_enterprise, make_user
from tests.imports.conftest import ENTERPRISE_HEADERS, ORG_HEADERS, csv_upload, enterprise_row, org_row
from unionportal.audit.models import AuditEvent
from unionportal.imports.enums import JobStatus
from unionportal.imports.models import ImportJob
from unionportal.imports.tasks import run
from unionportal.orgs.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, county_staff):
    client.force_login(county_staff)
    return client


def _upload(client, key, headers, rows):
    return client.post(f"/imports/{key}/", {"file": csv_upload(headers, rows)})


def test_upload_page_links_a_template_with_header_and_example_row(staff_client):
    page = staff_client.get("/imports/orgs.organisation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/imports/orgs.organisation/template.xlsx"' in html
    assert 'enctype="multipart/form-data"' in html

    response = staff_client.get("/imports/orgs.organisation/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="orgs.organisation-template.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, example = list(sheet.iter_rows(values_only=True))
    assert list(header) == ORG_HEADERS
    assert example[:5] == ("420684101001", "宜城市鄢城街道示例企业工会", "基层工会", "企业工会", "420684101")


def test_upload_shows_the_preview_with_row_numbered_errors(staff_client, tree):
    rows = [org_row("N1", "新乡镇", 4, tree["county_a"].code), org_row("N2", "坏", 5, "ZZZ")]
    response = _upload(staff_client, "orgs.organisation", ORG_HEADERS, rows)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/jobs/{job.pk}/"

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "第 3 行：上级组织代码：“ZZZ”不存在，也未在本文件前面的行中出现。" in html
    assert 'data-row="2" data-status="new"' in html
    assert 'data-row="3" data-status="error"' in html
    assert 'id="confirm-form"' not in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_an_unreadable_file_is_a_form_error(staff_client):
    response = staff_client.post(
        "/imports/orgs.organisation/", {"file": csv_upload(["只有一列"], [["x"]], name="a.csv")}
    )
    assert response.status_code == 400
    assert "缺少以下列：组织代码、名称、层级" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_confirm_starts_the_task_and_the_page_shows_the_counts(
    staff_client, tree, django_capture_on_commit_callbacks
):
    rows = [org_row("N1", "新乡镇", 4, tree["county_a"].code), org_row("N2", "新基层", 5, "N1")]
    _upload(staff_client, "orgs.organisation", ORG_HEADERS, rows)
    job = ImportJob.objects.get()
    page = staff_client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'id="confirm-form"' in page

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert response.status_code == 302
    # The task is enqueued once the confirmation has committed (the cached pages' versions move then too).
    assert len(app_callbacks(callbacks)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING

    page = staff_client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'id="import-progress"' in page
    assert 'src="/static/js/import-progress.js"' in page
    status = staff_client.get(f"/imports/jobs/{job.pk}/status.json").json()
    assert status == {
        "status": "running",
        "phase": "import",
        "total": 2,
        "processed": 0,
        "percent": 0,
        "errors": 0,
        "created": 0,
        "updated": 0,
    }

    run(job_id=job.pk)  # what the worker does
    status = staff_client.get(f"/imports/jobs/{job.pk}/status.json").json()
    assert (status["status"], status["processed"], status["percent"], status["created"]) == (
        "done",
        2,
        100,
        2,
    )
    page = staff_client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入完成：新增 2 条，更新 0 条。" in page
    assert Organisation.objects.filter(code__in=["N1", "N2"]).count() == 2

    again = staff_client.post(f"/imports/jobs/{job.pk}/confirm/", follow=True)
    assert "该导入已确认或已结束。" in again.content.decode()


def test_a_job_of_another_user_answers_404(client, tree, county_staff):
    other = make_user("other_staff", org=tree["county_a"], role=Role.STAFF)
    rows = [org_row("N1", "新乡镇", 4, tree["county_a"].code)]
    client.force_login(county_staff)
    _upload(client, "orgs.organisation", ORG_HEADERS, rows)
    job = ImportJob.objects.get()

    client.logout()
    client.force_login(other)
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/imports/jobs/{job.pk}/status.json").status_code == 404
    assert client.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED
    assert "N1" not in client.get("/imports/").content.decode()


def test_people_without_a_staff_role_are_refused(client, tree):
    worker = make_user("worker1", org=tree["grassroots_a"], role=Role.WORKER)
    client.force_login(worker)
    index = client.get("/imports/")
    assert index.status_code == 200 and 'id="no-resources"' in index.content.decode()
    assert client.get("/imports/orgs.enterprise/").status_code == 403
    assert client.get("/imports/orgs.enterprise/export.xlsx").status_code == 403


def test_unknown_resources_and_formats_answer_404(staff_client):
    assert staff_client.get("/imports/nothing.here/").status_code == 404
    assert staff_client.get("/imports/orgs.enterprise/export.pdf").status_code == 404


def test_export_downloads_masked_and_the_form_reveals_with_a_reason(staff_client, tree, county_staff):
    Organisation.objects.filter(pk=tree["township_a"].pk).update(contact_phone="13912345678")
    response = staff_client.get("/imports/orgs.organisation/export.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="orgs.organisation-county_a_staff-'
    )
    assert "139****5678" in response.content.decode()

    form = staff_client.get("/imports/orgs.organisation/export/")
    assert "导出完整的个人信息（不脱敏）" in form.content.decode()
    refused = staff_client.post("/imports/orgs.organisation/export/", {"format": "csv", "reveal": "on"})
    assert refused.status_code == 400
    assert "请说明查看完整信息的理由（至少 4 个字）。" in refused.content.decode()
    assert not AuditEvent.objects.exists()

    revealed = staff_client.post(
        "/imports/orgs.organisation/export/", {"format": "xlsx", "reveal": "on", "reason": "核对联系人电话"}
    )
    assert revealed.status_code == 200
    sheet = load_workbook(io.BytesIO(revealed.content)).worksheets[0]
    assert "13912345678" in [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    event = AuditEvent.objects.get()
    assert (event.comment, event.changes["rows"], event.changes["fields"]) == (
        "核对联系人电话",
        3,
        ["联系电话"],
    )


def test_enterprise_export_page_has_no_reveal_field(staff_client, tree):
    make_enterprise(tree["township_a"], None)
    html = staff_client.get("/imports/orgs.enterprise/export/").content.decode()
    assert "reveal" not in html
    response = staff_client.post("/imports/orgs.enterprise/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_index_lists_resources_and_my_jobs(staff_client, tree):
    _upload(staff_client, "orgs.enterprise", ENTERPRISE_HEADERS, [enterprise_row(1, tree["township_a"])])
    html = staff_client.get("/imports/").content.decode()
    assert 'href="/imports/orgs.organisation/"' in html
    assert 'href="/imports/orgs.enterprise/export/"' in html
    job = ImportJob.objects.get()
    assert f'href="/imports/jobs/{job.pk}/"' in html
    home = staff_client.get("/home/").content.decode()
    assert "待确认的导入" in home
