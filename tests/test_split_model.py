"""int_order_lines is one model for every channel that exports orders and their lines apart: a fake WeChat shop
declared here feeds it its two staging views and gets its orders split to the cent, Tmall's split unchanged."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from etl import channels, warehouse
from etl.channels import Channel
from etl.formats import Field, Format, declared_format
from fixtures import ITEMS, ORDERS

WX_ORDERS = Format(
    name="wx_orders", channel="wechat", label="小程序订单", table="wx_orders",
    fields=(Field("order_id", ("小程序订单号",), kind="order_id", required_header=True, required_value=True),
            Field("paid_at", ("支付时间",), kind="timestamp", required_header=True),
            Field("goods_rmb", ("商品金额",), kind="money", required_header=True, required_value=True),
            Field("refund_rmb", ("已退款",), kind="money")),
    group_key=("order_id",), amount="t.goods_rmb")
WX_LINES = Format(
    name="wx_lines", channel="wechat", label="小程序订单明细", table="wx_lines",
    fields=(Field("order_id", ("小程序订单号",), kind="order_id", required_header=True, required_value=True),
            Field("code", ("小程序商品码",), required_header=True, required_value=True),
            Field("price_rmb", ("小程序单价",), kind="money", required_header=True, required_value=True),
            Field("qty", ("小程序件数",), kind="qty", required_header=True, required_value=True)),
    group_key=("order_id",), amount="t.price_rmb * t.qty")

VIEWS = {
    "stg_wechat_orders": """create or replace view stg_wechat_orders as
        select center, 'wechat' as channel, order_id, cast(null as varchar) as title, goods_rmb,
               cast(null as integer) as item_count, least(coalesce(refund_rmb, 0), goods_rmb) as goods_refund_rmb,
               goods_rmb as paid_rmb, paid_at is not null as is_paid, paid_at as sold_at,
               case when paid_at is null then 'unpaid' else 'paid' end as status, '小程序' as store_or_event,
               cast(null as varchar) as buyer_key, cast(null as varchar) as province, load_id
        from wx_orders""",
    "stg_wechat_lines": """create or replace view stg_wechat_lines as
        select center, 'wechat' as channel, order_id,
               cast(row_number() over (partition by center, order_id order by load_id, rowid) as integer) as line_no,
               cast(null as varchar) as title, price_rmb, qty, code, load_id, rowid as item_row
        from wx_lines""",
    "stg_wechat_sales": """create or replace view stg_wechat_sales as
        select channel, order_id, line_no, center, sold_at, cast(sold_at as date) as sale_date, code as sku,
               title as product_name, cast(null as varchar) as brand, cast(null as varchar) as category, qty,
               price_rmb as unit_price_rmb, gross_rmb, refund_rmb,
               cast(gross_rmb - refund_rmb as decimal(18, 2)) as net_rmb, paid_rmb, status,
               'unknown' as product_status, is_paid, store_or_event, buyer_key, province, load_id
        from int_order_lines where channel = 'wechat'""",
}


@pytest.fixture
def wechat(tmp_path):
    folder = tmp_path / "wechat_sql"
    folder.mkdir()
    for name, sql in VIEWS.items():
        (folder / f"{name}.sql").write_text(sql, encoding="utf-8")
    channel = Channel("wechat", ("微信小程序", "微信小程序", "WeChat shop"), "#07C160", sql_dir=folder,
                      order_lines=("stg_wechat_orders", "stg_wechat_lines"))
    with declared_format(WX_ORDERS), declared_format(WX_LINES), channels.declared(channel):
        yield channel


def tmall_lines(con):
    return rows(con, "select order_id, line_no, gross_rmb, refund_rmb, net_rmb from sales where channel = 'tmall' "
                     "order by all")


def test_a_second_channel_s_orders_are_split_by_the_same_model(wechat, db, tmp_path):
    con = warehouse.connect(db)
    try:
        load(con, write_csv(tmp_path / "ExportOrderList202011080000.csv", ORDERS))
        load(con, write_csv(tmp_path / "ExportOrderDetailList202011080000.csv", ITEMS))
        tmall_before = tmall_lines(con)
        load(con, write_csv(tmp_path / "wx_orders.csv", [["小程序订单号", "支付时间", "商品金额", "已退款"],
                                                          ["W1", "2021-05-01 10:00:00", "100.00", "10.00"]]))
        load(con, write_csv(tmp_path / "wx_lines.csv", [["小程序订单号", "小程序商品码", "小程序单价", "小程序件数"],
                                                         ["W1", "C", "10.00", "1"], ["W1", "A", "10.00", "1"],
                                                         ["W1", "B", "10.00", "1"]]))
        warehouse.ensure_schema(con)    # the views as the registry now has them
        # 100.00 over three equal lines: 33.33 each and the cent left over to the first by content (A);
        # the 10.00 refund: 3.33 each and its cent to A too
        assert rows(con, "select sku, gross_rmb, refund_rmb, net_rmb, paid_rmb from sales where channel = 'wechat' "
                         "order by sku") == [
            ("A", Decimal("33.34"), Decimal("3.34"), Decimal("30.00"), Decimal("0.00")),
            ("B", Decimal("33.33"), Decimal("3.33"), Decimal("30.00"), Decimal("0.00")),
            ("C", Decimal("33.33"), Decimal("3.33"), Decimal("30.00"), Decimal("100.00")),
        ]
        assert tmall_lines(con) == tmall_before
        warehouse.build_marts(con)
        warehouse.check_balance(con)
    finally:
        con.close()
