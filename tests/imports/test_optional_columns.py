"""A file may leave out the template's optional columns; the required ones are named when missing."""

import pytest

from tests.factories import make_enterprise
from tests.imports.conftest import ORG_HEADERS, csv_upload
from unionportal.imports import services
from unionportal.imports.tasks import run
from unionportal.orgs.enums import Level, OrgKind
from unionportal.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_tree_import_takes_a_file_without_its_optional_columns(tree, county_staff):
    headers = ["组织代码", "名称", "层级", "上级组织代码"]
    job = services.job_create(
        actor=county_staff,
        key="orgs.organisation",
        upload=csv_upload(headers, [["N1", "新乡镇", "乡镇街道", tree["county_a"].code]]),
    )
    assert job.preview["counts"]["new"] == 1 and not job.preview["errors"]
    services.job_confirm(actor=county_staff, job_id=job.pk)
    assert run(job_id=job.pk) == "done"
    org = Organisation.objects.get(code="N1")
    assert (org.level, org.kind, org.member_count, org.contact_person, org.contact_phone, org.address) == (
        Level.TOWNSHIP,
        OrgKind.REGIONAL,
        0,
        "",
        "",
        "",
    )
    county = tree["county_a"]
    assert org.founded_on is None and org.path[: -org.steplen] == county.path


def test_a_file_without_a_required_column_names_it(tree, county_staff):
    headers = [h for h in ORG_HEADERS if h not in ("层级", "上级组织代码", "地址")]
    with pytest.raises(services.ImportFileError) as caught:
        services.job_create(
            actor=county_staff, key="orgs.organisation", upload=csv_upload(headers, [["N1"] * 8])
        )
    assert caught.value.message == "缺少以下列：层级、上级组织代码。请使用下载的模板。"


def test_an_update_without_an_optional_column_keeps_its_values(tree, county_staff):
    existing = make_enterprise(
        tree["township_a"], tree["grassroots_a"], name="老名", address="老地址", employees=9
    )
    headers = ["名称", "统一社会信用代码", "行业", "经济类型", "所在乡镇代码"]
    job = services.job_create(
        actor=county_staff,
        key="orgs.enterprise",
        upload=csv_upload(
            headers, [["新名", existing.credit_code, "制造业", "民营", tree["township_a"].code]]
        ),
    )
    assert job.preview["rows"][0]["messages"] == ["将更新：名称"]
    services.job_confirm(actor=county_staff, job_id=job.pk)
    assert run(job_id=job.pk) == "done"
    existing.refresh_from_db()
    assert (existing.name, existing.address, existing.employees, existing.union) == (
        "新名",
        "老地址",
        9,
        tree["grassroots_a"],
    )
