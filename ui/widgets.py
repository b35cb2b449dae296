"""Shared widgets: KPI cards with year-on-year and period-on-period change, downloads, choice controls."""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import streamlit as st

from analytics import metrics
from ui import auth, exports, fmt, i18n, urlstate
from ui.i18n import t


def choice(label: str, options, key: str, default, prefix: str, container=st):
    """A single required choice shown as a segmented control and kept in the URL; labels from `prefix.<option>`."""
    return urlstate.segmented(label, options, key, default, lambda o: t(f"{prefix}.{o}"), container)


def kpi_cards(values: dict, last_year: dict, previous: dict, series: pd.DataFrame, period: str,
              spark_range: tuple, *, ranges: dict, span, channels: tuple[str, ...] = (),
              deal_fairs: list | None = None, columns: int = 3) -> None:
    """One card per metric: value, 同比 as the delta, 环比 below, a 12-period sparkline, its definition as help.

    A change is shown only when metrics.comparison_gap allows it (ranges: metrics.comparisons()); a channel's
    own metric (the exhibition's leads and deals) is left out when the channel filter leaves its channel out;
    money is shown in one unit on every card.
    """
    gaps = metrics.comparison_gaps(ranges, span)
    windows = {name: (ranges[name].start, ranges[name].end) for name in gaps}
    shown = [m for m in metrics.CARDS if metrics.shown(m, channels)]
    scale = money_scale([metrics.value(m.key, values) for m in shown if m.unit == "money"])
    # one row that wraps, in reading order: three cards a row on a desktop, two on a phone (ui/style.py)
    grid = st.container(horizontal=True, key="kpi_cards", gap="small")
    for index, metric in enumerate(shown):
        now = metrics.value(metric.key, values)
        yoy = metrics.compared(now, metrics.value(metric.key, last_year), gaps["last_year"])
        pop = metrics.compared(now, metrics.value(metric.key, previous), gaps["previous"])
        spark = metrics.sparkline(metric.key, series, period, *spark_range)
        with grid.container(key=f"kpi_card_{metric.key}"):
            st.metric(
                t(f"metric.{metric.key}"),
                money_in(now, scale) if metric.unit == "money" else fmt.metric_value(now, metric.unit),
                **fmt.delta(yoy, "normal" if metric.up_is_good else "inverse"),
                delta_description=t("delta.yoy") if yoy is not None else None,
                help=card_help(metric, gaps["last_year"], span, windows["last_year"], deal_fairs),
                chart_data=spark or None,
                chart_type="area",
                border=True,
            )
            # st.metric shows one delta (同比); 环比 goes right under the card
            if gaps.get("previous"):
                st.caption(t("delta.pop_missing", reason=t(f"compare.short.{gaps['previous'].split('.')[-1]}")),
                           help=gap_text(gaps["previous"], span, windows["previous"]))
            else:
                st.caption(t("delta.pop_line", change=fmt.signed_pct(pop) or "–"))


def card_row(name: str):
    """A row of metric cards that wraps in reading order: several a row on a desktop, two on a phone (ui/style.py)."""
    return st.container(horizontal=True, key=f"cards_{name}", gap="small")


def card_help(metric, yoy_gap: str | None, span, earlier: tuple, deal_fairs: list | None) -> str:
    """A card's definition, where its deals come from (deal amount), and why 同比 is missing when it is."""
    parts = [t(f"metric.{metric.key}.help")]
    if metric.channels in ("deals", "leads") and deal_fairs is not None:   # fairs date leads, deals their own day
        parts.append(t("metric.deal_amount.fairs", fairs=fair_months(deal_fairs)) if deal_fairs
                     else t("metric.deal_amount.no_fairs"))
    if yoy_gap:
        parts.append(t("delta.yoy_missing") + gap_text(yoy_gap, span, earlier))
    return "\n\n".join(parts)


def fair_months(months: list) -> str:
    return (", " if i18n.current() == "en" else "、").join(f"{m:%Y-%m}" for m in months)


def gap_text(gap: str, span, earlier: tuple | None = None) -> str:
    """The reason a comparison is not shown, in the reader's words, with the data's first and last day."""
    first, last = span if span else (None, None)
    start, end = earlier if earlier else (None, None)
    return t(gap, first=fmt.day(first), last=fmt.day(last), start=fmt.day(start), end=fmt.day(end))


MONEY_SCALES = {"zh": ((Decimal(10000), "unit.wan_yuan", 2), (Decimal(1), "unit.yuan", 2)),
                "en": ((Decimal(1_000), "K", 1), (Decimal(1), "", 2))}   # K on every card: RMB 3,590.5K beside RMB 0.749K


def money_scale(amounts: list) -> tuple:
    """The one unit for a row of money cards: the largest amount's (萬元 / 元, RMB K / RMB)."""
    largest = max((abs(Decimal(str(a))) for a in amounts if not fmt.missing(a)), default=Decimal(0))
    scales = MONEY_SCALES["en" if i18n.current() == "en" else "zh"]
    return next((s for s in scales if largest >= s[0]), scales[-1])


def money_in(amount, scale: tuple) -> str:
    """An amount in the given unit, with enough decimals that a small amount (an order's value) keeps 3 digits."""
    if fmt.missing(amount):
        return "–"
    divisor, unit, places = scale
    value = Decimal(str(amount)) / divisor
    while divisor != 1 and places < 6 and value and abs(value) < Decimal(100).scaleb(-places):
        places += 1
    text = f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text and divisor != 1 else text
    if i18n.current() == "en":
        return f"RMB {text}{unit}"
    return f"{text} {t(unit)}"


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
