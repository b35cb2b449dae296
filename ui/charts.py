"""Chart styling: one colour per channel on every chart, shared layout, amounts plotted as numbers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from etl import channels as registry
from ui.filterbar import label_channel, label_unknown
from ui import safe
from ui.i18n import current, t

STAGE_COLORS = {"contacted": "#9AA5B1", "negotiating": "#1F6FB2", "won": "#2E8540", "lost": "#C8102E"}
SEQUENCE = ["#1F6FB2", "#C8102E", "#F2A900", "#2E8540", "#6F42C1", "#17A2B8", "#FD7E14", "#6C757D"]


def as_numbers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Decimal amounts as floats for plotting only: pixels need no cents, the labels are formatted apart."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


WAN_FROM = 100_000   # 元: from 10 萬元 up an axis counts in 萬元; below, 萬元 ticks would read 0, 0, 0


def money_scale(largest: float = float("inf")) -> float:
    """The unit a money axis counts in, from the largest value it shows.

    English readers get RMB (the ticks say K / M); Chinese readers 萬元 / 万元 for large amounts and 元 for
    small ones (a single day, a new month), whose 萬元 ticks would all round to 0."""
    if current() == "en" or not largest == largest or abs(largest) < WAN_FROM:
        return 1.0
    return 10_000.0


def largest(*values) -> float:
    """The largest absolute value among numbers and series of numbers (0 when there are none)."""
    found = [abs(float(v)) for part in values for v in (part if hasattr(part, "__iter__") else [part])
             if v is not None and v == v]
    return max(found, default=0.0)


def in_money_units(frame: pd.DataFrame, *columns: str, scale: float | None = None) -> pd.DataFrame:
    """The columns as floats in the axis unit; scale from money_scale(), else chosen from these columns."""
    frame = as_numbers(frame, *columns)
    scale = scale or money_scale(largest(*(frame[c] for c in columns)))
    for column in columns:
        frame[column] = frame[column] / scale
    return frame


def money_axis(fig: go.Figure, label_key: str = "axis.net_revenue_in", axis: str = "y", *, scale: float) -> go.Figure:
    """The axis title names its unit, the one the values were divided by (scale from money_scale()):
    元 or 萬元, RMB in English; ticks never round a value away."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    unit = t("unit.wan_yuan") if scale == 10_000.0 else t("unit.yuan")
    update(title_text=t(label_key, unit=unit), tickformat="~s" if current() == "en" else ",~f")
    return fig


def count_step(top: float, ticks: int = 6) -> int:
    """A whole tick step (1, 2, 5, 10, 20, 50 …) giving about `ticks` ticks up to top."""
    rough = max(float(top) / ticks, 1.0)
    power = 10 ** math.floor(math.log10(rough))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= rough))


def count_axis(fig: go.Figure, top: float, axis: str = "y") -> go.Figure:
    """Counts tick in whole numbers: one brand's axis steps 0, 1, never 0, 0.2, 0.4."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickformat=",d", tick0=0, dtick=count_step(top), rangemode="tozero")
    return fig


PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91}
MIN_SLOTS = 5   # periods' room a date axis shows at least


def date_axis(fig: go.Figure, grain: str = "month", periods=None, max_ticks: int = 12) -> go.Figure:
    """Dates in ISO, whatever the browser's language: 2020-03 for months, 2020-03-02 for days and weeks.

    With few periods every tick is one of them (Plotly would tick a three-month range every two weeks:
    2021-01, 2021-01, 2021-02); with many, Plotly spaces at most max_ticks ticks over the range."""
    fig.update_xaxes(tickformat="%Y-%m" if grain in ("month", "quarter") else "%Y-%m-%d", hoverformat="%Y-%m-%d")
    if periods is not None:
        values = sorted(pd.to_datetime(pd.Series(list(periods))).dropna().unique())
        if len(values) <= max_ticks:
            fig.update_xaxes(tickmode="array", tickvals=[pd.Timestamp(v).to_pydatetime() for v in values])
            if 0 < len(values) < MIN_SLOTS:
                # a lone bar (a drill-down) would fill the plot: show it in a window of a few periods
                pad = pd.Timedelta(days=PERIOD_DAYS.get(grain, 30) * (MIN_SLOTS - len(values) + 1) / 2)
                fig.update_xaxes(range=[pd.Timestamp(values[0]) - pad, pd.Timestamp(values[-1]) + pad])
        else:
            fig.update_xaxes(nticks=max_ticks)
    return fig


def bar_width(grain: str) -> float:
    """A bar's width on a date axis in milliseconds: a lone bar (after a drill-down) keeps its period's width."""
    return PERIOD_DAYS.get(grain, 30) * 0.8 * 86_400_000


def data_labels(values: pd.Series) -> pd.Series:
    """Names from the data as Plotly shows them: as written, their HTML inert (ui.safe)."""
    return values.map(lambda v: v if v is None or v != v else safe.plotly(v))


def with_channel_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["channel_label"] = frame["channel"].map(label_channel)
    return frame


def channel_color(channel: str) -> str | None:
    """A channel's colour on every chart (etl.channels declares it)."""
    found = registry.CHANNELS.get(channel)
    return found.color if found else None


