"""Shared widgets: KPI cards with year-on-year and period-on-period change, downloads, choice controls."""
from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from analytics import metrics
from ui import auth, exports, fmt, urlstate
from ui.i18n import t


def choice(label: str, options, key: str, default, prefix: str, container=st):
    """A single required choice shown as a segmented control and kept in the URL; labels from `prefix.<option>`."""
    return urlstate.segmented(label, options, key, default, lambda o: t(f"{prefix}.{o}"), container)


def kpi_cards(values: dict, last_year: dict, previous: dict, series: pd.DataFrame, period: str,
              spark_range: tuple, columns: int = 3) -> None:
    """One card per metric: value, 同比 as the delta, 环比 below, a 12-period sparkline, its definition as help."""
    grid = st.columns(columns)
    for index, metric in enumerate(metrics.METRICS):
        now = metrics.value(metric.key, values)
        yoy = metrics.change(now, metrics.value(metric.key, last_year))
        pop = metrics.change(now, metrics.value(metric.key, previous))
        spark = metrics.sparkline(metric.key, series, period, *spark_range)
        with grid[index % columns]:
            st.metric(
                t(f"metric.{metric.key}"),
                fmt.metric_value(now, metric.unit),
                **fmt.delta(yoy, "inverse" if metric.key == "refund_rate" else "normal"),
                delta_description=t("delta.yoy") if yoy is not None else None,
                help=t(f"metric.{metric.key}.help"),
                chart_data=spark or None,
                chart_type="area",
                border=True,
            )
            # st.metric shows one delta (同比); 环比 goes right under the card
            st.caption(t("delta.pop_line", change=fmt.signed_pct(pop) or "–"))


def downloads(frame: pd.DataFrame, name: str, title: str, key: str) -> None:
    """CSV and XLSX of exactly the frame shown, for readers whose role may export."""
    if not auth.current().can_export:
        return
    left, right = st.columns(2)
    # the files are built on click, not on every rerun: a workbook of a large table takes seconds
    left.download_button(t("download.csv"), data=functools.partial(exports.to_csv, frame), file_name=f"{name}.csv",
                         mime="text/csv", key=f"{key}_csv", width="stretch", icon=":material/download:",
                         on_click="ignore")
    right.download_button(t("download.xlsx"), data=functools.partial(exports.to_xlsx, frame, title),
                          file_name=f"{name}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"{key}_xlsx", width="stretch", icon=":material/table_view:", on_click="ignore")
