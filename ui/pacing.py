"""Targets on the page: achievement against target and pacing (where the period should be by today, shaped
by last year's days), as a card and a chart per channel."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import streamlit as st

from analytics import pacing
from ui import charts, fmt
from ui.filterbar import label_channel
from ui.i18n import current, t


def pacing_period(period: str, as_of: dt.date) -> tuple[int, int | None]:
    """The target period a card row is paced against: the month of a day, week or month; the year of a year."""
    return (as_of.year, None) if period == "year" else (as_of.year, as_of.month)


def period_name(year: int, month: int | None) -> str:
    return t("pace.year", year=year) if month is None else t("pace.month", year=year, month=month)


def explanation(p: pacing.Pace) -> str:
    """What the card's figures mean, with the numbers behind them."""
    shape = t("pace.basis.last_year") if p.basis == pacing.LAST_YEAR else t("pace.basis.straight")
    return t("pace.help", target=exact(p.target), day=fmt.day(p.as_of), expected=exact(p.expected_to_date),
             share=fmt.pct(p.expected_share), actual=exact(p.actual), projected=exact(p.projected), shape=shape)


def exact(amount) -> str:
    """An amount to the fen in the reader's words (a manager reconciles the tooltip with the files)."""
    return t("pace.rmb", amount=fmt.money_exact(amount))


def card(container, p: pacing.Pace, label: str) -> None:
    """Achievement as the value; ahead of or behind pace as the delta (the actual against where it should be)."""
    ahead = None if p.pace is None else p.pace - 1
    container.metric(label, fmt.pct(p.achievement), **fmt.delta(ahead),
                     delta_description=t("pace.vs_pace") if ahead is not None else None,
                     help=explanation(p), border=True)


def chart(paces: list[pacing.Pace], height: int | None = None) -> go.Figure:
    """Each channel's achievement as a bar, where it should be by today as a mark, the target as the 100% line."""
    labels = [label_channel(p.channels[0]) if len(p.channels) == 1 else t("pace.all") for p in paces]
    reached = [float(p.achievement or 0) * 100 for p in paces]
    expected = [float(p.expected_share) * 100 for p in paces]
    fig = go.Figure()
    fig.add_bar(y=labels, x=reached, orientation="h", name=t("pace.reached"),
                marker_color=[charts.channel_color(p.channels[0]) if len(p.channels) == 1 else "#555" for p in paces],
                hovertemplate="%{y}<br>%{x:.1f}%<extra></extra>")
    fig.add_scatter(y=labels, x=expected, mode="markers", name=t("pace.expected"),
                    marker=dict(symbol="line-ns", size=26, line=dict(width=3, color="#222")),
                    hovertemplate="%{y}<br>" + t("pace.expected") + " %{x:.1f}%<extra></extra>")
    fig.add_vline(x=100, line_dash="dot", line_color="#888")
    fig.update_yaxes(type="category", autorange="reversed")
    fig.update_xaxes(ticksuffix="%", rangemode="tozero")
    return charts.layout(fig, height or 90 + 44 * len(paces))


def section(total: pacing.Pace | None, paces: list[pacing.Pace], year: int, month: int | None) -> None:
    """The period's target: the achievement card and each channel against its pace."""
    if total is None:
        return
    st.subheader(t("pace.title", period=period_name(year, month)))
    listed = (", " if current() == "en" else "、").join(label_channel(c) for c in total.channels)
    st.caption(t("pace.covers", channels=listed))
    row = st.container(horizontal=True, key="cards_pace", gap="small")
    card(row, total, t("pace.achievement"))
    row.metric(t("pace.projected"), fmt.money(total.projected), border=True,
               help=t("pace.projected.help", target=fmt.money(total.target)))
    if len(paces) > 1:
        st.plotly_chart(chart(paces), key="pace_chart")
