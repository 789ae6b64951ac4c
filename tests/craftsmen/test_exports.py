"""Exports of the craftsman programme's later stages: the batch list (masked ID numbers, the craftsman's
trade, grade, years and combined score, in rank order), the combined ranking with its score breakdown
(generic, any programme's vote), and the expert score sheet per panel; province staff only, and a query
count that does not grow with the rows."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from craftsmen.services import batch_approve
from tests.voting.factories import cast, scored_vote_world
from unionportal.accounts.validators import mask_id_number
from unionportal.audit.models import AuditEvent
from unionportal.audit.services import REVEAL_ACTION
from unionportal.imports import services as exports

from .factories import batch_world, id_number

pytestmark = pytest.mark.django_db

BATCH_HEADERS = [
    "年度",
    "评选项目",
    "综合排名",
    "姓名",
    "身份证号",
    "推荐企业",
    "地区",
    "工种",
    "技能等级",
    "从事本工种年限",
    "专家评审得分",
    "计票",
    "综合得分",
    "状态",
]
RANKING_HEADERS = [
    "年度",
    "评选项目",
    "名次",
    "序号",
    "候选人",
    "单位",
    "地区",
    "专家评审得分",
    "计票",
    "公众得分",
    "专家评审权重（%）",
    "社会评议权重（%）",
    "综合得分",
    "计算过程",
]


def rows_of(content: bytes) -> tuple[list, list[dict]]:
    rows = [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def w():
    w = batch_world(candidates=4, batch_size=3, votes=[1, 3, 0, 2])
    batch_approve(actor=w.province, programme=w.programme, pks=[w.candidacies[1].pk, w.candidacies[3].pk])
    return w


def test_the_batch_list_holds_the_approved_craftsmen_in_rank_order_with_id_numbers_masked(client, w):
    client.force_login(w.province)
    response = client.get(reverse("craftsmen:batch_export", args=[w.programme.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    headers, rows = rows_of(response.content)
    assert headers == BATCH_HEADERS
    year = w.programme.campaign.year
    assert rows == [
        {
            "年度": year,
            "评选项目": "荆楚工匠",
            "综合排名": 1,
            "姓名": "工匠2",
            "身份证号": mask_id_number(id_number(2)),
            "推荐企业": "宜城精工机械有限公司",
            "地区": w.candidacies[1].region,
            "工种": "焊工",
            "技能等级": "技师",
            "从事本工种年限": 20,
            "专家评审得分": "83.00",
            "计票": 3,
            "综合得分": "88.10",
            "状态": "省级已批准",
        },
        {
            "年度": year,
            "评选项目": "荆楚工匠",
            "综合排名": 3,
            "姓名": "工匠4",
            "身份证号": mask_id_number(id_number(4)),
            "推荐企业": "宜城精工机械有限公司",
            "地区": w.candidacies[3].region,
            "工种": "焊工",
            "技能等级": "技师",
            "从事本工种年限": 20,
            "专家评审得分": "73.00",
            "计票": 2,
            "综合得分": "71.10",
            "状态": "省级已批准",
        },
    ]
    assert id_number(2) not in response.content.decode("latin-1")


def test_the_batch_list_is_also_a_registered_export_revealed_only_with_a_reason(w):
    _name, _type, content = exports.export_file(actor=w.province, key="craftsmen.batch", fmt="xlsx")
    _headers, rows = rows_of(content)
    assert [r["身份证号"] for r in rows] == [mask_id_number(id_number(2)), mask_id_number(id_number(4))]
    _name, _type, content = exports.export_file(
        actor=w.province, key="craftsmen.batch", fmt="xlsx", reveal=True, reason="核对入选人员身份"
    )
    _headers, rows = rows_of(content)
    assert [r["身份证号"] for r in rows] == [id_number(2), id_number(4)]
    assert AuditEvent.objects.filter(action=REVEAL_ACTION, comment="核对入选人员身份").count() == 1


def test_the_ranking_export_gives_each_part_of_every_candidates_score(client, w):
    client.force_login(w.province)
    response = client.get(reverse("voting_staff:ranking_export", args=[w.stage.pk]))
    assert response.status_code == 200
    headers, rows = rows_of(response.content)
    assert headers == RANKING_HEADERS
    assert [
        (r["名次"], r["候选人"], r["专家评审得分"], r["计票"], r["公众得分"], r["综合得分"]) for r in rows
    ] == [
        (1, "工匠2", "83.00", 3, "100.00", "88.10"),
        (2, "工匠1", "89.00", 1, "33.33", "72.30"),
        (3, "工匠4", "73.00", 2, "66.67", "71.10"),
        (4, "工匠3", "80.00", 0, "0.00", "56.00"),
    ]
    assert rows[0]["计算过程"] == "83.00 × 70% + 100.00 × 30% = 88.10"
    assert {(r["专家评审权重（%）"], r["社会评议权重（%）"]) for r in rows} == {(70, 30)}


def test_the_ranking_export_serves_any_programmes_vote():
    """Generic: the frontline-worker kind of programme (no craftsman rows) exports the same way."""
    w, stage, (a, b, c) = scored_vote_world()
    cast(stage, b, ip="192.1.0.1", device="b")
    _name, _type, content = exports.export_file(actor=w.province, key="selection_voting.ranking", fmt="xlsx")
    headers, rows = rows_of(content)
    assert headers == RANKING_HEADERS
    # b: 0.7 × 100 + 0.3 × 100 = 100; a: 0.7 × 70 = 49; c: not scored, no votes.
    assert [(r["候选人"], r["专家评审得分"], r["综合得分"]) for r in rows] == [
        (b.entry.name, "100.00", "100.00"),
        (a.entry.name, "70.00", "49.00"),
        (c.entry.name, None, "0.00"),  # not scored: an empty cell
    ]


@pytest.mark.parametrize("who", ["city_a", "county_a", "submitter_a"])
def test_only_province_staff_export(client, w, who):
    client.force_login(getattr(w, who))
    assert client.get(reverse("craftsmen:batch_export", args=[w.programme.pk])).status_code == 404
    assert client.get(reverse("voting_staff:ranking_export", args=[w.stage.pk])).status_code == 404
    for key in ("craftsmen.batch", "selection_voting.ranking"):
        assert client.get(reverse("imports:export_download", args=[key, "xlsx"])).status_code == 403


def test_the_expert_score_sheet_of_the_craftsman_panel(client, w):
    from unionportal.selection.experts.models import Panel

    panel = Panel.objects.get(stage__programme=w.programme)
    client.force_login(w.province)
    response = client.get(reverse("experts:panel_sheet", args=[panel.pk]))
    assert response.status_code == 200
    _headers, rows = rows_of(response.content)
    assert [(r["候选人"], r["专家总分"]) for r in rows] == [
        ("工匠1", "89.00"),
        ("工匠2", "83.00"),
        ("工匠3", "80.00"),
        ("工匠4", "73.00"),
    ]
    assert rows[0]["评选项目"] == w.programme.label
    assert rows[0]["分项得分"] == "技能水平 27.0；创新创造和专利 22.0；传承技艺 18.0；职业道德 9.0；贡献 13.0"


EXPORT_QUERIES: dict[tuple[str, int], int] = {}


@pytest.mark.parametrize("key", ["craftsmen.batch", "selection_voting.ranking"])
@pytest.mark.parametrize(("candidates", "chosen"), [(2, 1), (7, 5)])
def test_the_exports_query_count_does_not_grow_with_the_rows(key, candidates, chosen):
    w = batch_world(candidates=candidates, batch_size=5, votes=[2, 1, 3])
    batch_approve(actor=w.province, programme=w.programme, pks=[c.pk for c in w.candidacies[:chosen]])
    with CaptureQueriesContext(connection) as captured:
        _name, _type, content = exports.export_file(actor=w.province, key=key, fmt="xlsx")
    assert len(rows_of(content)[1]) == (chosen if key == "craftsmen.batch" else candidates)
    EXPORT_QUERIES[key, candidates] = len(captured.captured_queries)
    assert EXPORT_QUERIES[key, candidates] <= 14
    if (key, 2) in EXPORT_QUERIES and (key, 7) in EXPORT_QUERIES:
        assert EXPORT_QUERIES[key, 2] == EXPORT_QUERIES[key, 7]
