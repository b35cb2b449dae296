"""The demo data: generated in the real formats, byte-stable per seed, and reproducing the 2020 report exactly."""
import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import pytest

from apptest import metrics, open_page
from etl import demo


@pytest.fixture(scope="module")
def demo_db(demo_build):
    con = duckdb.connect(str(demo_build[1]), read_only=True, config={"enable_external_access": False})
    yield con
    con.close()


def scalar(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_every_demo_file_loads_without_rejects(demo_build):
    _, _, results = demo_build
    assert [(r.file, r.status, r.rows_rejected) for r in results if r.status != "loaded" or r.rows_rejected] == []
    assert [r.format for r in results] == [
        "product_master", "storefront_pos", "storefront_pos", "storefront_pos",
        "exhibition_register", "exhibition_register", "exhibition_register",
        "tmall_orders", "tmall_items", "tmall_orders", "tmall_items", "tmall_orders", "tmall_items"]


def test_2020_storefront_net_is_thirty_million(demo_db):
    assert scalar(demo_db, "select sum(net_rmb) from sales where channel = 'storefront' and year(sale_date) = 2020") \
        == Decimal("30000000.00")


def test_2020_exhibitions_met_214_companies_and_closed_224_wan(demo_db):
    assert scalar(demo_db, "select count(distinct company) from leads where year(event_start) = 2020") == 214
    assert scalar(demo_db, "select sum(deal_amount_rmb) from leads where stage = 'won' and year(deal_date) = 2020") \
        == Decimal("2240000.00")
    assert scalar(demo_db, "select sum(net_rmb) from sales where channel = 'exhibition' and year(sale_date) = 2020") \
        == Decimal("2240000.00")


def test_2020_tmall_sold_13_brands_and_48_products(demo_db):
    row = demo_db.execute("""select count(distinct brand), count(distinct sku) from sales
                             where channel = 'tmall' and is_paid and year(sale_date) = 2020""").fetchall()
    assert row == [(13, 48)]


def test_demo_has_the_seasons(demo_db):
    monthly = dict(demo_db.execute("""select month(sale_date), sum(net_rmb) from sales
                                      where channel = 'storefront' and year(sale_date) = 2020 group by 1""").fetchall())
    assert monthly[2] < monthly[1] / 10, "the 2020 lockdown empties February"
    tmall = dict(demo_db.execute("""select sale_date, sum(net_rmb) from sales where channel = 'tmall' and is_paid
                                    and sale_date in ('2020-11-11', '2020-11-20') group by 1""").fetchall())
    assert tmall[dt.date(2020, 11, 11)] > 5 * tmall[dt.date(2020, 11, 20)], "Double 11"


def test_demo_carries_the_real_quirks(demo_build):
    folder = demo_build[0]
    orders_2019 = (folder / "ExportOrderList202001031015.csv").read_bytes().decode("gb18030")
    orders_2021 = (folder / "ExportOrderList202201051100.csv").read_bytes().decode("gb18030")
    assert orders_2019.startswith('"订单编号","买家会员名"')
    assert '\n="1' in orders_2019 and ",'1" in orders_2019 and "卖家已发货，等待买家确认" in orders_2019 + orders_2021
    assert "元," in orders_2021 and "买家实付金额" in orders_2021
    assert "/1/" in orders_2019 or "/2/" in orders_2019, "Excel re-saved dates"
    assert (folder / "pos_sales_2020.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (folder / "pos_sales_2019.csv").read_bytes().decode("gb18030").startswith("单据号,")


def test_same_seed_gives_the_same_bytes(demo_build, tmp_path):
    again = demo.generate(tmp_path)
    for path in again:
        original = demo_build[0] / path.name
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest(), path.name


def test_annual_page_reads_like_the_report(demo_app):
    at = open_page("annual", year="2020", lang="zh-Hant")
    assert metrics(at) == {"全年銷售額": "3,000 萬元", "洽談企業": "214 家", "成交金額": "224 萬元",
                           "上線品牌": "13 個品牌", "上線商品": "48 項商品"}
    assert at.markdown[0].value == (
        "實體店面全年交易額達 **3,000 萬元**；專業國際展會共有 **214** 家企業前來洽談，成交額達 **224 萬元**；"
        "天貓旗艦店輔導 **13** 個台灣品牌、**48** 項商品上線銷售。")


def test_annual_page_compares_with_the_year_before(demo_app):
    at = open_page("annual", year="2020")
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["Sales"] == "+13.2%"
    assert deltas["Companies met"] == "+21.6%"
