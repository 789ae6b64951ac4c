import io

from unionportal.uploads.spreadsheets import read_table


def test_blank_rows_inside_the_data_keep_row_numbers_and_trailing_ones_are_dropped():
    data = "用户名,姓名\na,甲\n\n,\nb,乙\n\n\n".encode()
    table = read_table(io.BytesIO(data))
    assert table == [
        {"用户名": "a", "姓名": "甲"},
        {"用户名": "", "姓名": ""},
        {"用户名": "", "姓名": ""},
        {"用户名": "b", "姓名": "乙"},  # spreadsheet row 5, the fourth dict
    ]
