"""A fourth channel is three declarations: a Format naming it, a staging SQL file and a Channel entry. The fake
JD.com channel here is declared for the length of a test; nothing else in the tree is edited for it."""
from decimal import Decimal

import pytest

from conftest import rows, write_csv
from etl import channels, pipeline, warehouse
from etl.channels import Channel
from etl.formats import FORMATS, Field, Format, declared_format

JD_ORDERS = Format(
    name="jd_orders",
    channel="jd",
    label="京东订单",
    table="jd_orders",
    fields=(
        Field("order_id", ("订单号",), kind="order_id", required_header=True, required_value=True),
        Field("ordered_at", ("下单时间",), kind="timestamp", required_header=True, required_value=True),
        Field("sku", ("商品编号",), required_header=True, required_value=True),
        Field("qty", ("京东数量",), kind="qty", required_header=True, required_value=True),
        Field("amount_rmb", ("应付金额",), kind="money", required_header=True, required_value=True),
        Field("buyer", ("京东用户名",), personal=True),
    ),
    group_key=("order_id",),
    amount="t.amount_rmb",
)

STAGING = """-- stg_jd_sales: one row per JD.com order (one product each), in the sales contract.
create or replace view stg_jd_sales as
select
    'jd' as channel,
    order_id,
    1 as line_no,
    center,
    ordered_at as sold_at,
    cast(ordered_at as date) as sale_date,
    sku,
    cast(null as varchar) as product_name,
    cast(null as varchar) as brand,
    cast(null as varchar) as category,
    qty,
    cast(amount_rmb / qty as decimal(18, 2)) as unit_price_rmb,
    amount_rmb as gross_rmb,
    cast(0 as decimal(18, 2)) as refund_rmb,
    amount_rmb as net_rmb,
    amount_rmb as paid_rmb,
    'completed' as status,
    'unknown' as product_status,
    true as is_paid,
    '京东旗舰店' as store_or_event,
    cast(null as varchar) as buyer_key,
    cast(null as varchar) as province,
    load_id
from jd_orders
"""


@pytest.fixture
def jd(tmp_path):
    """The fake fourth channel, declared: its format, its staging SQL in tmp, its Channel entry."""
    sql_dir = tmp_path / "jd_sql"
    sql_dir.mkdir()
    (sql_dir / "stg_jd_sales.sql").write_text(STAGING, encoding="utf-8")
    channel = Channel("jd", ("京東", "京东", "JD.com"), "#E1251B", sql_dir=sql_dir)
    with declared_format(JD_ORDERS), channels.declared(channel):
        yield channel


def jd_file(tmp_path):
    return write_csv(tmp_path / "jd_export.csv", [
        ["订单号", "下单时间", "商品编号", "京东数量", "应付金额", "京东用户名"],
        ["JD1001", "2021-03-01 10:00:00", "P-1", "2", "199.80", "jd_user_a"],
        ["JD1002", "2021-03-01 11:30:00", "P-2", "1", "58.00", "jd_user_b"],
        ["JD1003", "2021-03-02 09:15:00", "P-1", "1", "99.90", ""],
    ])


def test_a_declared_channel_loads_into_sales_and_the_marts_with_exact_totals(jd, db, tmp_path):
    [result] = pipeline.load_paths(db, [jd_file(tmp_path)])
    assert (result.status, result.format, result.rows_loaded) == ("loaded", "jd_orders", 3)
    assert result.amounts["read"] == result.amounts["loaded"] == Decimal("357.70")
    con = warehouse.connect(db, read_only=True)
    try:
        assert rows(con, "select channel, center, order_id, net_rmb from sales order by order_id") == [
            ("jd", "TPC", "JD1001", Decimal("199.80")),
            ("jd", "TPC", "JD1002", Decimal("58.00")),
            ("jd", "TPC", "JD1003", Decimal("99.90")),
        ]
        assert rows(con, "select sale_date::varchar, channel, lines, qty, net_rmb from sales_daily "
                         "order by 1, sku") == [
            ("2021-03-01", "jd", 1, Decimal("2.000"), Decimal("199.80")),
            ("2021-03-01", "jd", 1, Decimal("1.000"), Decimal("58.00")),
            ("2021-03-02", "jd", 1, Decimal("1.000"), Decimal("99.90")),
        ]
        assert rows(con, "select sale_date::varchar, center, channel, orders from orders_daily order by 1") == [
            ("2021-03-01", "TPC", "jd", 2), ("2021-03-02", "TPC", "jd", 1)]
        assert rows(con, "select sum(paid_rmb) from buyers_daily where channel = 'jd'") == [(Decimal("357.70"),)]
        assert rows(con, "select channel from loads") == [("jd",)]
        # the table was made from the format's fields: the personal one is not stored
        assert [c for (c,) in rows(con, "select column_name from information_schema.columns "
                                        "where table_name = 'jd_orders' order by ordinal_position")] == [
            "order_id", "ordered_at", "sku", "qty", "amount_rmb", "load_id", "center"]
        assert rows(con, warehouse.balance_sql()) == []
    finally:
        con.close()


def test_the_balance_check_covers_the_declared_channel(jd, db, tmp_path):
    pipeline.load_paths(db, [jd_file(tmp_path)])
    con = warehouse.connect(db)
    try:
        con.execute("delete from sales_daily where channel = 'jd' and sku = 'P-2'")
        with pytest.raises(warehouse.BalanceError, match="jd: 3 lines / 357.70 RMB loaded but 2 / 299.70"):
            warehouse.check_balance(con)
    finally:
        con.close()


def test_removing_the_registration_restores_the_three_channels(db, tmp_path):
    with declared_format(JD_ORDERS):
        sql_dir = tmp_path / "jd_sql"
        sql_dir.mkdir()
        (sql_dir / "stg_jd_sales.sql").write_text(STAGING, encoding="utf-8")
        with channels.declared(Channel("jd", ("京東", "京东", "JD.com"), "#E1251B", sql_dir=sql_dir)):
            pipeline.load_paths(db, [jd_file(tmp_path)])
    assert "jd" not in channels.CHANNELS and "jd_orders" not in FORMATS
    con = warehouse.connect(db)   # a writer lays the views down again, from the registry as it is now
    try:
        assert rows(con, "select count(*) from sales where channel = 'jd'") == [(0,)]
        assert "stg_jd_sales" not in warehouse.view_sql(warehouse.view_files()[-3])
        warehouse.build_marts(con)
        assert rows(con, "select count(*) from sales_daily") == [(0,)]
        warehouse.check_balance(con)
    finally:
        con.close()
