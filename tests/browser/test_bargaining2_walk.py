"""The drive's newer pages in the browser: the offline import of offers (preview with row-numbered errors,
then a clean file confirmed), the progress page's table by industry, an industry agreement's coverage
and an enterprise's facts page, on a desktop and on a phone."""

import re

import pytest
from openpyxl import Workbook

from bargaining import services
from bargaining.enums import AgreementKind, ContractStatus
from bargaining.models import Offer
from bargaining.resources import OfferImportResource
from tests.bargaining.conftest import DAY, build
from tests.browser.conftest import shot, sign_in
from tests.factories import make_enterprise
from unionportal import clock
from unionportal.imports.models import ImportJob
from unionportal.imports.services import job_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def workbook(path, rows):
    book = Workbook()
    sheet = book.active
    headers = list(OfferImportResource.example_row)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, OfferImportResource.example_row[h]) for h in headers])
    book.save(path)
    return path


def test_import_progress_coverage_and_enterprise_pages(
    page, phone_page, live_server, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with clock.travel(DAY):
        world = build()
        crystal = [
            make_enterprise(world.tree["township_a"], None, name=f"宜城晶华{n}号水晶厂") for n in range(4)
        ]
        agreement = services.industry_agreement_create(
            actor=world.staff_a,
            union=world.tree["county_a"],
            title="宜城市水晶行业工资专项集体合同",
            employer_party="宜城市水晶行业协会",
            enterprises=[world.enterprise, *crystal],
            kind=AgreementKind.INDUSTRY,
        )
        for n, enterprise in enumerate([world.enterprise, world.no_union, *crystal]):
            services.profile_save(
                actor=None,
                enterprise=enterprise,
                contract_status=ContractStatus.NONE if n % 2 else ContractStatus.IN_FORCE,
                wages_flat_years=n % 3,
            )
        base = live_server.url
        sign_in(page, base, "b_staff_a")
        code = world.enterprise.credit_code
        bad = workbook(
            tmp_path / "bad.xlsx",
            [{"企业统一社会信用代码": code}, {"企业统一社会信用代码": "91420684MA4K9999ZZ"}],
        )
        page.goto(base + "/imports/bargaining.offer/")
        page.set_input_files("#id_file", str(bad))
        page.click("input[type=submit]")
        page.wait_for_selector("#import-errors", timeout=30000)
        assert "第 3 行" in page.inner_text("#import-errors")
        shot(page, artifacts, "bargaining2-import-errors")
        assert Offer.objects.count() == 0
        good = workbook(
            tmp_path / "good.xlsx",
            [{"企业统一社会信用代码": code}, {"企业统一社会信用代码": crystal[0].credit_code}],
        )
        page.goto(base + "/imports/bargaining.offer/")
        page.set_input_files("#id_file", str(good))
        page.click("input[type=submit]")
        page.wait_for_selector("#confirm-form", timeout=30000)
        page.click("#confirm-form [type=submit]")
        page.wait_for_selector("#confirm-form", state="detached", timeout=30000)
        # With a broker the import waits for a worker that does not run here: run the job's task, as the
        # worker would (a no-op when it already ran in-process).
        job_run(job_id=ImportJob.objects.latest("pk").pk)
        page.reload()
        page.wait_for_selector("#import-done", timeout=30000)
        shot(page, artifacts, "bargaining2-import-done")
        assert Offer.objects.count() == 2

        page.goto(base + "/bargaining/progress/")
        assert "制造业" in page.locator("#industry-table").inner_text()
        page.locator("#industry-table").scroll_into_view_if_needed()
        shot(page, artifacts, "bargaining2-progress-industry")
        page.goto(base + f"/bargaining/agreements/{agreement.pk}/coverage/")
        assert page.locator("#coverage-table tbody tr").count() == 5
        shot(page, artifacts, "bargaining2-coverage")
        page.click(f"#coverage-{world.enterprise.pk} a")
        page.wait_for_url(re.compile(rf".*/bargaining/enterprises/{world.enterprise.pk}/$"))
        assert "宜城市水晶行业工资专项集体合同" in page.locator("#enterprise-agreements").inner_text()
        assert page.locator("#enterprise-offers li").count() == 1
        shot(page, artifacts, "bargaining2-enterprise")

        sign_in(phone_page, base, "b_staff_a")
        phone_page.goto(base + "/bargaining/progress/")
        phone_page.locator("#industry-table").scroll_into_view_if_needed()
        shot(phone_page, artifacts, "bargaining2-progress-industry-phone")
        phone_page.goto(base + f"/bargaining/enterprises/{world.enterprise.pk}/")
        shot(phone_page, artifacts, "bargaining2-enterprise-phone")
