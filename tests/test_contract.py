"""The warehouse contract: the views and tables analysts query have exactly the columns the README documents."""
import re
from pathlib import Path

import pytest

from conftest import rows

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def documented_views() -> dict[str, list[str]]:
    """view -> its columns, from the table under 'The warehouse contract' (notes in parentheses dropped)."""
    section = README.split("## The warehouse contract", 1)[1].split("\n## ", 1)[0]
    views = {}
    for line in section.splitlines():
        found = re.match(r"\| `(\w+)` \| [^|]+ \| (.+) \|$", line)
        if found:
            columns = re.sub(r"\s*\([^)]*\)", "", found.group(2))
            views[found.group(1)] = [c.strip() for c in columns.split(",")]
    return views


def columns_of(con, name):
    return [c for (c,) in rows(con, "select column_name from information_schema.columns where table_name = ? "
                                    "order by ordinal_position", [name])]


VIEWS = ["sales", "leads", "products", "brands", "unknown_products", "product_codes", "barcode_conflicts", "centers",
         "targets"]


def test_the_readme_documents_every_view():
    assert list(documented_views()) == VIEWS
    assert documented_views()["sales"][:3] == ["channel", "order_id", "line_no"]


@pytest.mark.parametrize("view", VIEWS)
def test_each_view_has_exactly_the_documented_columns(con, view):
    assert columns_of(con, view) == documented_views()[view]


def test_loads_rejects_and_marts_have_the_documented_columns(con):
    assert columns_of(con, "loads") == ["load_id", "file_name", "sha256", "format", "channel", "center", "exported_at",
                                        "rows_read",
                                        "rows_loaded", "rows_rejected", "rows_superseded", "rows_replaced",
                                        "rows_replaced_later", "amount_read", "amount_loaded", "amount_rejected",
                                        "amount_superseded", "amount_replaced", "status", "message",
                                        "started_at", "finished_at"]
    assert columns_of(con, "rejects") == ["load_id", "row_no", "column_name", "reason", "detail"]
    assert columns_of(con, "sales_daily") == ["sale_date", "center", "channel", "brand", "category", "sku",
                                              "product_name", "lines", "qty", "gross_rmb", "refund_rmb", "net_rmb"]
    assert columns_of(con, "orders_daily") == ["sale_date", "center", "channel", "orders"]
    assert columns_of(con, "buyers_daily") == ["sale_date", "center", "channel", "buyer_key", "orders", "paid_rmb"]


def test_money_is_decimal_everywhere(con):
    money = rows(con, "select table_name, column_name, data_type from information_schema.columns "
                      "where column_name like '%_rmb' and data_type <> 'DECIMAL(18,2)' order by 1, 2")
    assert money == []
