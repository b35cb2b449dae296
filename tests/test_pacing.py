"""Pacing against a target (issue 13): last year's daily shape, aligned on Chinese New Year, a straight line
without it; every expected value worked out by hand in the comments."""
import csv
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from analytics import pacing
from analytics.pacing import LAST_YEAR, STRAIGHT, equivalent_day, expected_share, pace
from etl import demo

D = dt.date


def every_day(first, last, amount):
    return {day: Decimal(amount) for day in pacing.days(first, last)}


# ---- the equivalent day ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("day, last_year", [
    (D(2021, 2, 12), D(2020, 1, 25)),    # 正月初一 2021 -> 正月初一 2020
    (D(2021, 2, 1), D(2020, 1, 14)),     # 11 days before the festival -> 11 days before last year's
    (D(2021, 1, 22), D(2020, 1, 4)),     # 21 days before: the first day aligned on the festival
    (D(2021, 1, 21), D(2020, 1, 21)),    # 22 days before: the calendar again
    (D(2021, 3, 5), D(2020, 2, 15)),     # 21 days after: Jan 25 + 21
    (D(2021, 3, 6), D(2020, 3, 6)),      # 22 days after: the calendar
    (D(2020, 1, 25), D(2019, 2, 5)),     # the festival moves back 11 days in 2020
    (D(2020, 2, 29), D(2019, 2, 28)),    # 35 days after the 2020 festival: calendar, 29 Feb -> 28 Feb
    (D(2021, 7, 1), D(2020, 7, 1)),
    (D(2023, 1, 1), D(2022, 1, 11)),     # 21 days before 2023-01-22: 2022-02-01 - 21 days
    (D(2022, 12, 31), D(2021, 12, 31)),  # 22 days before 2023-01-22: the calendar
])
def test_the_equivalent_day_follows_the_festival_near_it_and_the_calendar_elsewhere(day, last_year):
    assert equivalent_day(day) == last_year


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


def test_a_year_outside_the_reference_is_compared_by_the_calendar():
    assert equivalent_day(D(2040, 2, 1)) == D(2039, 2, 1)


# ---- expected share and the pace ------------------------------------------------------------------------------

def test_a_straight_shape_last_year_paces_by_days():
    # April 2020: 100 every day, 3,000 in all; by 15 April 2021 (= 15 April 2020): 1,500 / 3,000 = 0.5
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


def test_the_festival_moves_the_equivalent_days_of_february():
    # February 2021 (festival on the 12th) is weighed with 2020-01-14 .. 2020-02-10 (festival on 25 January):
    # 14-24 January 2020, the gift rush, 300 a day (11 days: 3,300); 25 January - 10 February, 100 a day
    # (17 days: 1,700); 5,000 in all. The calendar's February 2020 (999 a day from the 11th) takes no part.
    last_year = {**every_day(D(2020, 1, 14), D(2020, 1, 24), 300), **every_day(D(2020, 1, 25), D(2020, 2, 10), 100),
                 **every_day(D(2020, 2, 11), D(2020, 2, 29), 999)}
    first, last = pacing.month_span(2021, 2)
    assert pacing.last_year_window(first, last) == (D(2020, 1, 14), D(2020, 2, 10))
    # by 11 February 2021, the festival's eve = 24 January 2020: 3,300 / 5,000
    got = pace(Decimal("100000.00"), Decimal("69300.00"), first, last, D(2021, 2, 11), last_year)
    assert got.expected_share == Decimal("0.66")
    assert got.expected_to_date == Decimal("66000.00")     # 100,000 x 0.66
    assert got.pace == Decimal("1.05")                     # 69,300 / 66,000
    assert got.projected == Decimal("105000.00")           # 69,300 / 0.66
    assert got.achievement == Decimal("0.693")
    # by the festival itself (= 25 January 2020): 3,400 / 5,000
    assert expected_share(first, last, D(2021, 2, 12), last_year) == Decimal("0.68")


def test_a_period_straddling_the_festivals_weeks_grows_and_ends_at_one():
    # January 2021: the 1st-21st are 1-21 January 2020, the 22nd-31st are 4-13 January 2020 (the festival's
    # weeks). Last year's net on day n of January is n: weights 1..21 (231), then 4..13 (85): 316 in all.
    last_year = {D(2020, 1, n): Decimal(n) for n in range(1, 32)}
    first, last = pacing.month_span(2021, 1)
    shares = [expected_share(first, last, day, last_year) for day in pacing.days(first, last)]
    assert shares == sorted(shares) and shares[-1] == 1
    assert shares[20] == Decimal(231) / Decimal(316)              # by 21 January
    assert shares[21] == Decimal(231 + 4) / Decimal(316)          # by 22 January = 4 January 2020


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
    # the data begins 2020-02-01, but February 2021 is weighed from 2020-01-14: by 7 February, 7 / 28 days
    last_year = every_day(D(2020, 1, 1), D(2020, 2, 29), 100)
    first, last = pacing.month_span(2021, 2)
    known = (D(2020, 2, 1), D(2021, 12, 31))
    assert pacing.basis(first, last, last_year, known) == STRAIGHT
    assert expected_share(first, last, D(2021, 2, 7), last_year, known) == Decimal("0.25")


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
