"""The dashboard on the lake (issue 14): a server's read cache built from the lake's current snapshot gives every
page the embedded warehouse's figures, names its snapshot, follows a new one within one refresh, and keeps a
reader limited to a center to that center. A real throwaway PostgreSQL catalog and a file:// lake."""
from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from apptest import metrics, no_errors, open_page
from conftest import KEY, POS_NJ, write_csv
from etl import config, pipeline, warehouse
from pg import free_port
from test_auth import signed_in
from test_centers_pages import LIN

pytest.importorskip("pyiceberg")

from analytics import lake as lake_reader  # noqa: E402
from etl.lake import cache, export  # noqa: E402

PAGES = ["overview", "annual", "network", "channels", "brands", "leads", "data"]


def figures(at) -> dict:
    """What a page shows as figures: its cards (label, value, delta, help), its tables' cells, and its captions
    but the lake's snapshot named in the freshness line."""
    return {
        "cards": [(m.label, m.value, m.delta, m.help) for m in at.metric],
        "tables": [frame.value.astype(str).values.tolist() for frame in at.dataframe],
        "captions": [c.value.split(" · lake snapshot ")[0] for c in at.caption],
        "markdown": [m.value for m in at.markdown],
        "raw_caption": at.caption[0].value if at.caption else "",
    }


@pytest.fixture
def on_lake(lake, tmp_path, monkeypatch):
    """The dashboard reads the lake through a cache in tmp; TPC_DB no longer says what it reads."""
    monkeypatch.setenv(config.LAKE_CACHE_ENV, str(tmp_path / "cache" / "lake-cache.duckdb"))
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())
    return lake


def test_every_page_gives_the_same_figures_from_the_lake_as_from_the_warehouse(demo_build, lake, tmp_path,
                                                                               monkeypatch):
    """The demo exported into the lake: each page drawn from the warehouse, then from a server's cache of the lake."""
    db = demo_build[1]
    export.export(lake, db)
    monkeypatch.setenv("TPC_DB", str(db))
    monkeypatch.setenv(config.LAKE_CACHE_ENV, str(tmp_path / "lake-cache.duckdb"))
    shown = {}
    for source in ("warehouse", "lake"):
        with monkeypatch.context() as env:
            if source == "warehouse":
                env.delenv(config.LAKE_CATALOG_ENV)
            for page in PAGES:
                at = open_page(page, year="2020", view="history")
                assert no_errors(at), (source, page)
                shown[source, page] = figures(at)
    # the warehouse's freshness line names no snapshot (it once said "lake snapshot nan (–)"), the lake's does
    assert shown["warehouse", "overview"]["captions"][0] == shown["warehouse", "overview"]["raw_caption"]
    assert " · lake snapshot " in shown["lake", "overview"]["raw_caption"]
    differ = [page for page in PAGES if {**shown["lake", page], "raw_caption": ""} != {**shown["warehouse", page], "raw_caption": ""}]
    assert differ == []
    assert [page for page in PAGES if not (shown["lake", page]["cards"] or shown["lake", page]["tables"])] == []
    assert ("Storefront sales reached **RMB 30M**; **214** companies came to negotiate at professional exhibitions, "
            "with deals of **RMB 2.24M**; on Tmall, **13** Taiwanese brands sold **48** products online."
            in shown["lake", "annual"]["markdown"])


def test_the_freshness_line_names_the_snapshot_and_a_new_one_shows_within_one_refresh(on_lake, centers_warehouse,
                                                                                       tmp_path, monkeypatch):
    export.export(on_lake, centers_warehouse)
    monkeypatch.setenv(config.LAKE_REFRESH_ENV, "0")
    at = open_page("overview", center="NJ", year="2020", period="year")
    assert no_errors(at)
    assert metrics(at)["Net revenue"] == "RMB 300.00"
    first = on_lake.load_table(("tpc", "loads")).current_snapshot()
    assert f"lake snapshot {first.snapshot_id} (" in at.caption[0].value, at.caption[0].value
    # NJ's writer loads March (a copy of its warehouse that publishes to the lake): one 100.00 receipt more
    nj = tmp_path / "nj" / "warehouse.duckdb"
    nj.parent.mkdir()
    nj.write_bytes(centers_warehouse.read_bytes())
    receipt = ["S20200301-0001", "2020-03-01 11:00:00", "TW-A003", "牛轧糖", "1", "100.00", "0", "100.00", "现金"]
    assert pipeline.load_paths(nj, [write_csv(tmp_path / "march.csv", [POS_NJ[0], receipt])],
                               center="NJ")[0].status == "loaded"
    second = on_lake.load_table(("tpc", "loads")).current_snapshot()
    # the next page run sees the lake moved and rebuilds in the background, still showing the old snapshot...
    at.run()
    refresher = lake_reader.refresher()
    assert refresher.building is not None
    refresher.building.join(120)
    assert refresher.failure is None
    # ...and the run after it shows the new one (the same reader's session, and a new reader's)
    at.run()
    assert f"lake snapshot {second.snapshot_id} (" in at.caption[0].value
    assert at.caption[0].value.startswith("Data as of 2020-03-01 (Storefront 2020-03-01)")
    at = open_page("overview", center="NJ", year="2020", period="year")
    assert metrics(at)["Net revenue"] == "RMB 400.00"
    assert cache.built_version(config.lake_cache_path()) == cache.version(on_lake)


