"""Pacing against a target: where a period should stand by a day, by the shape of last year's daily net revenue.

Pure functions: days, Decimals and mappings in, values out; no database and no Streamlit.

A day of this year is compared with its *equivalent* day last year. Chinese New Year moves (2020-01-25,
2021-02-12): within FESTIVAL_DAYS of the festival the equivalent day is the one as far from last year's
festival, so the gift rush before it and the closed shops after it line up; elsewhere it is the same calendar
day (29 February: the 28th). The festival's dates are in etl/reference/chinese_new_year.csv (正月初一, from the
Chinese calendar, 2015-2035); a year outside it is compared by the calendar.

A period (a month, a year, any first..last day) is weighed day by day with last year's net revenue on each
day's equivalent; the share expected by a day is the weight of the days up to it over the whole period's.
When the whole period maps with one offset this is last year's net from the equivalent of the period's first
day to the equivalent day, over last year's whole equivalent period; a period straddling the edge of the
festival's weeks still gets a share that only grows and ends at exactly 1. When last year has no data for the
period (or nets to zero or less) the share is a straight line by days.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from analytics.filters import shift_year

NEW_YEAR_FILE = Path(__file__).resolve().parent.parent / "etl" / "reference" / "chinese_new_year.csv"
FESTIVAL_DAYS = 21      # three weeks either side of 正月初一: the gift rush, the holiday, back to work by 元宵
FEN = Decimal("0.01")
ZERO, ONE = Decimal(0), Decimal(1)
LAST_YEAR, STRAIGHT = "last_year", "straight"   # what a share was shaped by


@cache
def new_year_days() -> dict[int, dt.date]:
    """Chinese New Year's day (正月初一) of each year the reference file holds."""
    with NEW_YEAR_FILE.open(encoding="utf-8", newline="") as fh:
        return {int(row["year"]): dt.date.fromisoformat(row["new_year_day"]) for row in csv.DictReader(fh)}


def new_year_day(year: int) -> dt.date | None:
    return new_year_days().get(year)


def equivalent_day(day: dt.date) -> dt.date:
    """The day last year that `day` is compared with (see the module's docstring)."""
    for festival in (new_year_day(day.year), new_year_day(day.year + 1)):
        if festival is not None and abs((day - festival).days) <= FESTIVAL_DAYS:
            before = new_year_day(festival.year - 1)
            if before is not None:
                return before + (day - festival)
    return shift_year(day, -1)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from first to last, both included."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def last_year_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last of last year's days a period is weighed with (what to ask the warehouse for)."""
    equivalents = [equivalent_day(day) for day in days(first, last)]
    return min(equivalents), max(equivalents)


def weights(first: dt.date, last: dt.date, last_year: Mapping[dt.date, Decimal]) -> list[Decimal]:
    """Each day's weight: last year's net revenue on its equivalent day (0 for a day without sales)."""
    return [Decimal(last_year.get(equivalent_day(day), ZERO)) for day in days(first, last)]


def basis(first: dt.date, last: dt.date, last_year: Mapping[dt.date, Decimal],
          known: tuple[dt.date, dt.date] | None = None) -> str:
    """LAST_YEAR when last year can shape the period, else STRAIGHT: it has no net revenue on the period's
    equivalent days, or `known` (the first and last day the data covers) leaves some of them out."""
    if known is not None:
        low, high = last_year_window(first, last)
        if low < known[0] or high > known[1]:
            return STRAIGHT
    return LAST_YEAR if sum(weights(first, last, last_year), ZERO) > 0 else STRAIGHT


def expected_share(first: dt.date, last: dt.date, as_of: dt.date, last_year: Mapping[dt.date, Decimal],
                   known: tuple[dt.date, dt.date] | None = None) -> Decimal:
    """The share of the period's target that should be reached by the end of as_of: 0 before the period, 1 from
    its last day; in between by last year's shape, or by days when last year cannot shape it (basis)."""
    if as_of < first:
        return ZERO
    if as_of >= last:
        return ONE
    elapsed = (as_of - first).days + 1
    if basis(first, last, last_year, known) == STRAIGHT:
        return Decimal(elapsed) / Decimal((last - first).days + 1)
    weight = weights(first, last, last_year)
    share = sum(weight[:elapsed], ZERO) / sum(weight, ZERO)
    return min(max(share, ZERO), ONE)   # a day of returns above sales must not take the share past its ends


@dataclass(frozen=True)
class Pace:
    """A target against the actual to a day: money in RMB to the fen, ratios unrounded (None: no base)."""

    first: dt.date
    last: dt.date
    as_of: dt.date
    target: Decimal
    actual: Decimal                    # net revenue from the period's first day to as_of
    expected_share: Decimal            # of the target, by as_of
    basis: str                         # LAST_YEAR or STRAIGHT: what shaped expected_share
    expected_to_date: Decimal          # target x expected share
    achievement: Decimal | None        # actual / target
    pace: Decimal | None               # actual / expected_to_date: 1 is on track
    projected: Decimal | None          # the period's end if it goes on as it went: actual / expected share
    channels: tuple[str, ...] = ()     # the channels the target and the actual cover (set by analytics.targets)


def pace(target: Decimal, actual: Decimal, first: dt.date, last: dt.date, as_of: dt.date,
         last_year: Mapping[dt.date, Decimal], known: tuple[dt.date, dt.date] | None = None,
         channels: tuple[str, ...] = ()) -> Pace:
    """Where the period stands on as_of against its target (see Pace)."""
    target, actual = Decimal(target), Decimal(actual)
    share = expected_share(first, last, as_of, last_year, known)
    expected = money(target * share)
    return Pace(first=first, last=last, as_of=as_of, target=target, actual=actual, expected_share=share,
                basis=basis(first, last, last_year, known), expected_to_date=expected,
                achievement=actual / target if target else None,
                pace=actual / expected if expected else None,
                projected=money(actual / share) if share else None,
                channels=tuple(channels))


def money(amount: Decimal) -> Decimal:
    """An amount to the fen, halves away from zero (四舍五入)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def period_span(year: int, month: int | None = None) -> tuple[dt.date, dt.date]:
    """A month's first and last day, or the year's when month is None."""
    return month_span(year, month) if month else year_span(year)


def daily(frame, day_column: str = "sale_date", amount_column: str = "net_rmb") -> dict[dt.date, Decimal]:
    """A frame of days and amounts (analytics.targets.daily_net) as {day: Decimal}, days summed."""
    out: dict[dt.date, Decimal] = {}
    for day, amount in zip(frame[day_column], frame[amount_column]):
        day = day.date() if isinstance(day, dt.datetime) else day
        out[day] = out.get(day, ZERO) + Decimal(amount)
    return out
