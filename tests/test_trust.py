"""Trust in the numbers: hostile but ordinary files give the totals a person computes by hand, or say why not.

Each test names the case of the trust issue it covers; every expected total is worked out in its comment.
"""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from etl import config, pipeline, warehouse
from fixtures import ITEMS, MASTER, ORDERS, ORDERS_HEADER, POS, REGISTER, order

POS_HEADER = POS[0]


def pos_row(receipt, code, net, when="2020-01-05 10:00:00", qty="1", name="x"):
    return [receipt, when, code, name, qty, net, "0", net, "现金", "", "", "销售"]


def net_and_lines(con, channel="storefront"):
    return rows(con, "select count(*), sum(net_rmb) from sales where channel = ?", [channel])[0]


# ---- 1. a barcode shared by two products --------------------------------------------------------------------

SHARED = MASTER + [["TW-A001-6", "4710000000011", "凤梨酥", "宝岛酥坊", "糕点", "6入", "68.00"]]
SALES_388 = [POS_HEADER, pos_row("R1", "4710000000011", "128.00"), pos_row("R2", "4710000000011", "260.00")]


def test_a_barcode_two_products_share_counts_each_sale_once_marked_ambiguous(con, tmp_path):
    master = load(con, write_csv(tmp_path / "master.csv", SHARED))
    load(con, write_csv(tmp_path / "pos.csv", SALES_388))
    # 128.00 + 260.00 = 388.00, two lines, not 776.00 (each sale once per matching product)
    assert net_and_lines(con) == (2, Decimal("388.00"))
    assert rows(con, "select distinct sku, brand, product_status from sales") == [("4710000000011", "宝岛酥坊", "ambiguous")]
    assert rows(con, "select code, skus, resolution, standing_sku from barcode_conflicts") == [
        ("4710000000011", "TW-A001 / TW-A001-6", "ambiguous", None)]
    assert any("4710000000011" in notice and "TW-A001 / TW-A001-6" in notice for notice in master.notices)
    warehouse.build_marts(con)
    warehouse.check_balance(con)
    assert rows(con, "select sum(net_rmb), sum(lines) from sales_daily") == [(Decimal("388.00"), 2)]


def test_a_later_master_that_re_codes_a_barcode_moves_its_sales_without_doubling_them(con, tmp_path):
    load(con, write_csv(tmp_path / "ExportMaster202001010000.csv", MASTER))
    recoded = [MASTER[0], ["TW-B001", "4710000000011", "凤梨酥礼盒(新包装)", "宝岛酥坊", "糕点", "12入", "138.00"]]
    load(con, write_csv(tmp_path / "ExportMaster202006010000.csv", recoded))
    load(con, write_csv(tmp_path / "pos.csv", SALES_388))
    assert net_and_lines(con) == (2, Decimal("388.00"))
    assert rows(con, "select distinct sku, product_status from sales") == [("TW-B001", "matched")]
    assert rows(con, "select code, resolution, standing_sku from barcode_conflicts") == [
        ("4710000000011", "recoded", "TW-B001")]


# ---- 2. receipt numbers restart per store ---------------------------------------------------------------------

def with_store(rows_, store):
    return [POS_HEADER + ["门店"]] + [r + [store] for r in rows_]


def test_the_same_receipt_number_in_two_stores_is_two_receipts(con, tmp_path):
    a = load(con, write_csv(tmp_path / "a.csv", with_store([pos_row("0001", "X1", "100.00"), pos_row("0001", "X2", "60.00")], "上海店")))
    b = load(con, write_csv(tmp_path / "b.csv", with_store([pos_row("0001", "X3", "60.00")], "南京店")))
    # 100.00 + 60.00 in Shanghai and 60.00 in Nanjing = 220.00; nothing replaced
    assert net_and_lines(con) == (3, Decimal("220.00"))
    assert (a.rows_replaced, b.rows_replaced, b.rows_superseded) == (0, 0, 0)
    assert rows(con, "select store_or_event, order_id, count(*) from sales group by all order by 1") == [
        ("上海店", "0001", 2), ("南京店", "0001", 1)]


