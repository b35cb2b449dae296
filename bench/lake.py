"""The lake's load throughput with many writers, and a dashboard server's cold start on it, beside the embedded
warehouse measured in the same run (issue 14). A throwaway PostgreSQL catalog (tests/pg.py) and a file:// lake.

    python bench/lake.py [--centers 8] [--lines 250000] [--writers 4] [--repeat 3]

Each center loads one generated POS export (bench/generate.py) into its own warehouse, `--writers` of them at a time,
each publishing to the lake in one commit. Baseline: the same file loaded into a fresh embedded warehouse with no
lake. Cold start: a fresh process drawing the Overview in AppTest on the embedded warehouse holding every center,
against one on the lake with no read cache yet (it builds it). Prints JSON and a line per target, met or missed.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import pg  # noqa: E402

from etl import config  # noqa: E402

PAGE = "import sys\nsys.path.insert(0, {root!r})\nimport dashboard\ndashboard.main('overview')\n"
HARNESS = ("import time\nfrom streamlit.testing.v1 import AppTest\nstarted = time.perf_counter()\n"
           "at = AppTest.from_string({page!r}, default_timeout=600).run()\n"
           "assert not at.exception and not at.error, [e.value for e in at.error]\n"
           "assert at.metric, 'no KPI drawn'\n"
           "print(time.perf_counter() - started)\n")


def run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:5])} failed: {done.stderr[-1500:]}")
    return time.perf_counter() - started


def centers_file(folder: Path, count: int) -> Path:
    path = folder / "centers.csv"
    path.write_text("中心代码,中心名称,城市,开业日期\n" + "".join(f"C{i:02d},中心{i:02d},城市{i:02d},2018-01-01\n"
                                                          for i in range(count)), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centers", type=int, default=8)
    parser.add_argument("--lines", type=int, default=250_000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tpc-lake-bench-"))
    base = {**os.environ, "PYTHONPATH": str(ROOT), "TPC_BUYER_KEY": "bench-key"}
    for name in (config.LAKE_CATALOG_ENV, config.LAKE_WAREHOUSE_ENV, config.LAKE_CACHE_ENV):
        base.pop(name, None)
    pos = work / "pos.csv"
    run([sys.executable, "bench/generate.py", "pos", str(args.lines), str(pos)], base)
    centers = centers_file(work, args.centers)
    py = [sys.executable, "-m", "etl"]

    def prepared(db: Path, env: dict) -> Path:
        db.parent.mkdir(parents=True, exist_ok=True)
        run([*py, "load", "--db", str(db), str(centers)], env)
        return db

    # the embedded baseline: one center's file into its own fresh warehouse, no lake
    embedded = []
    for i in range(args.repeat):
        db = prepared(work / f"embedded-{i}" / "warehouse.duckdb", base)
        embedded.append(run([*py, "load", "--db", str(db), "--center", "C00", str(pos)], base))
    embedded_lps = args.lines / statistics.median(embedded)

    server = pg.start()
    try:
        lake_env = {**base, config.LAKE_CATALOG_ENV: server.create_database("bench"),
                    config.LAKE_WAREHOUSE_ENV: (work / "lake").as_uri()}
        (work / "lake").mkdir()
        run([*py, "lake", "init"], lake_env)
        dbs = [prepared(work / f"c{i:02d}" / "warehouse.duckdb", lake_env) for i in range(args.centers)]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.writers) as pool:
            list(pool.map(lambda i: run([*py, "load", "--db", str(dbs[i]), "--center", f"C{i:02d}", str(pos)],
                                        lake_env), range(args.centers)))
        lake_seconds = time.perf_counter() - started
        lake_lps = args.centers * args.lines / lake_seconds

        # cold starts: every center in one embedded warehouse, against the lake with no cache yet
        whole = prepared(work / "whole" / "warehouse.duckdb", base)
        for i in range(args.centers):
            run([*py, "load", "--db", str(whole), "--center", f"C{i:02d}", str(pos)], base)
        harness = [sys.executable, "-c", HARNESS.format(page=PAGE.format(root=str(ROOT)))]
        cold_embedded, cold_lake = [], []
        for i in range(args.repeat):
            cold_embedded.append(run(harness, {**base, "TPC_DB": str(whole)}))
            cold_lake.append(run(harness, {**lake_env, config.LAKE_CACHE_ENV: str(work / f"cache-{i}.duckdb")}))
    finally:
        pg.stop(server)
    figures = {
        "lines_per_center": args.lines, "centers": args.centers, "writers": args.writers,
        "embedded_load_s_median": round(statistics.median(embedded), 2), "embedded_lines_per_s": round(embedded_lps),
        "lake_wall_s": round(lake_seconds, 2), "lake_lines_per_s": round(lake_lps),
        "throughput_ratio": round(lake_lps / embedded_lps, 2),
        "cold_embedded_s_median": round(statistics.median(cold_embedded), 2),
        "cold_lake_s_median": round(statistics.median(cold_lake), 2),
        "cold_ratio": round(statistics.median(cold_lake) / statistics.median(cold_embedded), 2),
    }
    print(json.dumps(figures, indent=2))
    print(f"throughput with {args.writers} writers >= 50% of one embedded load's lines/s: "
          f"{figures['throughput_ratio']:.0%} {'met' if figures['throughput_ratio'] >= 0.5 else 'MISSED'}")
    print(f"cold start on the lake <= 3x the embedded file's: {figures['cold_ratio']}x "
          f"{'met' if figures['cold_ratio'] <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
