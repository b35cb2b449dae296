"""Each page's AppTest run, cold (median of three fresh processes per page) and warm, beside a control page with the same
kinds of widgets and no data.

    TPC_DB=WAREHOUSE python bench/page_apptest.py WAREHOUSE     # prints JSON, one entry per page
"""
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "annual", "channels", "brands", "leads", "data")
HARNESS = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport dashboard\ndashboard.main({{page!r}})\n"
# The control page has the pages' kinds of widgets -- sidebar choice, controls, KPI cards with sparklines,
# Plotly charts, a dataframe and two download buttons -- with empty data and no warehouse, so it pays
# Streamlit's, pandas' and Plotly's costs but none of ours.
CONTROL = """
import pandas as pd
import plotly.express as px
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
empty = pd.DataFrame({"period": pd.Series([], dtype="datetime64[ns]"), "channel": pd.Series([], dtype=str),
                      "net_rmb": pd.Series([], dtype=float)})
st.plotly_chart(px.bar(empty, x="period", y="net_rmb", color="channel"), key="bars")
st.plotly_chart(px.pie(empty, names="channel", values="net_rmb", hole=0.55), key="pie")
st.plotly_chart(px.bar(empty, x="net_rmb", y="channel", orientation="h"), key="hbars")
st.dataframe(empty, hide_index=True)
st.download_button("CSV", data=lambda: b"", file_name="x.csv", key="csv")
st.download_button("XLSX", data=lambda: b"", file_name="x.xlsx", key="xlsx")
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


def measure(source: str, repeat: int = 3) -> dict:
    """Median cold and warm times over `repeat` fresh processes."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", ONE, source], capture_output=True, text=True, cwd=ROOT)
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {kind: statistics.median(run[kind] for run in runs) for kind in ("cold", "warm")}


def main() -> None:
    control = measure(CONTROL)
    results = []
    for page in PAGES:
        figures = measure(HARNESS.format(page=page))
        results.append({"page": page, **figures, "control_cold": control["cold"], "control_warm": control["warm"]})
    print(json.dumps(results))


if __name__ == "__main__":
    main()
