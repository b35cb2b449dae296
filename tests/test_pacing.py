"""Pacing against a target (issue 13): last year's daily shape read through a time warp from this year's period
onto last year's, aligned on Chinese New Year when both festivals' weeks lie inside the periods, a straight line
without last year; every expected value worked out by hand in the comments.

Positions are days elapsed from a period's start: t this year (the end of as_of is t = as_of - first + 1), u last
year; the warp is linear between its corners; a share is last year's net up to u over last year's whole period."""
import csv
import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from analytics import pacing
from analytics.pacing import LAST_YEAR, STRAIGHT, anchors, expected_share, pace
from etl import demo

D = dt.date


def every_day(first, last, amount):
    return {day: Decimal(amount) for day in pacing.days(first, last)}


# ---- the festival's reference and the warp's corners ----------------------------------------------------------

def test_the_new_year_reference_holds_2015_to_2035_and_each_gap_is_a_lunar_year():
    with pacing.NEW_YEAR_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    days = pacing.new_year_days()
    assert [int(r["year"]) for r in rows] == list(range(2015, 2036)) == sorted(days)
    assert all(D(y, 1, 21) <= day <= D(y, 2, 20) for y, day in days.items())
    # a lunar year is 353-355 days, or 383-385 with a leap month
    gaps = {(days[y + 1] - days[y]).days for y in range(2015, 2035)}
    assert gaps <= {353, 354, 355, 383, 384, 385}
    assert days[2020] == D(2020, 1, 25) and days[2021] == D(2021, 2, 12) and days[2033] == D(2033, 1, 31)
    assert {y: str(days[y]) for y in demo.CHINESE_NEW_YEAR} == demo.CHINESE_NEW_YEAR


@pytest.mark.parametrize("first, last, corners", [
    # a month never holds a festival's 43 days: the calendar, April 30 days onto 30
    (D(2021, 4, 1), D(2021, 4, 30), [(0, 0), (30, 30)]),
    # February 2021 holds its festival (the 12th), February 2020 not (25 January): 28 days onto 29, the calendar
    (D(2021, 2, 1), D(2021, 2, 28), [(0, 0), (28, 29)]),
    # 2020 by 2019: 2020-01-04 (3 days in) is 2019-01-15 (14 days in), 2020-02-16 (46) is 2019-02-27 (57)
    (D(2020, 1, 1), D(2020, 12, 31), [(0, 0), (3, 14), (46, 57), (366, 365)]),
    # January-February 2020 by January-February 2019: both festivals' weeks inside, 60 days onto 59
    (D(2020, 1, 1), D(2020, 2, 29), [(0, 0), (3, 14), (46, 57), (60, 59)]),
    # January-March 2021 by 2020: 2021-01-22 (21) is 2020-01-04 (3), 2021-03-06 (64) is 2020-02-16 (46)
    (D(2021, 1, 1), D(2021, 3, 31), [(0, 0), (21, 3), (64, 46), (90, 91)]),
    # January-February 2021: its festival's weeks end on 5 March, outside: the calendar
    (D(2021, 1, 1), D(2021, 2, 28), [(0, 0), (59, 60)]),
    # 2040 and 2039 are not in the reference: the calendar, 366 days onto 365
    (D(2040, 1, 1), D(2040, 12, 31), [(0, 0), (366, 365)]),
])
def test_the_warp_lines_up_the_festivals_weeks_only_when_both_lie_inside_the_periods(first, last, corners):
    assert anchors(first, last) == corners


def test_last_year_s_period_is_the_same_calendar_days():
    # February 2021 by all of February 2020, its 29th too: no day of 2020 falls between two months
    assert pacing.last_year_window(D(2021, 2, 1), D(2021, 2, 28)) == (D(2020, 2, 1), D(2020, 2, 29))
    assert pacing.last_year_window(D(2021, 3, 1), D(2021, 3, 31)) == (D(2020, 3, 1), D(2020, 3, 31))
    assert pacing.last_year_window(D(2020, 2, 1), D(2020, 2, 29)) == (D(2019, 2, 1), D(2019, 2, 28))
    assert pacing.last_year_window(D(2020, 1, 1), D(2020, 12, 31)) == (D(2019, 1, 1), D(2019, 12, 31))


# ---- expected share and the pace ------------------------------------------------------------------------------

def test_a_straight_shape_last_year_paces_by_days():
    # April 2020: 100 every day, 3,000 in all; by 15 April 2021 (t = 15 = u): 1,500 / 3,000 = 0.5
    last_year = every_day(D(2020, 4, 1), D(2020, 4, 30), 100)
    got = pace(Decimal("30000.00"), Decimal("12000.00"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 15), last_year)
    assert got.expected_share == Decimal("0.5")
    assert got.basis == LAST_YEAR
    assert got.expected_to_date == Decimal("15000.00")     # 30,000 x 0.5
    assert got.achievement == Decimal("0.4")               # 12,000 / 30,000
    assert got.pace == Decimal("0.8")                      # 12,000 / 15,000
    assert got.projected == Decimal("24000.00")            # 12,000 / 0.5


