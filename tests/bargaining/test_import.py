"""The offline import of offers and agreements: row-numbered, all or nothing, scoped to the importer's
subtree, the dates giving the state."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from bargaining.enums import AgreementState, OfferState, Topic
from bargaining.models import Agreement, Coverage, Offer
from bargaining.resources import AgreementImportResource, OfferImportResource
from unionportal import clock
from unionportal.audit.models import AuditEvent
from unionportal.imports.resources import ImportRejected

from .conftest import DAY

pytestmark = pytest.mark.django_db

OFFER_HEADERS = list(OfferImportResource.example_row)
AGREEMENT_HEADERS = list(AgreementImportResource.example_row)


def offer_row(enterprise, **cells):
    values = {**OfferImportResource.example_row, "企业统一社会信用代码": enterprise.credit_code, **cells}
    return [values[h] for h in OFFER_HEADERS]


def agreement_row(enterprise, **cells):
    values = {**AgreementImportResource.example_row, "企业统一社会信用代码": enterprise.credit_code, **cells}
    return [values[h] for h in AGREEMENT_HEADERS]


def run(resource_class, user, headers, rows, *, dry_run):
    with clock.travel(DAY):
        resource = resource_class(user=user)
        if dry_run:
            return resource.run(headers, rows, dry_run=True)
        with transaction.atomic():
            return resource.run(headers, rows, dry_run=False)


def test_offers_are_imported_with_the_state_their_dates_imply(world):
    rows = [
        offer_row(world.enterprise, 发出日期="", 送达日期=""),
        offer_row(world.enterprise, 发出日期="2026-04-20", 送达日期="2026-04-21"),
        offer_row(world.no_union, 发出日期="2026-03-01", 送达日期="2026-03-02", 要约方="企业方"),
    ]
    outcome = run(OfferImportResource, world.staff_a, OFFER_HEADERS, rows, dry_run=False)
    assert outcome.counts["new"] == 3 and not outcome.errors
    offers = list(Offer.objects.order_by("id"))
    assert [o.state for o in offers] == [OfferState.DRAFT, OfferState.SENT, OfferState.OVERDUE]
    assert offers[1].reply_due_on == date(2026, 5, 11)
    assert offers[0].topics == [Topic.WAGE_LEVEL, Topic.MINIMUM_WAGE]
    assert offers[0].org_path == world.tree["grassroots_a"].path
    assert offers[2].union == world.tree["township_a"] and offers[2].side == "employer"
    assert offers[0].supervisor == world.tree["township_a"]
    assert AuditEvent.objects.filter(action="bargaining.offer.import").count() == 3
    Offer.objects.all().delete()
    AuditEvent.objects.filter(action="bargaining.offer.import").delete()


def test_an_unknown_credit_code_or_an_enterprise_outside_the_subtree_is_a_row_error_and_nothing_is_saved(
    world,
):
    rows = [
        offer_row(world.enterprise),
        offer_row(world.enterprise, 企业统一社会信用代码="91420684MA4K9999ZZ"),
        offer_row(world.enterprise_b),
        offer_row(world.enterprise, 协商议题="工资水平及增长幅度、年终聚餐"),
        offer_row(world.enterprise, 发出日期="2026-04-10", 送达日期="2026-04-09"),
        offer_row(world.enterprise, 发出日期="2026-05-10", 送达日期=""),
    ]
    preview = run(OfferImportResource, world.staff_a, OFFER_HEADERS, rows, dry_run=True)
    assert preview.errors == [
        "第 3 行：企业统一社会信用代码：没有统一社会信用代码为“91420684MA4K9999ZZ”的企业，请先在企业名录中登记。",
        f"第 4 行：企业统一社会信用代码：组织“{world.tree['grassroots_b'].code}”不在您的管辖范围内。",
        "第 5 行：协商议题：未知的协商议题：年终聚餐",
        "第 6 行：送达日期：送达日期不能早于发出日期。",
        "第 7 行：发出日期：日期不能晚于今天。",
        "第 7 行：送达日期：发出日期和送达日期须同时填写（草稿两项都不填）。",
    ]
    with pytest.raises(ImportRejected):
        run(OfferImportResource, world.staff_a, OFFER_HEADERS, rows, dry_run=False)
    assert Offer.objects.count() == 0
    assert not AuditEvent.objects.filter(action="bargaining.offer.import").exists()


def test_a_submitter_imports_only_for_their_own_union(world):
    rows = [offer_row(world.enterprise), offer_row(world.no_union)]
    preview = run(OfferImportResource, world.submitter_a, OFFER_HEADERS, rows, dry_run=True)
    assert preview.errors == [
        f"第 3 行：企业统一社会信用代码：组织“{world.tree['township_a'].code}”不在您的管辖范围内。"
    ]


def test_agreements_are_imported_in_the_state_their_dates_imply_with_their_coverage(world):
    rows = [
        agreement_row(world.enterprise, 起始日期="", 签订日期="", 报送日期="", 报送的劳动保障行政部门=""),
        agreement_row(world.enterprise, 起始日期="2025-10-01", 报送日期="", 报送的劳动保障行政部门=""),
        agreement_row(world.enterprise, 签订日期="2026-04-15", 报送日期="2026-04-20"),
        agreement_row(world.no_union, 协议名称="未建会企业区域协议"),
    ]
    outcome = run(AgreementImportResource, world.staff_a, AGREEMENT_HEADERS, rows, dry_run=False)
    assert outcome.counts["new"] == 4, outcome.errors
    agreements = list(Agreement.objects.order_by("id"))
    assert [a.state for a in agreements] == [
        AgreementState.NEGOTIATING,
        AgreementState.SIGNED,
        AgreementState.FILED,
        AgreementState.IN_EFFECT,
    ]
    assert agreements[3].effective_on == date(2026, 1, 31)
    assert agreements[3].title == "未建会企业区域协议"
    assert agreements[0].title == "水晶甲厂 2026 年度工资专项集体合同"
    assert Coverage.objects.filter(agreement__in=agreements).count() == 4
    assert Coverage.objects.get(agreement=agreements[0]).workers == 200
    Agreement.objects.all().delete()


def test_agreement_rows_below_the_minimum_wage_or_filed_before_signing_are_refused(world):
    rows = [
        agreement_row(world.enterprise, **{"企业最低工资（元/月）": "1500"}),
        agreement_row(world.enterprise, 签订日期="", 报送日期="2026-04-01"),
        agreement_row(world.enterprise, 协议类型="行业性工资专项集体合同"),
        agreement_row(world.enterprise, **{"期限（年）": "5", "企业最低工资（元/月）": "abc"}),
        agreement_row(world.enterprise, 起始日期=""),
        agreement_row(world.enterprise),
        agreement_row(world.enterprise),
    ]
    preview = run(AgreementImportResource, world.staff_a, AGREEMENT_HEADERS, rows, dry_run=True)
    assert preview.errors == [
        "第 2 行：企业最低工资（元/月）：企业最低工资 1500.00 元低于County a 2026-01-01 执行的最低工资标准 "
        "1650.00 元/月（三类）。",
        "第 3 行：报送日期：协议尚未签订，不能填写报送日期。",
        "第 4 行：协议类型：只能导入企业工资专项集体合同；行业性、区域性协议请在协议页面录入覆盖企业。",
        "第 5 行：企业最低工资（元/月）：“abc”不是数字。",
        "第 5 行：期限（年）：协议期限为 1 至 3 年，现为 5 年。",
        "第 6 行：起始日期：已签订的协议须填写起始日期。",
        "第 8 行：企业统一社会信用代码：与第 7 行是同一企业、同一起始日期的协议。",
    ]
    with pytest.raises(ImportRejected):
        run(AgreementImportResource, world.staff_a, AGREEMENT_HEADERS, rows, dry_run=False)
    assert Agreement.objects.count() == 0


def test_the_imports_are_offered_with_a_template(client, world):
    client.force_login(world.submitter_a)
    page = client.get(reverse("imports:index")).content.decode()
    assert reverse("imports:upload", args=["bargaining.offer"]) in page
    resp = client.get(reverse("imports:template", args=["bargaining.agreement"]))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
