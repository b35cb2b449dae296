"""The overview's metric definitions: how each is derived from a row of kpis() and compared across periods."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from analytics.filters import Filters, shift_year


ORDER_CHANNELS = ("storefront", "tmall")   # channels whose sales are orders of units; exhibition deals are deals


@dataclass(frozen=True)
class Metric:
    key: str            # also the i18n key of its label ("metric.<key>") and definition ("metric.<key>.help")
    unit: str           # money | count | pct
    channel: str | None = None   # the one channel the metric belongs to; its card is hidden when it is filtered out


METRICS = (
    Metric("net_revenue", "money"),
    Metric("orders", "count"),
    Metric("aov", "money"),
    Metric("units", "count"),
    Metric("active_brands", "count"),
    Metric("products_sold", "count"),
    Metric("leads", "count", "exhibition"),
    Metric("deal_amount", "money", "exhibition"),
    Metric("refund_rate", "pct"),
)


def value(metric: str, row: dict) -> Decimal | int | float | None:
    """A metric's value from a kpis() row (or a kpi_series() row)."""
    if metric == "aov":   # over storefront and Tmall orders only: a won deal is no order (see deal_amount)
        return Decimal(row["order_revenue"]) / row["orders"] if row.get("orders") else None
    if metric == "refund_rate":
        gross = row.get("gross") or 0
        return float(Decimal(row["refunds"]) / Decimal(gross)) if gross else None
    found = row.get(metric)
    return None if found is None or (isinstance(found, float) and pd.isna(found)) else found


def change(now, before) -> float | None:
    """Relative change; None when there is nothing to compare with."""
    if now is None or before in (None, 0):
        return None
    return float((Decimal(str(now)) - Decimal(str(before))) / abs(Decimal(str(before))))


def shown(metric: Metric, channels: tuple[str, ...]) -> bool:
    """A channel's own metric is shown unless the channel filter leaves that channel out."""
    return metric.channel is None or not channels or metric.channel in channels


# ---- like for like: the one rule every 同比 / 环比 of the app follows ----------------------------

def comparison_gap(current: tuple[dt.date, dt.date], earlier: tuple[dt.date, dt.date],
                   span: tuple[dt.date, dt.date] | None) -> str | None:
    """Why the current window cannot be compared with the earlier one, as a catalog key; None when it can.

    A comparison is made only when both windows lie wholly inside the data (its first to its last day):
    a window reaching before the first day or after the last would compare a full period with a part of one.
    """
    if span is None:
        return "compare.no_data"
    first, last = span
    if earlier[0] < first:
        return "compare.before_data"
    if current[1] > last or earlier[1] > last:
        return "compare.after_data"
    return None


def compared(now, before, gap: str | None) -> float | None:
    """The change, or None when the windows are not like for like."""
    return None if gap else change(now, before)


def year_on_year_gap(f: Filters, span) -> str | None:
    """The rule for the filters' range against the same dates a year earlier."""
    earlier = f.shifted_years(-1)
    return comparison_gap((f.start, f.end), (earlier.start, earlier.end), span)


def last_complete_year(years: list[int], span) -> int | None:
    """The latest year the data reaches the 31 December of (else the latest year with data)."""
    if not years:
        return None
    complete = [y for y in years if span and span[1] >= dt.date(y, 12, 31)]
    return complete[-1] if complete else years[-1]


PERIODS = ("day", "week", "month", "year")


def period_range(period: str, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The period to date that contains as_of: today, this week (from Monday), this month, this year."""
    if period == "day":
        return as_of, as_of
    if period == "week":
        return as_of - dt.timedelta(days=as_of.weekday()), as_of
    if period == "month":
        return as_of.replace(day=1), as_of
    return as_of.replace(month=1, day=1), as_of


def previous_range(period: str, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same span of the previous period (环比): yesterday, last week, last month, last year to the same day."""
    if period == "day":
        return start - dt.timedelta(days=1), end - dt.timedelta(days=1)
    if period == "week":
        return start - dt.timedelta(days=7), end - dt.timedelta(days=7)
    if period == "month":
        previous_start = (start - dt.timedelta(days=1)).replace(day=1)
        last_day = start - dt.timedelta(days=1)
        return previous_start, min(previous_start + (end - start), last_day)
    return shift_year(start, -1), shift_year(end, -1)


def comparison_gaps(ranges: dict[str, Filters], span) -> dict[str, str | None]:
    """For comparisons(): why 同比 (last_year) and 环比 (previous) cannot be shown, or None when they can."""
    current = (ranges["current"].start, ranges["current"].end)
    return {name: comparison_gap(current, (ranges[name].start, ranges[name].end), span)
            for name in ("last_year", "previous")}


def sparkline_range(period: str, end: dt.date) -> tuple[dt.date, dt.date]:
    """Twelve periods ending with the current one."""
    start, _ = period_range(period, end)
    if period == "day":
        return end - dt.timedelta(days=11), end
    if period == "week":
        return start - dt.timedelta(weeks=11), end
    if period == "month":
        month = start.month - 11
        year = start.year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1), end
    return dt.date(start.year - 11, 1, 1), end


def comparisons(f: Filters, period: str) -> dict[str, Filters]:
    """The current period to date, the same days a year earlier (同比) and the previous period (环比)."""
    start, end = period_range(period, f.end)
    previous = previous_range(period, start, end)
    current = f.narrowed(start=start, end=end)
    return {
        "current": current,
        "last_year": current.shifted_years(-1),
        "previous": f.narrowed(start=previous[0], end=previous[1]),
    }


def period_starts(period: str, start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every period from start to end (weeks start on Monday, as DuckDB's date_trunc)."""
    first, _ = period_range(period, start)
    starts = []
    while first <= end:
        starts.append(first)
        if period == "day":
            first += dt.timedelta(days=1)
        elif period == "week":
            first += dt.timedelta(weeks=1)
        elif period == "month":
            first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            first = first.replace(year=first.year + 1)
    return starts


def sparkline(metric: str, series: pd.DataFrame, period: str, start: dt.date, end: dt.date) -> list[float]:
    """A metric per period over the range, zero where a period had no sales."""
    rows = {pd.Timestamp(r["period"]).date(): r for r in series.to_dict("records")} if not series.empty else {}
    values = [value(metric, rows[p]) if p in rows else None for p in period_starts(period, start, end)]
    return [float(v) if v is not None else 0.0 for v in values]
