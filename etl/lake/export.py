"""Write an embedded warehouse's rows into the lake: the centers it holds loads for, in one commit across tables.

Used by `lake export` (a whole warehouse, or one center: the migration path) and by every load when the lake is
configured (the loaded files' centers). What lands is the warehouse's state, not a delta, so a publish can be
repeated, interrupted or raced and still leaves the lake equal to the warehouse:
- sales, leads and the marts are compared partition by partition (center, channel, month; a fingerprint of the
  rows, the lake's kept in the catalog database: etl/lake/fingerprints.py), and only the partitions that differ are
  rewritten: their old data files are removed and the new ones added;
- the small tables (centers, products, targets, loads, rejects) are compared as the publish's slice (its centers'
  rows) and, when they differ, replaced;
- every table's change lands in ONE commit (etl/lake/commit.py): all of a file's rows or none, with its loads row;
- load ids become lake-wide (etl/lake/ids.py), so SH's load 3 and NJ's load 3 stay apart;
- network-wide rows (the product master; the targets and loads of files that name no center) are written only
  when the publish says so (an export of a whole warehouse, a load of such a file): a center's ordinary load
  never overwrites another writer's newer product master;
- a center's rows are written from one warehouse only: a publish refuses when the lake holds loads of its centers
  that came from another warehouse (`lake export --take-over` replaces them on purpose).
A publish that loses a race (another writer committed first) is redone on the tables as they now stand.
"""
from __future__ import annotations

import random
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.expressions import AlwaysFalse, AlwaysTrue, BooleanExpression, In, IsNull, Or
from pyiceberg.io.pyarrow import ArrowScan

from etl import warehouse
from etl.lake import commit, compact, fingerprints, ids, write
from etl.lake.catalog import ensure_own_tables, identifier
from etl.lake.create import difference
from etl.lake.tables import TABLES, LakeTable, arrow_schemas, partition_keys
from etl.lake.write import file_key

COMMIT_TRIES = 8   # another writer committed first: read the tables again and redo the publish


class ExportError(RuntimeError):
    """Nothing can be exported (an unknown center, a lake without its tables, a center another warehouse owns)."""


@dataclass(frozen=True)
class Exported:
    table: str
    rows_before: int        # the lake's rows the publish covers, before it
    rows: int               # the warehouse's rows in their place
    snapshot_id: int | None  # the commit's snapshot; None when the lake held them already (no commit)
    partitions: int = 0     # partitions rewritten (partitioned tables)

    @property
    def status(self) -> str:
        return "unchanged" if self.snapshot_id is None else "replaced"


@dataclass(frozen=True)
class Scope:
    """What a publish writes: these centers' rows, and the network-wide rows when `network`."""
    centers: tuple[str, ...]
    network: bool


def export(catalog: Catalog, db: Path, center: str | None = None, take_over: bool = False) -> list[Exported]:
    """`lake export`: the warehouse's centers (or `center`) and, for a whole warehouse, its network-wide rows."""
    check_lake(catalog)
    if not db.exists():
        raise ExportError(f"no warehouse at {db}")
    warehouse.check_schema(db)
    con = warehouse.attached(db)
    try:
        known = [code for (code,) in con.execute("select center from centers order by center").fetchall()]
        if center is not None and center not in known:
            raise ExportError(f"center {center!r} is not in {db} (its centers: {', '.join(known) or 'none'})")
        centers = (center,) if center is not None else tuple(held_centers(con))
        return publish(catalog, con, Scope(centers, network=center is None), take_over=take_over)
    finally:
        con.close()


