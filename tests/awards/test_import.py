"""The offline import of individual nominations: same checks as the form, row-numbered, all or nothing."""

import io

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from awards.resources import NominationImportResource
from tests.factories import Role, make_user
from tests.selection.factories import id_number, nominate, world
from unionportal.imports.resources import ImportRejected
from unionportal.selection.enums import State
from unionportal.selection.models import Candidacy

pytestmark = pytest.mark.django_db

HEADERS = list(NominationImportResource.example_row)


def row(n, **cells):
    values = {
        **NominationImportResource.example_row,
        "姓名": f"职工{n}",
        "身份证号": id_number(n),
        "出生日期": "1985-03-15",
        "主要事迹": "攻克技术难题。",
        **cells,
    }
    return [values[h] for h in HEADERS]


@pytest.fixture
def w():
    return world()


def run(user, rows, *, dry_run):
    resource = NominationImportResource(user=user)
    if dry_run:
        return resource.run(HEADERS, rows, dry_run=True)
    with transaction.atomic():
        return resource.run(HEADERS, rows, dry_run=False)


def test_import_creates_drafts_in_the_importers_union_through_the_form_service(w):
    outcome = run(w.submitter_a, [row(1), row(2, 重点领域="转型发展,精准扶贫", 一线职工="否")], dry_run=False)
    assert outcome.counts["new"] == 2
    rows = list(Candidacy.objects.order_by("name"))
    assert [(c.name, c.state, c.organisation_id) for c in rows] == [
        ("职工1", State.DRAFT, w.tree["grassroots_a"].pk),
        ("职工2", State.DRAFT, w.tree["grassroots_a"].pk),
    ]
    assert rows[1].tags == ["transformation", "poverty"]
    assert rows[1].flags == {
        "frontline": False,
        "migrant": False,
        "enterprise_head": False,
        "official": False,
    }
    assert rows[0].declarations == {"safety": True, "arrears": True, "environment": True, "union": True}
    assert rows[0].consent_at is not None
    assert rows[0].nomination.position == "班组长"
    assert rows[0].nomination.political_status == "cpc"


def test_every_bad_row_is_named_by_its_row_number_and_nothing_is_written(w):
    nominate(w, 9, org=w.tree["grassroots_b"])
    bad_check = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    rows = [
        row(1),
        row(2, 出生日期="1990-01-01"),
        row(3, 身份证号=bad_check),
        row(4, 身份证号=id_number(1)),
        row(5, 身份证号=id_number(9)),
        row(6, 主要事迹="事" * 2001),
        row(7, 重点领域="创新驱动、乡村振兴"),
    ]
    preview = run(w.submitter_a, rows, dry_run=True)
    assert preview.errors == [
        "第 3 行：出生日期：出生日期 1990-01-01 与身份证号中的 1985-03-15 不一致。",
        "第 4 行：身份证号：身份证号校验位不正确，请核对。",
        "第 5 行：身份证号：此人与第 2 行重复，同一人只能推荐一次。",
        "第 6 行：身份证号：此人已由 Union b 推荐参加本年度“Programme medal”，同一人每年只能被推荐一次。",
        "第 7 行：主要事迹：主要事迹不能超过 2000 字（不计空白），现为 2001 字。",
        "第 8 行：重点领域：未知的重点领域：乡村振兴",
    ]
    with pytest.raises(ImportRejected):
        run(w.submitter_a, rows, dry_run=False)
    assert Candidacy.objects.filter(organisation=w.tree["grassroots_a"]).count() == 0


def test_unknown_programme_code_is_a_row_error(w):
    preview = run(w.submitter_a, [row(1, 评选项目代码="craftsman")], dry_run=True)
    assert preview.errors == ["第 2 行：评选项目代码：“craftsman”不是正在申报的评选项目代码。"]


def test_a_masked_id_number_from_an_export_is_refused(w):
    preview = run(w.submitter_a, [row(1, 身份证号="420684**********17")], dry_run=True)
    assert preview.errors[0].startswith("第 2 行：身份证号：含有“*”")


def test_the_union_must_be_named_when_the_importer_submits_for_several(w):
    from unionportal.orgs.services import membership_grant

    user = make_user("both", org=w.tree["grassroots_a"], role=Role.SUBMITTER)
    membership_grant(user=user, organisation=w.tree["grassroots_b"], role=Role.SUBMITTER)
    preview = run(user, [row(1), row(2, 推荐单位代码=w.tree["grassroots_b"].code)], dry_run=True)
    assert preview.errors == ["第 2 行：推荐单位代码：您可为多个工会推荐，请填写推荐单位代码。"]
    preview = run(user, [row(2, 推荐单位代码=w.tree["county_a"].code)], dry_run=True)
    assert preview.errors == [
        f"第 2 行：推荐单位代码：“{w.tree['county_a'].code}”不是您可以推荐的工会组织代码。"
    ]


def test_the_import_is_offered_on_imports_to_submitters_with_a_template(client, w):
    client.force_login(w.submitter_a)
    resp = client.get(reverse("imports:index"))
    assert resp.status_code == 200
    assert reverse("imports:upload", args=["awards.nomination"]) in resp.content.decode()
    resp = client.get(reverse("imports:template", args=["awards.nomination"]))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_users_who_do_not_nominate_may_not_use_the_import(client, w):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("imports:upload", args=["awards.nomination"])).status_code == 403
