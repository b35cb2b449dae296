"""Named queries for targets and their pacing: the targets view and the sales_daily mart, bound parameters only."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from analytics import access, pacing
from analytics.db import query
from etl.channels import codes


def scope(channels: tuple[str, ...], centers: tuple[str, ...] | None) -> tuple[str, list]:
    """The channel and center conditions, each left out when it narrows nothing: all channels (empty), the whole
    network (centers None, so a table without a center column is asked nothing of it). An empty tuple of
    centers reads nothing, as analytics.access means it."""
    clauses, params = [], []
    centers = visible_centers(centers)
    if channels:
        clauses.append("list_contains(?::varchar[], channel)")
        params.append(list(channels))
    if centers is not None:
        clauses.append("list_contains(?::varchar[], center)")
        params.append(list(centers))
    return "".join(f" and {clause}" for clause in clauses), params


def visible_centers(centers: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The centers asked for within those the reader may see (analytics.access); for None (the network), the
    centers picked in the frame or the reader's limit, else still None."""
    if centers is None:
        return access.visible()
    limit = access.allowed()
    return tuple(c for c in centers if limit is None or c in limit)


def channel_targets(year: int, month: int | None = None, centers: tuple[str, ...] | None = None,
                    channels: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per channel with a target for the year (month None) or the month, of the centers (summed) or
    the network (centers None): channel, target_rmb, and where it comes from.

    Each center's (and the network's) own row for the period comes first, else its months summed
    (from_months: a year without a row of its own). The network's own row comes first, else its centers'
    summed (from_centers). A month has no target from a yearly one; a channel with none has no row. In the
    order pages list the channels."""
    where, params = scope(channels, centers)
    return query(f"""
        with asked as (
            select channel, center, target_rmb, month is not null as from_months
            from targets
            where year = ? and (case when ? then month = ? else true end){where}
        ),
        each_scope as (
            select channel, center, from_months, sum(target_rmb) as target_rmb
            from asked group by channel, center, from_months
            qualify row_number() over (partition by channel, center order by from_months) = 1
        ),
        levels as (
            select channel, center is not null as from_centers, bool_or(from_months) as from_months,
                   sum(target_rmb) as target_rmb
            from each_scope group by channel, center is not null
        )
        select channel, cast(target_rmb as decimal(18, 2)) as target_rmb, from_centers, from_months
        from levels
        qualify row_number() over (partition by channel order by from_centers) = 1
        order by list_position(?::varchar[], channel), channel""",
        [year, month is not None, month, *params, list(codes())])


def period_target(year: int, month: int | None = None, centers: tuple[str, ...] | None = None,
                  channels: tuple[str, ...] = ()) -> Decimal | None:
    """The channels' targets for the period summed (see channel_targets); None when none has one."""
    found = channel_targets(year, month, centers, channels)
    return None if found.empty else sum(found["target_rmb"], Decimal(0))


def daily_net(first: dt.date, last: dt.date, channels: tuple[str, ...] = (),
              centers: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Net revenue of paid sales per day from first to last (both included): sale_date, net_rmb."""
    where, params = scope(channels, centers)
    return query(f"""
        select sale_date, cast(sum(net_rmb) as decimal(18, 2)) as net_rmb
        from sales_daily where sale_date between ? and ?{where}
        group by sale_date order by sale_date""", [first, last, *params])


def net_between(first: dt.date, last: dt.date, channels: tuple[str, ...] = (),
                centers: tuple[str, ...] | None = None) -> Decimal:
    """Net revenue of paid sales from first to last (both included)."""
    where, params = scope(channels, centers)
    return query(f"""
        select coalesce(cast(sum(net_rmb) as decimal(18, 2)), 0) as net_rmb
        from sales_daily where sale_date between ? and ?{where}""", [first, last, *params]).iat[0, 0]


def last_year_daily_net(first: dt.date, last: dt.date, channels: tuple[str, ...] = (),
                        centers: tuple[str, ...] | None = None) -> dict[dt.date, Decimal]:
    """Last year's net revenue per day over the days a period is weighed with (pacing.last_year_window)."""
    low, high = pacing.last_year_window(first, last)
    return pacing.daily(daily_net(low, high, channels, centers))


def sales_span() -> tuple[dt.date, dt.date] | None:
    """The first and last day the warehouse's sales cover, every center's: the days last year's shape can speak
    for. A center's own first sale is no limit (before it the center sold nothing, which is a shape too), so this
    one query reads no center condition: it gives two dates, never a row or an amount."""
    row = query("select min(sale_date) as first, max(sale_date) as last from sales_daily")
    if row.empty or pd.isna(row.at[0, "first"]):
        return None
    return pd.Timestamp(row.at[0, "first"]).date(), pd.Timestamp(row.at[0, "last"]).date()


def period_pace(year: int, month: int | None, as_of: dt.date, centers: tuple[str, ...] | None = None,
                channels: tuple[str, ...] = ()) -> pacing.Pace | None:
    """The period's target against its net revenue to as_of, shaped by last year: over the channels that have a
    target (all of them with one when channels is empty), so a channel without one does not inflate the actual.
    None when no channel has a target."""
    targets = channel_targets(year, month, centers, channels)
    if targets.empty:
        return None
    covered = tuple(targets["channel"])
    first, last = pacing.period_span(year, month)
    actual = net_between(first, min(as_of, last), covered, centers) if as_of >= first else Decimal(0)
    known = sales_span()
    return pacing.pace(sum(targets["target_rmb"], Decimal(0)), actual, first, last, as_of,
                       last_year_daily_net(first, last, covered, centers),
                       known=known, channels=covered)


def channel_paces(year: int, month: int | None, as_of: dt.date,
                  centers: tuple[str, ...] | None = None) -> list[pacing.Pace]:
    """period_pace per channel with a target, in the order pages list the channels (etl.channels.codes)."""
    found = channel_targets(year, month, centers)
    return [pace for channel in found["channel"]
            if (pace := period_pace(year, month, as_of, centers, (channel,))) is not None]


def center_paces(year: int, as_of: dt.date, centers: list[str]) -> pd.DataFrame:
    """Per center, its year's target (over the channels it has one for), the actual to as_of on those channels,
    achievement and pace: the network page's columns. A center without a target has empty cells."""
    out = []
    for center in centers:
        found = period_pace(year, None, as_of, (center,))
        out.append({"center": center, "target_rmb": found.target if found else None,
                    "target_actual_rmb": found.actual if found else None,
                    "achievement": float(found.achievement) if found and found.achievement is not None else None,
                    "pace": float(found.pace) if found and found.pace is not None else None})
    return pd.DataFrame(out, columns=["center", "target_rmb", "target_actual_rmb", "achievement", "pace"]).astype(
        {"center": object})


def channel_results(year: int, as_of: dt.date) -> pd.DataFrame:
    """Per channel with a target for the year: target, actual to as_of, achievement (the annual page's table)."""
    rows = [{"channel": p.channels[0], "target_rmb": p.target, "actual_rmb": p.actual,
             "achievement": float(p.achievement) if p.achievement is not None else None}
            for p in channel_paces(year, None, as_of)]
    return pd.DataFrame(rows, columns=["channel", "target_rmb", "actual_rmb", "achievement"])
