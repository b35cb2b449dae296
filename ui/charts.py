"""Chart styling: one colour per channel on every chart, shared layout, amounts plotted as numbers."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.filterbar import label_channel, label_unknown
from ui import safe
from ui.i18n import current, t

CHANNEL_COLORS = {"storefront": "#C8102E", "exhibition": "#F2A900", "tmall": "#1F6FB2"}
STAGE_COLORS = {"contacted": "#9AA5B1", "negotiating": "#1F6FB2", "won": "#2E8540", "lost": "#C8102E"}
SEQUENCE = ["#1F6FB2", "#C8102E", "#F2A900", "#2E8540", "#6F42C1", "#17A2B8", "#FD7E14", "#6C757D"]


def as_numbers(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Decimal amounts as floats for plotting only: pixels need no cents, the labels are formatted apart."""
    frame = frame.copy()
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def money_scale() -> float:
    """Charts count money in 萬元 / 万元 for Chinese readers and in RMB (with K/M ticks) for English ones."""
    return 1.0 if current() == "en" else 10_000.0


def in_money_units(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    frame = as_numbers(frame, *columns)
    for column in columns:
        frame[column] = frame[column] / money_scale()
    return frame


def money_axis(fig: go.Figure, label_key: str = "axis.net_revenue", axis: str = "y") -> go.Figure:
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(title_text=t(label_key), tickformat="~s" if current() == "en" else ",.0f")
    return fig


def date_axis(fig: go.Figure, grain: str = "month") -> go.Figure:
    """Dates in ISO, whatever the browser's language: 2020-03 for months, 2020-03-02 for days and weeks."""
    fig.update_xaxes(tickformat="%Y-%m" if grain in ("month", "quarter") else "%Y-%m-%d", hoverformat="%Y-%m-%d")
    return fig


def data_labels(values: pd.Series) -> pd.Series:
    """Names from the data as Plotly shows them: as written, their HTML inert (ui.safe)."""
    return values.map(lambda v: v if v is None or v != v else safe.plotly(v))


def with_channel_labels(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["channel_label"] = frame["channel"].map(label_channel)
    return frame


def channel_color_map() -> dict[str, str]:
    return {label_channel(c): color for c, color in CHANNEL_COLORS.items()}


def layout(fig: go.Figure, height: int = 360, legend: bool = True) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=50 if legend else 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.08, xanchor="left", x=0, title_text="") if legend else None,
        showlegend=legend,
        hovermode="closest",
        separators=".,",
    )
    fig.update_xaxes(title_text="")
    return fig


def channel_bars(frame: pd.DataFrame, x: str, y: str, grain: str = "month", height: int = 360) -> go.Figure:
    """Net revenue per period stacked by channel; each bar carries its channel for drill-down.

    Built from graph objects, not plotly.express: express spends ~50 ms a figure resolving its arguments,
    most of a page's cold start once the data is cached."""
    data = in_money_units(frame, y)
    fig = go.Figure()
    for channel in dict.fromkeys(data["channel"]):   # channels in order of first appearance
        part = data[data["channel"] == channel]
        label = label_channel(channel)
        fig.add_bar(x=part[x], y=part[y], name=label, marker_color=CHANNEL_COLORS.get(channel),
                    customdata=[[channel]] * len(part), legendgroup=label,
                    hovertemplate=f"{label}<br>%{{x}}<br>%{{y:,.2f}}<extra></extra>")
    fig.update_layout(barmode="relative")
    return date_axis(money_axis(layout(fig, height)), grain)


def horizontal_bars(frame: pd.DataFrame, value: str, label: str, value_label: str | None = None,
                    color: str = "#1F6FB2", height: int = 360) -> go.Figure:
    """Ranked bars, the first on top; money when value_label is None (scaled to the reader's unit), else a plain count."""
    data = in_money_units(frame, value) if value_label is None else as_numbers(frame, value)
    data = data.iloc[::-1]
    number = "%{x:,.2f}" if value_label is None else "%{x:,}"
    fig = go.Figure(go.Bar(x=data[value], y=data_labels(data[label].map(label_unknown)), orientation="h", marker_color=color,
                           hovertemplate=f"%{{y}}<br>{number}<extra></extra>"))
    fig.update_yaxes(type="category")
    fig = layout(fig, height, legend=False)
    return money_axis(fig, axis="x") if value_label is None else fig


def brand_counts(frame: pd.DataFrame) -> go.Figure:
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
                        showlegend=col == 1, row=1, col=col, hovertemplate=f"{name}<br>%{{x}}<br>%{{y}}<extra></extra>")
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text=t("channels.brands_axis"), row=1, col=1)
    return date_axis(layout(fig, 360))


def pareto(frame: pd.DataFrame) -> go.Figure:
    """Products by revenue with the cumulative share, and the 80% line."""
    data = in_money_units(as_numbers(frame, "cumulative_share"), "net_rmb")
    fig = go.Figure()
    fig.add_bar(x=data["rank"], y=data["net_rmb"], name=t("common.net_revenue"), marker_color="#1F6FB2",
                customdata=data[["product_name", "brand"]].apply(data_labels), hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{y:,.2f}<extra></extra>")
    money_axis(fig)
    fig.add_scatter(x=data["rank"], y=data["cumulative_share"], name=t("brands.cumulative"), yaxis="y2",
                    mode="lines", line=dict(color="#C8102E"))
    fig.add_hline(y=0.8, yref="y2", line_dash="dot", line_color="#555", annotation_text="80%")
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.02]))
    fig.update_xaxes(title_text=t("brands.rank"))
    return layout(fig, 380)


def deal_sizes(frame: pd.DataFrame, value: str, height: int = 300) -> go.Figure:
    """How many deals fall in each size band (20 bins), in the reader's money unit."""
    data = in_money_units(frame, value)
    fig = go.Figure(go.Histogram(x=data[value], nbinsx=20, marker_color="#2E8540",
                                 hovertemplate="%{x}<br>%{y}<extra></extra>"))
    money_axis(fig, "axis.deal_amount", axis="x")
    fig.update_yaxes(title_text=t("leads.deals_axis"))
    return layout(fig, height, legend=False)


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
