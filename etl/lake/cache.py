"""A dashboard server's read cache of the lake: one local DuckDB file of the lake's current snapshot, and its marts.

A server behind a load balancer keeps nothing of its own: it writes a new file beside the old one and renames it
over the old one, which the dashboard's reader then reopens (analytics/db.py). The file holds the warehouse's
schema, so every query, role limit and page works on it unchanged. The relations the dashboard reads are the lake's
there: the small ones (leads, products, centers, targets, loads, rejects) copied; the lines (sales) and the marts
(sales_daily, orders_daily, buyers_daily, published by each center's warehouse with its lines) as views over the
snapshot's own Parquet files when DuckDB can reach them (a file:// lake), read in place; copied otherwise (s3://).
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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import text

from etl import config, warehouse
from etl.lake.catalog import identifier, open_catalog
from etl.lake.tables import TABLES
from etl.publish import fsync_dir

TRIES = 4   # a commit landed while the tables were read: read them again


class LakeEmpty(RuntimeError):
    """The lake has no tables yet (python -m etl lake init)."""


@dataclass(frozen=True)
class Version:
    key: str                 # digest of every table's metadata location: changes with any commit
    snapshot_id: int | None  # the loads table's current snapshot: what the freshness line names
    committed_at: dt.datetime | None


def version(catalog) -> str:
    """The lake's version key (one catalog query)."""
    with catalog.engine.connect() as conn:
        rows = conn.execute(text("select table_name, metadata_location from iceberg_tables "
                                 "where catalog_name = :catalog and table_namespace = :namespace order by table_name"),
                            {"catalog": catalog.name, "namespace": config.LAKE_NAMESPACE}).fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


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
    missing = [name for name in TABLES if not catalog.table_exists(identifier(name))]
    if missing:
        raise LakeEmpty(f"the lake has no table {', '.join(missing)}: run python -m etl lake init")
    for _ in range(TRIES):
        before = version(catalog)
        tables = {name: catalog.load_table(identifier(name)) for name in TABLES}
        scans = {name: local_files(table) or table.scan().to_arrow() for name, table in tables.items()}
        if version(catalog) == before:
            break
    else:
        raise RuntimeError(f"the lake changed {TRIES} times while it was read; try again")
    snapshot = tables["loads"].current_snapshot()
    found = Version(before, snapshot.snapshot_id if snapshot else None,
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


def local_files(table) -> list[str] | None:
    """The data files of the table's current snapshot as local paths, when DuckDB can read them itself (a file://
    lake, no delete files: every publish and compaction here rewrites files rather than writing deletes); None when
    pyiceberg must read them (s3://, another engine's delete files) or there are none.

    The files are a snapshot's: never changed once written, and kept past the lake's retention (lake compact keeps
    the last snapshots' files), so a cache may read them in place until it is rebuilt on a newer snapshot."""
    paths = []
    for task in table.scan().plan_files():
        url = urlsplit(task.file.file_path)
        if task.delete_files or url.scheme not in ("file", ""):
            return None
        paths.append(unquote(url.path) if url.scheme == "file" else task.file.file_path)
    return paths or None


def sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(map(warehouse.sql_literal, paths)) + "]"


def data_folder(table) -> str:
    """The local folder of a file:// table's data files (what a cache's reader may read, and nothing else)."""
    url = urlsplit(table.metadata.location)
    return unquote(url.path).rstrip("/") + "/data/"


def write(work: Path, tables: dict, scans: dict, found: Version) -> None:
    """The cache file: the small tables copied, the lines and the marts read in place (views over the snapshot's
    Parquet files) or, when DuckDB cannot reach them, copied too."""
    work.parent.mkdir(parents=True, exist_ok=True)
    con = warehouse.connect(work)
    try:
        in_place = [name for name in IN_PLACE if isinstance(scans[name], list)]
        for name, rows in scans.items():
            if name in in_place:
                continue
            if isinstance(rows, list):
                con.execute(f"create temp view lake_{name} as select * from read_parquet({sql_list(rows)}, union_by_name = true)")
            else:
                con.register(f"lake_{name}", rows)
        for name in (*AS_TABLES, *warehouse.MARTS):
            con.execute(f"drop {'view' if name in AS_TABLES else 'table'} {name}")
            if name in in_place:
                columns = ", ".join(f'"{field.name}"' for field in tables[name].schema().fields)
                con.execute(f"create view {name} as select {columns} "
                            f"from read_parquet({sql_list(scans[name])}, union_by_name = true)")
            else:
                con.execute(f"create table {name} as select * from lake_{name}")
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
