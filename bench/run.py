"""Benchmark the ETL and the dashboard at 1M and 10M sales lines, each figure beside its baseline from the same run.

    python bench/run.py                 # N = 1M and 10M (about 10 minutes here)
    python bench/run.py --sizes 1000000 --out bench/out

Prints a table and writes bench/RESULTS.md. Every timing is the median of --repeat runs in fresh processes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TIME = shutil.which("time") or "/usr/bin/time"

BASELINE_DUCKDB = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute('''create or replace table t as select * from read_csv(?, header=true, auto_detect=false, delim=',', quote='"',
  escape='"', columns={'order_id':'VARCHAR','sold_at':'TIMESTAMP','code':'VARCHAR','name':'VARCHAR','qty':'DECIMAL(18,3)',
  'price':'DECIMAL(18,2)','discount':'DECIMAL(18,2)','net':'DECIMAL(18,2)','pay':'VARCHAR','doc':'VARCHAR'})''', [sys.argv[1]])
con.execute('checkpoint')
"""
# the Tmall pair read the same way: each column typed as the ETL types it (amounts, timestamps, counts),
# the rest text; DuckDB reads UTF-8 only, so the baseline reads UTF-8 copies of the GBK files
BASELINE_DUCKDB_TMALL = """
import csv, duckdb, sys
TYPES = {"买家应付货款": "DECIMAL(18,2)", "买家应付邮费": "DECIMAL(18,2)", "总金额": "DECIMAL(18,2)",
         "买家实际支付金额": "DECIMAL(18,2)", "退款金额": "DECIMAL(18,2)", "价格": "DECIMAL(18,2)",
         "订单创建时间": "TIMESTAMP", "订单付款时间": "TIMESTAMP", "宝贝总数量": "INTEGER", "购买数量": "INTEGER"}
con = duckdb.connect(sys.argv[2])
for i, path in enumerate(sys.argv[1].split(',')):
    with open(path, encoding='utf-8', newline='') as fh:
        columns = {name: TYPES.get(name, 'VARCHAR') for name in next(csv.reader(fh))}
    con.execute(f"create or replace table t{i} as select * from read_csv(?, header=true, auto_detect=false, delim=',', "
                f"quote='\\"', escape='\\"', columns={columns!r})", [path])
con.execute('checkpoint')
"""
BASELINE_PANDAS_SQLITE = """
import pandas as pd, sqlite3, sys
frame = pd.read_csv(sys.argv[1], dtype={'销售单号': str, '商品条码': str})
con = sqlite3.connect(sys.argv[2])
frame.to_sql('sales', con, if_exists='replace', index=False, chunksize=100_000)
con.commit()
"""


