"""Open the warehouse and lay down its schema and views; the only module that knows the SQL files' order."""
from __future__ import annotations

import json
import os
import weakref
from pathlib import Path

import duckdb

from etl import channels, config, temps

def writer_memory() -> str:
    """A writer's memory limit: a quarter of the machine's memory, at least 700 MB. Loads spill to disk past it;
    the marts' aggregates need room for their groups in memory (a 100M-line warehouse's sales_daily, 22M groups,
    did not fit in 700 MB)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        total = 0
    return f"{max(700, total // 4 // 2**20)}MB"


WRITER_MEMORY = writer_memory()
REFERENCE_VIEWS = ("products", "brands", "product_codes", "barcode_conflicts", "centers")
INTERMEDIATE = "int_order_lines"
SALES_VIEWS = ("sales", "leads", "unknown_products", "targets")


def view_files() -> tuple[Path, ...]:
    """Every view's SQL file, in the order they build on each other: the reference views, each registered channel's
    order and line staging views, the order-line split they feed, the channels' staging views, then sales and the
    views over it. The channels come from the registry (etl/channels.py), so a new one needs no line here."""
    views = config.SQL_DIR / "views"
    split = [c for c in channels.CHANNELS.values() if c.order_lines]
    return (*(views / f"{v}.sql" for v in REFERENCE_VIEWS),
            *(c.sql_dir / f"{name}.sql" for c in split for name in c.order_lines),
            *((views / f"{INTERMEDIATE}.sql",) if split else ()),
            *(c.staging_file for c in channels.CHANNELS.values()),
            *(views / f"{v}.sql" for v in SALES_VIEWS))


VIEWS = tuple(p.stem for p in view_files())   # as registered at import (the tests' fake channels come and go)


def sql_text(name: str) -> str:
    return (config.SQL_DIR / name).read_text(encoding="utf-8")


def union_of(views: list[str], columns: tuple[str, ...]) -> str:
    """The views' rows, each with the columns listed in order, matched by name."""
    listed = ", ".join(columns)
    return "\nunion all by name\n".join(f"select {listed} from {view}" for view in views)


def view_sql(path: Path) -> str:
    """A view's SQL, with the composed parts filled in from the channel registry."""
    text = path.read_text(encoding="utf-8")
    if path.stem == "sales":
        return text.replace("{staging}", union_of([c.staging for c in channels.CHANNELS.values()], channels.SALES_COLUMNS))
    if path.stem == INTERMEDIATE:
        split = [c.order_lines for c in channels.CHANNELS.values() if c.order_lines]
        return (text.replace("{orders}", union_of([o for o, _ in split], channels.ORDER_COLUMNS))
                    .replace("{items}", union_of([i for _, i in split], channels.LINE_COLUMNS)))
    return text


class SchemaError(RuntimeError):
    """The warehouse was written by another version of the schema: it is rebuilt, never written to."""


