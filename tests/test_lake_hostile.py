"""The lake's publish path attacked as a hostile tester would: center codes no path or statistic should bend
(long, with a slash, a percent sign, an equals sign, Chinese, a space), names with markup and invisible characters,
receipt numbers and files shared by two centers, odd amounts, and an older export loaded late. Each time the lake,
and a dashboard server's cache of it, hold exactly the embedded warehouse's rows, checked against totals worked
out by hand."""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import KEY, warehouse_rows, write_csv
from etl import config, pipeline
from fixtures import MASTER
from lake_fixtures import s3_lake, s3_server  # noqa: F401  (the s3:// lake's fixtures)
from test_lake import lake_rows, same_as_embedded

pytest.importorskip("pyiceberg")

from etl.lake import cache  # noqa: E402
from etl.lake.tables import TABLES  # noqa: E402

LONG = "TAIPEI-XINYI-FLAGSHIP-STORE-01"   # longer than the 16 characters Iceberg keeps of a string's bounds
SLASH = "上海/浦东 1号店"
ODD = "A%2FB=C"
WIDE = "臺灣商品中心" * 3 + "旗艦"   # 20 Chinese characters, the most a code may hold: 189 bytes as a folder name
CODES = (LONG, SLASH, ODD, WIDE)
POS_HEADER = ["销售单号", "销售时间", "商品条码", "商品名称", "数量", "单价", "折扣金额", "实收金额", "支付方式"]
HOSTILE_NAME = "<b>凤梨酥</b> **[礼盒](http://x.example)**\u200b\u202e"


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())


