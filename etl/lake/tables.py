"""The lake's tables, declared once: what each holds of the embedded warehouse, how it is split into partitions.

The columns are not written out here: each table's Arrow schema is read off the embedded warehouse's own view or
table (built empty in memory from etl/sql), so the lake follows the warehouse contract — a new channel or column
changes both — and DECIMAL(18,2) money stays decimal(18,2).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from etl import channels
from etl.warehouse import MARTS

MONTH = "month"
EPOCH = "date '1970-01-01'"


@dataclass(frozen=True)
class Layout:
    """How a table's data files are written: rows ordered by `sort_by` inside each file (so that each row group
    holds a narrow range and a reader's filter skips the rest by its statistics), the Parquet codec, and rows per
    row group."""
    sort_by: tuple[str, ...] = ()
    compression: str = "zstd"
    row_group_rows: int = 122_880


# The marts are what every dashboard server reads on each page, by date range: ordered by day in row groups of 32K
# rows (a few months of a center each), and Snappy, which decodes about twice as fast as zstd for 1.5x the bytes
# (every Iceberg engine reads it). The Overview's queries over 50 centers' sales_daily (20M rows): 4.3 s as zstd
# in 122,880-row groups in the order the partitioned write left them, 2.9 s ordered, 2.5 s ordered and Snappy
# (2.1 s as LZ4, which not every engine reads). The lines stay zstd: the bulk, read by month partitions.
MART_LAYOUT = Layout(sort_by=("sale_date",), compression="snappy", row_group_rows=32_768)


@dataclass(frozen=True)
class LakeTable:
    name: str
    query: str                         # its rows, selected from the embedded warehouse
    # (column, transform) of its partition spec: 'identity' or 'month'
    partition: tuple[tuple[str, str], ...] = ()
    # its rows carry center: an export replaces the exported centers' rows (NULL: a network-wide row, replaced
    # only by an export of the whole warehouse); False: network-wide, replaced only by such an export
    by_center: bool = True
    layout: Layout = Layout()


TABLES: dict[str, LakeTable] = {
    t.name: t
    for t in (
        # the centers file is network-wide: written with the product master, never by one center's publish
        LakeTable("centers", "select center, center_name, city, opened_on from centers", by_center=False),
        LakeTable("products", "select sku, barcode, product_name, brand, category, spec, retail_price_rmb, load_id "
                              "from products", by_center=False),
        LakeTable("targets", "select year, month, center, channel, target_rmb, load_id from targets"),
        LakeTable("sales", f"select {', '.join(channels.SALES_COLUMNS)} from sales",
                  partition=(("center", "identity"), ("channel", "identity"), ("sale_date", MONTH))),
        LakeTable("leads", "select lead_id, center, event, event_start, event_end, city, company, industry, province, "
                           "brand_interest, stage, deal_amount_rmb, deal_date, load_id from leads",
                  partition=(("center", "identity"),)),
        # the marts, as each center's warehouse built them from its own lines (one center's rows each): a dashboard
        # server's read cache reads them instead of aggregating every line of the lake again (etl/lake/cache.py)
        *(LakeTable(mart, f"select * from {mart}", partition=(("center", "identity"),), layout=MART_LAYOUT)
          for mart in MARTS),
        # a reject's center is its load's: load ids are the embedded warehouse's own, the center tells them apart
        LakeTable("rejects", "select r.load_id, l.center, r.row_no, r.column_name, r.reason, r.detail "
                             "from rejects as r join loads as l using (load_id)"),
        # last, so that a center's loads in the lake mean its rows landed
        LakeTable("loads", "select * from loads"),
    )
}


def partition_keys(table: LakeTable) -> list[str]:
    """The partition values as the lake's data files hold them (SQL over the rows): identity, or months since 1970."""
    return [column if transform == "identity" else f"datediff('{MONTH}', {EPOCH}, {column})"
            for column, transform in table.partition]


def arrow_schemas() -> dict[str, pa.Schema]:
    """Each lake table's Arrow schema, as the embedded warehouse's views give it (an empty one, in memory)."""
    from etl import warehouse

    con = warehouse.connect(Path(":memory:"))
    try:
        return {t.name: con.sql(f"select * from ({t.query}) limit 0").to_arrow_table().schema
                for t in TABLES.values()}
    finally:
        con.close()