def schema_refusal(path: Path, found: int) -> SchemaError:
    return SchemaError(f"{path} was written with schema {found} and this version writes schema {config.SCHEMA_VERSION}; "
                       f"make it again from its kept raw files with: python -m etl rebuild --db {path}")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file; a writer also makes sure the schema and views exist, and refuses
    a warehouse of another schema version (its tables would not take this version's rows)."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    # every reader in a process must open a file with the same settings, or DuckDB refuses the second: all open
    # it plainly, and the first locks the instance down (later connections share it, locked)
    con = duckdb.connect(str(path), read_only=read_only)
    if read_only:
        lock_down(con)
    else:
        # a load of ten million lines spills to disk rather than growing past the machine's share
        con.execute(f"set memory_limit = '{WRITER_MEMORY}'")
        found = schema_version(con)
        if found not in (None, config.SCHEMA_VERSION):
            con.close()
            raise schema_refusal(path, found)
        ensure_schema(con)
    return con


def attached(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse attached read-only and in use: the ETL's own reads of a warehouse
    whose rows it writes elsewhere (the lake's data files). Its own instance, so that it may write files while a
    dashboard reader of the same file in this process stays locked down."""
    con = duckdb.connect()
    con.execute(f"attach {sql_literal(str(path))} as warehouse (read_only)")
    con.execute("use warehouse")
    return con


# meta key of a lake read cache: the folders of the lake's data files its views read (etl/lake/cache.py)
READS_FILES_UNDER = "reads_files_under"


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """A reader reaches no file but the warehouse, and the folders its meta names under READS_FILES_UNDER (a lake
    read cache's views over the lake's Parquet files); DuckDB cannot lift this for the instance once set."""
    if not scalar(con, "select current_setting('enable_external_access')"):
        return   # another connection to this file locked it down already
    try:
        row = con.execute("select value from meta where key = ?", [READS_FILES_UNDER]).fetchone()
    except duckdb.CatalogException:   # no meta table: not a warehouse of ours (yet)
        row = None
    if row:
        con.execute("set allowed_directories = ?", [json.loads(row[0])])
        # the lake's files never change once written: each one's footer is read once, not once per query
        con.execute("set parquet_metadata_cache = true")
    con.execute("set enable_external_access = false")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables (schema.sql's, then each format's that it does not create, from its fields) and
    (re)create every view, then record the schema version and the implicit center."""
    from etl.formats import FORMATS, table_ddl

    con.execute(sql_text("schema.sql"))
    for fmt in FORMATS.values():
        con.execute(table_ddl(fmt))
    con.executemany("insert or replace into meta values (?, ?)",
                    [("default_center", config.DEFAULT_CENTER), ("default_center_name", config.DEFAULT_CENTER_NAME)])
    for path in view_files():
        con.execute(view_sql(path))
    ensure_marts(con)
    con.execute("insert or replace into meta values ('schema_version', ?)", [str(config.SCHEMA_VERSION)])
    # who this warehouse is, for the lake's load ids (etl/lake/ids.py): made once, kept by every copy and rebuild
    con.execute("insert into meta select 'warehouse_id', cast(uuid() as varchar) "
                "where not exists (select 1 from meta where key = 'warehouse_id')")


MARTS = ("sales_daily", "orders_daily", "buyers_daily")


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the pre-aggregated tables the dashboard reads (after loads, before publishing).

    The lines of the channels whose orders int_order_lines splits are read from the sales view once, into a temp
    table the three marts read: the split is most of their cost (at a million Tmall lines it took 6.3 s for the
    three marts, 2.9 s read once), and each mart would compute it again."""
    split = [c.staging for c in channels.CHANNELS.values() if c.order_lines]
    lines = "sales"
    # (a lake read cache holds sales as a table of the lake's rows: read as it is)
    if split and scalar(con, "select count(*) from duckdb_views() where view_name = 'sales' and schema_name = 'main'"):
        # the sales view's union, composed again with the split channels' staging views read from the temp table
        # (filtering the sales view by channel would still compute part of the split for every mart)
        others = [c.staging for c in channels.CHANNELS.values() if not c.order_lines]
        con.execute(f"create or replace temp table {temps.SPLIT_LINES} as {union_of(split, channels.SALES_COLUMNS)}")
        con.execute(f"create or replace temp view {temps.MART_LINES} as "
                    f"{union_of([*others, temps.SPLIT_LINES], channels.SALES_COLUMNS)}")
        lines = temps.MART_LINES
    try:
        for mart in MARTS:
            con.execute(sql_text(f"marts/{mart}.sql").replace("{sales}", lines))
    finally:
        if split:
            con.execute(f"drop view if exists {temps.MART_LINES}; drop table if exists {temps.SPLIT_LINES}")


class BalanceError(RuntimeError):
    """The marts do not hold what the loaded tables hold (a line multiplied or lost): nothing is published."""


def check_balance(con: duckdb.DuckDBPyConnection) -> None:
    """Every line of every channel's source tables reaches the marts exactly once, to the fen, or BalanceError."""
    off = con.execute(balance_sql()).fetchall()
    if off:
        raise BalanceError("the marts do not balance with the loaded files, nothing was published: " + "; ".join(
            f"{channel}: {source_lines:,} lines / {source_net:,.2f} RMB loaded but {mart_lines:,} / {mart_net:,.2f} in the marts"
            for channel, source_lines, mart_lines, source_net, mart_net in off))


def balance_sql() -> str:
    """The balance check with one expected row per registered channel (its Channel.balance)."""
    expected = "\nunion all\n".join(
        f"select {sql_literal(c.code)} as channel, b.lines, b.net_rmb from ({c.balance_sql}) as b(lines, net_rmb)"
        for c in channels.CHANNELS.values())
    return sql_text("checks/sales_balance.sql").replace("{expected}", expected)


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ensure_marts(con: duckdb.DuckDBPyConnection) -> None:
    existing = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    if not set(MARTS) <= existing:
        build_marts(con)


def check_schema(path: Path) -> None:
    """Raise SchemaError when the warehouse at path exists and was written with another schema version."""
    if not path.exists():
        return
    con = connect(path, read_only=True)
    try:
        found = schema_version(con)
    finally:
        con.close()
    if found not in (None, config.SCHEMA_VERSION):
        raise schema_refusal(path, found)


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version a warehouse was written with, or None when it has none."""
    try:
        row = first_row(con, "select value from meta where key = 'schema_version'")
    except duckdb.CatalogException:
        return None
    return int(row[0]) if row else None


WITH_PARSERS: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()


def load_parsers(con: duckdb.DuckDBPyConnection) -> None:
    """The value parsers (tpc_money, tpc_timestamp, ...) as temporary macros of this connection (once: a
    connection loading many files keeps them; laying them down costs a tenth of a second, and asking DuckDB's
    function list whether they are there 20 ms a file)."""
    if con not in WITH_PARSERS:
        con.execute(sql_text("parsers.sql"))
        WITH_PARSERS.add(con)


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> tuple | None:
    """The first row of a query, fetched to the end (DuckDB 2 refuses new work on a half-read result)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()):
    row = first_row(con, sql, params)
    return row[0] if row else None