def test_a_skewed_shape_expects_little_of_a_slow_start():
    # April 2020: 10 a day on the 1st-10th (100), 45 a day on the 11th-30th (900): by the 10th, 100 / 1,000 = 0.1
    last_year = {**every_day(D(2020, 4, 1), D(2020, 4, 10), 10), **every_day(D(2020, 4, 11), D(2020, 4, 30), 45)}
    got = pace(Decimal("50000.00"), Decimal("6000.00"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 10), last_year)
    assert got.expected_share == Decimal("0.1")
    assert got.expected_to_date == Decimal("5000.00")      # 50,000 x 0.1
    assert got.achievement == Decimal("0.12")              # 6,000 / 50,000
    assert got.pace == Decimal("1.2")                      # 6,000 / 5,000
    assert got.projected == Decimal("60000.00")            # 6,000 / 0.1
    # by the 20th: 100 + 10 x 45 = 550 of 1,000
    assert expected_share(D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 20), last_year) == Decimal("0.55")


# 2019's storefront of the page's hand check (tests/test_pacing_page.py): 1,108.00 in all
SALES_2019 = {D(2019, 1, 1): Decimal("780.00"), D(2019, 1, 5): Decimal("200.00"), D(2019, 3, 1): Decimal("128.00")}


def test_a_year_across_the_festival_lines_its_weeks_up_with_last_year_s():
    first, last = pacing.year_span(2020)
    # 1 February 2020: t = 32, in the stretch of slope 1 from (3, 14): u = 14 + 29 = 43, the end of 2019-02-12;
    # 2019 had sold 780 + 200 = 980 of 1,108 by then
    got = pace(Decimal("1500.00"), Decimal("784.00"), first, last, D(2020, 2, 1), SALES_2019)
    assert got.expected_share == Decimal(980) / Decimal(1108)
    assert got.expected_to_date == Decimal("1326.71")                 # 1,500 x 980 / 1,108 = 1,326.714...
    assert got.projected == Decimal("886.40")                         # 784 x 1,108 / 980 = 886.400
    # 18 February 2020: t = 49, past (46, 57) on the slope (365 - 57) / (366 - 46) = 77/80:
    # u = 57 + 3 x 77/80 = 59.8875: 2019 to 28 February (980) and 0.8875 of 1 March's 128 (113.60)
    assert expected_share(first, last, D(2020, 2, 18), SALES_2019) == Decimal("1093.6") / Decimal(1108)
    # 16 February: u = 57 + 77/80 = 57.9625, inside 2019-02-27, a day without sales: still 980 / 1,108
    assert expected_share(first, last, D(2020, 2, 16), SALES_2019) == Decimal(980) / Decimal(1108)


def test_a_day_the_equivalent_day_rule_lost_is_counted():
    # NJ's 2019: 200.00 on 5 January only. The former rule mapped 2020-01-04 to 2019-01-15 and no 2020 day to
    # 2019-01-05..14: weight 0, a straight line. Now 2020-01-01..03 (t 0..3) stretch over 2019-01-01..14 (u 0..14):
    first, last = pacing.year_span(2020)
    only = {D(2019, 1, 5): Decimal("200.00")}
    assert pacing.basis(first, last, only) == LAST_YEAR
    # by 1 January: u = 14/3 = 4.67, two thirds into 5 January (day 4): 2/3 of the 200
    assert expected_share(first, last, D(2020, 1, 1), only) == Decimal(2) / Decimal(3)
    # by 2 January: u = 28/3 = 9.33, past 5 January: all of it; by 1 February as well
    assert expected_share(first, last, D(2020, 1, 2), only) == 1
    assert expected_share(first, last, D(2020, 2, 1), only) == 1


def test_a_day_the_equivalent_day_rule_counted_twice_is_counted_once():
    # 2019-02-20 was the equivalent of 2020-02-09 (festival) and of 2020-02-20 (calendar): 100 on it and 100 on
    # 1 January made 300 of weight. Now by 1 February (u = 43, 2019-02-12): 100 of 200
    twice = {D(2019, 1, 1): Decimal("100.00"), D(2019, 2, 20): Decimal("100.00")}
    assert expected_share(D(2020, 1, 1), D(2020, 12, 31), D(2020, 2, 1), twice) == Decimal("0.5")


