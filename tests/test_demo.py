"""The demo data: generated in the real formats, byte-stable per seed, and reproducing the 2020 report exactly."""
import datetime as dt
import hashlib
import re
from decimal import Decimal

import duckdb
import pytest

from apptest import metrics, open_page
from etl import demo, readers, warehouse


@pytest.fixture(scope="module")
def demo_db(demo_build):
    con = warehouse.connect(demo_build[1], read_only=True)
    yield con
    con.close()


def scalar(con, sql):
    return con.execute(sql).fetchall()[0][0]


def test_every_demo_file_loads_without_rejects(demo_build):
    _, _, results = demo_build
    assert [(r.file, r.status, r.rows_rejected) for r in results if r.status != "loaded" or r.rows_rejected] == []
    assert [r.format for r in results] == [
        "centers", "product_master", *["storefront_pos"] * 9,
        "exhibition_register", "exhibition_register", "exhibition_register",
        "tmall_orders", "tmall_items", "tmall_orders", "tmall_items", "tmall_orders", "tmall_items", "targets"]


def test_2020_storefront_net_is_thirty_million(demo_db):
    assert scalar(demo_db, "select sum(net_rmb) from sales where channel = 'storefront' and year(sale_date) = 2020") \
        == Decimal("30000000.00")


def test_the_demo_has_three_centers_the_flagship_running_tmall_and_the_fairs(demo_db):
    assert demo_db.execute("select center, center_name, city from centers order by opened_on").fetchall() == [
        ("SH", "上海旗艦中心", "上海"), ("NJ", "南京中心", "南京"), ("XM", "厦门中心", "厦门")]
    assert demo_db.execute("select channel, string_agg(distinct center, ',' order by center) from sales "
                           "group by 1 order by 1").fetchall() == [
        ("exhibition", "SH"), ("storefront", "NJ,SH,XM"), ("tmall", "SH")]
    assert demo_db.execute("select center, string_agg(distinct store_or_event, ',') from sales "
                           "where channel = 'storefront' group by 1 order by 1").fetchall() == [
        ("NJ", "台湾商品中心南京展销店"), ("SH", "台湾商品中心上海展销店"), ("XM", "台湾商品中心厦门展销店")]


# each center's storefront net per year (the seed's), summing to the network's: the report's 30,000,000.00 in 2020
STOREFRONT_BY_CENTER = {
    2019: {"SH": Decimal("14469534.29"), "NJ": Decimal("7152165.81"), "XM": Decimal("4882170.30")},
    2020: {"SH": Decimal("16583649.72"), "NJ": Decimal("8023173.33"), "XM": Decimal("5393176.95")},
    2021: {"SH": Decimal("18228901.80"), "NJ": Decimal("8795555.82"), "XM": Decimal("5961957.98")},
}


@pytest.mark.parametrize("year", demo.YEARS)
def test_each_center_s_storefront_net_sums_to_the_network_s(demo_db, year):
    found = dict(demo_db.execute("select center, sum(net_rmb) from sales_daily where channel = 'storefront' "
                                 "and year(sale_date) = ? group by 1", [year]).fetchall())
    assert found == STOREFRONT_BY_CENTER[year]
    assert sum(found.values()) == Decimal(demo.STOREFRONT_NET_CENTS[year]) / 100


@pytest.mark.parametrize("year", demo.YEARS)
def test_the_network_s_totals_are_the_reports(demo_db, year):
    companies, _, deals = demo.FAIR_TARGETS[year]
    brands, products = demo.TMALL_RANGE[year]
    assert scalar(demo_db, f"select count(distinct company) from leads where year(event_start) = {year}") == companies
    assert scalar(demo_db, f"select sum(net_rmb) from sales_daily where channel = 'exhibition' "
                           f"and year(sale_date) = {year}") == Decimal(deals)
    assert demo_db.execute(f"select count(distinct brand), count(distinct sku) from sales where channel = 'tmall' "
                           f"and is_paid and year(sale_date) = {year}").fetchall() == [(brands, products)]


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


