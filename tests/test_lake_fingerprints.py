"""Partition fingerprints kept in the catalog database (etl/lake/fingerprints.py): a publish compares the
warehouse's rows with the lake's without reading the lake's rows back, and reads them back wherever a kept
fingerprint may no longer be true (the partition's files changed, another DuckDB hashed it, no fingerprint yet)."""
from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import duckdb
import pytest
from sqlalchemy import text

from conftest import KEY, POS_NJ, write_csv
from etl import config, pipeline

pytest.importorskip("pyiceberg")
from etl.lake import commit, export, fingerprints  # noqa: E402
from etl.lake.tables import TABLES, partition_keys  # noqa: E402
from test_lake import lake_rows, nj_a_day_later, same_as_embedded, snapshot_ids  # noqa: E402

PARTITIONED = [name for name, table in TABLES.items() if table.partition]


def lake_side(catalog, name: str) -> dict[tuple, tuple]:
    """{partition: (rows, hash sum, files digest)} of the lake table as it is, its rows read back and hashed."""
    table = catalog.load_table(("tpc", name))
    files: dict[tuple, list[str]] = {}
    for task in table.scan().plan_files():
        files.setdefault(export.file_key(task.file), []).append(task.file.file_path)
    with duckdb.connect() as con:
        con.register("t", table.scan().to_arrow())
        prints = fingerprints.of(con, table.schema(), partition_keys(TABLES[name]), "select * from t")
    assert set(prints) == set(files)
    return {key: (*prints[key], fingerprints.files_digest(files[key])) for key in prints}


def kept_side(catalog, name: str) -> dict[tuple, tuple]:
    kept = fingerprints.kept(catalog.engine, name, ["SH", "NJ", None])
    return {key: (k.rows, k.row_hash, k.files) for key, k in kept.items()}


def counting_read_backs(monkeypatch) -> list[int]:
    """Each read-back's number of data files, as the publish reads them."""
    real, reads = export.read_back, []

    def counted(con, lake, schema, keys, tasks):
        reads.append(len(tasks))
        return real(con, lake, schema, keys, tasks)

    monkeypatch.setattr(export, "read_back", counted)
    return reads


def published(catalog, db) -> None:
    """The warehouse exported into the lake, and exported again: the first writes every partition without hashing
    it, the second reads them back once and keeps their fingerprints."""
    export.export(catalog, db)
    assert {e.status for e in export.export(catalog, db)} == {"unchanged"}


def test_a_first_publish_keeps_no_fingerprint_and_the_next_keeps_each_partition_s_of_exactly_its_files(
        lake, centers_warehouse, monkeypatch):
    export.export(lake, centers_warehouse)
    assert all(kept_side(lake, name) == {} for name in PARTITIONED)
    reads = counting_read_backs(monkeypatch)
    assert {e.status for e in export.export(lake, centers_warehouse)} == {"unchanged"}
    assert len(reads) == len(PARTITIONED)
    for name in PARTITIONED:
        assert kept_side(lake, name) == lake_side(lake, name), name
    sales = kept_side(lake, "sales")
    # NJ: 2019-01 and 2020-01 (months since 1970: 588, 600); SH: its storefront, fair and Tmall months
    assert {key: rows for key, (rows, _, _) in sales.items() if key[0] == "NJ"} == {
        ("NJ", "storefront", 588): 1, ("NJ", "storefront", 600): 1}
    assert sum(rows for rows, _, _ in sales.values()) == 13
    with lake.engine.connect() as conn:
        assert conn.execute(text("select count(*), count(distinct hasher) from tpc_fingerprints "
                                 "where table_name = 'sales'")).fetchone() == (len(sales), 1)


def test_a_later_publish_reads_no_lake_rows_where_the_kept_fingerprints_hold(lake, centers_warehouse, tmp_path,
                                                                               monkeypatch):
    published(lake, centers_warehouse)
    newer = nj_a_day_later(centers_warehouse, tmp_path, monkeypatch)
    reads = counting_read_backs(monkeypatch)
    done = {e.table: e for e in export.export(lake, newer, center="NJ")}
    assert reads == []
    # only NJ's March is new in the lines; each mart's one NJ partition changed
    assert {t: (done[t].status, done[t].partitions, done[t].rows_before, done[t].rows) for t in PARTITIONED} == {
        "sales": ("replaced", 1, 2, 3), "leads": ("unchanged", 0, 0, 0), "sales_daily": ("replaced", 1, 2, 3),
        "orders_daily": ("replaced", 1, 2, 3), "buyers_daily": ("replaced", 1, 2, 3)}
    assert lake_rows(lake, "sales", "select center, count(*), sum(net_rmb) from t group by 1 order by 1") == [
        ("NJ", 3, Decimal("600.00")), ("SH", 11, Decimal("121957.99"))]
    for name in PARTITIONED:
        same_as_embedded(lake, newer, name, "center = 'NJ'")
        assert kept_side(lake, name) == lake_side(lake, name), name
    before = snapshot_ids(lake)
    assert {e.status for e in export.export(lake, newer, center="NJ")} == {"unchanged"}
    assert snapshot_ids(lake) == before and reads == []


