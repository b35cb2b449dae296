"""The overview's metric definitions: how each is derived from a row of kpis() and compared across periods."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from analytics.filters import Filters, shift_year
from etl import channels as registry


@dataclass(frozen=True)
class Measure:
    """An aggregate over one source's rows (analytics.measures.SOURCES), the building block of metrics."""

    key: str
    source: str                 # sales (sales_daily) | orders (orders_daily) | buyers (buyers_daily) | leads
    sql: str                    # the aggregate, over the source's rows (or, with `per`, over its groups)
    scope: str = "all"          # whose rows: etl.channels.scope() — all | orders | deals | leads | paid | a code
    per: str | None = None      # counted per value of this column (not null), among groups passing `having`
    having: str | None = None


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("net_rmb", "sales", "sum(net_rmb)"),
    Measure("gross", "sales", "sum(gross_rmb)"),
    Measure("refunds", "sales", "sum(refund_rmb)"),
    Measure("order_revenue", "sales", "sum(net_rmb)", scope="orders"),
    Measure("qty", "sales", "sum(qty)", scope="orders"),
    Measure("deal_rmb", "sales", "sum(net_rmb)", scope="deals"),
    Measure("brands_positive", "sales", "count(*)", per="brand", having="sum(net_rmb) > 0"),
    Measure("products_positive", "sales", "count(*)", scope="orders", per="sku", having="sum(qty) > 0"),
    Measure("brands_sold", "sales", "count(distinct brand)"),
    Measure("products_listed", "sales", "count(distinct sku)", scope="orders"),
    Measure("order_count", "orders", "sum(orders)", scope="orders"),
    Measure("paid_rmb", "buyers", "sum(paid_rmb)", scope="paid"),
    Measure("buyer_count", "buyers", "count(distinct buyer_key)", scope="paid"),
    Measure("lead_count", "leads", "count(*)", scope="leads"),
    Measure("company_count", "leads", "count(distinct company)", scope="leads"),
)}


@dataclass(frozen=True)
class Metric:
    """A KPI, declared once: cards, sparklines, 同比 / 环比, the annual results and tooltips all read it.

    Its label is the catalog's "metric.<key>", its definition "metric.<key>.help"."""

    key: str
    unit: str                   # money | count | pct
    measure: str                # a MEASURES key: the value, or a ratio's numerator
    per: str | None = None      # a ratio's denominator (a MEASURES key)
    channels: str = "all"       # which channels it is about (etl.channels.scope); hidden when filtered out
    up_is_good: bool = True     # a rise shows green (refunds: red)
    card: bool = True           # one of the overview's cards
    noun: str | None = None     # a count's unit word (catalog key: 家 companies, 個 brands, 項 products)

    def value(self, values: dict):
        """The metric from its measures' values (None when a ratio's denominator is zero or missing)."""
        top = clean(values.get(self.measure))
        if self.per is None:
            # a count summed over days comes back as a wide decimal; units keep their three decimals
            return int(top) if self.unit == "count" and isinstance(top, Decimal) and self.measure != "qty" else top
        bottom = clean(values.get(self.per))
        if not bottom or top is None:
            return None
        ratio = Decimal(str(top)) / Decimal(str(bottom))
        return float(ratio) if self.unit == "pct" else ratio


METRICS: tuple[Metric, ...] = (
    Metric("net_revenue", "money", "net_rmb"),
    Metric("orders", "count", "order_count", channels="orders"),
    Metric("aov", "money", "order_revenue", per="order_count", channels="orders"),
    Metric("units", "count", "qty", channels="orders"),
    Metric("active_brands", "count", "brands_positive"),
    Metric("products_sold", "count", "products_positive", channels="orders"),
    Metric("leads", "count", "lead_count", channels="leads"),
    Metric("deal_amount", "money", "deal_rmb", channels="deals"),
    Metric("refund_rate", "pct", "refunds", per="gross", up_is_good=False),
    Metric("paid_amount", "money", "paid_rmb", channels="paid"),
    Metric("buyer_aov", "money", "paid_rmb", per="buyer_count", channels="paid"),
    Metric("companies", "count", "company_count", channels="leads", card=False, noun="unit.companies"),
    Metric("brands_on_sale", "count", "brands_sold", card=False, noun="unit.brands"),
    Metric("products_on_sale", "count", "products_listed", channels="orders", card=False, noun="unit.products"),
)
BY_KEY = {m.key: m for m in METRICS}
CARDS = tuple(m for m in METRICS if m.card)


def get(key: str) -> Metric:
    return BY_KEY[key]


def clean(found):
    return None if found is None or (isinstance(found, float) and pd.isna(found)) or found is pd.NA else found


def value(metric: str, row: dict) -> Decimal | int | float | None:
    """A metric's value from a kpis() or kpi_series() row (which hold each metric under its key)."""
    return clean(row.get(metric))


def change(now, before) -> float | None:
    """Relative change; None when there is nothing to compare with."""
    if now is None or before in (None, 0):
        return None
    return float((Decimal(str(now)) - Decimal(str(before))) / abs(Decimal(str(before))))


def applies(metric: Metric, channels: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The channels a metric is taken over, of those the filter keeps (every channel when it keeps all)."""
    kept = set(channels or registry.codes())
    return tuple(c for c in registry.scope(metric.channels) if c in kept)


def shown(metric: Metric, channels: tuple[str, ...]) -> bool:
    """A metric is shown unless the channel filter leaves out every channel it is about."""
    return bool(applies(metric, channels))


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
