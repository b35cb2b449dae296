"""The scratch tables and views of one load, named once: the loader and the readers create them, the load SQL
files (etl/sql/load/*.sql) read them as {typed}, {hmac_pads} and {cities}."""
from __future__ import annotations

TYPED = "typed"              # temp view: a file's good rows, typed (its load query reads it)
TYPED_ALL = "typed_all"      # temp view: every staged row, typed, with its row in the file (_row)
STAGED = "etl_typed"         # table: a staged file's typed rows (in the warehouse, compressed, not in memory)
ARROW = "etl_arrow"          # a spreadsheet's cells, registered from Arrow while it is staged
HMAC_PADS = "hmac_pads"      # temp table: the keyed hash's pads (ipad, opad) for buyer_key
CITIES = "tpc_cities"        # temp table: the cities of each province (etl/reference/cities.csv)
SETTLE_KEYS = "settle_keys"          # temp tables of settling a load against the others (loader.settle)
SETTLE_VERSIONS = "settle_versions"
SETTLE_LOSERS = "settle_losers"
SPLIT_LINES = "mart_split_lines"     # temp table: the sales lines of the channels int_order_lines splits, for the marts
MART_LINES = "mart_lines"            # temp view: every sales line, those read from SPLIT_LINES

TEMP_TABLES = (HMAC_PADS, CITIES, SETTLE_KEYS, SETTLE_VERSIONS, SETTLE_LOSERS, SPLIT_LINES)
TEMP_VIEWS = (TYPED, TYPED_ALL, MART_LINES)

# the names a load SQL file may use, as {name}
IN_SQL = {"typed": TYPED, "hmac_pads": HMAC_PADS, "cities": CITIES}


def render(sql: str) -> str:
    """A load SQL file with its scratch names filled in."""
    for name, value in IN_SQL.items():
        sql = sql.replace("{" + name + "}", value)
    return sql
