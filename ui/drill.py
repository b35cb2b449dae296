"""Drill-down: selection callbacks that narrow the shared filters to what was clicked."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ui import filterbar


def period_end(start: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return start
    if grain == "week":
        return start + dt.timedelta(days=6)
    next_month = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)


def on_channel_period(grain: str, key: str):
    """Clicking a bar keeps only its channel and its period."""
    def narrow() -> None:
        points = st.session_state[key]["selection"].get("points", [])
        if not points:
            return
        point = points[0]
        start = pd.Timestamp(point["x"]).date()
        values = {"start": start, "end": period_end(start, grain)}
        if point.get("customdata"):
            values["channels"] = [point["customdata"][0]]
        filterbar.narrow(**values)
    return narrow


def on_detail_row(detail: pd.DataFrame, key: str):
    """Clicking a row of the detail keeps only its brand and product."""
    def narrow() -> None:
        rows = st.session_state[key]["selection"].get("rows", [])
        if not rows:
            return
        row = detail.iloc[rows[0]]
        values = {"brands": [row["brand"]]}
        if isinstance(row["sku"], str):
            values["products"] = [row["sku"]]
        filterbar.narrow(**values)
    return narrow


def on_brand_row(board: pd.DataFrame, key: str, target: str):
    """Clicking a leaderboard row opens that brand's detail."""
    def select() -> None:
        rows = st.session_state[key]["selection"].get("rows", [])
        if rows:
            st.session_state[target] = board.iloc[rows[0]]["brand"]
    return select
