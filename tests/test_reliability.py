"""Loads while people read: a killed load leaves the warehouse as it was, concurrent loads serialise,
and readers querying throughout repeated publishes see only whole published states."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest

from conftest import KEY, ROOT, rows, write_csv
from etl import pipeline, warehouse
from etl.publish import file_sha256
from fixtures import ORDERS, POS


def run_env(**extra):
    return {**os.environ, "TPC_BUYER_KEY": KEY.decode(), "PYTHONPATH": str(ROOT), **extra}


def start_load(db, path, **extra):
    return subprocess.Popen([sys.executable, "-m", "etl", "load", str(path), "--db", str(db)], cwd=ROOT,
                            env=run_env(**extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_marker(process, point):
    for line in process.stderr:
        if f"TPC_PAUSE {point}" in line:
            return
    pytest.fail(f"the load ended before {point}: {process.wait()}")


def pos_file(path, receipt_prefix):
    """The POS fixture with its receipts renamed, so each file adds 4 lines and 484.00 of its own."""
    return write_csv(path, [POS[0]] + [[f"{receipt_prefix}-{r[0]}", *r[1:]] for r in POS[1:]])


def sales(db):
    con = warehouse.connect(db, read_only=True)
    try:
        return rows(con, "select count(*), sum(net_rmb) from sales")[0]
    finally:
        con.close()


@pytest.fixture
def published(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    assert pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", POS)])[0].status == "loaded"
    return db


@pytest.mark.parametrize("point", ["locked", "staged", "in_transaction", "loaded", "before_publish"])
def test_a_load_killed_at_any_point_leaves_the_warehouse_exactly_as_it_was(published, tmp_path, point):
    db = published
    before = file_sha256(db)
    process = start_load(db, write_csv(tmp_path / "ExportOrderList202101051030.csv", ORDERS, "gbk"),
                         TPC_TEST_PAUSE_AT=point)
    wait_for_marker(process, point)
    work = db.with_name(f".{db.name}.loading-{process.pid}")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert file_sha256(db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("warehouse")) == [
        "warehouse.duckdb", "warehouse.duckdb.lock"]
    assert work.exists() == (point != "locked")   # the stale copy a killed load leaves behind
    # and, killed mid-file, the UTF-8 copy of the GBK export it was reading
    assert len(list(tmp_path.glob(".tpc-transcoded-*.csv"))) == (point in ("staged", "in_transaction"))
    assert sales(db) == (4, Decimal("484.00"))

    again = start_load(db, pos_file(tmp_path / "pos2.csv", "B"))
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert sales(db) == (8, Decimal("968.00"))
    assert not work.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_two_loads_started_at_once_both_land(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    first, second = pos_file(tmp_path / "a.csv", "A"), pos_file(tmp_path / "b.csv", "B")
    processes = [start_load(db, first), start_load(db, second)]
    assert [p.wait(timeout=60) for p in processes] == [0, 0]
    assert sales(db) == (8, Decimal("968.00"))
    con = warehouse.connect(db, read_only=True)
    try:
        assert rows(con, "select file_name, status from loads order by file_name") == [("a.csv", "loaded"), ("b.csv", "loaded")]
    finally:
        con.close()


def test_the_same_file_twice_at_once_loads_once(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    path = pos_file(tmp_path / "a.csv", "A")
    processes = [start_load(db, path), start_load(db, path)]
    outputs = [p.communicate(timeout=60)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0]
    assert sorted("skipped, same content as load 1" in out for out in outputs) == [False, True]
    assert sales(db) == (4, Decimal("484.00"))


READER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from analytics.db import Reader
    reader, stop, seen, errors = Reader(Path(sys.argv[1])), Path(sys.argv[2]), set(), []
    while not stop.exists():
        try:
            seen.add(tuple(map(str, reader.query("select count(*), sum(net_rmb) from sales_daily").iloc[0])))
        except Exception as exc:
            errors.append(repr(exc))
    print(json.dumps(sorted(seen))); print(json.dumps(errors[:5])); print(len(errors))
""")


def test_readers_see_only_whole_published_states_while_loads_publish(published, tmp_path):
    db, stop = published, tmp_path / "stop"
    con = warehouse.connect(db, read_only=True)
    states = {tuple(map(str, rows(con, "select count(*), sum(net_rmb) from sales_daily")[0]))}
    con.close()
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], cwd=ROOT, env=run_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    time.sleep(2.0)   # the readers are up and querying
    for n in range(6):
        assert pipeline.load_paths(db, [pos_file(tmp_path / f"p{n}.csv", f"P{n}")])[0].status == "loaded"
        con = warehouse.connect(db, read_only=True)
        states.add(tuple(map(str, rows(con, "select count(*), sum(net_rmb) from sales_daily")[0])))
        con.close()
        time.sleep(0.3)
    stop.touch()
    assert len(states) == 7
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        seen, errors, count = out.strip().splitlines()
        assert (count, errors) == ("0", "[]"), err
        seen = {tuple(pair) for pair in json.loads(seen)}
        assert seen <= states
        assert len(seen) >= 3   # each reader saw several publishes go by
