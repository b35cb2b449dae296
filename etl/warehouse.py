"""Open the warehouse and lay down its schema and views; the only module that knows the SQL files' order."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl import config

WRITER_MEMORY = "700MB"
VIEWS = (
    "products",
    "brands",
    "product_codes",
    "barcode_conflicts",
    "stg_storefront_sales",
    "stg_tmall_sales",
    "stg_exhibition_sales",
    "sales",
    "leads",
    "unknown_products",
    "targets",
)


def sql_text(name: str) -> str:
    return (config.SQL_DIR / name).read_text(encoding="utf-8")


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
    # every reader in a process must open a file with the same settings, or DuckDB refuses the second
    settings = {"enable_external_access": False} if read_only else {}
    con = duckdb.connect(str(path), read_only=read_only, config=settings)
    if not read_only:
        # a load of ten million lines spills to disk rather than growing past the machine's share
        con.execute(f"set memory_limit = '{WRITER_MEMORY}'")
        found = schema_version(con)
        if found not in (None, config.SCHEMA_VERSION):
            con.close()
            raise schema_refusal(path, found)
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and (re)create every view, then record the schema version."""
    con.execute(sql_text("schema.sql"))
    for view in VIEWS:
        con.execute(sql_text(f"views/{view}.sql"))
    ensure_marts(con)
    con.execute("insert or replace into meta values ('schema_version', ?)", [str(config.SCHEMA_VERSION)])


MARTS = ("sales_daily", "orders_daily", "buyers_daily")


def build_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the pre-aggregated tables the dashboard reads (after loads, before publishing)."""
    for mart in MARTS:
        con.execute(sql_text(f"marts/{mart}.sql"))


class BalanceError(RuntimeError):
    """The marts do not hold what the loaded tables hold (a line multiplied or lost): nothing is published."""


def check_balance(con: duckdb.DuckDBPyConnection) -> None:
    """Every line of every channel's source tables reaches the marts exactly once, to the fen, or BalanceError."""
    off = con.execute(sql_text("checks/sales_balance.sql")).fetchall()
    if off:
        raise BalanceError("the marts do not balance with the loaded files, nothing was published: " + "; ".join(
            f"{channel}: {source_lines:,} lines / {source_net:,.2f} RMB loaded but {mart_lines:,} / {mart_net:,.2f} in the marts"
            for channel, source_lines, mart_lines, source_net, mart_net in off))


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


def load_parsers(con: duckdb.DuckDBPyConnection) -> None:
    """The value parsers (tpc_money, tpc_timestamp, ...) as temporary macros of this connection."""
    con.execute(sql_text("parsers.sql"))


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> tuple | None:
    """The first row of a query, fetched to the end (DuckDB 2 refuses new work on a half-read result)."""
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()):
    row = first_row(con, sql, params)
    return row[0] if row else None
