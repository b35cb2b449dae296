"""A dashboard server's read cache of the lake: one local DuckDB file of the lake's current snapshot, and its marts.

A server behind a load balancer keeps nothing of its own: it writes a new file beside the old one and renames it
over the old one, which the dashboard's reader then reopens (analytics/db.py). The file holds the warehouse's
schema, so every query, role limit and page works on it unchanged. The relations the dashboard reads are the lake's
there: the small ones (leads, products, centers, targets, loads, rejects) copied; the lines (sales) and the marts
(sales_daily, orders_daily, buyers_daily, published by each center's warehouse with its lines) as views over the
snapshot's own Parquet files when DuckDB can reach them (a file:// lake), read in place; copied otherwise (s3://)
or when they are small (COPY_BELOW_ROWS).
Read in place, a cold start or a rebuild costs the catalog's reads, not the lake's size: no line is copied and no
mart aggregated again (the reader may read those folders and no others: warehouse.lock_down).

The lake's version is the metadata location of each of its tables, read from the catalog in one query (cheap
enough to ask every few seconds); the cache records the version it was built from, so a server knows when it is
behind, and names its snapshot (the loads table's) in the dashboard's freshness line.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pyiceberg.io import load_file_io
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.serializers import FromInputFile
from pyiceberg.table import Table
from sqlalchemy import text

from etl import config, warehouse
from etl.lake.catalog import identifier, open_catalog
from etl.lake.tables import TABLES
from etl.lake.write import duckdb_type
from etl.publish import fsync_dir


class LakeEmpty(RuntimeError):
    """The lake has no tables yet (python -m etl lake init)."""


@dataclass(frozen=True)
class Version:
    key: str                 # digest of every table's metadata location: changes with any commit
    snapshot_id: int | None  # the loads table's current snapshot: what the freshness line names
    committed_at: dt.datetime | None


def locations(catalog) -> dict[str, str]:
    """Every lake table's current metadata location, by name: one catalog query, so one consistent moment of the
    lake (a commit of several tables changes their rows in one transaction)."""
    with catalog.engine.connect() as conn:
        rows = conn.execute(text("select table_name, metadata_location from iceberg_tables "
                                 "where catalog_name = :catalog and table_namespace = :namespace order by table_name"),
                            {"catalog": catalog.name, "namespace": config.LAKE_NAMESPACE}).fetchall()
    return dict(rows)


def version_key(found: dict[str, str]) -> str:
    return hashlib.sha256(repr(sorted(found.items())).encode()).hexdigest()[:16]


def version(catalog) -> str:
    """The lake's version key (one catalog query)."""
    return version_key(locations(catalog))


def table_at(catalog, name: str, location: str) -> Table:
    """The lake table `name` as its metadata file at `location` states it (what the catalog's load_table reads,
    without asking the catalog again)."""
    metadata = FromInputFile.table_metadata(load_file_io(catalog.properties, location).new_input(location))
    return Table(identifier(name), metadata, location, load_file_io({**catalog.properties, **metadata.properties},
                                                                    location), catalog)


def built_version(path: Path) -> str | None:
    """The lake version a cache file was built from; None when there is no cache (or it is not one)."""
    if not path.exists():
        return None
    con = warehouse.connect(path, read_only=True)
    try:
        row = con.execute("select value from meta where key = 'lake_version'").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def build(path: Path, catalog=None) -> Version:
    """Write the cache of the lake's current snapshot at `path` (a new file renamed over the old one)."""
    catalog = catalog or open_catalog()
    found_at = locations(catalog)
    missing = [name for name in TABLES if name not in found_at]
    if missing:
        raise LakeEmpty(f"the lake has no table {', '.join(missing)}: run python -m etl lake init")
    # each table as of that one query; their plans (the manifests' reads) side by side, which pays where a read
    # waits on the network (s3://); a local one is bound by Python's decoding either way
    with ThreadPoolExecutor(len(TABLES)) as pool:
        tables = dict(zip(TABLES, pool.map(lambda name: table_at(catalog, name, found_at[name]), TABLES)))
        scans = dict(zip(TABLES, pool.map(lambda name: local_files(tables[name]) or tables[name].scan().to_arrow(),
                                          TABLES)))
    snapshot = tables["loads"].current_snapshot()
    found = Version(version_key(found_at), snapshot.snapshot_id if snapshot else None,
                    dt.datetime.fromtimestamp(snapshot.timestamp_ms / 1000, dt.UTC) if snapshot else None)
    work = path.with_name(f".{path.name}.building-{os.getpid()}")
    work.unlink(missing_ok=True)
    try:
        write(work, tables, scans, found)
        os.replace(work, path)
        fsync_dir(path.parent)
    finally:
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)
    return found


# the dashboard's relations that are views over source tables in a warehouse: here, the lake's rows
AS_TABLES = ("sales", "leads", "products", "centers", "targets")
# read where they lie, when DuckDB can reach the lake's files (a file:// lake): the lines and the marts, the bulk of
# the lake; the small tables are copied
IN_PLACE = ("sales", *warehouse.MARTS)


