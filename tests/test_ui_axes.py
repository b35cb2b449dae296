"""Axes a reader can read (issue 11, items 9-11): the money unit follows the data, ticks never repeat,
counts tick in whole numbers, and the Pareto's 80% line is labelled by its own tick."""
from decimal import Decimal

import pandas as pd
import pytest

from ui import annual_report, charts, i18n


def in_language(monkeypatch, lang: str) -> None:
    monkeypatch.setattr(i18n, "current", lambda: lang)
    monkeypatch.setattr(charts, "current", lambda: lang)


def revenue(periods: list[str], amounts: list[str], channels: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"period": pd.to_datetime(periods), "channel": channels or ["storefront"] * len(periods),
                         "net_rmb": [Decimal(a) for a in amounts]})


# item 9: 元 for small amounts, 萬元 for large ones, and the axis title says which

def test_a_single_days_revenue_is_plotted_in_yuan(monkeypatch):
    in_language(monkeypatch, "zh-Hant")
    fig = charts.channel_bars(revenue(["2021-01-04"], ["3456.70"]), "period", "net_rmb", "day")
    assert fig.layout.yaxis.title.text == "淨營收（元）"
    assert list(fig.data[0].y) == [3456.7]
    assert fig.layout.yaxis.tickformat == ",~f"   # never ",.0f", which reads 0.35 萬元 as 0


def test_a_years_revenue_is_plotted_in_wan_yuan(monkeypatch):
    in_language(monkeypatch, "zh-Hans")
    fig = charts.channel_bars(revenue(["2020-01-01", "2020-02-01"], ["2500000.00", "120000.00"]), "period", "net_rmb")
    assert fig.layout.yaxis.title.text == "净营收（万元）"
    assert list(fig.data[0].y) == [250.0, 12.0]


def test_the_unit_follows_the_stacked_total_not_one_channels_part(monkeypatch):
    in_language(monkeypatch, "zh-Hant")
    frame = revenue(["2020-01-01", "2020-01-01"], ["60000.00", "60000.00"], ["storefront", "tmall"])
    fig = charts.channel_bars(frame, "period", "net_rmb")
    assert fig.layout.yaxis.title.text == "淨營收（萬元）" and list(fig.data[0].y) == [6.0]


def test_english_axes_stay_in_rmb_with_k_and_m(monkeypatch):
    in_language(monkeypatch, "en")
    fig = charts.channel_bars(revenue(["2020-01-01"], ["2500000.00"]), "period", "net_rmb")
    assert fig.layout.yaxis.title.text == "Net revenue (RMB)" and fig.layout.yaxis.tickformat == "~s"
    assert list(fig.data[0].y) == [2500000.0]


def test_top_brands_and_pareto_and_deal_sizes_pick_their_unit(monkeypatch):
    in_language(monkeypatch, "zh-Hant")
    small = pd.DataFrame({"brand": ["A", "B"], "net_rmb": [Decimal("900.00"), Decimal("300.00")]})
    assert charts.horizontal_bars(small, "net_rmb", "brand").layout.xaxis.title.text == "淨營收（元）"
    pareto = pd.DataFrame({"rank": [1, 2], "product_name": ["p", "q"], "brand": ["A", "B"],
                           "net_rmb": [Decimal("300000.00"), Decimal("100000.00")], "cumulative_share": [0.75, 1.0]})
    fig = charts.pareto(pareto)
    assert fig.layout.yaxis.title.text == "淨營收（萬元）" and list(fig.data[0].y) == [30.0, 10.0]
    deals = pd.DataFrame({"deal_amount_rmb": [Decimal("8000.00"), Decimal("12000.00")]})
    assert charts.deal_sizes(deals, "deal_amount_rmb").layout.xaxis.title.text == "成交金額（元）"


def test_the_annual_chart_of_a_small_year_is_in_yuan(monkeypatch):
    in_language(monkeypatch, "zh-Hant")
    monthly = pd.DataFrame({"year": [2021, 2021], "month": [1, 1], "channel": ["storefront", "tmall"],
                            "net_rmb": [Decimal("4000.00"), Decimal("2000.00")]})
    fig = annual_report.monthly_chart(monthly, 2021)
    assert fig.layout.yaxis.title.text == "淨營收（元）"
    assert [list(bar.y) for bar in fig.data if len(bar.y)][:2] == [[4000.0], [2000.0]]


# item 10: one tick per period, whole-number counts, panels that do not collide