PERSONAL_COLUMNS = {"买家会员名", "买家支付宝账号", "收货人姓名", "收货地址", "联系电话", "联系手机", "会员手机", "会员名称",
                    "联系人", "买家留言", "订单备注", "物流单号"}


def personal_values(folder):
    """Every personal value the demo exports carry, read back from the files as the ETL would see them."""
    import pandas as pd

    values = set()
    for path in sorted(folder.iterdir()):
        if path.suffix == ".xlsx":
            sheet = readers.read_xlsx_rows(path)
            header_at = next(i for i, row in enumerate(sheet) if {"企业名称", "商品名称"} & set(row))
            frame = pd.DataFrame(sheet[header_at + 1:], columns=sheet[header_at])
        else:
            frame = pd.read_csv(path, dtype=str, encoding=readers.sniff_encoding(path))
        frame.columns = [str(c).strip() for c in frame.columns]
        for column in PERSONAL_COLUMNS & set(frame.columns):
            values |= {v.strip().lstrip("'=\"").rstrip('"') for v in frame[column].dropna() if len(v.strip()) >= 2}
    return values


def test_no_personal_value_of_the_demo_exports_reaches_the_warehouse(demo_build, demo_db):
    """The demo fills every personal column with fake people; none of them may land anywhere."""
    personal = personal_values(demo_build[0])
    assert len(personal) > 10_000
    tables = [t for (t,) in demo_db.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'main' and table_type = 'BASE TABLE'").fetchall()]
    stored = set()
    for table in tables:
        for (column,) in demo_db.execute("select column_name from information_schema.columns "
                                         "where table_name = ? and data_type = 'VARCHAR'", [table]).fetchall():
            stored |= {v for (v,) in demo_db.execute(f'select distinct "{column}" from {table} where "{column}" is not null').fetchall()}
    assert stored & personal == set()
    # nor inside a longer value: phone numbers anywhere, and any part of an address or name but the province
    # and city an order keeps (compared as sets of words, not substring by substring: 10^5 x 10^5 is too slow)
    phones = re.compile(r"1[3-9]\d{9}")
    assert {m for v in stored for m in phones.findall(v)} & personal == set()
    kept_places = re.compile(r".*(省|市|自治区|特别行政区|自治州|地区|盟)$|北京|天津|上海|重庆")
    personal_words = {w for p in personal for w in re.split(r"[\s()（）]+", p) if len(w) >= 2 and not kept_places.match(w)}
    stored_words = {w for v in stored for w in re.split(r"[\s()（）]+", v)}
    assert sorted(stored_words & personal_words)[:5] == []


def test_overview_cards_compare_with_last_year_and_the_month_before(demo_app, demo_db):
    """December 2020's net revenue card: 同比 against December 2019 as its delta, 环比 against November below."""
    def net(first, last):
        return scalar(demo_db, f"select sum(net_rmb) from sales where is_paid and sale_date between '{first}' and '{last}'")

    december, last_december, november = net("2020-12-01", "2020-12-31"), net("2019-12-01", "2019-12-31"), net("2020-11-01", "2020-11-30")
    at = open_page("overview", period="month", asof="2020-12-31")
    card = next(m for m in at.metric if m.label == "Net revenue")
    assert card.delta == f"{float(december / last_december - 1) * 100:+.1f}%"
    from analytics import metrics as declared
    from ui.i18n import plain

    cards = [m.label for m in at.metric][:len(declared.CARDS)]   # the KPI cards come first, the target's after
    assert cards == [plain(f"metric.{m.key}", "en") for m in declared.CARDS]
    pop_lines = [c.value for c in at.caption if c.value.startswith("vs previous period")]
    assert len(pop_lines) == len(cards) == 11
    assert pop_lines[cards.index("Net revenue")] == f"vs previous period {float(december / november - 1) * 100:+.1f}%"