def held_centers(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The centers this warehouse has loaded files for: the only ones whose rows it can speak for."""
    return [c for (c,) in con.execute("select distinct center from loads where status = 'loaded' and center is not null "
                                      "order by center").fetchall()]


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


def publish(catalog: Catalog, con: duckdb.DuckDBPyConnection, scope: Scope, take_over: bool = False,
            properties: dict[str, str] | None = None) -> list[Exported]:
    """Make the lake's rows of `scope` the warehouse's, in one commit; what each table did."""
    ensure_own_tables(catalog.engine)
    try:
        mapping = ids.mapped(catalog.engine, con)
    except ids.ForeignHistory as exc:
        raise ExportError(str(exc)) from None
    con.register("lake_load_ids", pa.table({"local_id": pa.array(list(mapping), pa.int64()),
                                            "lake_id": pa.array(list(mapping.values()), pa.int64())}))
    props = {"tpc.centers": ",".join(scope.centers) or "-", "tpc.network": str(scope.network).lower(),
             **(properties or {})}
    con.execute("set arrow_large_buffer_size = true")   # the lake's strings are large_string: no cast of every row
    plans = []
    try:
        for attempt in range(COMMIT_TRIES):
            plans = ([p.again(catalog, con, scope) for p in plans] if plans else
                     [plan(catalog, con, TABLES[name], scope) for name in TABLES if TABLES[name].by_center or scope.network])
            if attempt == 0 and not take_over:
                check_owner(plans, set(mapping.values()), scope)
            txs = [p.transaction(props) for p in plans if p.changed]
            prints = [statement for p in plans for statement in p.prints]
            try:
                landed = commit.commit(catalog, txs, statements=prints) if txs else fingerprints.keep(catalog.engine, prints)
            except CommitFailedException:
                if attempt == COMMIT_TRIES - 1:
                    raise
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
                continue
            return [p.outcome(landed.get(p.table.name)) for p in plans]
        raise AssertionError("unreachable")
    except (CommitFailedException, ExportError):   # nothing landed (a commit never raises these after landing)
        for p in plans:
            p.discard()
        raise
    finally:
        con.unregister("lake_load_ids")


def check_owner(plans: list, mine: set[int], scope: Scope) -> None:
    """Refuse when the lake holds loads of the scope's centers that this warehouse did not publish."""
    loads = next(p for p in plans if p.table.name == "loads")
    foreign = [(row["center"], row["load_id"], row["file_name"]) for row in loads.lake_rows.to_pylist()
               if row["center"] is not None and row["load_id"] not in mine]
    if foreign:
        center, load_id, name = foreign[0]
        raise ExportError(
            f"the lake holds {len(foreign)} load(s) of center {center} that another warehouse published "
            f"(load {load_id}, {name}): one center's loads go through one warehouse. Load there, or replace the "
            f"lake's rows of {', '.join(scope.centers)} with this warehouse's: python -m etl lake export --center "
            f"{center} --take-over")


def row_filter(table: LakeTable, scope: Scope) -> BooleanExpression:
    """The lake rows a publish covers: its centers' rows, and the network-wide ones when it says so."""
    if not table.by_center:
        return AlwaysTrue() if scope.network else AlwaysFalse()
    parts = ([In("center", list(scope.centers))] if scope.centers else []) + ([IsNull("center")] if scope.network else [])
    if not parts:
        return AlwaysFalse()
    return parts[0] if len(parts) == 1 else Or(*parts)


def local_rows(con: duckdb.DuckDBPyConnection, table: LakeTable, scope: Scope) -> str:
    """The warehouse's rows of the scope, their load ids the lake's (a SQL query over con)."""
    if table.by_center:
        where = "list_contains(?, center)" + (" or center is null" if scope.network else "")
    else:
        where = "true" if scope.network else "false"
    mapped = "q.* replace (m.lake_id as load_id)" if "load_id" in table_columns(con, table) else "q.*"
    return (f"select {mapped} from ({table.query}) as q "
            + ("left join lake_load_ids as m on m.local_id = q.load_id " if mapped != "q.*" else "")
            + f"where {where}")


def table_columns(con, table: LakeTable) -> list[str]:
    return [d[0] for d in con.sql(f"select * from ({table.query}) limit 0").description]


class Plan:
    """One table's part in a publish: the lake's data files it covers, the warehouse's rows, and what must change.

    A partitioned table changes by partitions (`changed`: their keys), its new data files written when planned
    (`new`: DataFiles), so that a publish that lost a race to another center's commit reuses them, and `prints` (the
    SQL keeping their fingerprints) runs in the commit; another table changes by its whole slice (`changed`: the
    slice's row filter, or None when the lake holds the same rows; `new`: Arrow tables, written with the
    transaction; `lake_rows`: the lake's rows of the slice)."""

    def __init__(self, table: LakeTable, lake, files: list, new: list, changed, rows: int, rows_before: int,
                 lake_rows: pa.Table | None = None, prints: list[tuple[str, dict]] = ()) -> None:
        self.table, self.lake, self.lake_rows, self.prints = table, lake, lake_rows, list(prints)
        self.files, self.new, self.changes, self.rows, self.rows_before = files, new, changed, rows, rows_before

    @property
    def changed(self) -> bool:
        return bool(self.changes) if self.table.partition else self.changes is not None

    def again(self, catalog: Catalog, con: duckdb.DuckDBPyConnection, scope: Scope) -> Plan:
        """This plan on the table as it stands after another writer's commit: kept, files and all, when that
        commit left the scope's data files as they were (another center's load); made again otherwise."""
        lake = catalog.load_table(identifier(self.table.name))
        if self.table.partition and scoped_paths(lake, row_filter(self.table, scope)) == {f.file_path for f in self.files}:
            return Plan(self.table, lake, self.files, self.new, self.changes, self.rows, self.rows_before,
                        prints=self.prints)
        self.discard()
        return plan(catalog, con, self.table, scope)

    def discard(self) -> None:
        """Delete the data files written for this plan (no commit took them)."""
        if self.table.partition:
            write.discard(self.lake, self.new)
            self.new = []

    def transaction(self, properties: dict[str, str]):
        tx = self.lake.transaction()
        if self.table.partition:
            self.overwrite_partitions(tx, properties)
        else:
            self.replace_slice(tx, properties)
        compact.merge_in(tx, self.lake.io, properties)
        return tx

    def overwrite_partitions(self, tx, properties) -> None:
        """Remove the changed partitions' data files, add the warehouse's rows of them, one snapshot."""
        with tx.update_snapshot(snapshot_properties=properties).overwrite() as overwrite:
            for data_file in self.files:
                if file_key(data_file) in self.changes:
                    overwrite.delete_data_file(data_file)
            for data_file in self.new:
                overwrite.append_data_file(data_file)

    def replace_slice(self, tx, properties) -> None:
        """Delete the slice's rows (rewriting the files that hold others' too), append the warehouse's."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Delete operation did not match any records")
            tx.delete(self.changes, snapshot_properties=properties)
        if self.new:
            with tx.update_snapshot(snapshot_properties=properties).fast_append() as append:
                for data_file in data_files(tx, self.lake, self.new, append.commit_uuid):
                    append.append_data_file(data_file)

    def outcome(self, snapshot_id: int | None) -> Exported:
        return Exported(self.table.name, self.rows_before, self.rows, snapshot_id,
                        len(self.changes) if self.table.partition else 0)


def scoped_paths(lake, flt: BooleanExpression) -> set[str]:
    return {task.file.file_path for task in lake.scan(row_filter=flt).plan_files()}


def data_files(tx, lake, parts: list[pa.Table], write_uuid):
    """Parquet data files of the parts (a small table's slice), written now."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files

    for part in parts:
        yield from _dataframe_to_data_files(table_metadata=tx.table_metadata, df=part, io=lake.io,
                                            write_uuid=write_uuid)


def plan(catalog: Catalog, con: duckdb.DuckDBPyConnection, table: LakeTable, scope: Scope) -> Plan:
    lake = catalog.load_table(identifier(table.name))
    flt = row_filter(table, scope)
    params = [list(scope.centers)] if table.by_center else []
    query = local_rows(con, table, scope)
    if table.partition:
        return partitions_plan(catalog, con, table, scope, lake, flt, query, params)
    schema = lake.schema().as_arrow()
    scan = lake.scan(row_filter=flt)
    files = [task.file for task in scan.plan_files()]
    old = scan.to_arrow().cast(schema)
    # in the lake's column order (a column added by a newer contract comes last there)
    new = con.sql(query, params=params).to_arrow_table().select(schema.names).cast(schema)
    same = same_rows(old, new)
    return Plan(table, lake, files, [new] if new.num_rows else [], None if same else flt, new.num_rows,
                rows_before=old.num_rows, lake_rows=old)


def partitions_plan(catalog: Catalog, con: duckdb.DuckDBPyConnection, table: LakeTable, scope: Scope, lake,
                    flt: BooleanExpression, query: str, params: list) -> Plan:
    """A partitioned table's plan: the partitions whose rows differ between the warehouse and the lake, their new
    data files written from the warehouse's views. The lake's side of the comparison is each partition's kept
    fingerprint where it still holds (etl/lake/fingerprints.py), else its rows read back and hashed."""
    schema, keys = lake.schema(), partition_keys(table)
    tasks = list(lake.scan(row_filter=flt).plan_files())
    if not tasks:
        # nothing of the scope in the lake (a center's first load): every partition, straight from the warehouse's
        # views in one pass, not hashed (that pass would cost a load a fifth more); the next publish reads these
        # back once and keeps their fingerprints
        written = write.partition_files(lake, con, query, table, params=params)
        return Plan(table, lake, [], written, {file_key(f) for f in written}, sum(f.record_count for f in written),
                    rows_before=0)
    mine = fingerprints.of(con, schema, keys, query, params)
    held: dict[tuple, list] = {}
    for task in tasks:
        held.setdefault(file_key(task.file), []).append(task)
    digests = {key: fingerprints.files_digest(t.file.file_path for t in found) for key, found in held.items()}
    kept = fingerprints.kept(catalog.engine, table.name, list(scope.centers) + ([None] if scope.network else []))
    # a partition read back through delete files hashes its rows with the deletes applied: not a fact about its
    # data files alone (a rollback could take the deletes away), so such a partition keeps no fingerprint
    deleted_from = {key for key, found in held.items() if any(t.delete_files for t in found)}
    theirs, unsure = {}, []
    for key, found in held.items():
        known = kept.get(key)
        if known and known.holds(schema.schema_id, digests[key]) and key not in deleted_from:
            theirs[key] = (known.rows, known.row_hash)
        else:
            unsure += found
    read = read_back(con, lake, schema, keys, unsure) if unsure else {}
    theirs.update(read)
    changed = {key for key in set(mine) | set(theirs) if mine.get(key) != theirs.get(key)}
    written = write.partition_files(lake, con, query, table, changed, params=params)
    placed: dict[tuple, list[str]] = {}
    for data_file in written:
        placed.setdefault(file_key(data_file), []).append(data_file.file_path)
    if set(placed) != {key for key in changed if key in mine}:
        write.discard(lake, written)
        raise AssertionError(f"{table.name}: the files written are of partitions {sorted(placed)}, "
                             f"not of the changed ones {sorted(key for key in changed if key in mine)}")
    made = {key: (fingerprints.files_digest(paths), *mine[key]) for key, paths in placed.items()}
    made.update({key: (digests[key], *read[key]) for key in read if key not in changed | deleted_from})
    prints = fingerprints.statements(table.name, schema.schema_id, made, {key for key in changed if key not in mine})
    return Plan(table, lake, [task.file for task in tasks], written, changed, sum(n for n, _ in mine.values()),
                rows_before=sum(n for n, _ in theirs.values()), prints=prints)


def read_back(con: duckdb.DuckDBPyConnection, lake, schema, keys: list[str], tasks: list) -> dict[tuple, tuple]:
    """The fingerprints of the partitions of these scan tasks, from their rows read out of the lake."""
    rows = ArrowScan(lake.metadata, lake.io, schema, AlwaysTrue()).to_table(tasks)
    con.register("lake_slice", rows)
    try:
        return fingerprints.of(con, schema, keys, "select * from lake_slice")
    finally:
        con.unregister("lake_slice")


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
