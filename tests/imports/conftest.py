import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import Role, credit_code, make_tree, make_user

ORG_HEADERS = [
    "组织代码",
    "名称",
    "层级",
    "类型",
    "上级组织代码",
    "会员人数",
    "联系人",
    "联系电话",
    "地址",
    "成立日期",
]
ENTERPRISE_HEADERS = [
    "名称",
    "统一社会信用代码",
    "行业",
    "经济类型",
    "职工人数",
    "地址",
    "所在乡镇代码",
    "基层工会代码",
]


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csv_upload(headers, rows, name="data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(headers, rows), content_type="text/csv")


def org_row(code, name, level, parent_code, *, phone="", kind=None):
    kind = kind or ("企业工会" if level == 5 else "地方工会")
    return [code, name, str(level), kind, parent_code, "10", "", phone, "", "2020-05-01"]


def enterprise_row(n, township, union=None, **overrides):
    row = {
        "名称": f"企业{n}",
        "统一社会信用代码": credit_code(900000 + n),
        "行业": "制造业",
        "经济类型": "民营",
        "职工人数": "50",
        "地址": "",
        "所在乡镇代码": township.code,
        "基层工会代码": union.code if union is not None else "",
    }
    row.update(overrides)
    return [row[h] for h in ENTERPRISE_HEADERS]


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def county_staff(tree):
    return make_user("county_a_staff", org=tree["county_a"], role=Role.STAFF, name="王五")
