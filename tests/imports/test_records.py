"""The account import reads its table through the same guarded reader as the import jobs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionportal.imports.services import ImportFileError, read_records


def upload(text: str, name: str = "accounts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def test_blank_rows_inside_the_data_keep_row_numbers_and_trailing_ones_are_dropped():
    table = read_records(upload("用户名,姓名\na,甲\n\n,\nb,乙\n\n\n"), max_rows=10)
    assert table == [
        {"用户名": "a", "姓名": "甲"},
        {"用户名": "", "姓名": ""},
        {"用户名": "", "姓名": ""},
        {"用户名": "b", "姓名": "乙"},  # spreadsheet row 5, the fourth dict
    ]


def test_an_exported_formula_guard_is_removed_again():
    assert read_records(upload("用户名,姓名\na,'=甲\n"), max_rows=10) == [{"用户名": "a", "姓名": "=甲"}]


@pytest.mark.parametrize(
    "text,name,message",
    [
        (
            "用户名,姓名\na,张\u202e三\n",
            "a.csv",
            "第 2 行：“姓名”含有文字方向控制字符（U+202E），显示的内容会与实际不同，请删除后重新上传。",
        ),
        ("用户名,用户名\na,b\n", "a.csv", "第 1 行：列名“用户名”重复。"),
        ("用户名,姓名\na,甲\n", "a.xlsx", "该文件不是 Excel 工作簿（.xlsx）。"),
        ("用户名,姓名\n", "a.csv", "文件中没有数据行。"),
        ("用户名,姓名\n" + "a,b\n" * 4, "a.csv", "文件超过 3 行。"),
    ],
    ids=["bidi control", "duplicate header", "CSV named xlsx", "no rows", "too many rows"],
)
def test_what_the_guarded_reader_refuses_is_refused_with_its_row(text, name, message):
    with pytest.raises(ImportFileError) as caught:
        read_records(upload(text, name), max_rows=3)
    assert caught.value.message == message


def test_a_long_cell_is_refused(settings):
    settings.IMPORT_MAX_CELL_CHARS = 5
    with pytest.raises(ImportFileError) as caught:
        read_records(io.BytesIO("用户名,姓名\na,张三李四王五\n".encode()), max_rows=3)
    assert caught.value.message == "第 2 行：单元格 B2 超过 5 个字，请缩短后重新上传。"
