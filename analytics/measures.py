"""Declared metrics as SQL: one query over the marts for any set of metrics, per period, year or center.

The one place a metric's measures become SQL (analytics.metrics declares them): KPI cards, sparklines,
同比 / 环比, the annual results and the network page all ask here, so a metric cannot be computed two ways.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.db import query
from analytics.filters import Filters, center_where, leads_where, sales_where
from analytics.metrics import MEASURES, Measure, Metric, applies
from etl import channels as registry

GROUPS = {"day", "week", "month", "quarter", "year", "center", "channel"}


@dataclass(frozen=True)
class Source:
    """A relation measures aggregate: its date column, its channel column, which filters apply to it."""

    table: str
    date: str
    channel: str | None            # None: every row belongs to the channels that register leads
    dimensions: str                # sales: brand, category, product filters apply | leads: brand only | none
    # brand / category / product filters narrow a mart that has no products through the line-level view
    detail_table: str | None = None
    detail_sql: dict[str, str] | None = None


SOURCES = {
    "sales": Source("sales_daily", "sale_date", "channel", "sales"),
    "orders": Source("orders_daily", "sale_date", "channel", "none",
                     detail_table="(select * from sales where is_paid and status <> 'returned')",
                     detail_sql={"order_count": "count(distinct (channel, store_or_event, order_id))"}),
    "buyers": Source("buyers_daily", "sale_date", "channel", "none"),
    "leads": Source("leads", "event_start", None, "leads"),
}


@dataclass(frozen=True)
class Want:
    """One value asked for: a metric over some channels (None: those the filters keep), named `name`."""

    name: str
    metric: Metric
    channels: tuple[str, ...] | None = None


def narrowed(f: Filters) -> bool:
    return bool(f.brands or f.categories or f.products)


def group_sql(group: str, date: str) -> str:
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    if group == "year":
        return f"year({date})"
    if group in ("center", "channel"):
        return group
    return f"date_trunc('{group}', {date})"


def over(want: Want, f: Filters, measure: Measure) -> tuple[str, ...]:
    """The channels a measure of a wanted metric is taken over: the metric's, the measure's, the filter's."""
    kept = set(f.channels or registry.codes())
    if want.channels is not None:
        kept &= set(want.channels)
    own = registry.scope(measure.scope)
    return tuple(c for c in registry.scope(want.metric.channels) if c in kept and c in own)


def answerable(source: Source, f: Filters) -> bool:
    """A mart without products cannot be narrowed to a brand or product: its metrics are then not shown."""
    return not (source.dimensions == "none" and not source.detail_table and narrowed(f))


def source_where(source: Source, f: Filters) -> tuple[str, list]:
    """The filters' WHERE clause over a source (its date column; dimensions where they apply)."""
    if source.dimensions == "sales" or (source.detail_table and narrowed(f)):
        return sales_where(f, source.date)
    if source.dimensions == "leads":
        return leads_where(f)
    clauses, params = [f"{source.date} between ? and ?"], [f.start, f.end]
    if f.channels:
        clauses.append(f"list_contains(?::varchar[], {source.channel})")
        params.append(list(f.channels))
    centers, center_params = center_where(f)
    return " and ".join([*clauses, centers]), [*params, *center_params]


def channel_test(source: Source, channels: tuple[str, ...]) -> tuple[str, list]:
    """A row condition: the row belongs to these channels."""
    if source.channel is None:
        return "?", [bool(set(channels) & set(registry.lead_channels()))]
    return f"list_contains(?::varchar[], {source.channel})", [list(channels)]


