"""Each page's AppTest run, cold (a fresh process per page) and warm, beside a no-data control page.

    TPC_DB=WAREHOUSE python bench/page_apptest.py WAREHOUSE     # prints JSON, one entry per page
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "annual", "channels", "brands", "leads", "data")
HARNESS = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport dashboard\ndashboard.main({{page!r}})\n"
CONTROL = """
import streamlit as st
st.set_page_config(layout="wide")
st.sidebar.selectbox("Language", ["zh-Hant", "zh-Hans", "en"], key="lang")
st.title("Control")
st.caption("no data")
st.segmented_control("Period", ["day", "week", "month", "year"], default="month", key="period")
st.date_input("As of", key="asof")
st.multiselect("Channels", ["storefront", "exhibition", "tmall"], key="och")
for i, column in enumerate(st.columns(3) * 3):
    column.metric(f"metric {i}", "0", delta="+0%", chart_data=[0] * 12, border=True)
"""
ONE = """
import json, sys, time
from streamlit.testing.v1 import AppTest
source = sys.argv[1]
at = AppTest.from_string(source, default_timeout=300)
started = time.perf_counter(); at.run(); cold = time.perf_counter() - started
assert not at.exception, [e.value for e in at.exception]
warm = []
for _ in range(3):
    started = time.perf_counter(); at.run(); warm.append(time.perf_counter() - started)
print(json.dumps({"cold": cold, "warm": min(warm)}))
"""


def measure(source: str) -> dict:
    done = subprocess.run([sys.executable, "-c", ONE, source], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    control = measure(CONTROL)
    results = []
    for page in PAGES:
        figures = measure(HARNESS.format(page=page))
        results.append({"page": page, **figures, "control_cold": control["cold"], "control_warm": control["warm"]})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
