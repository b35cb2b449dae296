"""The demo's sales targets (销售目标) for 2020 and 2021: set in the January of each year from the year before.

Storefront targets are monthly per center, the year's split over the months by a planner's weights (the month
of Chinese New Year and of Mid-Autumn weigh more); Tmall and the exhibition deals have a yearly target at the
flagship; and each channel has a network yearly total. Whole yuan, deterministic, every split to the yuan by
largest remainder so that months add up to their center's year and centers to the network's.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from etl import channels, demo

TARGET_YEARS = (2020, 2021)
CENTERS = {"SH": 50, "NJ": 30, "XM": 20}     # each demo center's share of the storefront target, in percent
FLAGSHIP = "SH"                              # the center that also runs the Tmall store and goes to the fairs
GROWTH = {"storefront": 1.08, "tmall": 1.10, "exhibition": 1.06}   # on the year before's actual
# the planner's month weights for the storefront, before the festivals
MONTH_WEIGHTS = (9, 7, 7, 7, 8, 8, 7, 7, 8, 8, 8, 11)
FESTIVAL_WEIGHT = 4      # added to the month of Chinese New Year and to the month of Mid-Autumn
HEADER = ["年份", "月份", "中心代码", "通路", "目标金额(元)"]


def write(path: Path, tmall_orders: pd.DataFrame) -> Path:
    """The targets file (UTF-8 with BOM, CRLF), the channels named as the staff write them (简体中文)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for year, month, center, channel, yuan in target_rows(actual_yuan(tmall_orders)):
        writer.writerow([year, month or "", center or "", channels.get(channel).labels[1], yuan])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def actual_yuan(tmall_orders: pd.DataFrame) -> dict[tuple[int, str], int]:
    """Each demo year's net revenue per channel in whole yuan, as the generator makes it."""
    tmall = tmall_orders.assign(paid_year=demo.paid_years(tmall_orders), net=tmall_orders.goods - tmall_orders.refund)
    tmall_net = tmall[tmall.paid_year > 0].groupby("paid_year")["net"].sum()
    actual = {}
    for year in demo.YEARS:
        actual[year, "storefront"] = demo.STOREFRONT_NET_CENTS[year] // 100
        actual[year, "exhibition"] = demo.FAIR_TARGETS[year][2]
        actual[year, "tmall"] = int(tmall_net.get(year, 0)) // 100
    return actual


def target_rows(actual: dict[tuple[int, str], int]) -> list[tuple[int, int | None, str | None, str, int]]:
    """(year, month or None, center or None, channel, yuan) of every target."""
    rows = []
    for year in TARGET_YEARS:
        totals = {channel: round(actual[year - 1, channel] * growth) for channel, growth in GROWTH.items()}
        for center, center_total in zip(CENTERS, split(totals["storefront"], np.array(list(CENTERS.values())))):
            for month, yuan in enumerate(split(center_total, month_weights(year)), start=1):
                rows.append((year, month, center, "storefront", yuan))
        rows += [(year, None, FLAGSHIP, channel, totals[channel]) for channel in totals if channel != "storefront"]
        rows += [(year, None, None, channel, totals[channel]) for channel in channels.codes() if channel in totals]
    return rows


def month_weights(year: int) -> np.ndarray:
    weights = np.array(MONTH_WEIGHTS, dtype=float)
    for festival in (demo.CHINESE_NEW_YEAR[year], demo.MID_AUTUMN[year]):
        weights[dt.date.fromisoformat(festival).month - 1] += FESTIVAL_WEIGHT
    return weights


def split(total: int, weights: np.ndarray) -> list[int]:
    """Whole yuan in proportion to the weights, summing exactly to total (largest remainder)."""
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    short = int(total - whole.sum())
    whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    return whole.tolist()