def test_an_export_without_a_store_column_belongs_to_the_default_store(con, tmp_path):
    load(con, write_csv(tmp_path / "pos.csv", [POS_HEADER, pos_row("0001", "X1", "10.00")]))
    assert rows(con, "select store_or_event from sales") == [(config.DEFAULT_STORE,)]


def test_a_receipt_in_a_newer_file_replaces_the_older_file_s_lines_and_says_how_many(con, tmp_path):
    first = load(con, write_csv(tmp_path / "pos_202001050900.csv", [POS_HEADER, pos_row("R1", "X1", "100.00"),
                                                                    pos_row("R1", "X2", "60.00"), pos_row("R2", "X1", "5.00")]))
    second = load(con, write_csv(tmp_path / "pos_202001061000.csv", [POS_HEADER, pos_row("R1", "X2", "60.00")]))
    # the newer export holds receipt R1 as one line of 60.00: its two older lines (160.00) go, R2 (5.00) stays
    assert net_and_lines(con) == (2, Decimal("65.00"))
    assert (second.rows_read, second.rows_loaded, second.rows_superseded, second.rows_replaced) == (1, 1, 0, 2)
    assert second.amounts["replaced"] == Decimal("160.00")
    assert rows(con, "select load_id, replaced_load_id, rows, amount from replacements") == [
        (second.load_id, first.load_id, 2, Decimal("160.00"))]
    assert rows(con, "select rows_replaced_later from loads where load_id = ?", [first.load_id]) == [(2,)]


# ---- 3. an older Tmall export loaded later ----------------------------------------------------------------------

def tmall_orders(closed: bool):
    """The newer export: order 1 closed with its 316.00 refunded, order 2 completed with 50.00 refunded (net 150.00).
    The older one: order 1 completed, order 2 shipped, nothing refunded (net 316.00 + 200.00 = 516.00)."""
    one = order("2020110512345678901", "316.00", "交易关闭" if closed else "交易成功", "2020-11-05 09:00:00",
                "2020-11-05 09:01:00", refund="316.00" if closed else "0")
    two = order("2020110612345678902", "200.00", "交易成功" if closed else "卖家已发货，等待买家确认", "2020-11-06 10:00:00",
                "2020-11-06 10:05:00", refund="50.00" if closed else "0")
    return [ORDERS_HEADER, one, two]


@pytest.mark.parametrize("older_name", ["orders_old.csv", "ExportOrderList202012010900.csv"])
@pytest.mark.parametrize("newer_first", [True, False])
def test_an_older_tmall_export_never_undoes_refunds_and_closures_whatever_its_name_or_order(con, tmp_path, older_name, newer_first):
    newer = write_csv(tmp_path / "ExportOrderList202101051030.csv", tmall_orders(closed=True), "gbk")
    older = write_csv(tmp_path / older_name, tmall_orders(closed=False), "gbk")
    for path in ((newer, older) if newer_first else (older, newer)):
        assert load(con, path).status == "loaded"
    assert net_and_lines(con, "tmall") == (2, Decimal("150.00"))
    assert rows(con, "select order_id, status, refund_rmb from tmall_orders order by 1") == [
        ("2020110512345678901", "closed", Decimal("316.00")), ("2020110612345678902", "completed", Decimal("50.00"))]


@pytest.mark.parametrize("later_status, status", [("交易成功", "completed"), ("交易关闭", "closed")])
def test_a_refund_never_shrinks_even_when_a_later_export_shows_less(con, tmp_path, later_status, status):
    bigger = [ORDERS_HEADER, order("O1", "100.00", "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00", refund="30.00")]
    smaller = [ORDERS_HEADER, order("O1", "100.00", later_status, "2020-11-05 09:00:00", "2020-11-05 09:01:00", refund="10.00")]
    load(con, write_csv(tmp_path / "ExportOrderList202011060000.csv", bigger, "gbk"))
    load(con, write_csv(tmp_path / "ExportOrderList202011070000.csv", smaller, "gbk"))
    # the furthest status stands (a closure outranks a completion) and keeps the largest refund any export showed
    assert rows(con, "select status, refund_rmb, net_rmb from sales") == [(status, Decimal("30.00"), Decimal("70.00"))]