def source_query(source: Source, items: list[tuple[str, Measure, tuple]], f: Filters, group: str):
    """One CTE per source (and one per counted-per measure): (sql, params) giving grp and the items' columns."""
    table = source.detail_table if source.detail_table and narrowed(f) else source.table
    where, where_params = source_where(source, f)
    grp = group_sql(group, source.date) if group != "all" else "0"
    plain = [(c, m, ch) for c, m, ch in items if m.per is None]
    parts = []
    if plain:
        selects, params = [], []
        for column, measure, channels in plain:
            test, test_params = channel_test(source, channels)
            sql = (source.detail_sql or {}).get(measure.key, measure.sql) if table != source.table else measure.sql
            # over the whole range nothing sold is zero; per period, a period without the channel's rows stays
            # empty (the annual results show "–" for a channel's year without data, not 0)
            aggregate = f"{sql} filter (where {test})"
            selects.append(f"coalesce({aggregate}, 0) as {column}" if group == "all" else f"{aggregate} as {column}")
            params += test_params
        group_by = " group by 1" if group != "all" else ""
        parts.append((f"select {grp} as grp, {', '.join(selects)} from {table} where {where}{group_by}",
                      [*params, *where_params]))
    for column, measure, channels in (i for i in items if i[1].per is not None):
        test, test_params = channel_test(source, channels)
        having = f" having {measure.having}" if measure.having else ""
        inner = (f"select {grp} as grp, {measure.per} from {table} where {where} and {measure.per} is not null "
                 f"and {test} group by 1, 2{having}")
        group_by = " group by 1" if group != "all" else ""
        parts.append((f"select grp, {measure.sql} as {column} from ({inner}){group_by}"
                      if group != "all" else f"select 0 as grp, {measure.sql} as {column} from ({inner})",
                      [*where_params, *test_params]))
    return parts


def evaluate(f: Filters, wants: list[Want], group: str = "all") -> pd.DataFrame:
    """The wanted metrics over the filters, one row per group (one row in all for group 'all'), column per want."""
    return pd.DataFrame(evaluated(f, wants, group), columns=["grp", *(w.name for w in wants)])


def evaluated(f: Filters, wants: list[Want], group: str = "all") -> dict[str, list]:
    """evaluate() as columns of Python values (Decimal, int, float or None), before any frame is made."""
    items: dict[tuple[str, tuple], str] = {}   # (measure, channels) -> column
    needs: dict[str, list[tuple[str, tuple]]] = {}
    for want in wants:
        keys = [want.metric.measure] + ([want.metric.per] if want.metric.per else [])
        needs[want.name] = []
        for key in keys:
            instance = (key, over(want, f, MEASURES[key]))
            items.setdefault(instance, f"m{len(items)}")
            needs[want.name].append(instance)
    by_source: dict[str, list] = {}
    for (key, channels), column in items.items():
        measure = MEASURES[key]
        if channels and answerable(SOURCES[measure.source], f):
            by_source.setdefault(measure.source, []).append((column, measure, channels))
    ctes, params = [], []
    for name, source_items in by_source.items():
        for sql, part_params in source_query(SOURCES[name], source_items, f, group):
            ctes.append(sql)
            params += part_params
    if not ctes:
        frame = pd.DataFrame({"grp": [0] if group == "all" else []})
    else:
        names = [f"q{i}" for i in range(len(ctes))]
        joined = " full join ".join(f"{n}" if i == 0 else f"{n} using (grp)" for i, n in enumerate(names))
        frame = query(f"with {', '.join(f'{n} as ({sql})' for n, sql in zip(names, ctes))} "
                      f"select * from {joined} order by grp", params)
    records = frame.to_dict("records")   # once: a frame's to_dict per metric was most of a page's query time
    columns = {"grp": [row["grp"] for row in records]}
    for want in wants:
        # a measure over no channel at all (the filter keeps none of the metric's) is nothing sold: zero
        columns[want.name] = [want.metric.value({key: row.get(items[(key, channels)]) if channels else 0
                                                 for key, channels in needs[want.name]}) for row in records]
    return columns


def one(f: Filters, wants: list[Want]) -> dict:
    """The wanted metrics over the whole range, as a dict."""
    columns = evaluated(f, wants)
    return {w.name: columns[w.name][0] if columns["grp"] else None for w in wants}