def timed(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one fresh process."""
    started = time.perf_counter()
    done = subprocess.run([TIME, "-f", "%M", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{args[:4]} failed: {done.stderr[-2000:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb // 1024


def median_of(repeat: int, make) -> tuple[float, int]:
    runs = [make() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def fresh(path: Path) -> Path:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()
    return path


def first_load(db: Path) -> Path:
    """A fresh warehouse with no raw/ folder beside it: the file is new to the ETL, as at its first load
    (a kept copy of the same size would be hashed before loading, as for a rebuild)."""
    shutil.rmtree(db.parent / "raw", ignore_errors=True)
    return fresh(db)


def bench_load(work: Path, n: int, repeat: int, rows: list, figures: dict, skip_pandas: bool) -> Path:
    """ETL load of n POS lines beside DuckDB's plain typed read_csv and pandas + SQLite."""
    csv = work / f"pos_{n}.csv"
    if not csv.exists():
        subprocess.run([PY, "bench/generate.py", "pos", str(n), str(csv)], check=True, cwd=ROOT, capture_output=True)
    size_mb = csv.stat().st_size / 1e6
    db = work / f"etl_{n}.duckdb"
    env = {"TPC_BUYER_KEY": "bench"}
    etl = median_of(repeat, lambda: timed([PY, "-m", "etl", "load", str(csv), "--db", str(first_load(db))], env))
    base = median_of(repeat, lambda: timed([PY, "-c", BASELINE_DUCKDB, str(csv), str(fresh(work / "base.duckdb"))]))
    rows.append(("load", f"POS {n:,} lines ({size_mb:,.0f} MB)", etl, base, "DuckDB typed read_csv"))
    figures[f"load {n}"], figures[f"duckdb {n}"] = etl, base
    if not skip_pandas:   # one run: at 10M it takes about 50 s and 9 GB here
        pandas = median_of(1, lambda: timed([PY, "-c", BASELINE_PANDAS_SQLITE, str(csv), str(fresh(work / "base.sqlite"))]))
        fresh(work / "base.sqlite")
        rows.append(("load", f"POS {n:,} lines vs pandas", etl, pandas, "pandas read_csv + to_sql SQLite (one run)"))
        figures[f"pandas {n}"] = pandas
    reload = median_of(repeat, lambda: timed([PY, "-m", "etl", "load", str(csv), "--db", str(db)], env))
    rows.append(("reload", f"same POS file again, {n:,}", reload, (1.0, 0), "target: under 1 s"))
    figures[f"reload {n}"] = reload
    return db


BAD_ROWS = ("a bad date", "an amount of 1.005", "an amount written 12,34 unquoted: a field too many",
            "an empty receipt number", "a bad quantity")


def realistic_copies(csv: Path, n: int) -> tuple[Path, Path]:
    """Two real-world variants of a clean POS export: five bad rows spread through it (a bad date, two bad amounts,
    an empty receipt number, a bad quantity: 0.0005% of 1M lines), and every amount written with 元."""
    bad, yuan = csv.with_name(csv.stem + "_bad5.csv"), csv.with_name(csv.stem + "_yuan.csv")
    if bad.exists() and yuan.exists():
        return bad, yuan
    spoil = {n * (k + 1) // 6: k for k in range(5)}   # data line number -> which bad row
    with csv.open(encoding="utf-8", newline="") as src, bad.open("w", encoding="utf-8", newline="") as out_bad, \
            yuan.open("w", encoding="utf-8", newline="") as out_yuan:
        for number, line in enumerate(src):
            if number == 0:
                out_bad.write(line)
                out_yuan.write(line)
                continue
            cells = line.rstrip("\n").split(",")
            out_yuan.write(",".join(cells[:5] + [c + "元" for c in cells[5:8]] + cells[8:]) + "\n")
            kind = spoil.get(number)
            if kind == 0:
                cells[1] = "2020-02-30 10:00:00"
            elif kind in (1, 2):
                cells[7] = "1.005" if kind == 1 else "12,34"
            elif kind == 3:
                cells[0] = ""
            elif kind == 4:
                cells[4] = "1.5.0"
            out_bad.write(",".join(cells) + "\n")
    return bad, yuan


def bench_realistic(work: Path, n: int, repeat: int, rows: list, figures: dict) -> None:
    """The same export with a handful of bad rows, and with 元 amounts, each beside the clean file in this run."""
    csv = work / f"pos_{n}.csv"
    bad, yuan = realistic_copies(csv, n)
    db, env = work / f"real_{n}.duckdb", {"TPC_BUYER_KEY": "bench"}
    load = lambda path: timed([PY, "-m", "etl", "load", str(path), "--db", str(first_load(db))], env)  # noqa: E731
    clean = median_of(repeat, lambda: load(csv))
    with_bad = median_of(repeat, lambda: load(bad))
    with_yuan = median_of(repeat, lambda: load(yuan))
    rows.append(("load", f"POS {n:,} lines, 5 bad rows ({', '.join(BAD_ROWS)})", with_bad, clean, "the same file clean"))
    rows.append(("load", f"POS {n:,} lines, every amount written with 元", with_yuan, clean, "the same file, plain amounts"))
    figures[f"bad {n}"], figures[f"yuan {n}"], figures[f"clean {n}"] = with_bad, with_yuan, clean


def bench_tmall(work: Path, n: int, repeat: int, rows: list, figures: dict) -> None:
    folder = work / f"tmall_{n}"
    if not folder.exists():
        subprocess.run([PY, "bench/generate.py", "tmall", str(n), str(folder)], check=True, cwd=ROOT, capture_output=True)
    files = sorted(folder.glob("Export*.csv"))
    utf8 = []
    for path in files:   # the baseline reads UTF-8: DuckDB has no GBK reader without a downloaded extension
        copy = work / (path.stem + ".utf8.csv")
        if not copy.exists():
            copy.write_text(path.read_bytes().decode("gb18030"), encoding="utf-8")
        utf8.append(str(copy))
    db = work / f"tmall_{n}.duckdb"
    etl = median_of(repeat, lambda: timed([PY, "-m", "etl", "load", *map(str, files), "--db", str(first_load(db))],
                                          {"TPC_BUYER_KEY": "bench"}))
    base = median_of(repeat, lambda: timed([PY, "-c", BASELINE_DUCKDB_TMALL, ",".join(utf8), str(fresh(work / "base.duckdb"))]))
    rows.append(("load", f"Tmall GBK pair, {n:,} item lines (5% of orders unpaid, 4% of paid ones refunded)", etl, base,
                 "DuckDB typed read_csv of the pair in UTF-8"))
    figures["tmall"], figures["tmall base"] = etl, base
    figures["totals"].append(f"Tmall {n:,}: " + check_tmall_totals(folder, n, db))


def check_tmall_totals(folder: Path, n: int, db: Path) -> str:
    """The warehouse's Tmall lines and net revenue (goods less refunds of paid orders) against the generator's."""
    expected = json.loads(subprocess.run([PY, "bench/generate.py", "tmall", str(n), str(folder.with_name("check_tmall"))],
                                         check=True, cwd=ROOT, capture_output=True, text=True).stdout)
    shutil.rmtree(folder.with_name("check_tmall"))
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    lines, net = con.execute("select count(*), sum(net_rmb) filter (where is_paid) from sales where channel = 'tmall'").fetchall()[0]
    con.close()
    ok = lines == expected["lines"] and Decimal(net) == Decimal(expected["net_rmb"])
    return (f"{'OK' if ok else 'MISMATCH'}: warehouse {lines:,} lines, {net} RMB paid net; generator {expected['lines']:,} "
            f"lines, {expected['net_rmb']} RMB")


def check_totals(work: Path, n: int, db: Path) -> str:
    expected = json.loads(subprocess.run([PY, "bench/generate.py", "pos", str(n), str(work / "check.csv")],
                                         check=True, cwd=ROOT, capture_output=True, text=True).stdout)
    (work / "check.csv").unlink()
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    lines, net = con.execute("select count(*), sum(net_rmb) from sales where channel = 'storefront'").fetchall()[0]
    con.close()
    ok = lines == expected["lines"] and Decimal(net) == Decimal(expected["net_rmb"])
    return f"{'OK' if ok else 'MISMATCH'}: warehouse {lines:,} lines, {net} RMB; generator {expected['lines']:,} lines, {expected['net_rmb']} RMB"


QUERIES = ROOT / "bench" / "page_queries.py"
APPTEST = ROOT / "bench" / "page_apptest.py"


def bench_pages(db: Path, rows: list, figures: dict) -> None:
    """Each page's query set, cold (fresh process) and warm, beside the same figures in pandas."""
    out = subprocess.run([PY, str(QUERIES), str(db)], check=True, cwd=ROOT, capture_output=True, text=True).stdout
    for item in json.loads(out):
        rows.append(("queries", item["page"], (item["cold"], 0), (item["pandas_cold"], 0),
                     f"pandas, frame in memory (cold incl. read); largest result {item['max_rows']:,} rows"))
        rows.append(("queries", item["page"] + " warm", (item["warm"], 0), (item["pandas_warm"], 0), "pandas warm"))
        figures.setdefault("held", {})[item["page"]] = item["max_rows"]


def bench_apptest(db: Path, rows: list, figures: dict) -> None:
    out = subprocess.run([PY, str(APPTEST), str(db)], check=True, cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "TPC_DB": str(db)}).stdout
    for item in json.loads(out):
        rows.append(("apptest", item["page"] + " cold", (item["cold"], 0), (item["control_cold"], 0),
                     "control page: same kinds of widgets, no data, cold"))
        rows.append(("apptest", item["page"] + " warm", (item["warm"], 0), (0.150, 0), "target: under 150 ms"))
        figures.setdefault("apptest", {})[item["page"]] = item


def bench_app_memory(db: Path, rows: list, figures: dict) -> None:
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    from browser import PAGES, browser, open_rendered, running_app

    with running_app(db, {"TPC_BUYER_KEY": "bench"}) as url:
        pid = int(subprocess.run(["pgrep", "-f", f"streamlit run .*{url.rsplit(':', 1)[1]}"], capture_output=True,
                                 text=True).stdout.split()[0])
        with browser() as page:
            for name in PAGES:
                open_rendered(page, f"{url}/{'' if name == 'overview' else name}", timeout=180)
        peak = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("VmHWM"))
    rows.append(("memory", "app serving every page", (0, peak // 1024), (0, 600), "target: under 600 MB"))
    figures["app MB"] = peak // 1024


def bench_first_start(repeat: int, rows: list, figures: dict) -> None:
    """A newcomer's first start in headless Chromium, beside a one-card control app (bench/first_start.py)."""
    out = subprocess.run([PY, str(ROOT / "bench" / "first_start.py"), "--repeat", str(repeat)], check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    rows.append(("first start", "fresh folder: demo written and loaded, Overview's first KPI in Chromium",
                 (found["first_kpi"], 0), (found["control_kpi"], 0), "control app: one st.metric, same launch"))
    rows.append(("first start", "the same server started again on the warehouse it built", (found["second_kpi"], 0),
                 (found["control_kpi"], 0), "control app: one st.metric, same launch"))
    figures["first start"] = found


def report(rows: list, command: str) -> str:
    lines = [f"Command: `{command}`  ", f"Machine: {os.cpu_count()} cores; each timing is a median of fresh processes.", "",
             "| what | case | ours: s / peak MB | baseline: s / peak MB | ratio | baseline |", "|---|---|---|---|---|---|"]
    for kind, case, ours, base, label in rows:
        ratio = f"{ours[0] / base[0]:.2f}×" if base[0] else (f"{ours[1] / base[1]:.2f}× mem" if base[1] else "")
        lines.append(f"| {kind} | {case} | {ours[0]:.2f} / {ours[1]} | {base[0]:.2f} / {base[1]} | {ratio} | {label} |")
    return "\n".join(lines)


def targets(figures: dict, n: int) -> str:
    """The issue's targets, each met or missed, from the figures of this run."""
    lines = ["| target | result | |", "|---|---|---|"]

    def row(target: str, result: str, ok: bool) -> None:
        lines.append(f"| {target} | {result} | {'met' if ok else '**missed**'} |")

    if f"load {n}" in figures:
        load, base = figures[f"load {n}"], figures[f"duckdb {n}"]
        row(f"{n:,} POS lines with full validation ≤ 1.5× DuckDB's typed `read_csv`",
            f"{load[0] / base[0]:.1f}× ({load[0]:.1f} s vs {base[0]:.1f} s)", load[0] <= 1.5 * base[0])
        if f"pandas {n}" in figures:
            pandas = figures[f"pandas {n}"]
            row("… at least 10× faster than pandas + SQLite",
                f"{pandas[0] / load[0]:.1f}× faster ({load[0]:.1f} s vs {pandas[0]:.1f} s and {pandas[1]:,} MB)",
                pandas[0] >= 10 * load[0])
        row("… peak memory under 1 GiB", f"{load[1]:,} MB", load[1] < 1024)
        reload = figures[f"reload {n}"]
        row(f"reloading a loaded file under 1 s at {n:,}", f"{reload[0]:.2f} s", reload[0] < 1.0)
    for size in sorted(k.split()[1] for k in figures if k.startswith("bad ")):
        bad, yuan, clean = figures[f"bad {size}"], figures[f"yuan {size}"], figures[f"clean {size}"]
        row(f"{int(size):,} POS lines with 5 bad rows ≤ 1.2× the same file clean",
            f"{bad[0] / clean[0]:.2f}× ({bad[0]:.1f} s vs {clean[0]:.1f} s)", bad[0] <= 1.2 * clean[0])
        row(f"{int(size):,} POS lines with 元 amounts ≤ 1.3× plain amounts",
            f"{yuan[0] / clean[0]:.2f}× ({yuan[0]:.1f} s vs {clean[0]:.1f} s)", yuan[0] <= 1.3 * clean[0])
    if "tmall" in figures:
        tmall, base = figures["tmall"], figures["tmall base"]
        row("Tmall GBK pair of 1M lines ≤ 2× its baseline", f"{tmall[0] / base[0]:.1f}× ({tmall[0]:.1f} s vs {base[0]:.1f} s)",
            tmall[0] <= 2 * base[0])
    if "first start" in figures:
        found = figures["first start"]
        row("first start ≤ 8 s to the first KPI in Chromium", f"{found['first_kpi']:.1f} s (control app {found['control_kpi']:.1f} s; "
            f"the same server on the built warehouse {found['second_kpi']:.1f} s)", found["first_kpi"] <= 8)
        row("… with a progress bar moving from the first second", f"the bar's first value above zero at "
            f"{found['first_bar_moved']:.1f} s after launch (the control app's only card shows at {found['control_kpi']:.1f} s)",
            found["first_bar_moved"] <= 1)
    if "apptest" in figures:
        pages = figures["apptest"]
        ratios = {page: item["cold"] / item["control_cold"] for page, item in pages.items()}
        row("every page's cold AppTest ≤ 1.5× the control page",
            ", ".join(f"{page} {ratio:.2f}×" for page, ratio in ratios.items()) +
            f" (control {next(iter(pages.values()))['control_cold']:.2f} s)", all(r <= 1.5 for r in ratios.values()))
        row("every page's warm rerun under 150 ms",
            ", ".join(f"{page} {item['warm'] * 1000:.0f} ms" for page, item in pages.items()),
            all(item["warm"] < 0.150 for item in pages.values()))
    if "held" in figures:
        held = figures["held"]
        row("no page holds the fact table in pandas", f"the largest result any page's query returns: {max(held.values()):,} rows "
            f"({max(held.values()) / n:.2%} of the {n:,} lines: aggregates, never lines)", max(held.values()) < n / 100)
    if "app MB" in figures:
        row(f"the app under 600 MB at {n:,}", f"{figures['app MB']:,} MB peak", figures["app MB"] < 600)
    if "totals" in figures:
        row("warehouse totals equal the generator's", "; ".join(figures["totals"]), all("OK" in t for t in figures["totals"]))
    return "\n".join(lines)


ANALYSIS = "## Where the time goes"   # the hand-written part of RESULTS.md, kept across runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--skip", default="", help="comma list of: pandas,realistic,pages,apptest,memory,tmall,first")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    rows, figures = [], {"totals": []}
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        db = bench_load(args.out, n, args.repeat, rows, figures, "pandas" in skip)
        figures["totals"].append(f"{n:,} lines: " + check_totals(args.out, n, db))
        if "realistic" not in skip:
            bench_realistic(args.out, n, args.repeat, rows, figures)
    if "tmall" not in skip:
        bench_tmall(args.out, 1_000_000, args.repeat, rows, figures)
    largest = args.out / f"etl_{max(sizes)}.duckdb"
    if "pages" not in skip:
        bench_pages(largest, rows, figures)
    if "apptest" not in skip:
        bench_apptest(largest, rows, figures)
    if "memory" not in skip:
        bench_app_memory(largest, rows, figures)
    if "first" not in skip:
        bench_first_start(args.repeat, rows, figures)
    command = "python bench/run.py " + " ".join(sys.argv[1:])
    text = (report(rows, command) + "\n\nCorrectness: " + "; ".join(figures["totals"]) +
            f"\n\n## Targets, met and missed (this run; a shared 2-core machine, figures move ±10–20% between runs)\n\n"
            + targets(figures, max(sizes)) + "\n")
    print(text)
    results = ROOT / "bench" / "RESULTS.md"
    previous = results.read_text(encoding="utf-8") if results.exists() else ""
    kept = previous[previous.index(ANALYSIS):] if ANALYSIS in previous else ""
    results.write_text("# Benchmark results\n\n" + text + ("\n" + kept if kept else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