def test_a_server_asks_one_catalog_every_refresh_and_opens_it_afresh_after_a_failure(on_lake, centers_warehouse,
                                                                                     tmp_path, monkeypatch):
    """Opening the catalog costs a new engine and its connection (about 15 ms) every refresh: a server opens it
    once; when a check fails (the database restarted, its connection broken), the next check opens it again."""
    import sqlalchemy

    from etl.lake import catalog as lake_catalog

    export.export(on_lake, centers_warehouse)
    opened, real = [], lake_catalog.open_catalog
    monkeypatch.setattr(lake_catalog, "open_catalog", lambda: opened.append(1) or real())
    refresher = lake_reader.Refresher(tmp_path / "own-cache.duckdb")
    refresher.ensure_built()
    assert [refresher.keep_fresh(wait=True) for _ in range(3)] == [False] * 3 and len(opened) == 1
    refresher.opened.engine = sqlalchemy.create_engine(f"postgresql+psycopg://tpc@127.0.0.1:{free_port()}/tpc")
    with pytest.raises(sqlalchemy.exc.OperationalError):
        refresher.keep_fresh(wait=True)
    assert refresher.keep_fresh(wait=True) is False and len(opened) == 2


@pytest.mark.parametrize("page", ["overview", "network", "channels", "data"])
def test_a_reader_limited_to_a_center_sees_only_its_rows_on_the_lake(on_lake, centers_warehouse, page):
    export.export(on_lake, centers_warehouse)
    at = open_page(page, secrets=LIN, user=signed_in("lin@example.com"), center="SH", year="2020", period="year",
                   view="history")
    assert no_errors(at)
    shown = " ".join(str(v) for frame in at.dataframe for v in frame.value.astype(str).values.ravel())
    assert "上海" not in shown and "SH" not in shown.split() and "120,000" not in " ".join(m.value for m in at.metric)
    if page == "overview":
        assert metrics(at)["Net revenue"] == "RMB 300.00"
    if page == "network":
        assert at.dataframe[0].value["center"].tolist() == ["NJ"]


def test_a_cache_holds_the_lake_s_rows_and_the_marts_built_from_them(on_lake, centers_warehouse):
    export.export(on_lake, centers_warehouse)
    found = cache.build(config.lake_cache_path())
    from conftest import warehouse_rows

    daily = "select center, channel, sum(lines), sum(net_rmb) from sales_daily group by all order by all"
    assert warehouse_rows(config.lake_cache_path(), daily) == warehouse_rows(centers_warehouse, daily) == [
        ("NJ", "storefront", 2, Decimal("500.00")), ("SH", "exhibition", 1, Decimal("120000.00")),
        ("SH", "storefront", 6, Decimal("1392.00")), ("SH", "tmall", 3, Decimal("565.99"))]
    assert warehouse_rows(config.lake_cache_path(), "select value from meta where key = 'lake_snapshot_id'") == [
        (str(on_lake.load_table(("tpc", "loads")).current_snapshot().snapshot_id),)]
    assert found.key == cache.version(on_lake)


def test_a_cache_reads_the_lines_and_marts_in_place_and_no_other_file(on_lake, centers_warehouse, tmp_path,
                                                                      monkeypatch):
    """On a file:// lake the cache copies no line of a large table: sales and the marts are views over the
    snapshot's Parquet files, which its readers may read; any other file stays out of their reach."""
    export.export(on_lake, centers_warehouse)
    monkeypatch.setattr(cache, "COPY_BELOW_ROWS", 1)   # every table here is small: take them all as large
    cache.build(config.lake_cache_path())
    from conftest import warehouse_rows

    kinds = "select table_name, table_type from information_schema.tables where table_name in ({}) order by 1"
    names = ", ".join(f"'{name}'" for name in ("sales", "sales_daily", "orders_daily", "buyers_daily", "leads"))
    assert warehouse_rows(config.lake_cache_path(), kinds.format(names)) == [
        ("buyers_daily", "VIEW"), ("leads", "BASE TABLE"), ("orders_daily", "VIEW"), ("sales", "VIEW"),
        ("sales_daily", "VIEW")]
    totals = "select center, count(*), sum(net_rmb) from sales group by 1 order by 1"
    assert warehouse_rows(config.lake_cache_path(), totals) == warehouse_rows(centers_warehouse, totals) == [
        ("NJ", 2, Decimal("500.00")), ("SH", 11, Decimal("121957.99"))]
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    with pytest.raises(duckdb.PermissionException, match="disabled by configuration"):
        warehouse_rows(config.lake_cache_path(), f"select * from read_csv('{outside}')")