def channel_color_map() -> dict[str, str]:
    return {label_channel(c.code): c.color for c in registry.CHANNELS.values()}


def layout(fig: go.Figure, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=50 if legend else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.08, xanchor="left", x=0, title_text="") if legend else None,
        showlegend=legend,
        hovermode="closest",
        separators=".,",
        # the toolbar stands down the right edge: across the top it covered the legend on a phone
        modebar=dict(orientation="v"),
    )
    fig.update_xaxes(title_text="")
    return fig


def channel_bars(frame: pd.DataFrame, x: str, y: str, grain: str = "month", height: int = 360) -> go.Figure:
    """Net revenue per period stacked by channel; each bar carries its channel for drill-down.

    Built from graph objects, not plotly.express: express spends ~50 ms a figure resolving its arguments,
    most of a page's cold start once the data is cached."""
    numbers = as_numbers(frame, y)
    totals = numbers[numbers[y] > 0].groupby(x)[y].sum() if not numbers.empty else []
    scale = money_scale(largest(totals, numbers[y]))   # a stacked bar's height is its channels' sum
    data = in_money_units(numbers, y, scale=scale)
    fig = go.Figure()
    for channel in dict.fromkeys(data["channel"]):   # channels in order of first appearance
        part = data[data["channel"] == channel]
        label = label_channel(channel)
        fig.add_bar(x=part[x], y=part[y], name=label, marker_color=channel_color(channel),
                    customdata=[[channel]] * len(part), legendgroup=label, width=bar_width(grain),
                    hovertemplate=f"{label}<br>%{{x}}<br>%{{y:,.2f}}<extra></extra>")
    fig.update_layout(barmode="relative")
    return date_axis(money_axis(layout(fig, height), scale=scale), grain, data[x])


def center_bars(frame: pd.DataFrame, names: dict, height: int = 320) -> go.Figure:
    """Net revenue per center, one horizontal bar each (the largest on top), stacked by channel."""
    numbers = as_numbers(frame, "net_rmb")
    totals = numbers.groupby("center")["net_rmb"].sum().sort_values() if not numbers.empty else pd.Series(dtype=float)
    scale = money_scale(largest(totals))
    data = in_money_units(numbers, "net_rmb", scale=scale)
    order = [safe.plotly(names.get(c, c)) for c in totals.index]
    fig = go.Figure()
    for declared in registry.CHANNELS.values():
        part = data[data["channel"] == declared.code]
        if part.empty:
            continue
        label = label_channel(declared.code)
        fig.add_bar(y=[safe.plotly(names.get(c, c)) for c in part["center"]], x=part["net_rmb"], orientation="h",
                    name=label, marker_color=declared.color, hovertemplate=f"{label}<br>%{{y}}<br>%{{x:,.2f}}<extra></extra>")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order)
    return money_axis(layout(fig, height), axis="x", scale=scale)


def horizontal_bars(frame: pd.DataFrame, value: str, label: str, value_label: str | None = None,
                    color: str = "#1F6FB2", height: int = 360) -> go.Figure:
    """Ranked bars, the first on top; money when value_label is None (scaled to the reader's unit), else a plain count."""
    scale = money_scale(largest(as_numbers(frame, value)[value]))
    data = in_money_units(frame, value, scale=scale) if value_label is None else as_numbers(frame, value)
    data = data.iloc[::-1]
    number = "%{x:,.2f}" if value_label is None else "%{x:,}"
    fig = go.Figure(go.Bar(x=data[value], y=data_labels(data[label].map(label_unknown)), orientation="h", marker_color=color,
                           hovertemplate=f"%{{y}}<br>{number}<extra></extra>"))
    fig.update_yaxes(type="category")
    fig = layout(fig, height, legend=False)
    if value_label is None:
        return money_axis(fig, axis="x", scale=scale)
    return count_axis(fig, largest(data[value]), axis="x")


