"""The lake's load throughput with many writers, and a dashboard server's cold start on it, beside the embedded
warehouse measured in the same run (issue 14). A throwaway PostgreSQL catalog (tests/pg.py) and a file:// lake.

    python bench/lake.py [--centers 8] [--lines 250000] [--writers 4] [--repeat 3] [--keep]

Each center loads one generated POS export (bench/generate.py) into its own warehouse, `--writers` of them at a time,
each publishing to the lake in one commit. Baseline: the same file loaded into a fresh embedded warehouse with no
lake. Cold start: a fresh process drawing the Overview in AppTest on the embedded warehouse holding every center,
against one on the lake with no read cache yet (it builds it), then the same page warm (rerun with its queries
cached); then the lake's cold start again after `lake compact` (the nightly maintenance: it merges the manifests
each publish adds); and a control page with the same kinds of widgets and no data (bench/page_apptest.py), warm,
for the machine's speed in that run. Prints JSON and a line per target, met or missed. The work folder (in the system's temp) is removed after.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import pg  # noqa: E402
from page_apptest import CONTROL  # noqa: E402   (bench/: the same kinds of widgets as a page, no data)

from etl import config  # noqa: E402

PAGE = "import sys\nsys.path.insert(0, {root!r})\nimport dashboard\ndashboard.main('overview')\n"
# a cold start (the first run, in a fresh process) and then the page warm (the median of three runs after it)
HARNESS = ("import statistics, time\nfrom streamlit.testing.v1 import AppTest\nstarted = time.perf_counter()\n"
           "at = AppTest.from_string({page!r}, default_timeout=600).run()\n"
           "assert not at.exception and not at.error, [e.value for e in at.error]\n"
           "assert at.metric, 'no KPI drawn'\n"
           "cold = time.perf_counter() - started\nwarm = []\n"
           "for _ in range(3):\n    t = time.perf_counter()\n    at.run()\n    warm.append(time.perf_counter() - t)\n"
           "assert not at.exception and at.metric\n"
           "print(cold, statistics.median(warm))\n")


def run(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args[:5])} failed: {done.stderr[-1500:]}")
    return time.perf_counter() - started


# every center's copy of the file loaded into one warehouse in one run (load_paths' centers map)
WHOLE = ("import sys\nsys.path.insert(0, {root!r})\nfrom pathlib import Path\nfrom etl import pipeline\n"
         "files = [Path(f) for f in {files!r}]\n"
         "results = pipeline.load_paths(Path({db!r}), files, centers={{f: f.stem.split('-')[1] for f in files}})\n"
         "assert all(r.status == 'loaded' for r in results), [(r.file, r.status, r.message) for r in results]\n")


def say(line: str) -> None:
    """A phase's figure as soon as it is measured (a long run's progress), on stderr."""
    print(line, file=sys.stderr, flush=True)


def page_times(env: dict, page: str | None = None) -> tuple[float, float]:
    """(cold, warm) seconds of the Overview (or another page's source) in a fresh process (HARNESS)."""
    page = page or PAGE.format(root=str(ROOT))
    done = subprocess.run([sys.executable, "-c", HARNESS.format(page=page)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the page failed: {done.stderr[-1500:]}")
    cold, warm = map(float, done.stdout.split()[-2:])
    return cold, warm


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
    parser.add_argument("--keep", action="store_true", help="keep the work folder (warehouses, lake) afterwards")
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

    embedded = []

    def baseline(runs: int) -> None:
        """The embedded baseline: one center's file into its own fresh warehouse, no lake (measured before the
        lake's loads and after them, so that the machine's noise falls on both sides)."""
        for _ in range(runs):
            db = prepared(work / f"embedded-{len(embedded)}" / "warehouse.duckdb", base)
            embedded.append(run([*py, "load", "--db", str(db), "--center", "C00", str(pos)], base))
            shutil.rmtree(db.parent)
        say(f"embedded loads so far: {', '.join(f'{t:.2f} s' for t in embedded)}")

    baseline(2)

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
        say(f"{args.centers} centers into the lake, {args.writers} writers: {lake_seconds:.1f} s")
        baseline(2)
        embedded_lps = args.lines / statistics.median(embedded)
        lake_lps = args.centers * args.lines / lake_seconds

        # cold starts: every center in one embedded warehouse (one run loading the file once per center: a hard
        # link per center, so each is its own file), against the lake with no cache yet
        whole = prepared(work / "whole" / "warehouse.duckdb", base)
        links = []
        for i in range(args.centers):
            links.append(work / f"pos-C{i:02d}.csv")
            os.link(pos, links[-1])
        run([sys.executable, "-c", WHOLE.format(root=str(ROOT), db=str(whole), files=[str(p) for p in links])], base)
        say("the embedded warehouse of every center: built")
        embedded_pages, lake_pages, control_pages = [], [], []
        for i in range(args.repeat):
            embedded_pages.append(page_times({**base, "TPC_DB": str(whole)}))
            lake_pages.append(page_times({**lake_env, config.LAKE_CACHE_ENV: str(work / f"cache-{i}.duckdb")}))
            # the machine's own speed at that moment: Streamlit's and Plotly's costs with no data and no warehouse
            control_pages.append(page_times(base, CONTROL))
            say(f"Overview cold, warm: embedded {embedded_pages[-1]}, lake {lake_pages[-1]}; "
                f"control page {control_pages[-1]}")
        # the same after the nightly maintenance: lake compact merges each table's manifests (one per publish)
        compact_seconds = run([*py, "lake", "compact"], lake_env)
        compacted_pages = []
        for i in range(args.repeat):
            compacted_pages.append(page_times({**lake_env, config.LAKE_CACHE_ENV: str(work / f"cache-c{i}.duckdb")}))
            say(f"Overview cold, warm after lake compact ({compact_seconds:.1f} s): lake {compacted_pages[-1]}")
        cold_embedded, warm_embedded = zip(*embedded_pages)
        cold_lake, warm_lake = zip(*lake_pages)
        cold_compacted = [cold for cold, _ in compacted_pages]
    finally:
        pg.stop(server)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures = {
        "lines_per_center": args.lines, "centers": args.centers, "writers": args.writers,
        "embedded_load_s_median": round(statistics.median(embedded), 2), "embedded_lines_per_s": round(embedded_lps),
        "lake_wall_s": round(lake_seconds, 2), "lake_lines_per_s": round(lake_lps),
        "throughput_ratio": round(lake_lps / embedded_lps, 2),
        "cold_embedded_s_median": round(statistics.median(cold_embedded), 2),
        "cold_lake_s_median": round(statistics.median(cold_lake), 2),
        "cold_ratio": round(statistics.median(cold_lake) / statistics.median(cold_embedded), 2),
        "compact_s": round(compact_seconds, 2),
        "cold_lake_compacted_s_median": round(statistics.median(cold_compacted), 2),
        "cold_ratio_compacted": round(statistics.median(cold_compacted) / statistics.median(cold_embedded), 2),
        "warm_embedded_ms_median": round(1000 * statistics.median(warm_embedded)),
        "warm_lake_ms_median": round(1000 * statistics.median(warm_lake)),
        "warm_control_ms_median": round(1000 * statistics.median(warm for _, warm in control_pages)),
    }
    print(json.dumps(figures, indent=2))
    print(f"throughput with {args.writers} writers >= 50% of one embedded load's lines/s: "
          f"{figures['throughput_ratio']:.0%} {'met' if figures['throughput_ratio'] >= 0.5 else 'MISSED'}")
    print(f"cold start on the lake <= 3x the embedded file's: {figures['cold_ratio']}x "
          f"{'met' if figures['cold_ratio'] <= 3 else 'MISSED'}")
    print(f"cold start on the lake after lake compact <= 3x: {figures['cold_ratio_compacted']}x "
          f"{'met' if figures['cold_ratio_compacted'] <= 3 else 'MISSED'}")
    print(f"warm Overview on the lake < 150 ms: {figures['warm_lake_ms_median']} ms "
          f"(embedded {figures['warm_embedded_ms_median']} ms; the control page, no data, "
          f"{figures['warm_control_ms_median']} ms in this run) "
          f"{'met' if figures['warm_lake_ms_median'] < 150 else 'MISSED'}")


if __name__ == "__main__":
    main()
