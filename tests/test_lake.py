"""The lakehouse's foundation (issue 14): lake init, export and status against a real, throwaway PostgreSQL
catalog (tests/pg.py) and a file:// warehouse in tmp; the lake's rows are scanned back and compared with the
embedded warehouse's, row for row and to the fen."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

import pg
from conftest import KEY, POS_NJ, warehouse_rows, write_csv
from etl import channels, config, pipeline, warehouse
from etl.__main__ import main

pyiceberg = pytest.importorskip("pyiceberg")
from pyiceberg.types import DecimalType  # noqa: E402

from etl.lake import catalog as lake_catalog, create, export  # noqa: E402
from etl.lake.tables import TABLES  # noqa: E402


def scanned(catalog, table: str):
    return catalog.load_table(lake_catalog.identifier(table)).scan().to_arrow()


def lake_rows(catalog, table: str, sql: str, params=()) -> list[tuple]:
    """A query over the lake table's current rows (scanned to Arrow), the table named `t` in sql."""
    with duckdb.connect() as con:
        con.register("t", scanned(catalog, table))
        return con.execute(sql, list(params)).fetchall()


def snapshot_ids(catalog) -> dict[str, int | None]:
    ids = {}
    for name in TABLES:
        snap = catalog.load_table(lake_catalog.identifier(name)).current_snapshot()
        ids[name] = snap.snapshot_id if snap else None
    return ids


def same_as_embedded(catalog, db: Path, table: str, where: str = "true") -> None:
    """The lake table holds exactly the embedded warehouse's rows of that table (order aside), each row's load
    told by its file (SHA-256 and name): the lake numbers loads lake-wide, the warehouse its own way."""
    def by_file(rows: str, loads: str) -> str:
        if "load_id" not in scanned(catalog, table).column_names:
            return f"select * from ({rows}) where {where}"
        return (f"select q.* exclude (load_id), l.sha256 || ' ' || l.file_name as load_file "
                f"from (select * from ({rows}) where {where}) as q left join {loads} as l on l.load_id = q.load_id")

    query = by_file(TABLES[table].query, "loads")
    embedded = warehouse_rows(db, f"select count(*) from ({query})")[0][0]
    with warehouse.connect(db, read_only=True) as con:
        con.register("lake_scan", scanned(catalog, table))
        con.register("lake_loads", scanned(catalog, "loads"))
        # the warehouse's column order (a column added to the lake later comes last there)
        columns = ", ".join(f'"{d[0]}"' for d in con.sql(f"select * from ({TABLES[table].query}) limit 0").description)
        in_lake = by_file(f"select {columns} from lake_scan", "lake_loads")
        missing = con.execute(f"select count(*) from ({query} except all {in_lake})").fetchone()[0]
        extra = con.execute(f"select count(*) from ({in_lake} except all {query})").fetchone()[0]
        lake_count = con.execute(f"select count(*) from ({in_lake})").fetchone()[0]
    assert (lake_count, missing, extra) == (embedded, 0, 0)