def brand_counts(frame: pd.DataFrame, grain: str = "month") -> go.Figure:
    """Brands with sales per period, one panel per channel, new brands stacked on returning ones."""
    from plotly.subplots import make_subplots

    channels = list(dict.fromkeys(frame["channel"]))
    fig = make_subplots(rows=1, cols=max(len(channels), 1), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[label_channel(c) for c in channels] or None)
    for col, channel in enumerate(channels, start=1):
        part = frame[frame["channel"] == channel]
        for kind, color in (("returning_brands", "#9AA5B1"), ("new_brands", "#2E8540")):
            name = t(f"channels.{kind}")
            fig.add_bar(x=part["period"], y=part[kind], name=name, marker_color=color, legendgroup=kind,
                        showlegend=col == 1, row=1, col=col, width=bar_width(grain),
                        hovertemplate=f"{name}<br>%{{x}}<br>%{{y}}<extra></extra>")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text=t("channels.brands_axis"), row=1, col=1)
    top = largest(frame["returning_brands"] + frame["new_brands"]) if not frame.empty else 0
    count_axis(fig, top)
    # a panel is a third of the width: a few ISO dates fit under it, twelve collide
    return date_axis(layout(fig, 360), grain, frame["period"], max_ticks=12 // max(len(channels), 1))


def pareto(frame: pd.DataFrame) -> go.Figure:
    """Products by revenue with the cumulative share, and the 80% line."""
    data = in_money_units(as_numbers(frame, "cumulative_share"), "net_rmb")
    scale = money_scale(largest(as_numbers(frame, "net_rmb")["net_rmb"]))
    fig = go.Figure()
    fig.add_bar(x=data["rank"], y=data["net_rmb"], name=t("common.net_revenue"), marker_color="#1F6FB2",
                customdata=data[["product_name", "brand"]].apply(data_labels), hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{y:,.2f}<extra></extra>")
    money_axis(fig, scale=scale)
    fig.add_scatter(x=data["rank"], y=data["cumulative_share"], name=t("brands.cumulative"), yaxis="y2",
                    mode="lines", line=dict(color="#C8102E"))
    # the 80% line sits on the right axis' own 80% tick, which labels it (bold): no label of its own to collide
    fig.add_hline(y=0.8, yref="y2", line_dash="dot", line_color="#555")
    shares = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", range=[0, 1.02], showgrid=False, tickmode="array",
                                  tickvals=shares, ticktext=[f"<b>{s:.0%}</b>" if s == 0.8 else f"{s:.0%}" for s in shares]))
    layout(fig, 380)
    fig.update_xaxes(title_text=t("brands.rank"))   # after layout(), which clears x titles
    return fig


def deal_sizes(frame: pd.DataFrame, value: str, height: int = 300) -> go.Figure:
    """How many deals fall in each size band (20 bins), in the reader's money unit."""
    scale = money_scale(largest(as_numbers(frame, value)[value]))
    data = in_money_units(frame, value, scale=scale)
    values = data[value].dropna().to_numpy()
    # the bins are fixed here, not by Plotly, so the count axis knows its tallest bin
    counts, edges = np.histogram(values, bins=20) if len(values) else (np.array([0]), np.array([0.0, 1.0]))
    size = float(edges[1] - edges[0]) or 1.0
    fig = go.Figure(go.Histogram(x=values, xbins=dict(start=float(edges[0]), end=float(edges[0]) + size * 20.5, size=size),
                                 marker_color="#2E8540", hovertemplate="%{x}<br>%{y}<extra></extra>"))
    layout(fig, height, legend=False)   # first: layout() clears the x axis' title, which here names the unit
    money_axis(fig, "axis.deal_amount_in", axis="x", scale=scale)
    fig.update_yaxes(title_text=t("leads.deals_axis"))
    return count_axis(fig, int(counts.max()))


def funnel(stages: list[tuple[str, int]]) -> go.Figure:
    fig = go.Figure(go.Funnel(y=[label for label, _ in stages], x=[value for _, value in stages],
                              textinfo="value+percent initial", marker=dict(color=["#9AA5B1", "#1F6FB2", "#2E8540"])))
    return layout(fig, 320, legend=False)


def pie(frame: pd.DataFrame, names: str, values: str, colors: dict | None = None, height: int = 320) -> go.Figure:
    data = as_numbers(frame, values)
    marker = dict(colors=[colors.get(name) for name in data[names]]) if colors else None
    fig = go.Figure(go.Pie(labels=data[names], values=data[values], hole=0.55, marker=marker, textinfo="percent+label",
                           sort=False, hovertemplate="%{label}<br>%{value:,.2f} (%{percent})<extra></extra>"))
    return layout(fig, height, legend=False)
