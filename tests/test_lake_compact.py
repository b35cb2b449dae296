"""`lake compact` (issue 14): a partition's small data files rewritten into one, the rows exactly the same, old
snapshots expired and the files only they referred to deleted; against the throwaway PostgreSQL catalog."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pyarrow.compute as pc
import pytest

from etl import config
from etl.__main__ import main

pyiceberg = pytest.importorskip("pyiceberg")

from etl.lake import compact, export, status  # noqa: E402
from etl.lake.tables import TABLES  # noqa: E402

SALES = ("tpc", "sales")
PARTITIONS = 7   # of the two-center warehouse's sales (center, channel, month)


def shifted(rows, fen: int):
    """The rows again, each net_rmb `fen` fen higher (another load's rows, as the lake's own schema has them)."""
    with duckdb.connect() as con:
        con.register("rows", rows)
        more = con.sql("select * replace (net_rmb + cast($fen as decimal(18, 2)) as net_rmb) from rows",
                       params={"fen": str(Decimal(fen) / 100)}).to_arrow_table()
    return more.cast(rows.schema)


@pytest.fixture
def three_loads(lake, centers_warehouse):
    """The lake's sales after an export and two appends of the same rows shifted by 1 and 2 fen: three commits,
    three small files in each partition. The lake's catalog."""
    export.export(lake, centers_warehouse)
    sales = lake.load_table(SALES)
    first = sales.scan().to_arrow()
    for fen in (1, 2):
        sales.append(shifted(first, fen))
    return lake


def current(lake):
    return lake.load_table(SALES).scan().to_arrow()


def totals(rows) -> tuple:
    with duckdb.connect() as con:
        con.register("t", rows)
        return con.execute("select count(*), sum(net_rmb), sum(paid_rmb) from t").fetchone()


def differing(a, b) -> tuple[int, int]:
    """Rows of a not in b and of b not in a, as many times as each occurs (EXCEPT ALL both ways)."""
    with duckdb.connect() as con:
        con.register("a", a)
        con.register("b", b)
        return (con.execute("select count(*) from (select * from a except all select * from b)").fetchone()[0],
                con.execute("select count(*) from (select * from b except all select * from a)").fetchone()[0])


def files_per_partition(lake) -> list[int]:
    return [files for _, files, _ in status.partitions(lake.load_table(SALES))]


def parquet_on_disk(lake) -> set[str]:
    folder = Path(lake.load_table(SALES).metadata.location.removeprefix("file://")) / "data"
    return {str(path) for path in folder.rglob("*.parquet")}


def live_files(lake, snapshot_id=None) -> set[str]:
    scan = lake.load_table(SALES).scan(snapshot_id=snapshot_id)
    return {task.file.file_path.removeprefix("file://") for task in scan.plan_files()}


def test_compact_leaves_one_file_per_partition_with_the_rows_exactly(three_loads, capsys):
    before = current(three_loads)
    assert files_per_partition(three_loads) == [3] * PARTITIONS
    assert main(["lake", "compact", "--table", "sales"]) == 0
    snapshot = three_loads.load_table(SALES).current_snapshot()
    assert capsys.readouterr().out.splitlines() == [
        f"tpc.sales: {3 * PARTITIONS} files in {PARTITIONS} partitions compacted into {PARTITIONS} "
        f"(snapshot {snapshot.snapshot_id})"]
    assert snapshot.summary.operation.value == "overwrite"
    assert files_per_partition(three_loads) == [1] * PARTITIONS
    after = current(three_loads)
    assert totals(after) == totals(before) == (39, Decimal("367374.36"), Decimal("367404.00"))
    assert differing(before, after) == (0, 0)
    assert str(after.schema.field("net_rmb").type) == "decimal128(18, 2)"