def test_a_partition_rewritten_behind_the_publish_s_back_is_read_back_and_mended(lake, centers_warehouse,
                                                                                  monkeypatch):
    """Another engine deletes a line of SH's January storefront (copy-on-write: the partition's file is replaced by
    one without it). The kept fingerprint is of the old file: not trusted, the partition is read back, found to
    differ from the warehouse and rewritten; the other partitions are not read."""
    published(lake, centers_warehouse)
    january = ("SH", "storefront", 600)
    lake.load_table(("tpc", "sales")).delete("center = 'SH' and order_id = 'S20200106-0001'")
    assert lake_rows(lake, "sales", "select count(*) from t") == [(12,)]
    reads = counting_read_backs(monkeypatch)
    done = {e.table: e for e in export.export(lake, centers_warehouse)}
    assert reads == [1]   # one data file: January's, the only one whose kept fingerprint no longer holds
    assert (done["sales"].status, done["sales"].partitions, done["sales"].rows) == ("replaced", 1, 13)
    same_as_embedded(lake, centers_warehouse, "sales")
    assert kept_side(lake, "sales") == lake_side(lake, "sales")
    assert kept_side(lake, "sales")[january][0] == 4


def test_fingerprints_hashed_by_another_duckdb_are_read_back_and_kept_anew(lake, centers_warehouse, monkeypatch):
    published(lake, centers_warehouse)
    with lake.engine.begin() as conn:
        conn.execute(text("update tpc_fingerprints set hasher = 'duckdb 0.9.2 hash', row_hash = 1"))
    before = snapshot_ids(lake)
    reads = counting_read_backs(monkeypatch)
    done = export.export(lake, centers_warehouse)
    # every partitioned table read back once, its rows found equal to the warehouse's: no snapshot anywhere
    assert len(reads) == len(PARTITIONED) and {e.status for e in done} == {"unchanged"}
    assert snapshot_ids(lake) == before
    with lake.engine.connect() as conn:
        assert conn.execute(text("select distinct hasher from tpc_fingerprints")).fetchall() == [
            (fingerprints.HASHER,)]
    for name in PARTITIONED:
        assert kept_side(lake, name) == lake_side(lake, name), name
    export.export(lake, centers_warehouse)
    assert len(reads) == len(PARTITIONED)   # kept anew: the next publish reads nothing back


def test_a_lake_without_kept_fingerprints_is_read_back_once(lake, centers_warehouse, monkeypatch):
    """A lake published before fingerprints were kept (or whose table was emptied by hand)."""
    published(lake, centers_warehouse)
    with lake.engine.begin() as conn:
        conn.execute(text("delete from tpc_fingerprints"))
    reads = counting_read_backs(monkeypatch)
    assert {e.status for e in export.export(lake, centers_warehouse)} == {"unchanged"}
    assert len(reads) == len(PARTITIONED)
    for name in PARTITIONED:
        assert kept_side(lake, name) == lake_side(lake, name), name


def test_a_lost_commit_keeps_none_of_its_fingerprints(lake, centers_warehouse, tmp_path, monkeypatch):
    """The fingerprints go in the swaps' database transaction: a swap that finds a table moved rolls them back."""
    from pyiceberg.exceptions import CommitFailedException

    published(lake, centers_warehouse)
    before = kept_side(lake, "sales")
    newer = nj_a_day_later(centers_warehouse, tmp_path, monkeypatch)
    sales = lake.load_table(("tpc", "sales"))
    plan = export.plan(lake, published_from(lake, newer), TABLES["sales"], export.Scope(("NJ",), network=False))
    assert plan.changes == {("NJ", "storefront", 602)} and plan.prints
    lake.load_table(("tpc", "sales")).overwrite(sales.scan().to_arrow())   # another writer moves the table
    with pytest.raises(CommitFailedException, match="tpc.sales was committed by another writer first"):
        commit.commit(lake, [plan.transaction({})], statements=plan.prints)
    plan.discard()
    assert kept_side(lake, "sales") == before


def published_from(catalog, db):
    """A connection to the warehouse as a publish plans from it: its load ids mapped to the lake's."""
    import pyarrow as pa

    from etl import warehouse
    from etl.lake import ids

    con = warehouse.attached(db)
    mapping = ids.mapped(catalog.engine, con)
    con.register("lake_load_ids", pa.table({"local_id": pa.array(list(mapping), pa.int64()),
                                            "lake_id": pa.array(list(mapping.values()), pa.int64())}))
    return con


