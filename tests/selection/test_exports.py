"""Exports of the nomination pipeline: the review list, the approved list, the honourees and the national
register; scoped to the exporter's subtree, ID numbers masked unless revealed, formulas neutralised,
and a query count that does not grow with the rows."""

import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from awards.models import Nomination
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.imports import services as exports
from unionportal.imports.masking import mask_id_number
from unionportal.selection import services
from unionportal.selection.models import Allocation, Candidacy

from .factories import id_number, make_programme, nominate, world

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")

LIST_HEADERS = [
    "评选项目",
    "状态",
    "推荐对象",
    "所在单位",
    "地区",
    "推荐单位",
    "身份证号",
    "人员属性",
    "重点领域",
    "既往荣誉",
    "排序",
    "提交时间",
]
REGISTER_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "学历",
    "工作单位及职务",
    "职称",
    "是否一线职工",
    "是否农民工",
    "主要事迹摘要",
]


def table(fmt: str, content: bytes) -> tuple[list, list[list]]:
    if fmt == "xlsx":
        rows = [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]
        return rows[0], rows[1:]
    text = content.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[-1][0].startswith("# 导出人：")
    return rows[0], rows[1:-1]


def export(actor, key, fmt="xlsx", **kwargs):
    _name, _type, content = exports.export_file(actor=actor, key=key, fmt=fmt, **kwargs)
    headers, rows = table(fmt, content)
    return [dict(zip(headers, row, strict=True)) for row in rows], headers


def forward(w, org_key, actor, pks):
    services.forward(actor=actor, programme=w.programme, organisation=w.tree[org_key], pks=pks)


def to_province(w, cands):
    pks = [c.pk for c in cands]
    forward(w, "county_a", w.county_a, pks)
    forward(w, "city_a", w.city_a, pks)


def approve(w, cands, ranks=None):
    to_province(w, cands)
    forward(w, "province", w.province, [c.pk for c in cands])
    if ranks:
        services.ranks_set(actor=w.province, programme=w.programme, ranks=ranks)


def publish(w):
    today = date.today()
    notice = services.notice_open(
        actor=w.province, programme=w.programme, starts_on=today, office="省总", phone="027-1", address="武汉"
    )
    services.programme_publish(
        actor=w.province, programme=w.programme, today=notice.ends_on + timedelta(days=1)
    )


