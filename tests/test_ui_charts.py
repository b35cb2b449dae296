"""The figures the pages draw: traces, colours, order and the channel each bar carries for drill-down."""
from decimal import Decimal

import pandas as pd
import pytest

from ui import charts, i18n


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr(i18n, "current", lambda: "en")
    monkeypatch.setattr(charts, "current", lambda: "en")


def test_channel_bars_stack_one_trace_per_channel_in_its_colour_with_the_channel_on_every_bar():
    frame = pd.DataFrame({"period": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-01-01"]),
                          "channel": ["tmall", "tmall", "storefront"],
                          "net_rmb": [Decimal("10.50"), Decimal("20.00"), Decimal("5.00")]})
    fig = charts.channel_bars(frame, "period", "net_rmb")
    assert [(bar.name, bar.marker.color) for bar in fig.data] == [("Tmall", "#1F6FB2"), ("Storefront", "#C8102E")]
    assert list(fig.data[0].y) == [10.5, 20.0]
    assert [list(c) for c in fig.data[0].customdata] == [["tmall"], ["tmall"]]
    assert fig.layout.barmode == "relative"
    assert fig.layout.yaxis.title.text == "Net revenue (RMB)" and fig.layout.xaxis.tickformat == "%Y-%m"


def test_horizontal_bars_put_the_first_row_on_top_and_name_unknowns():
    frame = pd.DataFrame({"brand": ["A", "__unknown__", "C"], "net_rmb": [Decimal("30"), Decimal("20"), Decimal("10")]})
    fig = charts.horizontal_bars(frame, "net_rmb", "brand")
    assert list(fig.data[0].y) == ["C", "Unknown", "A"]   # plotted bottom-up: A is drawn on top
    assert list(fig.data[0].x) == [10.0, 20.0, 30.0]
    assert fig.data[0].orientation == "h"


def test_pie_colours_each_slice_by_its_label():
    frame = pd.DataFrame({"channel_label": ["Tmall", "Storefront"], "net_rmb": [Decimal("1"), Decimal("3")]})
    fig = charts.pie(frame, "channel_label", "net_rmb", charts.channel_color_map())
    assert list(fig.data[0].marker.colors) == ["#1F6FB2", "#C8102E"]
    assert fig.data[0].hole == 0.55


def test_brand_counts_draw_one_panel_per_channel_with_one_legend():
    frame = pd.DataFrame({"period": pd.to_datetime(["2020-01-01", "2020-01-01"]), "channel": ["storefront", "tmall"],
                          "returning_brands": [3, 1], "new_brands": [1, 2]})
    fig = charts.brand_counts(frame)
    assert [a.text for a in fig.layout.annotations] == ["Storefront", "Tmall"]
    assert [(bar.xaxis, bar.showlegend) for bar in fig.data] == [("x", True), ("x", True), ("x2", False), ("x2", False)]
    assert [list(bar.y) for bar in fig.data] == [[3], [1], [1], [2]]
