"""Named queries for targets and their pacing: the targets view and the sales_daily mart, bound parameters only."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from analytics import pacing
from analytics.db import query
from etl.channels import codes


def scope(channels: tuple[str, ...], center: str | None) -> tuple[str, list]:
    """The channel and center conditions, each left out when it narrows nothing (all channels; center None:
    the network, so a view without a center column is still asked nothing of it)."""
    clauses, params = [], []
    if channels:
        clauses.append("list_contains(?::varchar[], channel)")
        params.append(list(channels))
    if center is not None:
        clauses.append("center = ?")
        params.append(center)
    return "".join(f" and {clause}" for clause in clauses), params


def channel_targets(year: int, month: int | None = None, center: str | None = None,
                    channels: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per channel with a target for the year (month None) or the month, of a center or the network
    (center None): channel, target_rmb, and where it comes from.

    The period's and scope's own row comes first; else its parts summed: from_centers (the network has no row of
    its own, so its centers' are summed), from_months (the year has no row of its own, so its months' are). A
    month has no target from a yearly one. A channel with neither has no row. In the order pages list channels."""
    where, params = scope(channels, None)
    return query(f"""
        with asked as (
            select channel, target_rmb, center is not null as from_centers, month is not null as from_months
            from targets
            where year = ? and (case when ? then month = ? else true end)
              and (case when ? then center = ? else true end){where}
        ),
        levels as (
            select channel, from_centers, from_months, sum(target_rmb) as target_rmb
            from asked group by all
        )
        select channel, cast(target_rmb as decimal(18, 2)) as target_rmb, from_centers, from_months
        from levels
        qualify row_number() over (partition by channel order by from_centers, from_months) = 1
        order by list_position(?::varchar[], channel), channel""",
        [year, month is not None, month, center is not None, center, *params, list(codes())])


def period_target(year: int, month: int | None = None, center: str | None = None,
                  channels: tuple[str, ...] = ()) -> Decimal | None:
    """The channels' targets for the period summed (see channel_targets); None when none has one."""
    found = channel_targets(year, month, center, channels)
    return None if found.empty else sum(found["target_rmb"], Decimal(0))


def daily_net(first: dt.date, last: dt.date, channels: tuple[str, ...] = (), center: str | None = None) -> pd.DataFrame:
    """Net revenue of paid sales per day from first to last (both included): sale_date, net_rmb."""
    where, params = scope(channels, center)
    return query(f"""
        select sale_date, cast(sum(net_rmb) as decimal(18, 2)) as net_rmb
        from sales_daily where sale_date between ? and ?{where}
        group by sale_date order by sale_date""", [first, last, *params])


def net_between(first: dt.date, last: dt.date, channels: tuple[str, ...] = (), center: str | None = None) -> Decimal:
    """Net revenue of paid sales from first to last (both included)."""
    where, params = scope(channels, center)
    return query(f"""
        select coalesce(cast(sum(net_rmb) as decimal(18, 2)), 0) as net_rmb
        from sales_daily where sale_date between ? and ?{where}""", [first, last, *params]).iat[0, 0]


def last_year_daily_net(first: dt.date, last: dt.date, channels: tuple[str, ...] = (),
                        center: str | None = None) -> dict[dt.date, Decimal]:
    """Last year's net revenue per day over the days a period is weighed with (pacing.last_year_window)."""
    low, high = pacing.last_year_window(first, last)
    return pacing.daily(daily_net(low, high, channels, center))


def sales_span() -> tuple[dt.date, dt.date] | None:
    """The first and last day of the sales mart: the days last year's shape can speak for."""
    row = query("select min(sale_date) as first, max(sale_date) as last from sales_daily")
    if row.empty or pd.isna(row.at[0, "first"]):
        return None
    return pd.Timestamp(row.at[0, "first"]).date(), pd.Timestamp(row.at[0, "last"]).date()


def period_pace(year: int, month: int | None, as_of: dt.date, center: str | None = None,
                channels: tuple[str, ...] = ()) -> pacing.Pace | None:
    """The period's target against its net revenue to as_of, shaped by last year: over the channels that have a
    target (all of them with one when channels is empty), so a channel without one does not inflate the actual.
    None when no channel has a target."""
    targets = channel_targets(year, month, center, channels)
    if targets.empty:
        return None
    covered = tuple(targets["channel"])
    first, last = pacing.period_span(year, month)
    actual = net_between(first, min(as_of, last), covered, center) if as_of >= first else Decimal(0)
    known = sales_span()
    return pacing.pace(sum(targets["target_rmb"], Decimal(0)), actual, first, last, as_of,
                       last_year_daily_net(first, last, covered, center),
                       known=known, channels=covered)


def channel_paces(year: int, month: int | None, as_of: dt.date, center: str | None = None) -> list[pacing.Pace]:
    """period_pace per channel with a target, in the order pages list the channels (etl.channels.codes)."""
    found = channel_targets(year, month, center)
    return [pace for channel in found["channel"]
            if (pace := period_pace(year, month, as_of, center, (channel,))) is not None]
