"""Exports write quantities and months as the screen shows them (issue 11, item 19): 2, not 2.000; 1.25 kg
stays 1.25; 2020-11, not 2020-11-01 00:00:00."""
import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from ui import exports, i18n, tables


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr(i18n, "current", lambda: "en")


def detail() -> pd.DataFrame:
    """sales_detail() as DuckDB returns it: a date per month, DECIMAL(18,3) quantities, summed line counts."""
    return pd.DataFrame({
        "month": [dt.date(2020, 11, 1), dt.date(2020, 12, 1)],
        "channel": ["tmall", "storefront"],
        "brand": ["宝岛酥坊", "宝岛酥坊"], "category": ["糕点", "零食"], "sku": ["TW-A001", "TW-A003"],
        "product_name": ["凤梨酥礼盒", "散装牛轧糖"],
        "lines": [Decimal("3"), Decimal("1")],
        "qty": [Decimal("2.000"), Decimal("1.250")],
        "gross_rmb": [Decimal("256.00"), Decimal("72.50")], "refund_rmb": [Decimal("0.00"), Decimal("0.00")],
        "net_rmb": [Decimal("256.00"), Decimal("72.50")],
    })


def exported() -> pd.DataFrame:
    return tables.translated(tables.sales_detail(detail()))


def test_csv_writes_whole_quantities_as_integers_fractions_as_they_are_and_months_as_shown():
    rows = list(csv.reader(io.StringIO(exports.to_csv(exported()).decode("utf-8-sig"), newline="")))
    assert [rows[0][i] for i in (0, 6, 7, 10)] == ["Month", "Lines", "Units", "Net (RMB)"]
    assert [(r[0], r[6], r[7], r[-1]) for r in rows[1:]] == [("2020-11", "3", "2", "256.00"),
                                                              ("2020-12", "1", "1.25", "72.50")]


def test_xlsx_stores_quantities_as_plain_numbers_and_months_as_text():
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(exported(), "Detail"))).active
    header = [c.value for c in sheet[2]]
    month, lines, qty, net = (header.index(name) + 1 for name in ("Month", "Lines", "Units", "Net (RMB)"))
    assert [sheet.cell(3, month).value, sheet.cell(4, month).value] == ["2020-11", "2020-12"]
    assert [sheet.cell(3, qty).value, sheet.cell(4, qty).value] == [2, 1.25]
    assert isinstance(sheet.cell(3, qty).value, int) and isinstance(sheet.cell(3, lines).value, int)
    assert sheet.cell(3, qty).number_format == "General" and sheet.cell(3, lines).number_format == "General"
    assert sheet.cell(3, net).value == 256 and sheet.cell(3, net).number_format == exports.MONEY_FORMAT


@pytest.mark.parametrize("value, plain", [(Decimal("2.000"), 2), (Decimal("-1.000"), -1), (Decimal("1.250"), Decimal("1.25")),
                                          (Decimal("0.000"), 0), (Decimal("3"), 3), ("2.000", "2.000"), (None, None)])
def test_plain(value, plain):
    assert exports.plain(value) == plain and type(exports.plain(value)) is type(plain)


def test_money_keeps_its_cents():
    frame = pd.DataFrame({"net_rmb": [Decimal("2.00"), Decimal("-125.00")]})
    assert exports.to_csv(frame).decode("utf-8-sig") == "net_rmb\r\n2.00\r\n-125.00\r\n"
