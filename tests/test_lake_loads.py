"""Loads that publish to the lake (issue 14): one commit per run across every table, the same file a no-op for
every writer, two centers' writers at once both landing, a writer killed mid-commit leaving the last snapshot,
and a center's rows written from one warehouse only. A real throwaway PostgreSQL catalog and a file:// lake."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CENTERS_FILE, KEY, POS_NJ, ROOT, warehouse_rows, write_csv
from etl import config, pipeline
from etl.__main__ import main
from etl.publish import file_sha256
from fixtures import MASTER
from test_lake import lake_rows, same_as_embedded, snapshot_ids

pytest.importorskip("pyiceberg")

from etl.lake import commit, write  # noqa: E402
from etl.lake.tables import TABLES  # noqa: E402


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("TPC_BUYER_KEY", KEY.decode())


def center_warehouse(folder: Path, center: str) -> Path:
    """A center's own warehouse: the centers file and the product master, loaded before the lake was set."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "warehouse.duckdb"
    saved = {name: os.environ.pop(name) for name in (config.LAKE_CATALOG_ENV, config.LAKE_WAREHOUSE_ENV)
             if name in os.environ}
    try:
        results = pipeline.load_paths(db, [write_csv(folder / "centers.csv", CENTERS_FILE),
                                           write_csv(folder / "master.csv", MASTER)])
    finally:
        os.environ.update(saved)
    assert [r.status for r in results] == ["loaded", "loaded"], center
    return db


def pos_rows(prefix: str, count: int, day: str = "2020-03-01") -> list[list[str]]:
    """count receipts of one 10.00 line each, numbered prefix-0000…; 10.00 × count in all."""
    return [POS_NJ[0]] + [[f"{prefix}-{i:04d}", f"{day} 10:{i % 60:02d}:00", "TW-A003", "牛轧糖", "1", "10.00", "0",
                           "10.00", "现金"] for i in range(count)]


def lake_sales(lake) -> list[tuple]:
    return lake_rows(lake, "sales", "select center, count(*), sum(net_rmb) from t group by 1 order by 1")


