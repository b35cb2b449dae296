"""`lake export`: the embedded warehouse's rows of all its centers, or one, written into the lake.

Per table one Iceberg commit replaces exactly the exported centers' rows (an overwrite whose row filter is on
center), so a center's export never touches another's rows. Network-wide rows — the product master, and the
targets and loads that name no center — are replaced only by an export of the whole warehouse. Rows the lake
already holds exactly are not written again: an export with nothing new makes no snapshot.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.expressions import AlwaysTrue, BooleanExpression, In, IsNull, Or

from etl import warehouse
from etl.lake.catalog import identifier
from etl.lake.create import difference
from etl.lake.tables import TABLES, LakeTable, arrow_schemas

COMMIT_TRIES = 5   # another writer committed first: read the table again and redo the commit


class ExportError(RuntimeError):
    """Nothing can be exported (an unknown center, a lake without its tables)."""


@dataclass(frozen=True)
class Exported:
    table: str
    rows_before: int        # the lake's rows the export covers, before it
    rows: int               # the warehouse's rows written in their place
    snapshot_id: int | None  # the commit's snapshot; None when the lake held them already (no commit)

    @property
    def status(self) -> str:
        return "unchanged" if self.snapshot_id is None else "replaced"


def export(catalog: Catalog, db: Path, center: str | None = None) -> list[Exported]:
    """Write the warehouse's rows (all its centers, or `center`'s) into the lake, one commit per changed table."""
    check_lake(catalog)
    if not db.exists():
        raise ExportError(f"no warehouse at {db}")
    warehouse.check_schema(db)
    con = warehouse.connect(db, read_only=True)
    try:
        known = [code for (code,) in con.execute("select center from centers order by center").fetchall()]
        if center is not None and center not in known:
            raise ExportError(f"center {center!r} is not in {db} (its centers: {', '.join(known) or 'none'})")
        centers = [center] if center is not None else known
        return [publish(catalog, table, con, centers, whole=center is None)
                for table in TABLES.values() if table.by_center or center is None]
    finally:
        con.close()


def check_lake(catalog: Catalog) -> None:
    """Raise ExportError unless every lake table exists with the warehouse's columns."""
    missing = [name for name in TABLES if not catalog.table_exists(identifier(name))]
    if missing:
        raise ExportError(f"the lake has no table {', '.join(missing)}: run python -m etl lake init first")
    wanted = arrow_schemas()
    differ = [f"{name} ({found})" for name in TABLES
              if (found := difference(catalog.load_table(identifier(name)).schema(), wanted[name]))]
    if differ:
        raise ExportError(f"the lake's columns are not the warehouse's: {'; '.join(differ)}")


def row_filter(table: LakeTable, centers: list[str], whole: bool) -> BooleanExpression:
    """The lake rows an export replaces: the centers' rows, and the network-wide ones when it is the whole warehouse."""
    if not table.by_center:
        return AlwaysTrue()
    of_centers = In("center", centers) if centers else IsNull("center")
    return Or(of_centers, IsNull("center")) if whole and centers else of_centers


def rows_of(con: duckdb.DuckDBPyConnection, table: LakeTable, centers: list[str], whole: bool) -> list[pa.Table]:
    """The warehouse's rows that row_filter covers, one Arrow table per partition of the lake table.

    Split here because pyiceberg filters the whole frame once per partition it finds in it (slow in the number of
    partitions times rows); handed one partition at a time it writes each in one pass."""
    where = "true"
    params: list = []
    if table.by_center:
        where = "list_contains(?, center)" + (" or center is null" if whole else "")
        params = [centers]
    selected = f"select * from ({table.query}) where {where}"
    if not table.partition:
        rows = con.sql(selected, params=params).to_arrow_table()
        return [rows] if rows.num_rows else []
    keys = ", ".join(column if transform == "identity" else f"date_trunc('{transform}', {column})"
                     for column, transform in table.partition)
    rows = con.sql(f"{selected} order by {keys}", params=params).to_arrow_table()
    sizes = [n for (n,) in con.execute(f"select count(*) from ({selected}) group by {keys} order by {keys}",
                                       params).fetchall()]
    offsets = [sum(sizes[:i]) for i in range(len(sizes))]
    return [rows.slice(offset, size) for offset, size in zip(offsets, sizes)]


def publish(catalog: Catalog, table: LakeTable, con, centers: list[str], whole: bool) -> Exported:
    parts = rows_of(con, table, centers, whole)
    flt = row_filter(table, centers, whole)
    for attempt in range(COMMIT_TRIES):
        lake = catalog.load_table(identifier(table.name))
        schema = lake.schema().as_arrow()
        parts = [part.cast(schema) for part in parts]
        new = pa.concat_tables(parts) if parts else schema.empty_table()
        old = lake.scan(row_filter=flt).to_arrow()
        if same_rows(old, new):
            return Exported(table.name, old.num_rows, new.num_rows, None)
        try:
            replace(lake, flt, parts, {"tpc.export.centers": ",".join(centers) or "-",
                                       "tpc.export.whole": str(whole).lower()})
        except CommitFailedException:
            if attempt == COMMIT_TRIES - 1:
                raise
            continue
        return Exported(table.name, old.num_rows, new.num_rows, lake.current_snapshot().snapshot_id)
    raise AssertionError("unreachable")


def replace(lake, flt: BooleanExpression, parts: list[pa.Table], properties: dict[str, str]) -> None:
    """One commit: delete the rows flt matches, then append parts' rows (each one partition's) as new data files.

    What Table.overwrite does, writing the data files a partition at a time."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files

    with lake.transaction() as tx:
        with warnings.catch_warnings():
            # a delete of rows the lake does not hold yet says so; that is every first export
            warnings.filterwarnings("ignore", "Delete operation did not match any records")
            tx.delete(flt, snapshot_properties=properties)
        with tx.update_snapshot(snapshot_properties=properties).fast_append() as append:
            for part in parts:
                for data_file in _dataframe_to_data_files(table_metadata=tx.table_metadata, df=part, io=lake.io,
                                                          write_uuid=append.commit_uuid):
                    append.append_data_file(data_file)


def same_rows(old: pa.Table, new: pa.Table) -> bool:
    """The two hold the same rows, as many times each (order aside)."""
    if old.num_rows != new.num_rows:
        return False
    if not new.num_rows:
        return True
    with duckdb.connect() as con:
        con.register("old_rows", old)
        con.register("new_rows", new)
        return con.execute("select count(*) from (select * from new_rows except all select * from old_rows)").fetchone()[0] == 0