# below this many rows a table is copied even where it could be read in place: its queries then read DuckDB's own
# storage rather than open each of its files every time (an Overview reads the marts about twenty times), and the
# copy costs a few tens of milliseconds (at 50 centers: orders_daily and buyers_daily, one row a center a day)
COPY_BELOW_ROWS = 250_000


@dataclass(frozen=True)
class Files:
    """A table's data files DuckDB can read itself, and the rows they hold (the manifests' counts)."""
    paths: list[str]
    rows: int


def local_files(table) -> Files | None:
    """The data files of the table's current snapshot as local paths, when DuckDB can read them itself (a file://
    lake, no delete files: every publish and compaction here rewrites files rather than writing deletes); None when
    pyiceberg must read them (s3://, another engine's delete files) or there are none.

    The files are a snapshot's: never changed once written, and kept past the lake's retention (lake compact keeps
    the last snapshots' files), so a cache may read them in place until it is rebuilt on a newer snapshot."""
    paths, rows = [], 0
    for task in table.scan().plan_files():
        path = local_path(task.file.file_path)
        if task.delete_files or path is None:
            return None
        paths.append(path)
        rows += task.file.record_count
    return Files(paths, rows) if paths else None


def local_path(location: str) -> str | None:
    """The local file a file:// location names, exactly as pyiceberg's FileIO wrote it; None for another scheme.

    Not URL-decoded: pyiceberg writes a partition's folder with its value percent-encoded (center=A%252FB for
    A%2FB, center=%E4%B8%8A for 上) and opens the location's path as it stands, so a decoded path names no file."""
    scheme, _, path = PyArrowFileIO.parse_location(location)
    return path if scheme == "file" else None


def sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(map(warehouse.sql_literal, paths)) + "]"


def parquet_scan(schema, paths: list[str]) -> str:
    """DuckDB's read of a table's data files as Iceberg reads them: columns matched by field id (a renamed column
    keeps its values, one added after a file was written reads as null there), typed as the table's schema says.
    Only the first file is opened to bind it: every file's columns by name (union_by_name) would open them all."""
    fields = ", ".join(f"{field.field_id}: {{name: {warehouse.sql_literal(field.name)}, "
                       f"type: '{duckdb_type(field.field_type)}', default_value: NULL}}" for field in schema.fields)
    # the partition folders' names are not columns: a center's own value is in its files, whatever its folder says
    return f"read_parquet({sql_list(paths)}, schema = map {{{fields}}}, hive_partitioning = false)"


def data_folder(table) -> str:
    """The local folder of a file:// table's data files (what a cache's reader may read, and nothing else)."""
    return local_path(table.metadata.location).rstrip("/") + "/data/"


def warehouse_columns(con) -> dict[str, list[str]]:
    """Every table's and view's columns in the warehouse's order, by name (one query)."""
    found: dict[str, list[str]] = {}
    for table, column in con.execute("select table_name, column_name from duckdb_columns() where schema_name = 'main' "
                                     "and database_name = current_database() order by table_name, column_index"
                                     ).fetchall():
        found.setdefault(table, []).append(column)
    return found


def write(work: Path, tables: dict, scans: dict, found: Version) -> None:
    """The cache file: the small tables copied, the lines and the marts read in place (views over the snapshot's
    Parquet files) or, when DuckDB cannot reach them or they are small, copied too."""
    work.parent.mkdir(parents=True, exist_ok=True)
    con = warehouse.connect(work)
    try:
        in_place = [name for name in IN_PLACE
                    if isinstance(scans[name], Files) and scans[name].rows >= COPY_BELOW_ROWS]
        for name, rows in scans.items():
            if name in in_place:
                continue
            if isinstance(rows, Files):
                con.execute(f"create temp view lake_{name} as "
                            f"select * from {parquet_scan(tables[name].schema(), rows.paths)}")
            else:
                con.register(f"lake_{name}", rows)
        # the warehouse's column order (a column a newer contract added comes last in the lake)
        orders = warehouse_columns(con)
        for name in (*AS_TABLES, *warehouse.MARTS):
            order = orders[name]
            lake_columns = [field.name for field in tables[name].schema().fields]
            columns = ", ".join(f'"{column}"' for column in sorted(
                lake_columns, key=lambda column: order.index(column) if column in order else len(order)))
            con.execute(f"drop {'view' if name in AS_TABLES else 'table'} {name}")
            if name in in_place:
                con.execute(f"create view {name} as "
                            f"select {columns} from {parquet_scan(tables[name].schema(), scans[name].paths)}")
            else:
                con.execute(f"create table {name} as select {columns} from lake_{name}")
        # brands and barcode_conflicts read the product master itself
        con.execute("insert into product_master by name select * from lake_products")
        con.execute("insert into loads by name select * from lake_loads")
        con.execute("insert into rejects by name select * exclude (center) from lake_rejects")
        folders = sorted({data_folder(tables[name]) for name in in_place})
        con.executemany("insert or replace into meta values (?, ?)", [
            ("lake_version", found.key), ("lake_snapshot_id", str(found.snapshot_id or "")),
            ("lake_committed_at", found.committed_at.isoformat() if found.committed_at else ""),
            (warehouse.READS_FILES_UNDER, json.dumps(folders))])
        con.execute("checkpoint")
    finally:
        con.close()
    with open(work, "rb+") as fh:
        os.fsync(fh.fileno())