def test_a_refund_that_includes_the_postage_closes_the_order_at_zero(con, tmp_path):
    older = [ORDERS_HEADER, order("O1", "100.00", "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00")]
    newer = [ORDERS_HEADER, order("O1", "100.00", "付款以后用户退款成功，交易自动关闭", "2020-11-05 09:00:00",
                                  "2020-11-05 09:01:00", refund="110.00")]
    load(con, write_csv(tmp_path / "ExportOrderList202011060000.csv", older, "gbk"))
    assert load(con, write_csv(tmp_path / "ExportOrderList202011070000.csv", newer, "gbk")).rows_rejected == 0
    # 110.00 refunded = the goods 100.00 and the postage 10.00: the goods' net is 0, not -10.00
    assert rows(con, "select status, gross_rmb, refund_rmb, net_rmb from sales") == [
        ("closed", Decimal("100.00"), Decimal("100.00"), Decimal("0.00"))]


def test_an_export_stamp_later_than_now_is_refused(con, tmp_path):
    result = load(con, write_csv(tmp_path / "ExportOrderList209912312359.csv", ORDERS, "gbk"))
    assert result.status == "refused"
    assert "export stamp in its name (2099-12-31 23:59) is later than now" in result.message
    assert rows(con, "select count(*) from tmall_orders") == [(0,)]


def test_the_right_export_can_be_applied_again_after_a_wrong_one_replaced_its_rows(con, tmp_path):
    right = write_csv(tmp_path / "pos_right.csv", [POS_HEADER, pos_row("R1", "X1", "150.00")])
    wrong = write_csv(tmp_path / "pos_wrong.csv", [POS_HEADER, pos_row("R1", "X1", "516.00")])
    load(con, right)
    load(con, wrong)                        # loaded later without a stamp, so it counts as the newer export
    assert net_and_lines(con) == (1, Decimal("516.00"))
    again = load(con, right)
    assert again.status == "loaded" and "loaded again" in " ".join(again.notices)
    assert net_and_lines(con) == (1, Decimal("150.00"))
    assert load(con, right).status == "duplicate"   # now whole again: a no-op


# ---- 4. amounts are never changed silently ------------------------------------------------------------------

def test_a_thousand_half_fen_amounts_are_rejected_not_rounded_to_ten_yuan(con, tmp_path):
    data = [POS_HEADER] + [pos_row(f"R{i}", "X1", "0.005") for i in range(1000)] + [pos_row("OK", "X1", "1.00")]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (1001, 1, 1000)
    assert net_and_lines(con) == (1, Decimal("1.00"))     # not 1,000 × 0.01 = 10.00 more
    assert rows(con, "select reason, count(*) from rejects where column_name = '实收金额' group by 1") == [("money_not_exact", 1000)]


@pytest.mark.parametrize("text, reason", [
    ("1.235", "money_not_exact"), ("12,34", "bad_money"), ("1,2,3", "bad_money"), ("1.2e-3", "bad_money"),
    ("1e3", "bad_money"), ("1_000", "bad_money"), ("12.", "bad_money"), ("１２．３４５", "money_not_exact"),
])
def test_amounts_not_exact_to_the_fen_are_rejected_with_a_reason(con, tmp_path, text, reason):
    result = load(con, write_csv(tmp_path / "pos.csv", [POS_HEADER, pos_row("R1", "X1", "5.00"), pos_row("R2", "X1", text)]))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rows(con, "select row_no, reason, detail from rejects where column_name = '实收金额'") == [(3, reason, text)]
    assert net_and_lines(con) == (1, Decimal("5.00"))


def test_amount_spellings_that_are_exact_all_load(con, tmp_path):
    spellings = ["¥1,234.50", "1234.50元", "１２３４．５０", " 1234.5 ", "1,234.500", "RMB 1234.50"]
    data = [POS_HEADER] + [pos_row(f"S{i}", "X1", amount) for i, amount in enumerate(spellings)]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert (result.rows_loaded, result.rows_rejected) == (6, 0)
    assert net_and_lines(con) == (6, Decimal("7407.00"))   # 6 × 1,234.50


# ---- 5. Tmall orders with discount lines ------------------------------------------------------------------------

def one_order(goods, prices, refund="0"):
    head = [ORDERS_HEADER, order("2020110512345678901", goods, "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00", refund=refund)]
    items = [ITEMS[0]] + [[ITEMS[1][0], f"t{code}", price, "1", "", "", "", "", "交易成功", code] for code, price in prices]
    return head, items