def test_lake_commands_without_the_env_vars_exit_2_naming_them(monkeypatch, capsys):
    monkeypatch.delenv(config.LAKE_CATALOG_ENV, raising=False)
    monkeypatch.delenv(config.LAKE_WAREHOUSE_ENV, raising=False)
    for command in (["lake", "init"], ["lake", "status"], ["lake", "export"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "TPC_LAKE_CATALOG and TPC_LAKE_WAREHOUSE" in err, err
    monkeypatch.setenv(config.LAKE_CATALOG_ENV, "postgresql+psycopg://tpc@127.0.0.1:1/tpc")
    assert main(["lake", "init"]) == 2
    assert "set TPC_LAKE_WAREHOUSE" in capsys.readouterr().err


def test_init_creates_the_tables_once_with_the_contract_s_columns(lake, capsys):
    assert main(["lake", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: exists" for name in TABLES]
    assert sorted(name for _, name in lake.list_tables("tpc")) == sorted(TABLES)
    sales = lake.load_table(("tpc", "sales"))
    assert tuple(f.name for f in sales.schema().fields) == channels.SALES_COLUMNS
    money = [c for c in channels.SALES_COLUMNS if c.endswith("_rmb")]
    assert {c: sales.schema().find_field(c).field_type for c in money} == {c: DecimalType(18, 2) for c in money}
    assert sales.schema().find_field("qty").field_type == DecimalType(18, 3)
    assert [(sales.schema().find_column_name(f.source_id), str(f.transform)) for f in sales.spec().fields] == [
        ("center", "identity"), ("channel", "identity"), ("sale_date", "month")]
    assert snapshot_ids(lake) == {name: None for name in TABLES}


def test_export_gives_the_embedded_rows_row_for_row_and_to_the_fen(lake, centers_warehouse):
    done = export.export(lake, centers_warehouse)
    assert {e.table: (e.rows_before, e.rows) for e in done} == {
        "centers": (0, 2), "products": (0, 3), "targets": (0, 2), "sales": (0, 13), "leads": (0, 3),
        "sales_daily": (0, 12), "orders_daily": (0, 9), "buyers_daily": (0, 9), "rejects": (0, 2), "loads": (0, 9)}
    for table in TABLES:
        same_as_embedded(lake, centers_warehouse, table)
    totals = "select center, channel, count(*), sum(net_rmb), sum(paid_rmb) from {} group by all order by all"
    assert lake_rows(lake, "sales", totals.format("t")) == warehouse_rows(centers_warehouse, totals.format("sales"))
    assert lake_rows(lake, "sales", totals.format("t")) == [
        ("NJ", "storefront", 2, Decimal("500.00"), Decimal("500.00")),
        ("SH", "exhibition", 1, Decimal("120000.00"), Decimal("120000.00")),
        ("SH", "storefront", 6, Decimal("1392.00"), Decimal("1392.00")),
        ("SH", "tmall", 4, Decimal("565.99"), Decimal("576.00"))]


def test_exporting_twice_changes_nothing(lake, centers_warehouse, capsys):
    export.export(lake, centers_warehouse)
    before = snapshot_ids(lake)
    assert main(["lake", "export", "--db", str(centers_warehouse)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [f"tpc.{e}: unchanged, {n} rows" for e, n in
                                (("centers", 2), ("products", 3), ("targets", 2), ("sales", 13), ("leads", 3),
                                 ("sales_daily", 12), ("orders_daily", 9), ("buyers_daily", 9), ("rejects", 2),
                                 ("loads", 9))]
    assert snapshot_ids(lake) == before
    same_as_embedded(lake, centers_warehouse, "sales")


def nj_a_day_later(centers_warehouse, tmp_path, monkeypatch):
    """NJ's warehouse with one more receipt of 100.00 on 2020-03-01 (a new partition of NJ's storefront)."""
    newer = tmp_path / "nj" / "warehouse.duckdb"
    newer.parent.mkdir()
    shutil.copy(centers_warehouse, newer)
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())
    receipt = ["S20200301-0001", "2020-03-01 11:00:00", "TW-A003", "牛轧糖", "1", "100.00", "0", "100.00", "现金"]
    with monkeypatch.context() as offline:   # loaded while this warehouse did not know the lake
        offline.delenv(config.LAKE_CATALOG_ENV)
        [result] = pipeline.load_paths(newer, [write_csv(tmp_path / "pos-nj-march.csv", [POS_NJ[0], receipt])],
                                       center="NJ")
    assert result.status == "loaded"
    return newer


def test_exporting_one_center_replaces_only_its_rows(lake, centers_warehouse, tmp_path, monkeypatch):
    export.export(lake, centers_warehouse)
    sales = lake.load_table(("tpc", "sales"))
    sh_files = sorted(task.file.file_path for task in sales.scan(row_filter="center = 'SH'").plan_files())
    newer = nj_a_day_later(centers_warehouse, tmp_path, monkeypatch)
    done = export.export(lake, newer, center="NJ")
    assert [(e.table, e.status) for e in done] == [
        ("targets", "unchanged"), ("sales", "replaced"), ("leads", "unchanged"), ("sales_daily", "replaced"),
        ("orders_daily", "replaced"), ("buyers_daily", "replaced"), ("rejects", "unchanged"), ("loads", "replaced")]
    by_center = "select center, count(*), sum(net_rmb) from {} group by 1 order by 1"
    assert lake_rows(lake, "sales", by_center.format("t")) == [("NJ", 3, Decimal("600.00")),
                                                              ("SH", 11, Decimal("121957.99"))]
    same_as_embedded(lake, newer, "sales")
    same_as_embedded(lake, newer, "loads", "center = 'NJ'")
    same_as_embedded(lake, centers_warehouse, "loads", "center is distinct from 'NJ'")
    sales = lake.load_table(("tpc", "sales"))
    assert sorted(task.file.file_path for task in sales.scan(row_filter="center = 'SH'").plan_files()) == sh_files
    assert export.export(lake, newer, center="NJ")[2].status == "unchanged"


def test_an_unknown_center_exports_nothing(lake, centers_warehouse, capsys):
    assert main(["lake", "export", "--db", str(centers_warehouse), "--center", "XX"]) == 2
    assert "center 'XX' is not in" in capsys.readouterr().err
    assert snapshot_ids(lake) == {name: None for name in TABLES}


def test_status_prints_each_table_s_snapshot_and_files_per_partition(lake, centers_warehouse, capsys):
    export.export(lake, centers_warehouse)
    ids = snapshot_ids(lake)
    assert main(["lake", "status"]) == 0
    out = capsys.readouterr().out
    for name in TABLES:
        if ids[name] is None:
            assert f"{name}: no snapshot yet (empty)" in out
        else:
            assert f"{name}: snapshot {ids[name]} at " in out
    assert "  center=NJ/channel=storefront/sale_date_month=2019-01: 1 files, 1 rows" in out
    assert "  center=NJ/channel=storefront/sale_date_month=2020-01: 1 files, 1 rows" in out


def test_the_lake_s_2020_demo_figures_are_the_report_s(lake, demo_build):
    db = demo_build[1]
    export.export(lake, db)
    same_as_embedded(lake, db, "sales")
    assert lake_rows(lake, "sales", "select sum(net_rmb) from t where channel = 'storefront' "
                                    "and year(sale_date) = 2020") == [(Decimal("30000000.00"),)]
    assert lake_rows(lake, "sales", "select sum(net_rmb) from t where channel = 'exhibition' "
                                    "and year(sale_date) = 2020") == [(Decimal("2240000.00"),)]
    assert lake_rows(lake, "leads", "select count(distinct company) from t where year(event_start) = 2020") == [(214,)]
    assert lake_rows(lake, "sales", "select count(distinct brand), count(distinct sku) from t where channel = 'tmall' "
                                    "and is_paid and year(sale_date) = 2020") == [(13, 48)]


def test_every_lake_command_is_documented_in_the_readme():
    from etl.__main__ import parser

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    lake_parser = parser()._subparsers._group_actions[0].choices["lake"]
    for name in lake_parser._subparsers._group_actions[0].choices:
        assert f"python -m etl lake {name}" in readme, name


def test_a_commit_that_loses_to_another_writer_is_redone(lake, centers_warehouse, monkeypatch):
    """The first swap finds a table moved (as when another writer committed first): nothing of it lands, its
    metadata files are removed, and the publish is redone on the tables as they stand."""
    from pyiceberg.exceptions import CommitFailedException

    from etl.lake import commit

    real, lost = commit.swap, []

    def first_loses(catalog, staged, *rest):
        if not lost:
            lost.append([new.metadata_location for _, new in staged])
            raise CommitFailedException("another writer committed first")
        return real(catalog, staged, *rest)

    monkeypatch.setattr(commit, "swap", first_loses)
    done = export.export(lake, centers_warehouse)
    assert len(lost) == 1 and len(lost[0]) == len(TABLES) and [e.status for e in done if e.table == "sales"] == ["replaced"]
    assert not any(Path(location.removeprefix("file://")).exists() for location in lost[0])
    for table in TABLES:
        same_as_embedded(lake, centers_warehouse, table)


def test_a_server_that_cannot_start_leaves_nothing_behind(monkeypatch, tmp_path):
    before = set(Path("/tmp").glob("tpc-pg-*"))
    monkeypatch.setenv(pg.BIN_ENV, str(tmp_path / "no-such-bin"))
    with pytest.raises((RuntimeError, OSError)):
        pg.start()
    assert set(Path("/tmp").glob("tpc-pg-*")) == before


def test_init_names_a_lake_table_whose_columns_are_not_the_warehouse_s(lake, capsys):
    from pyiceberg.types import StringType

    with lake.load_table(("tpc", "centers")).update_schema() as update:
        update.add_column("region", StringType())
    assert main(["lake", "init"]) == 1
    assert "tpc.centers: differs: the warehouse has no column region" in capsys.readouterr().out.splitlines()
    with pytest.raises(export.ExportError, match="the lake's columns are not the warehouse's: centers"):
        export.export(lake, Path("/nonexistent.duckdb"))


def test_init_adds_a_newer_contract_s_columns_to_a_lake_table_made_before_them(lake, centers_warehouse, tmp_path,
                                                                             monkeypatch, capsys):
    """A lake made by an older contract (its sales without brand) and holding NJ's lines: init adds the column,
    every file written before reads null there (by Iceberg's field ids, in the lake and in a server's cache), the
    next export writes it, and nothing else moves."""
    from etl.lake import cache

    older = {name: schema for name, schema in export.arrow_schemas().items()}
    older["sales"] = older["sales"].remove(older["sales"].get_field_index("brand"))
    lake.drop_table(("tpc", "sales"))
    create.create(lake, TABLES["sales"], older["sales"])
    with monkeypatch.context() as then:
        then.setattr(export, "arrow_schemas", lambda: older)
        export.export(lake, centers_warehouse, center="NJ")
    assert "brand" not in scanned(lake, "sales").column_names
    with pytest.raises(export.ExportError, match=r"not the warehouse's: sales \(the lake has no column brand\)"):
        export.export(lake, centers_warehouse, center="SH")

    assert main(["lake", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"tpc.{name}: " + ("columns added: brand" if name == "sales" else "exists") for name in TABLES]
    assert lake.load_table(("tpc", "sales")).schema().find_field("brand").optional
    export.export(lake, centers_warehouse, center="SH")
    by_center = "select center, count(*), count(brand), sum(net_rmb) from {} group by 1 order by 1"
    assert warehouse_rows(centers_warehouse, by_center.format("sales")) == [
        ("NJ", 2, 2, Decimal("500.00")), ("SH", 11, 10, Decimal("121957.99"))]
    assert lake_rows(lake, "sales", by_center.format("t")) == [
        ("NJ", 2, 0, Decimal("500.00")), ("SH", 11, 10, Decimal("121957.99"))]
    monkeypatch.setenv(config.LAKE_CACHE_ENV, str(tmp_path / "lake-cache.duckdb"))
    monkeypatch.setattr(cache, "COPY_BELOW_ROWS", 1)   # read in place, by field ids
    cache.build(config.lake_cache_path())
    assert warehouse_rows(config.lake_cache_path(), by_center.format("sales")) == [
        ("NJ", 2, 0, Decimal("500.00")), ("SH", 11, 10, Decimal("121957.99"))]
    order = "select column_name from information_schema.columns where table_name = 'sales' order by ordinal_position"
    assert warehouse_rows(config.lake_cache_path(), order) == warehouse_rows(centers_warehouse, order)

    export.export(lake, centers_warehouse)   # NJ again, with its brands now
    same_as_embedded(lake, centers_warehouse, "sales")
    assert main(["lake", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: exists" for name in TABLES]


def test_a_mart_s_files_hold_its_days_in_order_each_row_group_a_narrow_range(lake):
    """A mart's data files are written by its layout: rows ordered by day, so that each row group covers a few days
    and a server's date filter skips the others by their statistics; Snappy; row groups of the layout's size."""
    import dataclasses

    from etl.lake import write
    from etl.lake.tables import MART_LAYOUT, Layout

    assert TABLES["sales_daily"].layout == MART_LAYOUT == Layout(("sale_date",), "snappy", 32_768)
    table = dataclasses.replace(TABLES["sales_daily"], layout=Layout(("sale_date",), "snappy", 2048))
    con = warehouse.connect(Path(":memory:"))
    con.execute("insert into sales_daily by name select date '2020-01-01' + ((i * 17) % 40)::int as sale_date, "
                "'SH' as center, 'storefront' as channel, 'SKU-' || i as sku, 1 as lines, 1 as qty, "
                "10 as gross_rmb, 0 as refund_rmb, 10 as net_rmb from range(40 * 256) as r(i)")   # 256 rows a day
    [written] = write.partition_files(lake.load_table(("tpc", "sales_daily")), con, "select * from sales_daily", table)
    path = written.file_path.removeprefix("file://")
    groups = duckdb.sql(f"select row_group_num_rows, stats_min, stats_max, compression from parquet_metadata('{path}') "
                        "where path_in_schema = 'sale_date' order by stats_min").fetchall()
    day = lambda n: str(dt.date(2020, 1, 1) + dt.timedelta(days=n))  # noqa: E731
    assert groups == [(2048, day(first), day(first + 7), "SNAPPY") for first in range(0, 40, 8)]
    write.discard(lake.load_table(("tpc", "sales_daily")), [written])


def test_init_on_a_lake_made_before_the_marts_creates_them_from_the_lake_s_lines(lake, centers_warehouse, capsys):
    export.export(lake, centers_warehouse)
    for mart in warehouse.MARTS:   # the lake as an earlier version left it: lines, no marts
        lake.drop_table(("tpc", mart))
    assert main(["lake", "init"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"tpc.{name}: " + {"sales_daily": "created, 12 rows from the lake's lines",
                           "orders_daily": "created, 9 rows from the lake's lines",
                           "buyers_daily": "created, 9 rows from the lake's lines"}.get(name, "exists")
        for name in TABLES]
    for mart in warehouse.MARTS:
        same_as_embedded(lake, centers_warehouse, mart)
    assert main(["lake", "init"]) == 0   # again: nothing to do
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: exists" for name in TABLES]


def test_init_builds_the_marts_from_one_center_s_lines_at_a_time(lake, centers_warehouse, monkeypatch):
    """A lake of many centers' lines never sits in memory whole: init reads the lines center by center (the marts
    are per center), and the marts are the same as when built from all of them."""
    from pyiceberg.table import DataScan

    export.export(lake, centers_warehouse)
    for mart in warehouse.MARTS:
        lake.drop_table(("tpc", mart))
    reads, real = [], DataScan.to_arrow

    def recorded(scan):
        rows = real(scan)
        if scan.table_metadata.location.endswith("/sales"):
            reads.append(rows.num_rows)
        return rows

    monkeypatch.setattr(DataScan, "to_arrow", recorded)
    create.init(lake)
    assert sorted(reads) == [2, 11]   # NJ's 2 lines, SH's 11
    for mart in warehouse.MARTS:
        same_as_embedded(lake, centers_warehouse, mart)


def test_a_file_whose_partition_its_statistics_cannot_tell_is_refused_not_put_in_the_null_partition(lake, tmp_path):
    """DuckDB keeps 256 bytes of a string's statistics: a longer center (another engine's; ours are 60 bytes at
    most) cut mid-character reads as no bounds at all, which pyiceberg takes for the null partition."""
    import dataclasses

    from etl.lake import write

    daily = lake.load_table(("tpc", "sales_daily"))
    con = warehouse.connect(Path(":memory:"))
    con.execute("insert into sales_daily by name select date '2020-01-01' as sale_date, repeat('上', 86) as center, "
                "'storefront' as channel, 'SKU' as sku, 1 as lines, 1 as qty, 10 as gross_rmb, 0 as refund_rmb, "
                "10 as net_rmb")
    whole = dataclasses.replace(TABLES["sales_daily"], partition=())
    write.split_by_partition(con, daily.schema(), "select * from sales_daily", [], whole, None, tmp_path)
    with pytest.raises(ValueError, match=r"the partition of data.parquet cannot be told from its statistics \(center\)"):
        write.placed(daily, tmp_path / "data.parquet")
    assert not list(Path(daily.location().removeprefix("file://")).rglob("*.parquet"))


def test_init_builds_the_marts_of_lines_a_spec_without_centers_wrote(lake, centers_warehouse):
    """Lines another engine wrote under a partition spec that no longer splits by center still count: their centers
    are read from the rows."""
    export.export(lake, centers_warehouse)
    sales = lake.load_table(("tpc", "sales"))
    with sales.update_spec() as spec:
        spec.remove_field("center")
    nj = sales.scan(row_filter="center = 'NJ'").to_arrow()
    more = nj.set_column(nj.schema.get_field_index("center"), nj.schema.field("center"),
                         pa.array(["XM"] * nj.num_rows, nj.schema.field("center").type))
    lake.load_table(("tpc", "sales")).append(more)   # NJ's lines as XM's, in a file of the new spec
    for mart in warehouse.MARTS:
        lake.drop_table(("tpc", mart))
    create.init(lake)
    paid = "select center, count(*), sum(net_rmb) from t where is_paid group by 1 order by 1"
    daily = "select center, sum(lines)::bigint, sum(net_rmb) from t group by 1 order by 1"
    assert lake_rows(lake, "sales_daily", daily) == lake_rows(lake, "sales", paid) == [
        ("NJ", 2, Decimal("500.00")), ("SH", 10, Decimal("121957.99")), ("XM", 2, Decimal("500.00"))]


def test_a_commit_computed_from_a_table_that_moved_meanwhile_lands_nowhere(lake, centers_warehouse):
    """commit(read=...): the marts init builds from the lines land only if the lines are still those it read."""
    from pyiceberg.exceptions import CommitFailedException

    from etl.lake import commit

    export.export(lake, centers_warehouse)
    sales = lake.load_table(("tpc", "sales"))   # read before another writer moves it, below
    centers = lake.load_table(("tpc", "centers"))
    tx = centers.transaction()
    tx.append(pa.table({"center": ["XX"], "center_name": ["X"], "city": ["X"], "opened_on": pa.array([None], pa.date32())})
              .cast(centers.schema().as_arrow()))
    lake.load_table(("tpc", "sales")).overwrite(sales.scan().to_arrow())
    with pytest.raises(CommitFailedException, match="tpc.sales was committed by another writer first"):
        commit.commit(lake, [tx], read=(sales,))
    assert lake_rows(lake, "centers", "select count(*) from t where center = 'XX'") == [(0,)]
