"""Chart styling: one colour per channel on every chart, shared layout, amounts plotted as numbers."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from ui.filterbar import label_channel, label_unknown
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
    """Net revenue per period stacked by channel; each bar carries its channel for drill-down."""
    data = with_channel_labels(in_money_units(frame, y))
    fig = px.bar(data, x=x, y=y, color="channel_label", color_discrete_map=channel_color_map(),
                 labels={"channel_label": t("common.channel")}, custom_data=["channel"])
    return date_axis(money_axis(layout(fig, height)), grain)


def horizontal_bars(frame: pd.DataFrame, value: str, label: str, value_label: str | None = None,
                    color: str = "#1F6FB2", height: int = 360) -> go.Figure:
    """Ranked bars; money when value_label is None (scaled to the reader's unit), else a plain count."""
    data = in_money_units(frame, value) if value_label is None else as_numbers(frame, value)
    data[label] = data[label].map(label_unknown)
    fig = px.bar(data.iloc[::-1], x=value, y=label, orientation="h", labels={value: value_label or "", label: ""})
    fig.update_traces(marker_color=color)
    fig = layout(fig, height, legend=False)
    return money_axis(fig, axis="x") if value_label is None else fig


def brand_counts(frame: pd.DataFrame) -> go.Figure:
    """Brands with sales per period, one panel per channel, new brands stacked on returning ones."""
    long = frame.melt(id_vars=["period", "channel"], value_vars=["returning_brands", "new_brands"],
                      var_name="kind", value_name="brands")
    long["kind"] = long["kind"].map(lambda k: t(f"channels.{k}"))
    long = with_channel_labels(long)
    fig = px.bar(long, x="period", y="brands", color="kind", facet_col="channel_label",
                 color_discrete_sequence=["#9AA5B1", "#2E8540"], labels={"brands": t("channels.brands_axis")})
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1], y=1.0))
    return date_axis(layout(fig, 360))


def pareto(frame: pd.DataFrame) -> go.Figure:
    """Products by revenue with the cumulative share, and the 80% line."""
    data = in_money_units(as_numbers(frame, "cumulative_share"), "net_rmb")
    fig = go.Figure()
    fig.add_bar(x=data["rank"], y=data["net_rmb"], name=t("common.net_revenue"), marker_color="#1F6FB2",
                customdata=data[["product_name", "brand"]], hovertemplate="%{customdata[0]} (%{customdata[1]})<br>%{y:,.2f}<extra></extra>")
    money_axis(fig)
    fig.add_scatter(x=data["rank"], y=data["cumulative_share"], name=t("brands.cumulative"), yaxis="y2",
                    mode="lines", line=dict(color="#C8102E"))
    fig.add_hline(y=0.8, yref="y2", line_dash="dot", line_color="#555", annotation_text="80%")
    fig.update_layout(yaxis2=dict(overlaying="y", side="right", tickformat=".0%", range=[0, 1.02]))
    fig.update_xaxes(title_text=t("brands.rank"))
    return layout(fig, 380)


def funnel(stages: list[tuple[str, int]]) -> go.Figure:
    fig = go.Figure(go.Funnel(y=[label for label, _ in stages], x=[value for _, value in stages],
                              textinfo="value+percent initial", marker=dict(color=["#9AA5B1", "#1F6FB2", "#2E8540"])))
    return layout(fig, 320, legend=False)


def pie(frame: pd.DataFrame, names: str, values: str, colors: dict | None = None, height: int = 320) -> go.Figure:
    data = as_numbers(frame, values)
    fig = px.pie(data, names=names, values=values, hole=0.55, color=names if colors else None,
                 color_discrete_map=colors or {})
    fig.update_traces(textinfo="percent+label", sort=False)
    return layout(fig, height, legend=False)