def test_a_cache_copies_a_small_table_it_could_read_in_place(on_lake, centers_warehouse, tmp_path):
    """Below COPY_BELOW_ROWS rows the lines and the marts are copied into the cache (DuckDB's own storage, faster to
    query than opening each file every time), with the same rows, and the cache's readers may read no lake file."""
    export.export(on_lake, centers_warehouse)
    cache.build(config.lake_cache_path())
    from conftest import warehouse_rows

    kinds = "select table_name, table_type from information_schema.tables where table_name in ({}) order by 1"
    names = ", ".join(f"'{name}'" for name in ("sales", "sales_daily", "orders_daily", "buyers_daily"))
    assert warehouse_rows(config.lake_cache_path(), kinds.format(names)) == [
        ("buyers_daily", "BASE TABLE"), ("orders_daily", "BASE TABLE"), ("sales", "BASE TABLE"),
        ("sales_daily", "BASE TABLE")]
    for sql in ("select center, count(*), sum(net_rmb) from sales group by 1 order by 1",
                "select center, sum(lines), sum(net_rmb) from sales_daily group by 1 order by 1",
                "select center, sum(orders) from orders_daily group by 1 order by 1"):
        assert warehouse_rows(config.lake_cache_path(), sql) == warehouse_rows(centers_warehouse, sql)
    assert warehouse_rows(config.lake_cache_path(), "select count(*) from sales") == [(13,)]
    assert warehouse_rows(config.lake_cache_path(),
                          f"select value from meta where key = '{warehouse.READS_FILES_UNDER}'") == [("[]",)]
    lake_file = next((tmp_path / "lake").rglob("*.parquet"))
    with pytest.raises(duckdb.PermissionException, match="disabled by configuration"):
        warehouse_rows(config.lake_cache_path(), f"select * from read_parquet('{lake_file}')")


def test_a_lake_file_is_read_by_its_field_ids_as_the_table_now_names_them(tmp_path):
    """A view over a lake table's files matches columns by Iceberg field id, not by name: a column renamed since a
    file was written keeps its values, and one added since reads as null in it."""
    from pyiceberg.schema import Schema
    from pyiceberg.types import DecimalType, NestedField, StringType

    old = tmp_path / "old.parquet"
    duckdb.execute(f"copy (select 'SH' as center, 12.50::decimal(18, 2) as amount) to '{old}' "
                   "(format parquet, field_ids {center: 1, amount: 2})")
    now = Schema(NestedField(1, "center", StringType()), NestedField(2, "net_rmb", DecimalType(18, 2)),
                 NestedField(3, "brand", StringType()))
    assert duckdb.sql(f"select * from {cache.parquet_scan(now, [str(old)])}").fetchall() == [
        ("SH", Decimal("12.50"), None)]


def test_a_lake_file_s_own_values_win_over_the_name_of_its_partition_folder(tmp_path):
    """pyiceberg names a partition's folder by its value percent-encoded (center=A%252FB for A%2FB): the view reads
    the center the file holds, never the folder's name as a column (DuckDB's hive partitioning would)."""
    from pyiceberg.schema import Schema
    from pyiceberg.types import NestedField, StringType

    folder = tmp_path / "center=A%252FB"
    folder.mkdir()
    duckdb.execute(f"copy (select 'A%2FB' as center) to '{folder / 'f.parquet'}' (format parquet, field_ids {{center: 1}})")
    schema = Schema(NestedField(1, "center", StringType()))
    # as pyiceberg writes a location (the table's location and the folder's name, as they stand) and opens it
    assert cache.local_path(f"file://{folder}/f.parquet") == str(folder / "f.parquet")
    assert duckdb.sql(f"select * from {cache.parquet_scan(schema, [str(folder / 'f.parquet')])}").fetchall() == [
        ("A%2FB",)]


def test_a_server_whose_lake_cannot_be_reached_and_has_no_cache_says_so(tmp_path, monkeypatch):
    from pg import free_port

    monkeypatch.setenv(config.LAKE_CATALOG_ENV, f"postgresql+psycopg://tpc@127.0.0.1:{free_port()}/tpc")
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, (tmp_path / "lake").as_uri())
    monkeypatch.setenv(config.LAKE_CACHE_ENV, str(tmp_path / "lake-cache.duckdb"))
    at = open_page("overview")
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The lake (its catalog database or its bucket) cannot be reached, and this server has no cache of it yet. "
        "Check TPC_LAKE_CATALOG and TPC_LAKE_WAREHOUSE."]