def test_a_three_month_trend_ticks_each_month_once(monkeypatch):
    in_language(monkeypatch, "en")
    fig = charts.channel_bars(revenue(["2021-01-01", "2021-02-01", "2021-03-01"], ["1", "2", "3"]), "period", "net_rmb")
    assert fig.layout.xaxis.tickmode == "array"
    assert [pd.Timestamp(v).strftime("%Y-%m") for v in fig.layout.xaxis.tickvals] == ["2021-01", "2021-02", "2021-03"]


def test_a_drilled_down_single_bar_has_one_tick_and_its_periods_width(monkeypatch):
    in_language(monkeypatch, "en")
    fig = charts.channel_bars(revenue(["2021-01-01"], ["100"]), "period", "net_rmb")
    assert len(fig.layout.xaxis.tickvals) == 1
    assert fig.data[0].width == pytest.approx(24 * 86_400_000)


def test_a_long_trend_leaves_tick_spacing_to_plotly_with_at_most_twelve():
    periods = pd.date_range("2019-01-01", periods=36, freq="MS")
    fig = charts.channel_bars(revenue(list(periods.astype(str)), ["1"] * 36), "period", "net_rmb")
    assert fig.layout.xaxis.tickmode is None and fig.layout.xaxis.nticks == 12


def brand_frame(periods, channels, returning, new) -> pd.DataFrame:
    return pd.DataFrame({"period": pd.to_datetime(periods), "channel": channels,
                         "returning_brands": returning, "new_brands": new})


def test_one_brands_counts_tick_in_whole_numbers(monkeypatch):
    in_language(monkeypatch, "en")
    fig = charts.brand_counts(brand_frame(["2021-01-01", "2021-02-01"], ["tmall", "tmall"], [0, 1], [1, 0]))
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"


def test_many_brands_tick_in_whole_steps():
    assert [charts.count_step(n) for n in (1, 6, 7, 13, 40, 250)] == [1, 1, 2, 5, 10, 50]


def test_day_panels_of_three_channels_show_at_most_four_dates_each(monkeypatch):
    in_language(monkeypatch, "en")
    days = pd.date_range("2021-01-01", periods=10, freq="D").astype(str)
    frame = brand_frame([d for d in days for _ in range(3)], ["storefront", "exhibition", "tmall"] * 10,
                        [1] * 30, [0] * 30)
    fig = charts.brand_counts(frame, "day")
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        assert fig.layout[axis].nticks == 4 and fig.layout[axis].tickformat == "%Y-%m-%d"


def test_leads_by_province_count_in_whole_numbers(monkeypatch):
    in_language(monkeypatch, "en")
    frame = pd.DataFrame({"province": ["浙江", "上海"], "leads": [2, 1]})
    fig = charts.horizontal_bars(frame, "leads", "province", "Leads")
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",d"


def test_deal_sizes_count_in_whole_numbers(monkeypatch):
    in_language(monkeypatch, "en")
    deals = pd.DataFrame({"deal_amount_rmb": [Decimal("8000.00"), Decimal("12000.00"), Decimal("12000.00")]})
    fig = charts.deal_sizes(deals, "deal_amount_rmb")
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"


# item 11: the 80% line is labelled by its own tick

def test_pareto_right_axis_ticks_every_20_percent_and_the_80_percent_tick_labels_the_line(monkeypatch):
    in_language(monkeypatch, "en")
    frame = pd.DataFrame({"rank": [1, 2, 3], "product_name": ["p", "q", "r"], "brand": ["A", "A", "B"],
                          "net_rmb": [Decimal("84"), Decimal("10"), Decimal("6")], "cumulative_share": [0.84, 0.94, 1.0]})
    fig = charts.pareto(frame)
    axis = fig.layout.yaxis2
    assert list(axis.tickvals) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert list(axis.ticktext) == ["0%", "20%", "40%", "60%", "<b>80%</b>", "100%"]
    assert [shape.y0 for shape in fig.layout.shapes] == [0.8]
    assert not fig.layout.annotations   # no "80%" label of its own beside the tick


def test_a_lone_bar_is_drawn_in_a_window_of_five_periods_not_across_the_plot(monkeypatch):
    in_language(monkeypatch, "en")
    fig = charts.channel_bars(revenue(["2021-03-01"], ["100"]), "period", "net_rmb")
    low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert (high - low).days == 150 and low + pd.Timedelta(days=75) == pd.Timestamp("2021-03-01")


def test_the_plotly_toolbar_stands_down_the_right_edge_off_the_legend():
    # across the top (Plotly's default) it covered a chart's legend on a phone (issue 11, item 6)
    import plotly.graph_objects as go

    from ui import charts

    assert charts.layout(go.Figure()).layout.modebar.orientation == "v"