def test_review_list_of_county_staff_holds_only_their_subtree_with_id_numbers_masked():
    w = world()
    mine = nominate(w, 1, submit=True)
    nominate(w, 2, submit=True, org=w.tree["grassroots_b"])
    nominate(w, 3)  # a draft is the submitter's own work, not on any review list
    rows, headers = export(w.county_a, "selection.candidacy")
    assert headers == LIST_HEADERS
    assert rows == [
        {
            "评选项目": "2026 Programme medal",
            "状态": "县（市、区）审核中",
            "推荐对象": "候选人1",
            "所在单位": None,
            "地区": "City a",
            "推荐单位": "Union a",
            "身份证号": mask_id_number(id_number(1)),
            "人员属性": "一线职工、农民工",
            "重点领域": "创新驱动",
            "既往荣誉": None,
            "排序": None,
            "提交时间": mine.submitted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        }
    ]
    assert mask_id_number(id_number(1)) == "420***********" + id_number(1)[-4:]
    province_rows, _headers = export(w.province, "selection.candidacy")
    assert sorted(r["推荐对象"] for r in province_rows) == ["候选人1", "候选人2"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_name_that_starts_a_formula_is_exported_as_text(fmt):
    w = world()
    c = nominate(w, 1, submit=True)
    Candidacy.objects.filter(pk=c.pk).update(name='=HYPERLINK("http://x.example","点我")', unit="+1")
    rows, _headers = export(w.county_a, "selection.candidacy", fmt=fmt)
    assert rows[0]["推荐对象"] == '\'=HYPERLINK("http://x.example","点我")'
    assert rows[0]["所在单位"] == "'+1"


def test_revealing_id_numbers_needs_a_reason_and_is_audited():
    w = world()
    nominate(w, 1, submit=True)
    rows, _headers = export(w.county_a, "selection.candidacy", reveal=True, reason="核对推荐对象身份")
    assert rows[0]["身份证号"] == id_number(1)
    event = AuditEvent.objects.get(action=REVEAL_ACTION)
    assert event.changes["export"] == "selection.candidacy"
    assert event.changes["fields"] == ["身份证号"]
    assert event.changes["rows"] == 1


EXPORT_KEYS = ("selection.candidacy", "selection.approved", "selection.honourees", "awards.national_register")


def test_export_query_count_does_not_grow_with_rows():
    w = world(quota=20, county_quota=10, city_quota=10)
    w.programme.is_national = True
    w.programme.save(update_fields=["is_national"])
    first = [nominate(w, 1, submit=True)]
    approve(w, first)
    publish(w)
    one = {}
    for key in EXPORT_KEYS:
        with CaptureQueriesContext(connection) as queries:
            rows, _headers = export(w.province, key)
        assert len(rows) == 1, key
        one[key] = len(queries)
    # Four more, published in a second programme, so they are on every list.
    w.programme = _second_programme(w)
    more = [nominate(w, n, submit=True) for n in range(2, 6)]
    approve(w, more)
    publish(w)
    for key in EXPORT_KEYS:
        with CaptureQueriesContext(connection) as queries:
            rows, _headers = export(w.province, key)
        assert len(rows) == 5, key
        assert len(queries) == one[key] <= 6, key


def _second_programme(w):
    programme = make_programme(w.programme.campaign, code="medal2", quota=20)
    programme.is_national = True
    programme.save(update_fields=["is_national"])
    for key in ("city_a", "county_a"):
        Allocation.objects.create(programme=programme, organisation=w.tree[key], quota=10)
    return programme


def test_approved_list_is_the_final_list_in_rank_order():
    w = world()
    a, b, c = (nominate(w, n, submit=True) for n in (1, 2, 3))
    approve(w, [a, b])
    services.ranks_set(actor=w.province, programme=w.programme, ranks={a.pk: 2, b.pk: 1})
    to_province(w, [c])  # still at the province: not approved
    rows, headers = export(w.province, "selection.approved")
    assert headers == [
        "评选项目",
        "排序",
        "推荐对象",
        "所在单位",
        "地区",
        "推荐单位",
        "身份证号",
        "重点领域",
        "状态",
    ]
    assert [(r["排序"], r["推荐对象"], r["状态"]) for r in rows] == [
        (1, "候选人2", "省级已批准"),
        (2, "候选人1", "省级已批准"),
    ]
    assert rows[0]["身份证号"] == mask_id_number(id_number(2))
    # County b's staff see nothing of county a's list.
    assert export(w.county_b, "selection.approved")[0] == []


def test_honourees_are_the_published_candidacies_only():
    w = world()
    a, b = nominate(w, 1, submit=True), nominate(w, 2, submit=True)
    approve(w, [a, b])
    publish(w)
    services.honour_revoke(actor=w.province, pk=b.pk, reason="弄虚作假")
    rows, headers = export(w.city_a, "selection.honourees")
    assert headers == [
        "年度",
        "荣誉称号",
        "姓名（名称）",
        "所在单位",
        "地区",
        "身份证号",
        "重点领域",
        "事迹摘要",
    ]
    assert rows == [
        {
            "年度": 2026,
            "荣誉称号": "湖北省五一劳动奖章",
            "姓名（名称）": "候选人1",
            "所在单位": None,
            "地区": "City a",
            "身份证号": mask_id_number(id_number(1)),
            "重点领域": "创新驱动",
            "事迹摘要": "扎根一线二十年。",
        }
    ]


def test_national_register_has_the_register_columns_from_the_nomination():
    w = world()
    w.programme.is_national = True
    w.programme.save(update_fields=["is_national"])
    a = nominate(w, 1, submit=True)
    b = nominate(w, 2, submit=True, migrant=False)
    Nomination.objects.filter(candidacy=a).update(
        gender="F",
        ethnicity="土家族",
        political_status="cpc",
        education="college",
        job_title="高级技师",
        position="班组长",
    )
    Candidacy.objects.filter(pk=a.pk).update(unit="宜城市楚都食品有限公司")
    approve(w, [a, b], ranks={a.pk: 2, b.pk: 1})
    rows, headers = export(w.province, "awards.national_register")
    assert headers == REGISTER_HEADERS
    assert rows == [
        {
            "序号": 1,
            "姓名": "候选人2",
            "性别": "男",
            "民族": "汉族",
            "出生年月": "1985.03",
            "政治面貌": None,
            "学历": None,
            "工作单位及职务": "班组长",
            "职称": None,
            "是否一线职工": "是",
            "是否农民工": "否",
            "主要事迹摘要": "扎根一线二十年。",
        },
        {
            "序号": 2,
            "姓名": "候选人1",
            "性别": "女",
            "民族": "土家族",
            "出生年月": "1985.03",
            "政治面貌": "中共党员",
            "学历": "大专",
            "工作单位及职务": "宜城市楚都食品有限公司班组长",
            "职称": "高级技师",
            "是否一线职工": "是",
            "是否农民工": "是",
            "主要事迹摘要": "扎根一线二十年。",
        },
    ]


def test_national_register_leaves_out_provincial_programmes():
    w = world()
    approve(w, [nominate(w, 1, submit=True)])
    assert export(w.province, "awards.national_register")[0] == []


def test_exports_are_listed_for_staff_and_cannot_be_imported(client):
    w = world()
    client.force_login(w.county_a)
    page = client.get("/imports/").content.decode()
    for key, label in [
        ("selection.candidacy", "推荐审核名单"),
        ("selection.approved", "省级批准名单"),
        ("selection.honourees", "表彰名单"),
        ("awards.national_register", "全国五一劳动奖推荐名册"),
    ]:
        assert label in page
        assert f"/imports/{key}/export/" in page
        assert f'href="/imports/{key}/"' not in page
        assert client.get(f"/imports/{key}/").status_code == 403
    assert "既往荣誉" not in page  # the province's import
    with pytest.raises(PermissionDenied):
        exports.export_file(actor=w.submitter_a, key="selection.candidacy", fmt="xlsx")
