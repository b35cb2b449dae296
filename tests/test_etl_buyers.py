"""buyers_daily: per day, center, channel and buyer, the paid orders and what was paid for them (支付金额:
postage included, refunds not deducted), returns excluded; buyers without a key are one row."""
from decimal import Decimal

from conftest import load, rows, write_csv
from etl import warehouse
from fixtures import ITEMS, ORDERS_HEADER, POS, REGISTER, order

PAID = "2020-11-05 09:01:00"


def tmall_orders():
    actual = order("2020110512345678901", "316.00", "交易成功", "2020-11-05 09:00:00", PAID, refund="10.01")
    actual[8] = "300.00"                                   # 买家实际支付金额 (a coupon): what was paid
    total_only = order("2020110512345678911", "50.00", "交易成功", "2020-11-05 10:00:00", "2020-11-05 10:01:00")
    total_only[8], total_only[6] = "", "60.00"             # no 买家实际支付金额: 总金额
    goods_only = order("2020110512345678912", "58.00", "交易成功", "2020-11-05 11:00:00", "2020-11-05 11:01:00",
                       nick="tb_other")
    goods_only[8], goods_only[6] = "", ""                  # neither: goods + postage (10.00) = 68.00
    unpaid = order("2020110712345678903", "58.00", "等待买家付款", "2020-11-05 12:00:00", "")
    return [ORDERS_HEADER, actual, total_only, goods_only, unpaid]


def test_tmall_buyers_pay_what_the_order_report_says_once_per_order(con, tmp_path):
    load(con, write_csv(tmp_path / "ExportOrderList202011060900.csv", tmall_orders()))
    load(con, write_csv(tmp_path / "ExportOrderDetailList202011060900.csv", ITEMS))   # the first order has 2 lines
    warehouse.build_marts(con)
    found = rows(con, "select sale_date::varchar, center, channel, orders, paid_rmb from buyers_daily order by paid_rmb")
    # tb_buyer01: 300.00 (actually paid) + 60.00 (total) in two orders; tb_other: 58.00 + 10.00 postage
    assert found == [("2020-11-05", "TPC", "tmall", 1, Decimal("68.00")),
                     ("2020-11-05", "TPC", "tmall", 2, Decimal("360.00"))]
    assert rows(con, "select count(distinct buyer_key), count(*) filter (where buyer_key is null) from buyers_daily") \
        == [(2, 0)]
    # the sales lines carry it so that an order's lines sum to it: the first order's two lines hold 300.00 once
    assert rows(con, "select line_no, paid_rmb from sales where order_id = '2020110512345678901' order by 1") == [
        (1, Decimal("300.00")), (2, Decimal("0.00"))]


def test_storefront_buyers_pay_their_receipts_net_returns_excluded_and_walk_ins_are_one_row(con, tmp_path):
    load(con, write_csv(tmp_path / "pos.csv", POS))
    warehouse.build_marts(con)
    # the member's receipt of 250.00 + 260.00; a walk-in's 99.00 (no key); the return of 01-10 is no order
    assert rows(con, "select sale_date::varchar, buyer_key is null, orders, paid_rmb from buyers_daily order by 1") == [
        ("2020-01-05", False, 1, Decimal("510.00")), ("2020-01-06", True, 1, Decimal("99.00"))]
    assert rows(con, "select typeof(paid_rmb) from buyers_daily limit 1") == [("DECIMAL(18,2)",)]


def test_a_won_deal_is_its_amount_with_no_buyer(con, tmp_path):
    load(con, write_csv(tmp_path / "register.csv", REGISTER))
    warehouse.build_marts(con)
    deals = rows(con, "select sum(deal_amount_rmb), count(*) from leads where stage = 'won'")[0]
    assert rows(con, "select sum(paid_rmb), sum(orders), bool_and(buyer_key is null) from buyers_daily "
                     "where channel = 'exhibition'") == [(deals[0], deals[1], True)]
