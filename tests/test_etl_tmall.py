"""Tmall seller-center exports: GBK, ="…" order numbers, both date styles, refunds split to the cent, unpaid orders."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from fixtures import ITEMS, MASTER, ORDERS

ORDER_FILE = "ExportOrderList202101051030.csv"
ITEM_FILE = "ExportOrderDetailList202101051030.csv"


def write_pair(tmp_path, orders=ORDERS, items=ITEMS):
    return (write_csv(tmp_path / ORDER_FILE, orders, "gbk", quote_all=False),
            write_csv(tmp_path / ITEM_FILE, items, "gbk"))


def sales_lines(con):
    return rows(con, "select order_id, line_no, sku, brand, gross_rmb, refund_rmb, net_rmb, status, is_paid "
                     "from sales order by order_id, line_no")


EXPECTED = [
    # 316.00 goods split 256 : 60 by price × qty; the 10.01 refund split the same way, to the cent
    ("2020110512345678901", 1, "TW-A001", "宝岛酥坊", Decimal("256.00"), Decimal("8.11"), Decimal("247.89"), "completed", True),
    ("2020110512345678901", 2, "TW-A003", "宝岛酥坊", Decimal("60.00"), Decimal("1.90"), Decimal("58.10"), "completed", True),
    ("2020110612345678902", 1, "TW-A002", "云雾茶坊", Decimal("260.00"), Decimal("0.00"), Decimal("260.00"), "shipped", True),
    ("2020110712345678903", 1, "TW-A003", "宝岛酥坊", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), "unpaid", False),
]


@pytest.fixture
def master(con, tmp_path):
    load(con, write_csv(tmp_path / "master.csv", MASTER))


def test_order_and_item_reports_give_lines_split_to_the_cent(con, tmp_path, master):
    orders, items = write_pair(tmp_path)
    assert load(con, orders).format == "tmall_orders"
    assert load(con, items).format == "tmall_items"
    assert sales_lines(con) == EXPECTED


def test_items_first_gives_the_same_result(con, tmp_path, master):
    orders, items = write_pair(tmp_path)
    load(con, items)
    load(con, orders)
    assert sales_lines(con) == EXPECTED


def test_order_report_alone_counts_each_order_once(con, tmp_path, master):
    orders, _ = write_pair(tmp_path)
    load(con, orders)
    assert rows(con, "select count(*), sum(net_rmb) from sales") == [(3, Decimal("565.99"))]


def test_order_numbers_stay_exact_text_and_phones_are_not_kept(con, tmp_path, master):
    orders, items = write_pair(tmp_path)
    load(con, orders)
    load(con, items)
    assert rows(con, "select order_id, typeof(order_id) from tmall_orders order by 1 limit 1") == [
        ("2020110512345678901", "VARCHAR")]
    assert rows(con, "select province, city from tmall_orders limit 1") == [("浙江省", "杭州市")]


def test_excel_resaved_dates_and_yuan_suffix(con, tmp_path, master):
    resaved = [ORDERS[0], [*ORDERS[1]]]
    resaved[1][3] = "316.00元"
    resaved[1][17], resaved[1][18] = "2020/11/5 9:00", "2020/11/5 9:01"
    orders, items = write_pair(tmp_path, resaved, ITEMS[:3])
    load(con, orders)
    load(con, items)
    assert rows(con, "select sold_at::varchar, sum(gross_rmb) from sales group by 1") == [
        ("2020-11-05 09:01:00", Decimal("316.00"))]


def test_newer_header_with_buyer_paid_renamed_and_moved(con, tmp_path, master):
    header = [*ORDERS[0]]
    header[header.index("买家实际支付金额")] = "买家实付金额"
    reordered = [[r[i] for i in [0, 18, *range(1, 18), *range(19, len(r))]] for r in [header, *ORDERS[1:]]]
    reordered[0] = [*reordered[0], "主订单编号"]
    reordered[1:] = [[*r, "1"] for r in reordered[1:]]
    orders, items = write_pair(tmp_path, reordered)
    result = load(con, orders)
    load(con, items)
    assert (result.status, result.rows_loaded) == ("loaded", 3)
    assert sales_lines(con) == EXPECTED
    assert rows(con, "select paid_rmb from tmall_orders order by order_id") == [
        (Decimal("316.00"),), (Decimal("260.00"),), (Decimal("0.00"),)]


def test_excel_mangled_order_number_is_rejected_with_that_reason(con, tmp_path):
    mangled = [ORDERS[0], [*ORDERS[1]]]
    mangled[1][0] = "2.02011E+18"
    result = load(con, write_csv(tmp_path / ORDER_FILE, mangled, "gbk"))
    assert (result.rows_loaded, result.rows_rejected) == (0, 1)
    assert rows(con, "select row_no, column_name, reason from rejects") == [(2, "订单编号", "excel_mangled_id")]


def test_closed_after_payment_with_full_refund_counts_zero_net(con, tmp_path, master):
    closed = [ORDERS[0], [*ORDERS[2]]]
    closed[1][10], closed[1][28] = "交易关闭", "260.00"
    orders, items = write_pair(tmp_path, closed, [ITEMS[0], ITEMS[3]])
    load(con, orders)
    load(con, items)
    assert rows(con, "select gross_rmb, refund_rmb, net_rmb, status from sales") == [
        (Decimal("260.00"), Decimal("260.00"), Decimal("0.00"), "closed")]


@pytest.mark.parametrize("weights, goods", [([1, 1, 1], "100.00"), ([0, 0], "0.01"), ([3, 7], "0.05"), ([1, 2, 3, 4], "999.99")])
def test_split_always_sums_to_the_order(con, tmp_path, weights, goods):
    load_one_order(con, tmp_path, weights, goods)
    assert rows(con, "select sum(gross_rmb), count(*) from sales") == [(Decimal(goods), len(weights))]


def load_one_order(con, tmp_path, weights, goods):
    """One paid order of `goods` with one item line per weight (its price, quantity 1), both reports loaded."""
    order = [*ORDERS[1]]
    order[3], order[28] = goods, "0"
    items = [ITEMS[0]] + [[ITEMS[1][0], f"t{i}", str(w), "1", "", "", "", "", "交易成功", f"C{i}"] for i, w in enumerate(weights)]
    orders_file, items_file = write_pair(tmp_path, [ORDERS[0], order], items)
    load(con, orders_file)
    load(con, items_file)


def test_both_reports_in_one_call_give_the_same_result(tmp_path, db):
    from etl import pipeline
    from etl.warehouse import connect

    master_file = tmp_path / "m" / "master.csv"
    master_file.parent.mkdir()
    from conftest import write_csv as write

    write(master_file, MASTER)
    orders, items = write_pair(tmp_path)
    results = pipeline.load_paths(db, [master_file, items, orders])
    assert [r.status for r in results] == ["loaded"] * 3
    con = connect(db, read_only=True)
    try:
        assert sales_lines(con) == EXPECTED
    finally:
        con.close()


@pytest.mark.parametrize("weights, goods, expected", [
    ([1, 1, 1], "100.00", ["33.34", "33.33", "33.33"]),        # equal remainders: the earlier line gets the cent
    ([3, 7], "0.05", ["0.02", "0.03"]),
    ([0, 0], "0.01", ["0.01", "0.00"]),                        # no weights: split evenly, the rest in line order
    ([1, 2, 3, 4], "999.99", ["100.00", "200.00", "300.00", "399.99"]),   # the largest remainders get the cents
    ([5, 5], "10.00", ["5.00", "5.00"]),                       # an even split leaves nothing to hand out
])
def test_each_line_gets_its_share_and_the_left_over_cents_go_to_the_largest_remainders(con, tmp_path, weights, goods, expected):
    load_one_order(con, tmp_path, weights, goods)
    assert [str(r[0]) for r in rows(con, "select gross_rmb from sales order by line_no")] == expected