def test_a_period_holding_both_festivals_lines_them_up_day_for_day():
    # January-February 2020 by January-February 2019: corners (0, 0), (3, 14), (46, 57), (60, 59).
    # 2019: 10 a day, 600 on its 正月初一 (5 February, day 35): 58 x 10 + 600 = 1,180
    last_year = {**every_day(D(2019, 1, 1), D(2019, 2, 28), 10), D(2019, 2, 5): Decimal(600)}
    first, last = D(2020, 1, 1), D(2020, 2, 29)
    # by 2020-01-24, the festival's eve: t = 24, u = 14 + 21 = 35, 2019's eve: 35 x 10 = 350
    assert expected_share(first, last, D(2020, 1, 24), last_year) == Decimal(350) / Decimal(1180)
    # by 2020-01-25, 正月初一: u = 36, 2019's 正月初一 too: 350 + 600 = 950
    assert expected_share(first, last, D(2020, 1, 25), last_year) == Decimal(950) / Decimal(1180)
    # by 2020-01-02: t = 2 on the slope 14/3, u = 28/3: 10 x 28/3 = 93.33
    assert expected_share(first, last, D(2020, 1, 2), last_year) == Decimal(280) / Decimal(3540)
    # by 2020-02-22: t = 53 on the slope (59 - 57) / (60 - 46) = 1/7, u = 57 + 1 = 58: 57 x 10 + 600 = 1,170
    assert expected_share(first, last, D(2020, 2, 22), last_year) == Decimal(1170) / Decimal(1180)


def test_a_month_whose_festival_is_not_in_last_year_s_month_follows_the_calendar():
    # February 2021 (festival on the 12th) by February 2020 (festival on 25 January): 28 days onto 29.
    # February 2020: 100 a day on the 1st-14th (1,400), 200 a day on the 15th-29th (15 days: 3,000), 4,400 in all;
    # January 2020 (999 a day) takes no part.
    last_year = {**every_day(D(2020, 1, 1), D(2020, 1, 31), 999), **every_day(D(2020, 2, 1), D(2020, 2, 14), 100),
                 **every_day(D(2020, 2, 15), D(2020, 2, 29), 200)}
    first, last = pacing.month_span(2021, 2)
    assert pacing.last_year_window(first, last) == (D(2020, 2, 1), D(2020, 2, 29))
    # by 14 February 2021: u = 14 x 29/28 = 14.5: 1,400 and half of 15 February's 200: 1,500 / 4,400 = 15/44
    got = pace(Decimal("44000.00"), Decimal("16500.00"), first, last, D(2021, 2, 14), last_year)
    assert got.expected_share == Decimal(15) / Decimal(44)
    assert got.expected_to_date == Decimal("15000.00")     # 44,000 x 15/44
    assert got.pace == Decimal("1.1")                      # 16,500 / 15,000
    assert got.projected == Decimal("48400.00")            # 16,500 x 44/15
    assert got.achievement == Decimal("0.375")             # 16,500 / 44,000


PERIODS = [pacing.month_span(year, month) for year in (2020, 2021) for month in range(1, 13)] + [
    pacing.year_span(year) for year in range(2016, 2026)] + [
    (D(2020, 1, 1), D(2020, 2, 29)), (D(2021, 1, 1), D(2021, 3, 31)), (D(2020, 7, 1), D(2021, 6, 30)),
    (D(2020, 2, 29), D(2020, 3, 31)), (D(2019, 12, 1), D(2021, 3, 31)), (D(2021, 4, 1), D(2021, 4, 2))]


@pytest.mark.parametrize("first, last", PERIODS)
def test_every_day_of_last_year_is_counted_once_and_the_share_only_grows_to_one(first, last):
    rng = random.Random(f"{first}{last}")
    low, high = pacing.last_year_window(first, last)
    last_year = {day: Decimal(rng.choice((0, 0, 1, 250)) * rng.randint(0, 400)) / 100 for day in pacing.days(low, high)}
    last_year[low] = Decimal("0.01")        # never all zeros
    corners = anchors(first, last)
    n, n_last = (last - first).days + 1, (high - low).days + 1
    assert corners[0] == (0, 0) and corners[-1] == (n, n_last)
    assert all(t0 < t1 and u0 < u1 for (t0, u0), (t1, u1) in zip(corners, corners[1:]))
    nets = pacing.last_year_days(first, last, last_year)
    assert len(nets) == n_last and pacing.net_to(nets, pacing.warp(corners, n)) == Fraction(sum(nets))
    shares = [expected_share(first, last, day, last_year) for day in pacing.days(first - dt.timedelta(1), last)]
    assert shares[0] == 0 and shares[-1] == 1 and shares == sorted(shares)
    # the share computed through the warp also ends at exactly 1 (expected_share returns 1 from the last day)
    assert pacing.net_to(nets, pacing.warp(corners, n)) / Fraction(sum(nets)) == 1


