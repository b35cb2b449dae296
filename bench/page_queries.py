"""Each page's query set against a warehouse, cold (this fresh process) and warm, beside pandas equivalents.

    python bench/page_queries.py WAREHOUSE      # prints JSON, one entry per page
"""
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import analytics.db as db  # noqa: E402
from analytics import access, metrics, queries  # noqa: E402
from analytics.filters import Filters  # noqa: E402


def uncached(path, version, sql, params):   # measure the database, not Streamlit's cache
    return db.reader(Path(path)).arrow(sql, params)


db._cached = uncached
access.allow(None)   # the bench reads as a reader who sees every center


def page_sets(first: dt.date, last: dt.date) -> dict:
    everything = Filters(first, last)
    month = metrics.comparisons(everything, "month")
    year = last.year
    return {
        "overview": lambda: [queries.kpis(month["current"]), queries.kpis(month["last_year"]), queries.kpis(month["previous"]),
                             queries.kpi_series(everything.narrowed(start=metrics.sparkline_range("month", last)[0]), "month"),
                             queries.revenue_trend(everything, "month"), queries.channel_mix(month["current"]),
                             queries.top_brands(month["current"]), queries.top_products(month["current"]),
                             queries.largest_drops(month["current"]), queries.freshness()],
        "annual": lambda: [queries.years_with_data(), queries.annual_results([year - 1, year]),
                           queries.monthly_by_channel(year), queries.freshness()],
        "channels": lambda: [queries.filter_options(), queries.revenue_trend(everything, "month"),
                             queries.brand_counts(everything, "month"), queries.sales_detail(everything)],
        "brands": lambda: [queries.filter_options(), queries.brand_leaderboard(everything),
                           queries.product_pareto(everything)],
        "leads": lambda: [queries.lead_stages(everything), queries.leads_by_event(everything), queries.deal_sizes(everything),
                          queries.leads_by(everything, "province"), queries.lead_table(everything)],
        "data": lambda: [queries.load_history(), queries.reject_list(), queries.unknown_products(), queries.freshness()],
    }


def pandas_sets(frame, last):
    import pandas as pd

    month_start = pd.Timestamp(last.replace(day=1))
    current = frame[(frame.sale_date >= month_start) & frame.is_paid]
    paid = frame[frame.is_paid]
    return {
        "overview": lambda: [current.net.sum(), current.groupby("channel").net.sum(),
                             current.groupby("brand").net.sum().nlargest(10), current.groupby("sku").net.sum().nlargest(10),
                             paid.groupby([paid.sale_date.dt.to_period("M"), "channel"]).net.sum()],
        "annual": lambda: [paid.groupby([paid.sale_date.dt.year, "channel"]).net.sum(),
                           paid.groupby([paid.sale_date.dt.year, paid.sale_date.dt.month, "channel"]).net.sum()],
        "channels": lambda: [paid.groupby([paid.sale_date.dt.to_period("M"), "channel", "brand", "category", "sku"]).net.sum()],
        "brands": lambda: [paid.groupby("brand").net.sum().sort_values(), paid.groupby("sku").net.sum().sort_values().cumsum()],
    }


def clock(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    path = Path(sys.argv[1])
    db.config.warehouse_path = lambda explicit=None: path
    started = time.perf_counter()
    first, last = queries.date_bounds()
    open_cost = time.perf_counter() - started
    results = []
    sets = page_sets(first, last)
    for name, work in sets.items():
        started = time.perf_counter()
        outputs = work()
        cold = time.perf_counter() - started + (open_cost if name == "overview" else 0)
        warm = min(clock(work) for _ in range(3))
        # the most rows any one of the page's queries hands to pandas: what the page holds in memory
        held = max((len(o) for o in outputs if isinstance(o, pd.DataFrame)), default=1)
        results.append({"page": name, "cold": cold, "warm": warm, "max_rows": held})
    started = time.perf_counter()
    frame = db.reader(path).connection().sql(
        "select channel, sale_date::timestamp as sale_date, brand, category, sku, cast(net_rmb as double) as net, is_paid "
        "from sales").df()
    load_cost = time.perf_counter() - started
    for item in results:
        work = pandas_sets(frame, last).get(item["page"])
        item["pandas_cold"] = (clock(work) + load_cost) if work else 0
        item["pandas_warm"] = min(clock(work) for _ in range(3)) if work else 0
    print(json.dumps(results))


if __name__ == "__main__":
    main()
