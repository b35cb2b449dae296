"""Storefront POS exports: encodings, aliases, returns, unknown codes and row-level rejects."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv, write_xlsx
from fixtures import MASTER, POS


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_pos_csv_in_every_encoding_loads_the_same_net(con, tmp_path, encoding):
    result = load(con, write_csv(tmp_path / "pos.csv", POS, encoding))
    assert (result.status, result.format, result.rows_read, result.rows_loaded) == ("loaded", "storefront_pos", 4, 4)
    assert rows(con, "select sum(net_rmb), count(*) from sales") == [(Decimal("484.00"), 4)]
    assert rows(con, "select product_name from sales where order_id = 'S20200105-0001' order by line_no") == [
        ("凤梨酥礼盒",), ("高山乌龙茶",)]


def test_pos_xlsx_loads_like_csv(con, tmp_path):
    result = load(con, write_xlsx(tmp_path / "pos.xlsx", POS))
    assert (result.status, result.rows_loaded) == ("loaded", 4)
    assert rows(con, "select sum(net_rmb) from sales") == [(Decimal("484.00"),)]


def test_return_line_is_negative_with_its_refund(con, tmp_path):
    load(con, write_csv(tmp_path / "pos.csv", POS))
    assert rows(con, "select qty, gross_rmb, refund_rmb, net_rmb, status from sales where order_id = 'S20200110-0001'") == [
        (Decimal("-1.000"), Decimal("0.00"), Decimal("125.00"), Decimal("-125.00"), "returned")]


def test_return_typed_by_document_type_with_positive_amounts_is_made_negative(con, tmp_path):
    data = [POS[0], POS[4][:4] + ["1", "128.00", "0", "125.00"] + POS[4][8:]]
    load(con, write_csv(tmp_path / "pos.csv", data))
    assert rows(con, "select qty, net_rmb from sales") == [(Decimal("-1.000"), Decimal("-125.00"))]


def test_aliases_and_merchant_code_match_the_master(con, tmp_path):
    aliased = [["单据号", "销售时间", "商品编号", "商品名称", "数量", "单价", "折扣金额", "实收金额", "支付方式"],
               ["R1", "2020/3/1 9:05", "TW-A003", "牛轧糖", "3", "58", "0", "174.00", "现金"]]
    load(con, write_csv(tmp_path / "master.csv", MASTER))
    load(con, write_csv(tmp_path / "pos.csv", aliased, "gbk"))
    assert rows(con, "select sku, brand, category, sold_at::varchar, net_rmb from sales") == [
        ("TW-A003", "宝岛酥坊", "零食", "2020-03-01 09:05:00", Decimal("174.00"))]


def test_barcode_matches_the_master_and_unknown_code_keeps_its_sale(con, tmp_path):
    load(con, write_csv(tmp_path / "master.csv", MASTER))
    load(con, write_csv(tmp_path / "pos.csv", POS))
    assert rows(con, "select sku, brand from sales where order_id = 'S20200105-0001' order by line_no") == [
        ("TW-A001", "宝岛酥坊"), ("TW-A002", "云雾茶坊")]
    assert rows(con, "select channel, code, product_name, lines, net_rmb from unknown_products") == [
        ("storefront", "4719999999999", "新品试卖", 1, Decimal("99.00"))]


def test_bad_values_are_rejected_with_row_column_and_reason_and_the_rest_loads(con, tmp_path):
    data = POS[:2] + [
        ["S2", "2020-13-05 10:00:00", "4710000000011", "x", "1", "1", "0", "1", "现金", "", "", "销售"],
        ["S3", "2020-01-05 10:00:00", "4710000000011", "x", "1", "1", "0", "abc", "现金", "", "", "销售"],
        ["", "2020-01-05 10:00:00", "4710000000011", "x", "1", "1", "0", "1", "现金", "", "", "销售"],
    ]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 1, 3)
    assert rows(con, "select row_no, column_name, reason, detail from rejects order by row_no") == [
        (3, "销售时间", "bad_timestamp", "2020-13-05 10:00:00"),
        (4, "实收金额", "bad_money", "abc"),
        (5, "销售单号", "missing_value", None),
    ]


def test_amount_spellings_parse_to_the_cent(con, tmp_path):
    data = [POS[0]] + [
        [f"S{i}", "2020-01-05 10:00:00", "x", "x", "1", "1", "0", amount, "现金", "", "", "销售"]
        for i, amount in enumerate(["¥1,234.50", "1234.50元", "１２３４．５０", " 1234.5 "])]
    load(con, write_csv(tmp_path / "pos.csv", data))
    assert rows(con, "select distinct net_rmb from sales") == [(Decimal("1234.50"),)]