def test_no_last_year_paces_by_a_straight_line():
    # April 2021 without last year: by the 6th, 6 / 30 days = 0.2
    got = pace(Decimal("30000.00"), Decimal("3000.00"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 6), {})
    assert (got.basis, got.expected_share, got.expected_to_date, got.pace, got.projected) == (
        STRAIGHT, Decimal("0.2"), Decimal("6000.00"), Decimal("0.5"), Decimal("15000.00"))


def test_a_last_year_of_zeros_paces_by_a_straight_line():
    last_year = every_day(D(2020, 4, 1), D(2020, 4, 30), 0)
    assert pacing.basis(D(2021, 4, 1), D(2021, 4, 30), last_year) == STRAIGHT
    assert expected_share(D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 6), last_year) == Decimal("0.2")


def test_days_before_the_data_began_pace_by_a_straight_line():
    # the data begins 2020-02-02, but February 2021 is weighed from 2020-02-01: by 7 February, 7 / 28 days
    last_year = every_day(D(2020, 1, 1), D(2020, 2, 29), 100)
    first, last = pacing.month_span(2021, 2)
    known = (D(2020, 2, 2), D(2021, 12, 31))
    assert pacing.basis(first, last, last_year, known) == STRAIGHT
    assert expected_share(first, last, D(2021, 2, 7), last_year, known) == Decimal("0.25")
    assert pacing.basis(first, last, last_year, (D(2020, 2, 1), D(2021, 12, 31))) == LAST_YEAR   # covered


def test_a_year_whose_data_begins_in_february_paces_2021_by_a_straight_line():
    # 2021 is weighed with all of 2020; data from 2020-02-01 leaves January out: by 7 February, 38 / 365 days
    last_year = every_day(D(2020, 2, 1), D(2020, 12, 31), 100)
    known = (D(2020, 2, 1), D(2021, 12, 31))
    assert expected_share(D(2021, 1, 1), D(2021, 12, 31), D(2021, 2, 7), last_year, known) == \
        Decimal(38) / Decimal(365)


def test_before_the_period_nothing_is_expected_and_after_it_everything():
    last_year = every_day(D(2020, 4, 1), D(2020, 4, 30), 100)
    before = pace(Decimal("30000.00"), Decimal("0"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 3, 31), last_year)
    assert (before.expected_share, before.expected_to_date, before.pace, before.projected) == (0, Decimal("0.00"), None, None)
    after = pace(Decimal("30000.00"), Decimal("33000.00"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 5, 3), last_year)
    assert (after.expected_share, after.expected_to_date, after.pace, after.projected) == (
        1, Decimal("30000.00"), Decimal("1.1"), Decimal("33000.00"))


def test_a_zero_target_has_no_achievement():
    got = pace(Decimal("0"), Decimal("10.00"), D(2021, 4, 1), D(2021, 4, 30), D(2021, 4, 15), {})
    assert (got.achievement, got.expected_to_date, got.pace) == (None, Decimal("0.00"), None)


def test_money_is_rounded_to_the_fen_half_up():
    # a two-day period by a straight line: by its first day 0.5; 0.05 x 0.5 = 0.025 -> 0.03; 0.01 / 0.5 = 0.02
    got = pace(Decimal("0.05"), Decimal("0.01"), D(2021, 4, 1), D(2021, 4, 2), D(2021, 4, 1), {})
    assert (got.expected_to_date, got.projected) == (Decimal("0.03"), Decimal("0.02"))
    # 100 x 1/3 = 33.333... -> 33.33
    assert pace(Decimal("100"), Decimal("0"), D(2021, 4, 1), D(2021, 4, 3), D(2021, 4, 1), {}).expected_to_date == Decimal("33.33")


@pytest.mark.parametrize("year, month, span", [
    (2021, 2, (D(2021, 2, 1), D(2021, 2, 28))),
    (2020, 2, (D(2020, 2, 1), D(2020, 2, 29))),
    (2021, 12, (D(2021, 12, 1), D(2021, 12, 31))),
    (2021, None, (D(2021, 1, 1), D(2021, 12, 31))),
])
def test_a_periods_first_and_last_day(year, month, span):
    assert pacing.period_span(year, month) == span


def test_a_frame_of_days_becomes_decimals_by_day():
    frame = pd.DataFrame({"sale_date": [pd.Timestamp("2020-04-01"), D(2020, 4, 2), D(2020, 4, 2)],
                          "net_rmb": [Decimal("1.10"), Decimal("2.00"), Decimal("0.05")]})
    assert pacing.daily(frame) == {D(2020, 4, 1): Decimal("1.10"), D(2020, 4, 2): Decimal("2.05")}
