"""Drill-down callbacks narrow the shared filters to what was clicked."""
import datetime as dt

import pandas as pd
import pytest
import streamlit

from ui import drill


@pytest.fixture
def state(monkeypatch):
    fake = {}
    monkeypatch.setattr(streamlit, "session_state", fake)
    return fake


@pytest.mark.parametrize("start, grain, end", [
    (dt.date(2020, 2, 1), "month", dt.date(2020, 2, 29)),
    (dt.date(2020, 12, 1), "month", dt.date(2020, 12, 31)),
    (dt.date(2020, 3, 2), "week", dt.date(2020, 3, 8)),
    (dt.date(2020, 3, 2), "day", dt.date(2020, 3, 2)),
])
def test_period_end(start, grain, end):
    assert drill.period_end(start, grain) == end


def test_clicking_a_bar_keeps_its_channel_and_month(state):
    state["trend"] = {"selection": {"points": [{"x": "2020-11-01", "customdata": ["tmall"]}]}}
    drill.on_channel_period("month", "trend")()
    assert (state["from"], state["to"], state["ch"]) == (dt.date(2020, 11, 1), dt.date(2020, 11, 30), ["tmall"])


def test_clicking_a_detail_row_keeps_its_brand_and_product(state):
    detail = pd.DataFrame({"brand": ["宝岛酥坊", "云雾茶坊"], "sku": ["TW-A001", "TW-A002"]})
    state["detail"] = {"selection": {"rows": [1], "columns": []}}
    drill.on_detail_row(detail, "detail")()
    assert (state["brand"], state["sku"]) == (["云雾茶坊"], ["TW-A002"])


def test_an_empty_selection_changes_nothing(state):
    state["trend"] = {"selection": {"points": []}}
    drill.on_channel_period("month", "trend")()
    assert set(state) == {"trend"}