def run_cli(*args, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_load_lands_in_the_lake_in_one_commit_across_its_tables(lake, keyed, tmp_path, capsys):
    db = center_warehouse(tmp_path / "nj", "NJ")
    before = snapshot_ids(lake)
    assert main(["load", "--db", str(db), "--center", "NJ", str(write_csv(tmp_path / "pos-nj.csv", POS_NJ))]) == 0
    out = capsys.readouterr().out
    assert ("lake: one commit (centers, products, sales 2 partitions, sales_daily 1 partition, orders_daily 1 partition, "
            "buyers_daily 1 partition, loads;") in out, out
    after = snapshot_ids(lake)
    # every table the run changed got exactly one snapshot, all tagged as this load; targets and leads untouched
    changed = {name for name in TABLES if after[name] != before[name]}
    assert changed == {"centers", "products", "sales", "sales_daily", "orders_daily", "buyers_daily", "loads"}
    for name in changed:
        table = lake.load_table(("tpc", name))
        assert len(table.snapshots()) == 1, name
        assert table.current_snapshot().summary["tpc.operation"] == "load"
    assert lake_sales(lake) == [("NJ", 2, Decimal("500.00"))]
    for name in TABLES:
        same_as_embedded(lake, db, name)


def test_the_same_file_again_is_a_no_op_for_every_writer(lake, keyed, tmp_path, capsys):
    nj = write_csv(tmp_path / "pos-nj.csv", POS_NJ)
    first = center_warehouse(tmp_path / "nj", "NJ")
    assert pipeline.load_paths(first, [nj], center="NJ")[0].status == "loaded"
    before = snapshot_ids(lake)
    # the same writer again, and a second warehouse given the same file for the same center
    other = center_warehouse(tmp_path / "nj-laptop", "NJ")
    assert main(["load", "--db", str(first), "--center", "NJ", str(nj)]) == 0
    assert main(["load", "--db", str(other), "--center", "NJ", str(nj)]) == 0
    out = capsys.readouterr().out
    assert "pos-nj.csv: skipped, same content as load 3 (pos-nj.csv); nothing to do" in out
    assert "pos-nj.csv: skipped, same content as load 3 (pos-nj.csv, already in the lake); nothing to do" in out
    assert snapshot_ids(lake) == before
    assert lake_sales(lake) == [("NJ", 2, Decimal("500.00"))]
    assert warehouse_rows(other, "select count(*) from sales") == [(0,)]


def test_load_ids_are_the_lake_s_own_so_two_centers_keep_theirs_apart(lake, keyed, tmp_path):
    sh, nj = center_warehouse(tmp_path / "sh", "SH"), center_warehouse(tmp_path / "nj", "NJ")
    assert pipeline.load_paths(sh, [write_csv(tmp_path / "pos-sh.csv", pos_rows("SH", 3))], center="SH")[0].load_id == 3
    assert pipeline.load_paths(nj, [write_csv(tmp_path / "pos-nj.csv", POS_NJ)], center="NJ")[0].load_id == 3
    # both warehouses call their POS file load 3; in the lake they are two loads, each sale joined to its own
    assert lake_rows(lake, "loads", "select center, file_name from t where file_name like 'pos-%' order by 1") == [
        ("NJ", "pos-nj.csv"), ("SH", "pos-sh.csv")]
    joined = ("select s.center, l.file_name, count(*), sum(s.net_rmb) from t as s join lake_loads as l using (load_id) "
              "group by all order by 1")
    import duckdb

    with duckdb.connect() as con:
        from test_lake import scanned

        con.register("t", scanned(lake, "sales"))
        con.register("lake_loads", scanned(lake, "loads"))
        assert con.execute(joined).fetchall() == [("NJ", "pos-nj.csv", 2, Decimal("500.00")),
                                                  ("SH", "pos-sh.csv", 3, Decimal("30.00"))]
        assert con.execute("select count(*), count(distinct load_id) from lake_loads").fetchone() == (4, 4)


def recording_writes(monkeypatch) -> list[tuple]:
    """Every write of a partitioned table's new data files, as (table, the files' centers, files written)."""
    written, real_write = [], write.partition_files

    def recorded_write(lake_table, *args, **kwargs):
        files = real_write(lake_table, *args, **kwargs)
        written.append((lake_table.name()[-1], ",".join(sorted({f.partition[0] for f in files})), len(files)))
        return files

    monkeypatch.setattr(write, "partition_files", recorded_write)
    return written


def test_two_centers_committing_at_the_same_moment_both_land(lake, keyed, tmp_path, monkeypatch):
    """Both writers stage against the same tables, then swap together: one wins, the other's swap finds the tables
    moved, rolls back all of its tables and redoes the publish on top of the winner's."""
    sh, nj = center_warehouse(tmp_path / "sh", "SH"), center_warehouse(tmp_path / "nj", "NJ")
    files = {sh: write_csv(tmp_path / "pos-sh.csv", pos_rows("SH", 40)),
             nj: write_csv(tmp_path / "pos-nj.csv", pos_rows("NJ", 25, "2020-03-02"))}
    together, lost, real = threading.Barrier(2, timeout=60), [], commit.swap

    def swap_together(catalog, staged, *rest):
        if len(lost) < 1:
            try:
                together.wait()
            except threading.BrokenBarrierError:
                pass
        try:
            return real(catalog, staged, *rest)
        except Exception as exc:
            lost.append(exc)
            raise

    monkeypatch.setattr(commit, "swap", swap_together)
    written = recording_writes(monkeypatch)
    results = {}

    def load(db, center):
        results[center] = pipeline.load_paths(db, [files[db]], center=center)

    threads = [threading.Thread(target=load, args=(sh, "SH")), threading.Thread(target=load, args=(nj, "NJ"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert {c: [r.status for r in rs] for c, rs in results.items()} == {"SH": ["loaded"], "NJ": ["loaded"]}
    assert len(lost) == 1 and "was committed by another writer first" in str(lost[0])
    assert lake_sales(lake) == [("NJ", 25, Decimal("250.00")), ("SH", 40, Decimal("400.00"))]
    assert lake_rows(lake, "sales", "select count(*), count(distinct (center, order_id)) from t") == [(65, 65)]
    # the loser's redo kept the sales file it had written (the winner touched other partitions): each center's
    # March file was written once, and every data file on disk is one the lake reads
    assert sorted(w for w in written if w[0] == "sales") == [("sales", "NJ", 1), ("sales", "SH", 1)]
    assert data_files_on_disk(lake, "sales") == referenced_data_files(lake, "sales") == live_data_files(lake, "sales")


def data_files_on_disk(lake, table: str) -> set[str]:
    folder = Path(lake.load_table(("tpc", table)).metadata.location.removeprefix("file://")) / "data"
    return {f"file://{path}" for path in folder.rglob("*.parquet")}


def live_data_files(lake, table: str) -> set[str]:
    return {task.file.file_path for task in lake.load_table(("tpc", table)).scan().plan_files()}


def referenced_data_files(lake, table: str) -> set[str]:
    """The data files any snapshot of the table reads (those a time-travel query may still need)."""
    found = lake.load_table(("tpc", table))
    return {task.file.file_path for snap in found.metadata.snapshots
            for task in found.scan(snapshot_id=snap.snapshot_id).plan_files()}


def test_a_redo_after_a_commit_that_moved_its_own_partitions_writes_them_again(lake, keyed, tmp_path, monkeypatch):
    """Between a publish's plan and its swap another commit rewrites the same center's partition (here the same
    warehouse's rows, published by hand): the redo cannot keep its files, so it deletes them, plans again on the
    table as it now stands, and the lake ends with the warehouse's rows once."""
    from etl.lake import export, loads

    sh = center_warehouse(tmp_path / "sh", "SH")
    assert [r.status for r in pipeline.load_paths(sh, [write_csv(tmp_path / "a.csv", pos_rows("SH", 10))],
                                                  center="SH")] == ["loaded"]
    real, moved = commit.swap, []

    def swap_after_another_commit(catalog, staged, *rest):
        if not moved:
            moved.append(data_files_on_disk(lake, "sales"))
            # another commit rewrites SH's March partition before ours swaps (its rows are the same as the lake's:
            # a compaction, say)
            sales = lake.load_table(("tpc", "sales"))
            sales.overwrite(sales.scan().to_arrow())
        return real(catalog, staged, *rest)

    monkeypatch.setattr(commit, "swap", swap_after_another_commit)
    written = recording_writes(monkeypatch)
    second = write_csv(tmp_path / "b.csv", pos_rows("SX", 5))
    assert [r.status for r in pipeline.load_paths(sh, [second], center="SH")] == ["loaded"]
    assert lake_sales(lake) == [("SH", 15, Decimal("150.00"))]
    same_as_embedded(lake, sh, "sales")
    # the redo wrote SH's March anew (the first attempt's file named rows the lake no longer holds as planned),
    # and that first attempt's file went: every data file on disk is one a snapshot reads
    assert [w for w in written if w[0] == "sales"] == [("sales", "SH", 1), ("sales", "SH", 1)]
    assert len(live_data_files(lake, "sales")) == 1
    assert data_files_on_disk(lake, "sales") == referenced_data_files(lake, "sales")
    assert len(data_files_on_disk(lake, "sales")) == 3   # the first load's, the hand rewrite's, the redo's


def test_two_writer_processes_at_once_lose_and_double_nothing(lake, keyed, tmp_path):
    sh, nj = center_warehouse(tmp_path / "sh", "SH"), center_warehouse(tmp_path / "nj", "NJ")
    runs = [run_cli("load", "--db", str(sh), "--center", "SH", str(write_csv(tmp_path / "pos-sh.csv", pos_rows("SH", 300)))),
            run_cli("load", "--db", str(nj), "--center", "NJ",
                    str(write_csv(tmp_path / "pos-nj.csv", pos_rows("NJ", 200, "2020-04-01"))))]
    outcomes = [(run.wait(300), run.stdout.read(), run.stderr.read()) for run in runs]
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    assert lake_sales(lake) == [("NJ", 200, Decimal("2000.00")), ("SH", 300, Decimal("3000.00"))]
    for db in (sh, nj):
        same_as_embedded(lake, db, "sales", f"center = '{'SH' if db == sh else 'NJ'}'")


@pytest.mark.parametrize("point", ["lake_metadata_written", "lake_committed"])
def test_a_load_killed_mid_commit_leaves_the_lake_whole_and_the_next_load_works(lake, keyed, tmp_path, point):
    db = center_warehouse(tmp_path / "nj", "NJ")
    assert pipeline.load_paths(db, [write_csv(tmp_path / "pos-nj.csv", POS_NJ)], center="NJ")[0].status == "loaded"
    before, local = snapshot_ids(lake), file_sha256(db)
    march = write_csv(tmp_path / "pos-nj-march.csv", pos_rows("NJ", 7))
    run = run_cli("load", "--db", str(db), "--center", "NJ", str(march), TPC_TEST_PAUSE_AT=point)
    for line in run.stderr:
        if f"TPC_PAUSE {point}" in line:
            break
    else:
        pytest.fail(f"the load ended before {point}: {run.wait()}")
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    if point == "lake_metadata_written":
        # killed before PostgreSQL's commit: the lake is its last snapshot, and the warehouse was not published
        assert snapshot_ids(lake) == before and file_sha256(db) == local
        assert lake_sales(lake) == [("NJ", 2, Decimal("500.00"))]
    else:
        # killed after it: the lake has the file, the warehouse does not yet
        assert lake_sales(lake) == [("NJ", 9, Decimal("570.00"))] and file_sha256(db) == local
    again = pipeline.load_paths(db, [march], center="NJ")
    assert [r.status for r in again] == ["loaded" if point == "lake_metadata_written" else "duplicate"]
    assert lake_sales(lake) == [("NJ", 9, Decimal("570.00"))]
    if point == "lake_metadata_written":
        for name in TABLES:
            same_as_embedded(lake, db, name)


def test_a_center_another_warehouse_publishes_is_refused_and_nothing_lands(lake, keyed, tmp_path, capsys):
    owner, other = center_warehouse(tmp_path / "nj", "NJ"), center_warehouse(tmp_path / "nj-laptop", "NJ")
    assert pipeline.load_paths(owner, [write_csv(tmp_path / "pos-nj.csv", POS_NJ)], center="NJ")[0].status == "loaded"
    before, local = snapshot_ids(lake), file_sha256(other)
    assert main(["load", "--db", str(other), "--center", "NJ", str(write_csv(tmp_path / "march.csv", pos_rows("NJ", 2)))]) == 2
    err = capsys.readouterr().err
    assert ("nothing loaded, here or in the lake: the lake holds 1 load(s) of center NJ that another warehouse "
            "published (load 3, pos-nj.csv): one center's loads go through one warehouse.") in err, err
    assert snapshot_ids(lake) == before and file_sha256(other) == local
    # taking the center over on purpose replaces the lake's NJ rows with this warehouse's (none yet)
    assert main(["lake", "export", "--db", str(other), "--center", "NJ", "--take-over"]) == 0
    assert lake_sales(lake) == []


def test_an_unreachable_lake_loads_nothing(keyed, tmp_path, monkeypatch, capsys):
    db = center_warehouse(tmp_path / "nj", "NJ")
    local = file_sha256(db)
    from pg import free_port

    monkeypatch.setenv(config.LAKE_CATALOG_ENV, f"postgresql+psycopg://tpc@127.0.0.1:{free_port()}/tpc")
    monkeypatch.setenv(config.LAKE_WAREHOUSE_ENV, (tmp_path / "lake").as_uri())
    assert main(["load", "--db", str(db), "--center", "NJ", str(write_csv(tmp_path / "pos-nj.csv", POS_NJ))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nothing loaded, here or in the lake: (psycopg.OperationalError) connection failed"), err
    assert file_sha256(db) == local


def test_a_product_master_the_lake_holds_is_loaded_here_but_not_written_again(lake, keyed, tmp_path):
    master = write_csv(tmp_path / "master-2.csv", MASTER + [["TW-A004", "4710000000042", "太阳饼", "宝岛酥坊", "糕点",
                                                            "6入", "88.00"]])
    sh, nj = center_warehouse(tmp_path / "sh", "SH"), center_warehouse(tmp_path / "nj", "NJ")
    assert pipeline.load_paths(sh, [master])[0].status == "loaded"
    products = lake.load_table(("tpc", "products")).current_snapshot().snapshot_id
    assert lake_rows(lake, "products", "select count(*) from t where sku = 'TW-A004'") == [(1,)]
    assert pipeline.load_paths(nj, [master])[0].status == "loaded"
    assert lake.load_table(("tpc", "products")).current_snapshot().snapshot_id == products
    assert warehouse_rows(nj, "select count(*) from products where sku = 'TW-A004'") == [(1,)]


def test_a_commit_whose_later_table_moved_lands_in_none_of_its_tables(lake):
    """Two tables staged together; before the swap another writer commits to the second (in name order): the
    first must not land alone."""
    import pyarrow as pa
    from pyiceberg.exceptions import CommitFailedException

    def staged(name: str, rows: pa.Table):
        table = lake.load_table(("tpc", name))
        tx = table.transaction()
        tx.append(rows.cast(table.schema().as_arrow()))
        return tx

    centers = pa.table({"center": ["SH"], "center_name": ["上海旗艦中心"], "city": ["上海"],
                        "opened_on": pa.array([None], pa.date32())})
    targets = pa.table({"year": pa.array([2020], pa.int16()), "month": pa.array([None], pa.int16()), "center": ["SH"],
                        "channel": ["storefront"], "target_rmb": pa.array([Decimal("1000.00")], pa.decimal128(18, 2)),
                        "load_id": pa.array([1], pa.int32())})
    ours = [staged("centers", centers), staged("targets", targets)]
    lake.load_table(("tpc", "targets")).append(targets.cast(lake.load_table(("tpc", "targets")).schema().as_arrow()))
    before = snapshot_ids(lake)
    with pytest.raises(CommitFailedException, match="tpc.targets was committed by another writer first"):
        commit.commit(lake, ours)
    assert snapshot_ids(lake) == before
    assert lake_rows(lake, "centers", "select count(*) from t") == [(0,)]


def data_manifests(lake, table: str) -> int:
    from pyiceberg.manifest import ManifestContent

    found = lake.load_table(("tpc", table))
    return sum(m.content == ManifestContent.DATA for m in found.current_snapshot().manifests(found.io))


def test_a_publish_that_would_leave_many_manifests_merges_them_in_its_own_commit(lake, keyed, tmp_path, monkeypatch):
    """Each load adds a manifest to each table it changes; once a table would have MERGE_MANIFESTS_FROM (here 3)
    the load's commit merges them too, in the same commit: a server's plan reads few, the rows stay exactly."""
    from etl.lake import compact

    monkeypatch.setattr(compact, "MERGE_MANIFESTS_FROM", 3)
    sh = center_warehouse(tmp_path / "sh", "SH")
    counts, snapshots, added_per_load = [], [], []
    for i, day in enumerate(("2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01")):
        before = snapshot_ids(lake)["sales"]
        [result] = pipeline.load_paths(sh, [write_csv(tmp_path / f"pos-{i}.csv", pos_rows(f"R{i}", 3, day))],
                                       center="SH")
        assert result.status == "loaded"
        counts.append(data_manifests(lake, "sales"))
        sales = lake.load_table(("tpc", "sales"))
        added = [s for s in sales.metadata.snapshots if s.snapshot_id not in snapshots and s.snapshot_id != before]
        snapshots += [before] + [s.snapshot_id for s in added]
        added_per_load.append(len(added))
    # 1, 2, then the third load's merged into 1, 2, the fifth's merged again: each merge a second snapshot of the
    # same commit (no other writer could come between)
    assert counts == [1, 2, 1, 2, 1]
    assert added_per_load == [1, 1, 2, 1, 2]
    assert lake_sales(lake) == [("SH", 15, Decimal("150.00"))]
    for table in ("sales", "sales_daily", "loads"):
        same_as_embedded(lake, sh, table)
        assert data_manifests(lake, table) < 3, table