@pytest.mark.parametrize("prices", [
    [("C1", "10.00"), ("C2", "-3.00"), ("C3", "-3.00")],
    [("C3", "-3.00"), ("C2", "-3.00"), ("C1", "10.00")],      # the same lines in another order
])
def test_discount_lines_split_to_the_cent_and_the_extra_cent_does_not_follow_row_order(con, tmp_path, prices):
    orders, items = one_order("1.01", prices)
    load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", orders, "gbk"))
    load(con, write_csv(tmp_path / "ExportOrderDetailList202101051030.csv", items, "gbk"))
    # weights 1000 : -300 : -300 of 400; 101 cents -> 252.5, -75.75, -75.75; floors 252, -76, -76 leave 1 cent,
    # which goes to the largest remainder (C1's): 2.53 - 0.76 - 0.76 = 1.01 (it was 1.02)
    assert rows(con, "select sku, gross_rmb from sales order by sku") == [
        ("C1", Decimal("2.53")), ("C2", Decimal("-0.76")), ("C3", Decimal("-0.76"))]
    assert rows(con, "select sum(gross_rmb) from sales") == [(Decimal("1.01"),)]


@pytest.mark.parametrize("goods, refund, reasons", [
    ("100.00", "-5.00", ["negative_refund"]),
    ("-5.00", "0", ["negative_goods"]),
    ("100.00", "110.01", ["refund_exceeds_goods"]),          # more than goods 100.00 + postage 10.00
])
def test_negative_goods_or_refund_are_rejected_with_the_right_reason(con, tmp_path, goods, refund, reasons):
    data = [ORDERS_HEADER, order("O1", goods, "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00", refund=refund)]
    result = load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", data, "gbk"))
    assert (result.rows_loaded, result.rows_rejected) == (0, 1)
    assert [r for (r,) in rows(con, "select reason from rejects order by reason")] == reasons


# ---- 6. an amount that would make a sum overflow ------------------------------------------------------------------

def test_amounts_too_large_for_any_sum_are_rejected_and_the_rest_of_the_batch_publishes(tmp_path, db):
    huge = write_csv(tmp_path / "huge.csv", [POS_HEADER, pos_row("H1", "X1", "9,999,999,999,999,999.99"),
                                             pos_row("H2", "X1", "9999999999999999.99"), pos_row("OK", "X1", "7.00")])
    many = write_csv(tmp_path / "many.csv", [POS_HEADER] + [pos_row(f"M{i}", "X1", "999,999,999,999.99") for i in range(1001)])
    fine = write_csv(tmp_path / "fine.csv", [POS_HEADER, pos_row("F1", "X1", "3.00")])
    results = pipeline.load_paths(db, [huge, many, fine])
    assert [(r.status, r.rows_loaded, r.rows_rejected) for r in results] == [("loaded", 1, 2), ("refused", 0, 0), ("loaded", 1, 0)]
    assert "would bring the 门店 POS 销售流水 total to 1,000,000,000,006.99" not in results[1].message
    assert "past the 1,000,000,000,000,000 RMB" in results[1].message
    con = warehouse.connect(db, read_only=True)
    try:
        assert rows(con, "select reason, count(distinct row_no) from rejects group by 1") == [("implausible_amount", 2)]
        assert rows(con, "select count(*), sum(net_rmb) from sales") == [(2, Decimal("10.00"))]   # 7.00 + 3.00
    finally:
        con.close()


# ---- 7. a negative deal amount --------------------------------------------------------------------------------

def test_a_negative_deal_amount_is_rejected(con, tmp_path):
    from conftest import write_xlsx

    data = [REGISTER[0], REGISTER[1][:12] + ["-120000.00"] + REGISTER[1][13:], REGISTER[2]]
    result = load(con, write_xlsx(tmp_path / "register.xlsx", data))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rows(con, "select row_no, reason from rejects") == [(2, "negative_deal")]
    assert rows(con, "select count(*) from sales") == [(0,)]


# ---- 8. invisible characters ------------------------------------------------------------------------------------

