"""Pacing against a target: where a period should stand by a day, by the shape of last year's daily net revenue.

Pure functions: days, Decimals and mappings in, values out; no database and no Streamlit.

A period (a month, a year, any first..last day; N days) is compared with the same calendar days a year earlier
(29 February: the 28th; a period ending on 28 February after a leap year takes the 29th too; N' days). A day's
position is the days elapsed from its period's start: the end of as_of is t = (as_of - first) + 1 in [0, N] this
year, u in [0, N'] last year. A time warp, piecewise linear and strictly increasing, takes t to u; the share
expected by as_of is last year's net revenue up to warp(t) over last year's whole period, a fraction of a day
counting that fraction of the day's net. Because the warp runs continuously from (0, 0) to (N, N'), each of last
year's days is read exactly once: none is lost and none counted twice (the former rule, each day on an
"equivalent day", skipped some of last year's days and doubled others where its offset jumped at the festival's
edges).

Chinese New Year moves (2020-01-25, 2021-02-12; etl/reference/chinese_new_year.csv: 正月初一 from the Chinese
calendar, 2015-2035). When this year's festival weeks (FESTIVAL_DAYS either side of 正月初一: 43 days) and last
year's both lie wholly inside their periods, their first day and the day after their last are corners of the
warp, so the festival's 43 days line up day for day (slope 1) and the days before and after are stretched or
squeezed to fit; a corner that would not keep the warp strictly increasing inside (0, 0)..(N, N') is left out.
Otherwise (a month never holds the 43 days; a year outside the file) the warp is the calendar's straight line
from (0, 0) to (N, N'). A festival only partly inside is not half-aligned: whole weeks or the calendar is the
simplest rule that keeps every day of last year counted once.

When last year nets to zero or less over its period, or the data (`known`) does not cover it, the share is a
straight line by days.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
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


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from first to last, both included."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def day_count(first: dt.date, last: dt.date) -> int:
    return (last - first).days + 1


def last_year_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Last year's period: the same calendar days a year earlier (what to ask the warehouse for). A period ending
    on 28 February after a leap year takes the 29th too, so February 2021 is weighed with all of February 2020
    and no day of 2020 falls between two months."""
    low, high = shift_year(first, -1), shift_year(last, -1)
    if (last.month, last.day) == (2, 28) and calendar.isleap(high.year):
        high += dt.timedelta(days=1)
    return low, high


def festival_weeks(festival: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day aligned on a Chinese New Year."""
    return festival - dt.timedelta(days=FESTIVAL_DAYS), festival + dt.timedelta(days=FESTIVAL_DAYS)


def anchors(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    """The warp's corners (t this year, u last year), from (0, 0) to (N, N'): the edges of each festival's weeks
    that lie wholly inside both periods, as long as they keep the warp strictly increasing."""
    first_ly, last_ly = last_year_window(first, last)
    n, n_ly = day_count(first, last), day_count(first_ly, last_ly)
    corners = []
    for year in range(first.year, last.year + 1):
        festival, before = new_year_day(year), new_year_day(year - 1)
        if festival is None or before is None:
            continue
        (start, end), (start_ly, end_ly) = festival_weeks(festival), festival_weeks(before)
        if first <= start and end <= last and first_ly <= start_ly and end_ly <= last_ly:
            corners += [((start - first).days, (start_ly - first_ly).days),
                        ((end - first).days + 1, (end_ly - first_ly).days + 1)]
    kept = [(0, 0)]
    for t, u in sorted(corners):
        if kept[-1][0] < t < n and kept[-1][1] < u < n_ly:
            kept.append((t, u))
    return kept + [(n, n_ly)]


def warp(corners: list[tuple[int, int]], t: int) -> Fraction:
    """Last year's position for this year's t in [0, N]: linear between the corners, exact."""
    for (t0, u0), (t1, u1) in zip(corners, corners[1:]):
        if t <= t1:
            return u0 + Fraction((t - t0) * (u1 - u0), t1 - t0)
    raise ValueError(f"{t} is past the period's end {corners[-1][0]}")


def last_year_days(first: dt.date, last: dt.date, last_year: Mapping[dt.date, Decimal]) -> list[Decimal]:
    """Last year's net revenue on each day of last year's period (0 for a day without sales)."""
    return [Decimal(last_year.get(day, ZERO)) for day in days(*last_year_window(first, last))]


def net_to(nets: list[Decimal], position: Fraction) -> Fraction:
    """Last year's net up to a position: the whole days before it and the fraction of the day it falls in."""
    whole = math.floor(position)
    done = Fraction(sum(nets[:whole], ZERO))
    return done + Fraction(nets[whole]) * (position - whole) if whole < len(nets) else done


def basis(first: dt.date, last: dt.date, last_year: Mapping[dt.date, Decimal],
          known: tuple[dt.date, dt.date] | None = None) -> str:
    """LAST_YEAR when last year can shape the period, else STRAIGHT: last year's period nets to zero or less, or
    `known` (the first and last day the data covers) leaves some of its days out."""
    if known is not None:
        low, high = last_year_window(first, last)
        if low < known[0] or high > known[1]:
            return STRAIGHT
    return LAST_YEAR if sum(last_year_days(first, last, last_year), ZERO) > 0 else STRAIGHT


def expected_share(first: dt.date, last: dt.date, as_of: dt.date, last_year: Mapping[dt.date, Decimal],
                   known: tuple[dt.date, dt.date] | None = None) -> Decimal:
    """The share of the period's target that should be reached by the end of as_of: 0 before the period, 1 from
    its last day; in between last year's net to warp(t) over its whole period, or t / N when last year cannot
    shape it (basis)."""
    if as_of < first:
        return ZERO
    if as_of >= last:
        return ONE
    elapsed = (as_of - first).days + 1
    if basis(first, last, last_year, known) == STRAIGHT:
        return Decimal(elapsed) / Decimal(day_count(first, last))
    nets = last_year_days(first, last, last_year)
    ratio = net_to(nets, warp(anchors(first, last), elapsed)) / Fraction(sum(nets, ZERO))
    share = Decimal(ratio.numerator) / Decimal(ratio.denominator)    # exact until this one rounding
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