def test_a_second_compact_makes_no_snapshot(three_loads, capsys):
    assert main(["lake", "compact"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[3].startswith(f"tpc.sales: {3 * PARTITIONS} files in {PARTITIONS} partitions compacted into ")
    assert first[:3] + first[4:] == [f"tpc.{name}: nothing to compact" for name in TABLES if name != "sales"]
    snapshots = {name: len(three_loads.load_table(("tpc", name)).snapshots()) for name in TABLES}
    assert main(["lake", "compact"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: nothing to compact" for name in TABLES]
    assert {name: len(three_loads.load_table(("tpc", name)).snapshots()) for name in TABLES} == snapshots
    assert snapshots["sales"] == 4


def test_snapshots_within_the_retention_are_kept_and_still_scan(three_loads):
    sales = three_loads.load_table(SALES)
    ids = [s.snapshot_id for s in sales.snapshots()]
    older = {snapshot_id: sales.scan(snapshot_id=snapshot_id).to_arrow() for snapshot_id in ids}
    [done] = compact.compact(three_loads, "sales", retain_days=0, retain_last=2)
    assert (done.expired, done.deleted) == (2, 2)    # the first two manifest lists; their manifests are still read
    assert compact.described(done) == (f"21 files in 7 partitions compacted into 7 (snapshot {done.snapshot_id}); "
                                       f"2 snapshots expired, 2 files no longer referred to deleted")
    sales = three_loads.load_table(SALES)
    assert [s.snapshot_id for s in sales.snapshots()] == [ids[2], done.snapshot_id]
    assert [sales.snapshot_by_id(i) for i in ids[:2]] == [None, None]
    kept = sales.scan(snapshot_id=ids[2]).to_arrow()
    assert totals(kept) == (39, Decimal("367374.36"), Decimal("367404.00"))
    assert differing(kept, older[ids[2]]) == (0, 0)
    assert parquet_on_disk(three_loads) == live_files(three_loads, ids[2]) | live_files(three_loads)


def test_expiring_all_but_the_current_snapshot_deletes_the_small_files(three_loads, capsys):
    before = current(three_loads)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    compact.compact(three_loads, "sales")
    [done] = compact.compact(three_loads, "sales", retain_last=1, now=later)
    # three snapshots' manifest lists and manifests, and their 3 x 7 small files
    assert (done.snapshot_id, done.expired, done.deleted) == (None, 3, 3 + 3 + 3 * PARTITIONS)
    assert compact.described(done) == "nothing to compact; 3 snapshots expired, 27 files no longer referred to deleted"
    assert len(three_loads.load_table(SALES).snapshots()) == 1
    assert parquet_on_disk(three_loads) == live_files(three_loads)
    assert len(live_files(three_loads)) == PARTITIONS
    assert differing(before, current(three_loads)) == (0, 0)


def test_the_default_retention_expires_nothing_this_week(three_loads):
    [done] = compact.compact(three_loads, "sales", retain_last=1)
    assert (done.expired, done.deleted) == (0, 0)
    assert len(three_loads.load_table(SALES).snapshots()) == 4


def test_a_commit_beside_the_compaction_loses_no_row(three_loads, monkeypatch):
    before = current(three_loads)
    extra = shifted(before.filter(pc.equal(before["center"], "NJ")), 5)   # 6 rows in NJ's 2 partitions
    real, calls = compact.replace_files, []

    def another_writer_first(table, *args):
        if not calls:
            three_loads.load_table(SALES).append(extra)   # a load's commit lands just before the compaction's
        calls.append(table.current_snapshot().snapshot_id)
        return real(table, *args)

    monkeypatch.setattr(compact, "replace_files", another_writer_first)
    [done] = compact.compact(three_loads, "sales")
    assert len(calls) == 2 and extra.num_rows == 6
    assert (done.files, done.partitions, done.files_after) == (3 * PARTITIONS + 2, PARTITIONS, PARTITIONS)
    assert files_per_partition(three_loads) == [1] * PARTITIONS
    after = current(three_loads)
    assert totals(after) == (45, Decimal("368874.72"), Decimal("368904.00"))
    assert differing(after, before) == (6, 0)
    # the files the lost attempt wrote went: every parquet file is one a snapshot reads
    assert parquet_on_disk(three_loads) == set().union(
        *(live_files(three_loads, s.snapshot_id) for s in three_loads.load_table(SALES).snapshots()))


@pytest.mark.parametrize("sizes, groups", [
    ([60, 50, 40, 30], [[60, 40], [50, 30]]),
    ([70, 70, 70], [[70], [70], [70]]),           # none fit together: nothing to rewrite
    ([10, 20, 30, 40], [[40, 30, 20, 10]]),
    ([100, 1], [[100], [1]]),
])
def test_small_files_are_packed_largest_first_up_to_the_target(sizes, groups):
    files = [SimpleNamespace(file_size_in_bytes=size, file_path=f"f{i}") for i, size in enumerate(sizes)]
    assert [[f.file_size_in_bytes for f in group] for group in compact.packed(files, 100)] == groups


def test_compact_without_the_lake_or_of_an_unknown_table_exits_2(lake, monkeypatch, capsys):
    assert main(["lake", "compact"]) == 0   # tables without a snapshot yet
    assert capsys.readouterr().out.splitlines() == [f"tpc.{name}: nothing to compact" for name in TABLES]
    assert main(["lake", "compact", "--table", "orders"]) == 2
    assert capsys.readouterr().err.strip() == ("nothing compacted: no lake table 'orders' (the tables: centers, "
                                               "products, targets, sales, leads, sales_daily, orders_daily, buyers_daily, "
                                               "rejects, loads)")
    assert main(["lake", "compact", "--target-mb", "0"]) == 2
    assert "--target-mb must be at least 1" in capsys.readouterr().err
    monkeypatch.delenv(config.LAKE_CATALOG_ENV)
    assert main(["lake", "compact"]) == 2
    assert "no lake configured: set TPC_LAKE_CATALOG" in capsys.readouterr().err


def test_compact_deletes_the_files_no_snapshot_names_once_a_day_old_and_no_other(three_loads):
    """A killed writer's data files (here: two stray ones) are named by no snapshot: compact deletes such a file
    when it is older than a day, never a younger one (a running publish may be about to commit it), and never a file
    a snapshot names, however old."""
    import os

    folder = Path(three_loads.load_table(SALES).metadata.location.removeprefix("file://")) / "data"
    partition = next(p for p in folder.rglob("*") if p.is_dir() and not any(c.is_dir() for c in p.iterdir()))
    old, fresh = partition / "00000-0-killed-old.parquet", partition / "00000-0-killed-fresh.parquet"
    two_days_ago = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()
    for stray in (old, fresh):
        stray.write_bytes(b"PAR1 cut off")
    named = sorted(parquet_on_disk(three_loads) - {str(old), str(fresh)})
    for path in [str(old), *named]:
        os.utime(path, (two_days_ago, two_days_ago))
    before = current(three_loads)
    [done] = compact.compact(three_loads, "sales")
    assert done.orphans == 1 and compact.described(done).endswith("; 1 orphan files deleted")
    assert not old.exists() and fresh.exists()
    assert all(Path(path).exists() for path in named)   # every file a snapshot names, the three loads' small ones too
    assert differing(before, current(three_loads)) == (0, 0)
    [again] = compact.compact(three_loads, "sales", now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    assert again.orphans == 1 and not fresh.exists()


def test_a_table_s_many_manifests_are_merged_and_its_rows_and_files_stay(three_loads, monkeypatch):
    """Each publish adds a manifest to each table it changes, and every reader's plan reads them all: once a table
    has MERGE_MANIFESTS_FROM of them, compact merges them in a snapshot that adds and removes no data file."""
    monkeypatch.setattr(compact, "MERGE_MANIFESTS_FROM", 3)
    before = current(three_loads)
    files = live_files(three_loads)
    sales = three_loads.load_table(SALES)
    snapshots = len(sales.snapshots())
    assert (len(sales.current_snapshot().manifests(sales.io)), len(files)) == (3, 3 * PARTITIONS)
    assert compact.merge_manifests(three_loads, "sales") == (3, 1)
    sales = three_loads.load_table(SALES)
    assert len(sales.current_snapshot().manifests(sales.io)) == 1
    assert sales.current_snapshot().summary["tpc.operation"] == "merge-manifests"
    assert live_files(three_loads) == files
    assert totals(current(three_loads)) == totals(before) == (39, Decimal("367374.36"), Decimal("367404.00"))
    assert differing(before, current(three_loads)) == (0, 0)
    assert compact.merge_manifests(three_loads, "sales") == (1, 1)   # again: nothing to merge, no snapshot
    assert len(three_loads.load_table(SALES).snapshots()) == snapshots + 1
    merged = compact.Compacted("sales", 0, 0, 0, None, 0, 0, 0, (3, 1))
    assert compact.described(merged) == "nothing to compact; 3 manifests merged into 1"


def test_a_compacted_mart_keeps_its_layout_ordered_by_day_and_snappy(lake, centers_warehouse):
    """A mart's small files are rewritten as the mart's layout says (tables.MART_LAYOUT): its rows ordered by day,
    Snappy, the table's field ids; the rows exactly the same."""
    export.export(lake, centers_warehouse)
    daily = lake.load_table(("tpc", "sales_daily"))
    first = daily.scan().to_arrow()
    for fen in (2, 1):   # appended out of day order, as pyiceberg writes (zstd)
        daily.append(shifted(first.sort_by([("sale_date", "descending")]), fen))
    before = lake.load_table(("tpc", "sales_daily")).scan().to_arrow()
    done = compact.compact(lake, "sales_daily")[0]
    assert (done.files, done.partitions, done.files_after) == (6, 2, 2)
    after = lake.load_table(("tpc", "sales_daily"))
    assert differing(before, after.scan().to_arrow()) == (0, 0)
    for task in after.scan().plan_files():
        path = task.file.file_path.removeprefix("file://")
        days = [d for (d,) in duckdb.sql(f"select sale_date from read_parquet('{path}')").fetchall()]
        assert days == sorted(days) and len(days) == task.file.record_count
        codecs = duckdb.sql(f"select distinct compression from parquet_metadata('{path}')").fetchall()
        assert codecs == [("SNAPPY",)]
        ids = duckdb.sql(f"select name, field_id from parquet_schema('{path}') where field_id is not null").fetchall()
        assert dict(ids) == {f.name: f.field_id for f in after.schema().fields}


def test_an_unpartitioned_table_s_small_files_are_compacted_too(lake, centers_warehouse):
    """loads (like centers, products, targets, rejects) has no partitions: each publish appends its own small file
    there, and compact packs them into one, the rows exactly the same."""
    export.export(lake, centers_warehouse)
    loads = lake.load_table(("tpc", "loads"))
    first = loads.scan().to_arrow()
    for step in (100, 200):
        loads.append(first.set_column(first.schema.get_field_index("load_id"), "load_id",
                                      pc.add(first["load_id"], step)).cast(first.schema))
    before = lake.load_table(("tpc", "loads")).scan().to_arrow()
    assert len(list(lake.load_table(("tpc", "loads")).scan().plan_files())) == 3
    done = compact.compact(lake, "loads")[0]
    assert (done.files, done.partitions, done.files_after) == (3, 1, 1)
    after = lake.load_table(("tpc", "loads"))
    [task] = list(after.scan().plan_files())
    assert task.file.file_path.startswith(after.metadata.location + "/data/0")   # no empty partition folder
    assert differing(before, after.scan().to_arrow()) == (0, 0)
    assert after.scan().to_arrow().num_rows == 3 * first.num_rows == 27   # the 9 loads of the two-center warehouse


def test_a_rewrite_that_comes_out_of_another_partition_is_refused_and_leaves_nothing(three_loads, monkeypatch):
    """The files a group is rewritten into must be its partition again (as their statistics tell it): else the
    compaction stops before its commit, and the files it wrote are gone."""
    from etl.lake import write

    real = write.partition_files
    monkeypatch.setattr(write, "partition_files", lambda table, con, rows, lake_table: real(
        table, con, "select * replace ('ZZ' as center) from compacted_rows", lake_table))
    on_disk, snapshot = parquet_on_disk(three_loads), three_loads.load_table(SALES).current_snapshot().snapshot_id
    with pytest.raises(RuntimeError, match=r"sales: rewrote \d+ rows of partition .* as \d+ rows of partition"):
        compact.compact(three_loads, "sales")
    assert parquet_on_disk(three_loads) == on_disk
    assert three_loads.load_table(SALES).current_snapshot().snapshot_id == snapshot