def warehouse_for(folder: Path) -> Path:
    """A warehouse holding the hostile centers file and the product master, loaded before the lake was set."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "warehouse.duckdb"
    saved = {name: os.environ.pop(name) for name in (config.LAKE_CATALOG_ENV, config.LAKE_WAREHOUSE_ENV)
             if name in os.environ}
    try:
        centers = [["中心代码", "中心名称", "城市", "开业日期"]] + [[code, f"<i>{code}</i>", "上海", "2019-01-01"]
                                                              for code in CODES]
        results = pipeline.load_paths(db, [write_csv(folder / "centers.csv", centers),
                                           write_csv(folder / "master.csv", MASTER)])
    finally:
        os.environ.update(saved)
    assert [r.status for r in results] == ["loaded", "loaded"]
    return db


def by_center(rows: str) -> str:
    return f"select center, count(*), sum(net_rmb) from {rows} group by 1 order by 1"


def test_center_codes_that_bend_paths_and_statistics_keep_their_rows_apart(lake, keyed, tmp_path):
    db = warehouse_for(tmp_path / "w")
    # the same receipt number and the same file name in every center; amounts at the edges of what a line can be
    amounts = {LONG: ["0.01", "999,999,999.99"], SLASH: ["1,234.50", "-0.00"], ODD: ["0.10", "10"],
               WIDE: ["3.33", "3.34"]}
    for code in CODES:
        rows = [POS_HEADER] + [[f"S20200105-000{i}", "2020-01-05 10:00:00", "TW-HOSTILE", HOSTILE_NAME, "1", amount, "0",
                                amount, "现金"] for i, amount in enumerate(amounts[code])]
        folder = tmp_path / code.replace("/", "_")
        folder.mkdir()
        [result] = pipeline.load_paths(db, [write_csv(folder / "pos.csv", rows)], center=code)
        assert (result.status, result.rows_loaded) == ("loaded", 2), result.message
    hand = [(LONG, 2, Decimal("1000000000.00")), (ODD, 2, Decimal("10.10")), (SLASH, 2, Decimal("1234.50")),
            (WIDE, 2, Decimal("6.67"))]
    assert lake_rows(lake, "sales", by_center("t")) == sorted(hand)
    assert warehouse_rows(db, by_center("sales")) == sorted(hand)
    for name in TABLES:
        same_as_embedded(lake, db, name)
    # each center's rows are in a partition of their own, named by the whole code
    sales = lake.load_table(("tpc", "sales"))
    assert sorted({task.file.partition[0] for task in sales.scan().plan_files()}) == sorted(CODES)
    # the markup kept as text, the invisible characters cleaned away by the load, in the lake as in the warehouse
    names = "select distinct product_name from {}"
    assert lake_rows(lake, "sales", names.format("t")) == warehouse_rows(db, names.format("sales")) == [
        ("<b>凤梨酥</b> **[礼盒](http://x.example)**",)]

    # a newer export of one center replaces its rows and no other's
    rows = [POS_HEADER, ["S20200105-0000", "2020-01-05 10:00:00", "TW-HOSTILE", HOSTILE_NAME, "3", "5.00", "0", "15.00",
                         "现金"]]
    folder = tmp_path / "again"
    folder.mkdir()
    [result] = pipeline.load_paths(db, [write_csv(folder / "pos.csv", rows)], center=LONG)
    assert result.status == "loaded", result.message
    hand = [(LONG, 2, Decimal("999999999.99") + Decimal("15.00")), (ODD, 2, Decimal("10.10")),
            (SLASH, 2, Decimal("1234.50")), (WIDE, 2, Decimal("6.67"))]
    assert lake_rows(lake, "sales", by_center("t")) == warehouse_rows(db, by_center("sales")) == sorted(hand)

    # a dashboard server's cache of the lake: the same rows, read in place and copied
    for copy_below in (1, 10**9):
        path = tmp_path / f"cache-{copy_below}.duckdb"
        cache.COPY_BELOW_ROWS, saved = copy_below, cache.COPY_BELOW_ROWS
        try:
            cache.build(path, lake)
        finally:
            cache.COPY_BELOW_ROWS = saved
        assert warehouse_rows(path, by_center("sales")) == sorted(hand), copy_below
        daily = "select center, sum(lines)::int, sum(net_rmb) from sales_daily group by 1 order by 1"
        assert warehouse_rows(path, daily) == sorted(hand), copy_below
        assert warehouse_rows(path, "select center, center_name from centers order by 1") == [
            (code, f"<i>{code}</i>") for code in sorted(CODES)]


def test_the_same_bytes_for_two_centers_and_an_older_export_loaded_late_land_as_the_warehouse_has_them(lake, keyed,
                                                                                                       tmp_path):
    db = warehouse_for(tmp_path / "w")

    def export(name: str, lines: list[tuple[str, str, str]]) -> Path:
        rows = [POS_HEADER] + [[receipt, when, "TW-A003", "牛轧糖", "1", amount, "0", amount, "现金"]
                               for receipt, when, amount in lines]
        return write_csv(tmp_path / name, rows)

    shared = export("pos.csv", [("S1", "2020-01-05 10:00:00", "100.00"), ("S2", "2020-01-06 10:00:00", "20.00")])
    for code in (LONG, ODD):   # one file, byte for byte, given for two centers: each center's load
        [result] = pipeline.load_paths(db, [shared], center=code)
        assert result.status == "loaded", result.message
    # SLASH's export of 5-6 January, then its older export of the 5th loaded late: the 5th stays the newer file's
    newer = export("pos202001062000.csv", [("S1", "2020-01-05 10:00:00", "7.00"), ("S3", "2020-01-06 11:00:00", "3.00")])
    older = export("pos202001052000.csv", [("S1", "2020-01-05 10:00:00", "5000.00")])   # stamped a day earlier
    for path in (newer, older):
        [result] = pipeline.load_paths(db, [path], center=SLASH)
        assert result.status == "loaded", result.message
    hand = sorted([(LONG, 2, Decimal("120.00")), (ODD, 2, Decimal("120.00")), (SLASH, 2, Decimal("10.00"))])
    assert warehouse_rows(db, by_center("sales")) == hand
    assert lake_rows(lake, "sales", by_center("t")) == hand
    for name in TABLES:
        same_as_embedded(lake, db, name)
    assert lake_rows(lake, "loads", "select center, file_name, rows_loaded from t where file_name like '%.csv' "
                                    "and center is not null order by 1, 2") == sorted(
        [(LONG, "pos.csv", 2), (ODD, "pos.csv", 2), (SLASH, "pos202001052000.csv", 0), (SLASH, "pos202001062000.csv", 2)])


def test_on_s3_percent_encoded_partition_keys_are_read_compacted_and_never_swept(s3_lake, keyed, tmp_path):
    """On a bucket the partition folders are object keys, percent-encoded the same way: the lake holds the rows, a
    server's cache (copied from s3://) gives them, and compact rewrites and sweeps there without losing one."""
    import datetime as dt

    from etl.__main__ import main
    from etl.lake import catalog as lake_catalog, compact

    assert main(["lake", "init"]) == 0
    db = warehouse_for(tmp_path / "w")
    for code, amount in ((ODD, "12.34"), (SLASH, "0.66"), (WIDE, "1.00")):
        rows = [POS_HEADER, ["S1", "2020-01-05 10:00:00", "TW-A003", "x", "1", amount, "0", amount, "现金"]]
        folder = tmp_path / str(abs(hash(code)))
        folder.mkdir()
        [result] = pipeline.load_paths(db, [write_csv(folder / "pos.csv", rows)], center=code)
        assert result.status == "loaded", result.message
    hand = sorted([(ODD, 1, Decimal("12.34")), (SLASH, 1, Decimal("0.66")), (WIDE, 1, Decimal("1.00"))])
    catalog = lake_catalog.open_catalog()
    assert lake_rows(catalog, "sales", by_center("t")) == warehouse_rows(db, by_center("sales")) == hand
    assert any("/center=A%252FB%3DC/" in key for key in s3_lake.objects())
    for name in TABLES:
        same_as_embedded(catalog, db, name)
    path = tmp_path / "cache.duckdb"
    cache.build(path, catalog)
    assert warehouse_rows(path, by_center("sales")) == hand

    sales = catalog.load_table(("tpc", "sales"))
    sales.append(sales.scan().to_arrow())   # another engine's append: a second small file in each partition
    doubled = [(code, 2 * n, 2 * net) for code, n, net in hand]
    done = {d.table: d for d in compact.compact(lake_catalog.open_catalog(),
                                                now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))}
    assert (done["sales"].files, done["sales"].files_after, sum(d.orphans for d in done.values())) == (6, 3, 0)
    assert lake_rows(lake_catalog.open_catalog(), "sales", by_center("t")) == doubled