def test_invisible_characters_are_trimmed_so_one_brand_stays_one(con, tmp_path):
    spellings = ["宝岛酥坊\u3000", "\t宝岛酥坊", "\ufeff宝岛酥坊", "宝岛\u200b酥坊", "宝岛酥坊  ", "宝岛酥坊"]
    master = [MASTER[0]] + [[f"TW-{i}\u200b", "", f"商品{i}", brand, "糕点", "", "1.00"] for i, brand in enumerate(spellings)]
    load(con, write_csv(tmp_path / "master.csv", master))
    assert rows(con, "select brand, products from brands") == [("宝岛酥坊", 6)]
    assert rows(con, "select sku from products order by sku") == [(f"TW-{i}",) for i in range(6)]
    load(con, write_csv(tmp_path / "pos.csv", [POS_HEADER, pos_row("R1", "TW-3\u3000", "9.00")]))
    assert rows(con, "select sku, brand from sales") == [("TW-3", "宝岛酥坊")]


# ---- 9. quotes ----------------------------------------------------------------------------------------------------

def test_a_literal_quote_inside_an_unquoted_field_loads(con, tmp_path):
    text = "\r\n".join([",".join(POS_HEADER), ",".join(pos_row("R1", "X1", "10.00", name='12" 披萨')),
                        ",".join(pos_row("R2", "X1", "20.00"))]) + "\r\n"
    (tmp_path / "pos.csv").write_text(text, encoding="utf-8")
    result = load(con, tmp_path / "pos.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 2, 0)
    assert rows(con, "select product_name, net_rmb from pos_lines order by order_id") == [
        ('12" 披萨', Decimal("10.00")), ("x", Decimal("20.00"))]


def test_a_quote_never_closed_mid_file_loses_only_its_own_row(con, tmp_path):
    lines = [",".join(POS_HEADER), ",".join(pos_row("R1", "X1", "1.00")),
             ",".join(pos_row("R2", "X1", "2.00", name='"broken')),            # the quote opens and never closes
             ",".join(pos_row("R3", "X1", "3.00")), ",".join(pos_row("R4", "X1", "4.00")),
             ",".join(pos_row("R5", "X1", "5.00", name='"ok"'))]
    (tmp_path / "pos.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = load(con, tmp_path / "pos.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    assert rows(con, "select row_no, reason from rejects") == [(3, "unclosed_quote")]
    assert net_and_lines(con) == (4, Decimal("13.00"))    # 1 + 3 + 4 + 5


def test_duckdb_joining_lines_between_two_stray_quotes_is_caught(con, tmp_path):
    # two stray quotes pair up: DuckDB alone would read rows 3-5 as one row and lose two of them silently
    lines = [",".join(POS_HEADER), ",".join(pos_row("R1", "X1", "1.00")),
             ",".join(pos_row("R2", "X1", "2.00", name='"a')), ",".join(pos_row("R3", "X1", "3.00")),
             ",".join(pos_row("R4", "X1", "4.00", name='b"'))]
    (tmp_path / "pos.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = load(con, tmp_path / "pos.csv")
    assert result.rows_read == 4
    assert rows(con, "select row_no, reason from rejects") == [(3, "unclosed_quote")]
    assert net_and_lines(con) == (3, Decimal("8.00"))     # 1 + 3 + 4


# ---- 10. a very long field -----------------------------------------------------------------------------------------

def test_a_field_over_131072_characters_rejects_its_row_not_the_file(con, tmp_path):
    data = [POS_HEADER, pos_row("R1", "X1", "1.00", name="长" * 131_073), pos_row("R2", "X1", "2.00")]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 1, 1)
    assert rows(con, "select row_no, column_name, reason from rejects") == [(2, "商品名称", "field_too_long")]


# ---- 11. dates with a time zone, and dates in the future -------------------------------------------------------------

@pytest.mark.parametrize("written, beijing", [
    ("2020-03-01T01:05:00Z", "2020-03-01 09:05:00"),
    ("2020-03-01 09:05:00+08:00", "2020-03-01 09:05:00"),
    ("2020-02-29 20:05:00-05:00", "2020-03-01 09:05:00"),
    ("2020-03-01T01:05:00.250Z", "2020-03-01 09:05:00.25"),
])
def test_a_time_zone_suffix_is_converted_to_beijing_time(con, tmp_path, written, beijing):
    load(con, write_csv(tmp_path / "pos.csv", [POS_HEADER, pos_row("R1", "X1", "1.00", when=written)]))
    assert rows(con, "select sold_at::varchar, sale_date::varchar from sales") == [(beijing, "2020-03-01")]


def test_a_sale_dated_after_the_load_is_rejected_and_never_becomes_the_last_day(con, tmp_path):
    data = [POS_HEADER, pos_row("R1", "X1", "1.00"), pos_row("R2", "X1", "2.00", when="2092-01-05 10:00:00")]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(3, "future_date", "2092-01-05 10:00:00")]
    assert rows(con, "select max(sale_date)::varchar from sales") == [("2020-01-05",)]


# ---- 12. a row in another encoding --------------------------------------------------------------------------------

def test_a_utf8_row_inside_a_gbk_file_is_rejected_by_row_not_loaded_as_mojibake(con, tmp_path):
    gbk = write_csv(tmp_path / "a.csv", [POS_HEADER, pos_row("R1", "X1", "1.00", name="凤梨酥")], "gbk").read_bytes()
    utf8_row = ",".join(pos_row("R2", "X1", "2.00", name="牛轧糖")).encode("utf-8") + b"\r\n"
    gbk_row = ",".join(pos_row("R3", "X1", "3.00", name="乌龙茶")).encode("gbk") + b"\r\n"
    (tmp_path / "pos.csv").write_bytes(gbk + utf8_row + gbk_row)
    result = load(con, tmp_path / "pos.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert rows(con, "select row_no, reason from rejects") == [(3, "wrong_encoding")]
    assert rows(con, "select product_name from pos_lines order by order_id") == [("凤梨酥",), ("乌龙茶",)]


def test_a_gbk_row_inside_a_utf8_file_is_rejected_by_row(con, tmp_path):
    utf8 = write_csv(tmp_path / "a.csv", [POS_HEADER, pos_row("R1", "X1", "1.00", name="凤梨酥"),
                                          pos_row("R3", "X1", "3.00", name="乌龙茶")]).read_bytes()
    head, tail = utf8.rsplit(b"\r\n", 2)[0] + b"\r\n", utf8.rsplit(b"\r\n", 2)[1] + b"\r\n"
    gbk_row = ",".join(pos_row("R2", "X1", "2.00", name="牛轧糖")).encode("gbk") + b"\r\n"
    (tmp_path / "pos.csv").write_bytes(head + gbk_row + tail)
    result = load(con, tmp_path / "pos.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(3, "malformed_row", "bytes that are not UTF-8 text")]


# ---- 13. an address whose city is not a city ------------------------------------------------------------------------

@pytest.mark.parametrize("address, province, city", [
    ("江苏省 刘德华市民中心 人民路1号", "江苏省", None),
    ("江苏省 苏州市 姑苏区 人民路1号", "江苏省", "苏州市"),
    ("浙江省杭州市西湖区文三路88号", "浙江省", "杭州市"),
    ("上海 上海市 浦东新区 世纪大道1号", "上海市", "上海市"),
    ("湖北省 恩施土家族苗族自治州 恩施市", "湖北省", "恩施土家族苗族自治州"),
    ("浙江省 苏州市 姑苏区", "浙江省", None),                      # a real city, but of another province
])
def test_an_address_keeps_a_city_only_when_it_is_a_city_of_its_province(con, tmp_path, address, province, city):
    row = order("O1", "10.00", "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00")
    row[13] = address
    load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", [ORDERS_HEADER, row], "gbk"))
    assert rows(con, "select province, city from tmall_orders") == [(province, city)]


# ---- reconciliation -----------------------------------------------------------------------------------------------

def test_every_load_records_read_equals_loaded_plus_rejected_plus_superseded_in_rows_and_rmb(con, tmp_path):
    load(con, write_csv(tmp_path / "pos_202001060000.csv", [POS_HEADER, pos_row("R1", "X1", "40.00")]))
    data = [POS_HEADER, pos_row("R1", "X1", "10.00"), pos_row("R2", "X1", "20.00"), pos_row("R3", "X1", "abc"),
            pos_row("R4", "X1", "5.00", when="2020-13-01 00:00:00")]
    older = load(con, write_csv(tmp_path / "pos_202001050000.csv", data))
    # read: R1 10 + R2 20 + R4 5 = 35.00 (R3's amount is unreadable); R1 is older than the file that holds it
    assert (older.rows_read, older.rows_loaded, older.rows_rejected, older.rows_superseded) == (4, 1, 2, 1)
    assert older.amounts == {"read": Decimal("35.00"), "loaded": Decimal("20.00"), "rejected": Decimal("5.00"),
                             "superseded": Decimal("10.00"), "replaced": 0}
    assert rows(con, "select rows_read, rows_loaded, rows_rejected, rows_superseded, amount_read, amount_loaded, "
                     "amount_rejected, amount_superseded from loads where load_id = ?", [older.load_id]) == [
        (4, 1, 2, 1, Decimal("35.00"), Decimal("20.00"), Decimal("5.00"), Decimal("10.00"))]


def test_a_load_whose_numbers_do_not_balance_fails_and_keeps_nothing(con, tmp_path, monkeypatch):
    from etl import loader

    real = loader.settle

    def losing_a_row(con_, fmt, load_id):
        settled = real(con_, fmt, load_id)
        con_.execute(f"delete from {fmt.table} where rowid = (select max(rowid) from {fmt.table})")
        return settled

    monkeypatch.setattr(loader, "settle", losing_a_row)
    result = load(con, write_csv(tmp_path / "pos.csv", POS))
    assert result.status == "failed"
    assert "does not balance: 4 rows read but 3 loaded + 0 rejected + 0 superseded = 3" in result.message
    assert rows(con, "select count(*) from pos_lines") == [(0,)]


def test_marts_that_lose_or_multiply_a_line_publish_nothing(tmp_path, db, monkeypatch):
    pos = write_csv(tmp_path / "pos.csv", POS)
    real = warehouse.build_marts

    def doubled(con_):
        real(con_)
        con_.execute("insert into sales_daily select * from sales_daily where channel = 'storefront' limit 1")

    monkeypatch.setattr(warehouse, "build_marts", doubled)
    with pytest.raises(warehouse.BalanceError, match="storefront: 4 lines / 484.00 RMB loaded but"):
        pipeline.load_paths(db, [pos])
    assert not db.exists()


def test_status_shows_each_file_s_reconciliation(tmp_path, db):
    pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", POS)])
    report = pipeline.status(db)
    assert "[1] pos.csv: 4 = 4 + 0 + 0 rows; 484.00 = 484.00 + 0.00 + 0.00 RMB ✓" in report


def test_a_load_that_would_make_a_code_match_two_products_fails(con, tmp_path, monkeypatch):
    # product_codes is one row per code by construction; were it not, the load must fail rather than count twice
    con.execute("create or replace view product_codes as select sku as code, sku, false as ambiguous, brand, category "
                "from product_master union all select sku, sku, false, brand, category from product_master")
    result = load(con, write_csv(tmp_path / "master.csv", MASTER))
    assert result.status == "failed"
    assert "3 product codes would each match more than one product" in result.message
    assert rows(con, "select count(*) from product_master") == [(0,)]


def test_a_row_with_one_field_too_many_is_rejected_not_loaded_shifted(con, tmp_path):
    # 单价 written 1,234.00 without quotes: 13 fields for 12 columns
    lines = [",".join(POS_HEADER), ",".join(pos_row("R1", "X1", "5.00")),
             "R2,2020-01-05 10:00:00,X1,x,1,1,234.00,0,1234.00,现金,,,销售"]
    (tmp_path / "pos.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = load(con, tmp_path / "pos.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(3, "malformed_row", "expected 12 columns, found 13")]
    assert net_and_lines(con) == (1, Decimal("5.00"))


@pytest.mark.parametrize("mark", ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u200e"])
def test_an_invisible_character_in_a_header_does_not_lose_its_column(con, tmp_path, mark):
    header = POS_HEADER[:11] + [f"单据{mark}类型"]
    data = [header, pos_row("R1", "X1", "125.00")[:11] + ["退货"]]
    load(con, write_csv(tmp_path / "pos.csv", data))
    assert net_and_lines(con) == (1, Decimal("-125.00"))     # a return, as 单据类型 says


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u00ad", "\u2028", "\u180e", "\u202f", "\u2009", "\x85", "\x0b", "\u3164"])
def test_every_character_that_prints_as_nothing_is_trimmed_so_a_receipt_counts_once(con, tmp_path, mark):
    first = [POS_HEADER + ["门店"], pos_row("R1", "TW-A001", "100.00") + ["上海店"]]
    again = [POS_HEADER + ["门店"], pos_row("R1", "TW-A001" + mark, "100.00") + ["上海店" + mark]]
    load(con, write_csv(tmp_path / "pos_202001050000.csv", first))
    load(con, write_csv(tmp_path / "pos_202001060000.csv", again))
    assert net_and_lines(con) == (1, Decimal("100.00"))
    assert rows(con, "select store_or_event, sku from sales") == [("上海店", "TW-A001")]


def test_the_same_receipt_number_in_two_stores_is_two_orders(tmp_path, db):
    data = [POS_HEADER + ["门店"], pos_row("0001", "X1", "10.00") + ["上海店"], pos_row("0001", "X1", "20.00") + ["南京店"]]
    pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", data)])
    con = warehouse.connect(db, read_only=True)
    try:
        assert rows(con, "select sum(orders) from orders_daily") == [(2,)]
    finally:
        con.close()


def test_fractional_quantities_weigh_what_they_are_in_the_split(con, tmp_path):
    head = [ORDERS_HEADER, order("2020110512345678901", "100.00", "交易成功", "2020-11-05 09:00:00", "2020-11-05 09:01:00")]
    items = [ITEMS[0], [ITEMS[1][0], "a", "10.00", "0.4", "", "", "", "", "交易成功", "A"],
             [ITEMS[1][0], "b", "96.00", "1", "", "", "", "", "交易成功", "B"]]
    load(con, write_csv(tmp_path / "ExportOrderList202101051030.csv", head, "gbk"))
    load(con, write_csv(tmp_path / "ExportOrderDetailList202101051030.csv", items, "gbk"))
    # 10.00 × 0.4 = 4.00 and 96.00 × 1 of 100.00
    assert rows(con, "select sku, gross_rmb from sales order by sku") == [("A", Decimal("4.00")), ("B", Decimal("96.00"))]


@pytest.mark.parametrize("name", ["水", "台湾原味", "英式红茶", "元"])
def test_a_gbk_row_whose_bytes_happen_to_be_utf8_is_not_rejected(con, tmp_path, name):
    data = [POS_HEADER] + [pos_row(f"R{i}", "X1", "1.00", name="凤梨酥礼盒") for i in range(3)] + [pos_row("R9", "X1", "2.00", name=name)]
    result = load(con, write_csv(tmp_path / "pos.csv", data, "gbk"))
    assert (result.rows_loaded, result.rows_rejected) == (4, 0)
    assert rows(con, "select product_name from pos_lines where order_id = 'R9'") == [(name,)]


def test_a_stray_byte_in_a_gbk_file_rejects_its_row_not_the_file(con, tmp_path):
    # one odd byte among 60 rows (a file mostly of text in no encoding is refused whole, see test_bad_files)
    good = write_csv(tmp_path / "a.csv", [POS_HEADER] + [pos_row(f"R{i:02d}", "X1", "1.00", name="凤梨酥") for i in range(60)], "gbk")
    stray = ",".join(pos_row("R9", "X1", "2.00", name="x")).encode("gbk").replace(b",x,", b",\x80x,") + b"\r\n"
    (tmp_path / "pos.csv").write_bytes(good.read_bytes() + stray)
    result = load(con, tmp_path / "pos.csv")
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 60, 1)
    assert rows(con, "select row_no, reason from rejects") == [(62, "wrong_encoding")]


def test_a_placeholder_amount_on_a_lead_still_in_talks_keeps_the_lead(con, tmp_path):
    from conftest import write_xlsx

    data = [REGISTER[0], REGISTER[2][:12] + ["待定"] + REGISTER[2][13:]]
    result = load(con, write_xlsx(tmp_path / "register.xlsx", data))
    assert (result.rows_loaded, result.rows_rejected) == (1, 0)
    assert rows(con, "select stage, deal_amount_rmb from leads") == [("negotiating", None)]
