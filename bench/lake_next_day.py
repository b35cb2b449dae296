"""A center's next load into a lake that already holds its lines: the publish with the partitions' fingerprints kept
in the catalog (etl/lake/fingerprints.py) against the same publish reading the lake's rows back (as every publish
did before they were kept), in the same run. A throwaway PostgreSQL catalog (tests/pg.py) and a file:// lake.

    python bench/lake_next_day.py [--lines 2000000] [--repeat 3]

One center loads a generated POS export of --lines lines (bench/generate.py) into the lake. Then, --repeat times and
in turns, a file of one more day's 200 receipts is loaded (each a new file, into one month of the storefront and the
center's marts): once with the fingerprints table emptied first (the lake's side read back and hashed) and once with
the fingerprints kept. Baseline: the same small file loaded into a copy of the center's warehouse with no lake.
Prints JSON: the medians and their ratio. The work folder (in the system's temp) is removed after.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import pg  # noqa: E402
from lake import run  # noqa: E402   (bench/lake.py: a command, timed)

from etl import config  # noqa: E402

FORGET = ("import sqlalchemy, sys\nengine = sqlalchemy.create_engine(sys.argv[1])\n"
          "with engine.begin() as conn:\n    conn.execute(sqlalchemy.text('delete from tpc_fingerprints'))\n")


def day_file(folder: Path, n: int) -> Path:
    """200 receipts of 2020-06-15 under receipt numbers no other file uses (file n)."""
    path = folder / f"pos-day-{n}.csv"
    lines = ["销售单号,销售时间,商品条码,商品名称,数量,单价,折扣金额,实收金额,支付方式,单据类型"]
    lines += [f"D{n}-{i},2020-06-15 {10 + i // 60:02d}:{i % 60:02d}:00,4710000000014,金门高粱酒 014号,1,100.00,0,"
              f"100.00,现金,销售" for i in range(200)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tpc-lake-next-day-"))
    base = {**os.environ, "PYTHONPATH": str(ROOT), "TPC_BUYER_KEY": "bench-key"}
    for name in (config.LAKE_CATALOG_ENV, config.LAKE_WAREHOUSE_ENV, config.LAKE_CACHE_ENV):
        base.pop(name, None)
    py = [sys.executable, "-m", "etl"]
    centers = work / "centers.csv"
    centers.write_text("中心代码,中心名称,城市,开业日期\nC00,中心00,城市00,2018-01-01\n", encoding="utf-8")
    pos = work / "pos.csv"
    run([sys.executable, "bench/generate.py", "pos", str(args.lines), str(pos)], base)
    server = pg.start()
    try:
        catalog_url = server.create_database("bench")
        lake_env = {**base, config.LAKE_CATALOG_ENV: catalog_url, config.LAKE_WAREHOUSE_ENV: (work / "lake").as_uri()}
        (work / "lake").mkdir()
        run([*py, "lake", "init"], lake_env)
        db = work / "c00" / "warehouse.duckdb"
        db.parent.mkdir()
        run([*py, "load", "--db", str(db), str(centers)], lake_env)
        first = run([*py, "load", "--db", str(db), "--center", "C00", str(pos)], lake_env)
        print(f"first load of {args.lines:,} lines: {first:.2f} s", file=sys.stderr, flush=True)
        read_back, kept, embedded = [], [], []
        for i in range(args.repeat):
            for mode in (("read", "kept") if i % 2 == 0 else ("kept", "read")):
                day = day_file(work, len(read_back) + len(kept))
                if mode == "read":
                    run([sys.executable, "-c", FORGET, catalog_url], base)
                seconds = run([*py, "load", "--db", str(db), "--center", "C00", str(day)], lake_env)
                (read_back if mode == "read" else kept).append(seconds)
            copy = work / "embedded" / "warehouse.duckdb"
            copy.parent.mkdir(exist_ok=True)
            shutil.copy(db, copy)
            embedded.append(run([*py, "load", "--db", str(copy), "--center", "C00",
                                 str(day_file(work, 1000 + i))], base))
            shutil.rmtree(copy.parent)
            print(f"read back {read_back[-1]:.2f} s, kept {kept[-1]:.2f} s, embedded {embedded[-1]:.2f} s",
                  file=sys.stderr, flush=True)
    finally:
        pg.stop(server)
        shutil.rmtree(work, ignore_errors=True)
    figures = {"lines_in_the_lake": args.lines, "first_load_s": round(first, 2),
               "next_day_read_back_s_median": round(statistics.median(read_back), 2),
               "next_day_kept_s_median": round(statistics.median(kept), 2),
               "next_day_embedded_s_median": round(statistics.median(embedded), 2)}
    figures["kept_over_read_back"] = round(figures["next_day_kept_s_median"] / figures["next_day_read_back_s_median"], 2)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
