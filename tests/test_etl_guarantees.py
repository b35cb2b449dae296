"""Loading guarantees: duplicates are no-ops, overlaps count once with the newer export winning, failures roll back."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from etl import loader
from fixtures import ITEMS, ORDERS, POS

TABLES = ["loads", "rejects", "product_master", "pos_lines", "tmall_orders", "tmall_items", "lead_register"]


def snapshot(con):
    return {t: rows(con, f"select * exclude (load_id) from {t} order by all") if t != "loads"
            else rows(con, "select file_name, status, rows_loaded from loads order by all") for t in TABLES}


def test_same_file_again_is_a_no_op_and_says_so(con, tmp_path):
    path = write_csv(tmp_path / "pos.csv", POS)
    load(con, path)
    again = load(con, path)
    assert again.status == "duplicate"
    assert "same content as load 1" in again.message
    assert rows(con, "select count(*), sum(net_rmb) from sales") == [(4, Decimal("484.00"))]


def test_overlapping_exports_count_each_order_once_and_the_newer_status_wins(con, tmp_path):
    older = write_csv(tmp_path / "ExportOrderList202012010900.csv", ORDERS, "gbk")
    newer_rows = [ORDERS[0], [*ORDERS[2]], [*ORDERS[3]]]
    newer_rows[1][10] = "交易成功"
    newer_rows[2][10], newer_rows[2][18], newer_rows[2][8] = "交易成功", "2020-11-08 08:00:00", "58.00"
    newer = write_csv(tmp_path / "ExportOrderList202101051030.csv", newer_rows, "gbk")
    load(con, older)
    result = load(con, newer)
    assert (result.rows_loaded, result.rows_superseded) == (2, 0)
    assert rows(con, "select order_id, status, is_paid from sales order by order_id") == [
        ("2020110512345678901", "completed", True),
        ("2020110612345678902", "completed", True),
        ("2020110712345678903", "completed", True),
    ]


def test_an_older_export_loaded_later_does_not_override_the_newer(con, tmp_path):
    newer_rows = [ORDERS[0], [*ORDERS[2]]]
    newer_rows[1][10] = "交易成功"
    load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", newer_rows, "gbk"))
    result = load(con, write_csv(tmp_path / "ExportOrderList202012010900.csv", ORDERS, "gbk"))
    assert (result.rows_loaded, result.rows_superseded) == (2, 1)
    assert rows(con, "select status from tmall_orders where order_id = '2020110612345678902'") == [("completed",)]
    assert rows(con, "select count(*) from tmall_orders") == [(3,)]


def test_overlapping_item_exports_replace_an_order_s_lines_whole(con, tmp_path):
    load(con, write_csv(tmp_path / "ExportOrderDetailList202012010900.csv", ITEMS, "gbk"))
    load(con, write_csv(tmp_path / "ExportOrderDetailList202101051030.csv", ITEMS[:2], "gbk"))
    assert rows(con, "select order_id, count(*) from tmall_items group by 1 order by 1") == [
        ("2020110512345678901", 1), ("2020110612345678902", 1), ("2020110712345678903", 1)]


def test_a_failure_mid_load_leaves_the_warehouse_as_it_was(con, tmp_path, monkeypatch):
    load(con, write_csv(tmp_path / "pos.csv", POS))
    before = snapshot(con)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "settle", explode)
    result = load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", ORDERS, "gbk"))
    assert result.status == "failed"
    assert "disk full" in result.message
    after = snapshot(con)
    assert sorted(after["loads"]) == sorted(before["loads"] + [("ExportOrderList202101051030.csv", "failed", 0)])
    assert {k: v for k, v in after.items() if k != "loads"} == {k: v for k, v in before.items() if k != "loads"}


def test_a_failed_file_can_be_loaded_again_once_fixed(con, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "pos.csv", POS)
    monkeypatch.setattr(loader, "settle", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    assert load(con, path).status == "failed"
    monkeypatch.undo()
    assert load(con, path).status == "loaded"
    assert rows(con, "select count(*) from sales") == [(4,)]


@pytest.mark.parametrize("header, found", [
    (["日期", "金额", "备注"], "found: 日期, 金额, 备注"),
    ([], "found: (nothing: the file is empty)"),
])
def test_unknown_headers_are_refused_whole_listing_expected_and_found(con, tmp_path, header, found):
    path = tmp_path / "mystery.csv"
    if header:
        write_csv(path, [header, ["2020-01-01", "1", "x"]])
    else:
        path.write_text("")
    result = load(con, path)
    assert result.status == "refused"
    assert result.message.startswith("mystery.csv")
    if header:
        assert "storefront_pos (门店 POS 销售流水) expects: 销售单号, 销售时间, 商品条码, 数量, 实收金额" in result.message
        assert found in result.message
    else:
        assert "empty" in result.message
    assert rows(con, "select count(*) from sales") == [(0,)]


def test_a_file_without_its_header_row_is_refused_without_repeating_its_first_row(con, tmp_path):
    """The first row of a headerless order report is a buyer's order: the refusal must not quote it."""
    result = load(con, write_csv(tmp_path / "orders.csv", ORDERS[1:], "gbk"))
    assert result.status == "refused"
    assert "found: no column names: the first row holds values" in result.message
    assert "so the header row is missing" in result.message
    for personal in ("tb_buyer01", "buyer01@example.com", "张三丰", "文三路", "13912345678", "请尽快发货"):
        assert personal not in result.message
    logged = rows(con, "select message from loads where status = 'refused'")[0][0]
    assert "张三丰" not in logged and "13912345678" not in logged


def test_forced_format_refuses_a_file_of_another_kind(con, tmp_path):
    result = load(con, write_csv(tmp_path / "pos.csv", POS), forced="tmall_orders")
    assert result.status == "refused"
    assert "missing: 订单编号, 买家应付货款, 订单状态, 订单创建时间, 订单付款时间" in result.message


def test_malformed_row_is_rejected_by_row_number_and_the_rest_loads(con, tmp_path):
    path = write_csv(tmp_path / "pos.csv", POS)
    path.write_bytes(path.read_bytes() + "S9,2020-01-05 10:00:00,x\r\n".encode())
    result = load(con, path)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(6, "malformed_row", "expected 12 columns, found 3")]