def test_a_compacted_partition_s_fingerprint_moves_to_its_new_file(lake, centers_warehouse, monkeypatch):
    """SH's January storefront in two files (as a publish writes a large partition: a thread's share each), its
    fingerprint kept of the two: lake compact rewrites them into one and moves the fingerprint along, so the next
    publish reads nothing back."""
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.io.pyarrow import ArrowScan

    from etl.lake import compact, write

    published(lake, centers_warehouse)
    january = ("SH", "storefront", 600)
    sales = lake.load_table(("tpc", "sales"))
    [task] = [t for t in sales.scan().plan_files() if export.file_key(t.file) == january]
    rows = ArrowScan(sales.metadata, sales.io, sales.schema(), AlwaysTrue()).to_table([task])
    assert rows.num_rows == 4
    halves = []
    with duckdb.connect() as con:
        for half in (rows.slice(0, 2), rows.slice(2)):
            con.register("half", half)
            halves += write.partition_files(sales, con, "select * from half", TABLES["sales"])
        con.register("january", rows)
        [(n, h)] = fingerprints.of(con, sales.schema(), partition_keys(TABLES["sales"]), "select * from january").values()
    with sales.transaction() as tx:
        with tx.update_snapshot().overwrite() as files:
            files.delete_data_file(task.file)
            for data_file in halves:
                files.append_data_file(data_file)
    fingerprints.keep(lake.engine, fingerprints.statements("sales", sales.schema().schema_id, {
        january: (fingerprints.files_digest(f.file_path for f in halves), n, h)}, set()))
    assert kept_side(lake, "sales") == lake_side(lake, "sales")   # the fingerprint a publish of two files keeps

    [done] = compact.compact(lake, "sales")
    assert (done.files, done.partitions, done.files_after) == (2, 1, 1)
    assert kept_side(lake, "sales") == lake_side(lake, "sales")
    reads = counting_read_backs(monkeypatch)
    assert {e.status for e in export.export(lake, centers_warehouse)} == {"unchanged"}
    assert reads == []


def test_a_re_export_that_changes_one_amount_and_no_count_is_rewritten_without_reading_back(
        lake, centers_warehouse, tmp_path, monkeypatch):
    """The same receipt again in a later export, 300.00 become 299.99: NJ's January keeps its one line, so only the
    hash tells the partitions apart; the kept fingerprint is compared, nothing is read back, and the lake holds the
    new amount once."""
    published(lake, centers_warehouse)
    newer = tmp_path / "nj" / "warehouse.duckdb"
    newer.parent.mkdir()
    shutil.copy(centers_warehouse, newer)
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())
    fixed = [POS_NJ[0], POS_NJ[2][:5] + ["299.99", "0", "299.99", "现金"]]
    with monkeypatch.context() as offline:
        offline.delenv(config.LAKE_CATALOG_ENV)
        [result] = pipeline.load_paths(newer, [write_csv(tmp_path / "pos-nj-fixed.csv", fixed)], center="NJ")
    assert result.status == "loaded"
    reads = counting_read_backs(monkeypatch)
    done = {e.table: e for e in export.export(lake, newer, center="NJ")}
    assert reads == []
    assert (done["sales"].status, done["sales"].partitions, done["sales"].rows_before, done["sales"].rows) == (
        "replaced", 1, 2, 2)
    assert lake_rows(lake, "sales", "select order_id, sale_date, net_rmb from t where center = 'NJ' order by 2") == [
        ("S20190105-0001", dt.date(2019, 1, 5), Decimal("200.00")),
        ("S20200105-0001", dt.date(2020, 1, 8), Decimal("299.99"))]
    for name in PARTITIONED:
        same_as_embedded(lake, newer, name, "center = 'NJ'")


def test_a_partition_read_through_delete_files_keeps_no_fingerprint(lake, centers_warehouse, monkeypatch):
    """Another engine's delete file on SH's January storefront (faked: pyiceberg writes none). Read back, its rows
    are hashed with the deletes applied: not a fact about its data files alone (a rollback could take the deletes
    away and leave the files), so the publish keeps no fingerprint of it; the other partitions keep theirs."""
    from pyiceberg.table import DataScan, FileScanTask

    published(lake, centers_warehouse)
    january = ("SH", "storefront", 600)
    with lake.engine.begin() as conn:
        conn.execute(text("delete from tpc_fingerprints where table_name = 'sales' and partition_key = :key"),
                     {"key": fingerprints.key_text(january)})
    real_plan, real_read, reads = DataScan.plan_files, export.read_back, []

    def with_a_delete_file(self):
        return [FileScanTask(task.file, delete_files={task.file}) if export.file_key(task.file) == january else task
                for task in real_plan(self)]

    def read_without_it(con, lake_table, schema, keys, tasks):
        reads.append(sorted(export.file_key(task.file) for task in tasks))
        return real_read(con, lake_table, schema, keys, [FileScanTask(task.file) for task in tasks])

    with monkeypatch.context() as faked:
        faked.setattr(DataScan, "plan_files", with_a_delete_file)
        faked.setattr(export, "read_back", read_without_it)
        assert {e.status for e in export.export(lake, centers_warehouse)} == {"unchanged"}
    assert reads == [[january]]
    kept = kept_side(lake, "sales")
    assert january not in kept and set(kept) == set(lake_side(lake, "sales")) - {january}
