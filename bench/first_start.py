"""A newcomer's first start, measured in headless Chromium: the server starts on a folder with no warehouse, writes
the demo exports, loads them and draws the Overview; beside it, in the same run, the same server started on the
warehouse that first start built (the second start), and a control app of one KPI card (`st.metric`, nothing
else: what Streamlit and Chromium cost on this machine before the dashboard does anything).

    python bench/first_start.py --repeat 3     # prints JSON: medians and each run's timings

For each run: seconds from the server's launch to its health check, to the progress bar's first value above zero
(it must move from the first second) and to the first KPI card of the Overview. The server runs `streamlit run
dashboard.py` exactly as the README's first command does; only TPC_DB points into a fresh temporary folder.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from browser import CHROMIUM_ARGS, CHROMIUM, healthy, launched_app  # noqa: E402

KPI = '[data-testid="stMetric"]'
BAR = '[data-testid="stProgress"] [role="progressbar"]'
POLL = 0.25   # seconds between looks at the page: each look costs the browser and the server a little of 2 cores


CONTROL = """import streamlit as st
st.set_page_config(layout="wide")
st.title("Control")
st.metric("KPI", "1")
"""


def one_start(chromium, db: Path, timeout: float = 120, app: Path = ROOT / "dashboard.py") -> dict:
    """Launch, open the Overview, and follow the progress bar until the first KPI card shows."""
    with launched_app(db, app=app) as (base, launched):
        deadline = launched + timeout
        healthy(base, deadline, poll=0.05)
        health = time.monotonic() - launched
        context = chromium.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(base, wait_until="commit")
            bar_moved, values = None, []
            while time.monotonic() < deadline:
                if page.locator(KPI).count():
                    break
                found = page.locator(BAR)
                if found.count():
                    with contextlib.suppress(Exception):
                        value = float(found.first.get_attribute("aria-valuenow", timeout=200) or 0)
                        if not values or value != values[-1][1]:
                            values.append((round(time.monotonic() - launched, 2), value))
                        if value > 0 and bar_moved is None:
                            bar_moved = time.monotonic() - launched
                time.sleep(POLL)
            else:
                raise RuntimeError("no KPI card within the timeout")
            kpi = time.monotonic() - launched
        finally:
            context.close()
    return {"health": round(health, 2), "bar_moved": bar_moved and round(bar_moved, 2), "kpi": round(kpi, 2),
            "bar_values": values}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    first, second, control = [], [], []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(args.repeat):
                with tempfile.TemporaryDirectory(prefix="tpc-first-start-") as folder:
                    db = Path(folder) / "warehouse.duckdb"
                    first.append(one_start(chromium, db))
                    second.append(one_start(chromium, db))
                    (Path(folder) / "control.py").write_text(CONTROL, encoding="utf-8")
                    control.append(one_start(chromium, db, app=Path(folder) / "control.py"))
        finally:
            chromium.close()
    median = lambda runs, key: statistics.median(r[key] for r in runs if r[key] is not None)  # noqa: E731
    print(json.dumps({"first_kpi": median(first, "kpi"), "first_bar_moved": median(first, "bar_moved"),
                      "first_health": median(first, "health"), "second_kpi": median(second, "kpi"), "control_kpi": median(control, "kpi"),
                      "runs": first, "second_runs": second}, ensure_ascii=False))


if __name__ == "__main__":
    main()
