"""Each partition's fingerprint, kept in the catalog database: a publish compares the warehouse's rows with the lake's
without reading the lake's rows back.

A partition's fingerprint is its row count and the sum of its rows' hashes, the rows in the lake's column order and
types (`query`): equal multisets of rows give equal fingerprints. Table tpc_fingerprints (beside tpc_load_ids) keeps,
for every partition a publish wrote or read, its fingerprint and a digest of the data files it is the fingerprint
of. Data files are never changed once written, so a kept fingerprint stays true of those files; a publish trusts it
only while the partition is still exactly those files, with no delete file, in the same schema, hashed by the same
DuckDB version (`Kept.holds`). Otherwise (lake compact rewrote them, lake init filled a mart, a column was added,
another engine wrote deletes, or the partition predates this table) the publish reads that partition's rows from the
lake and hashes them, as every publish used to. A publish writes the fingerprints of the partitions it rewrote or
read in the same PostgreSQL transaction as its commit (etl/lake/commit.py), so they land with its snapshot or not
at all.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import duckdb
from sqlalchemy import text
from sqlalchemy.engine import Engine

from etl.lake.write import duckdb_type

SETUP = (
    """create table if not exists tpc_fingerprints (
        table_name text not null,
        partition_key text not null,
        center text,
        schema_id integer not null,
        hasher text not null,
        files text not null,
        row_count bigint not null,
        row_hash numeric(40, 0) not null,
        primary key (table_name, partition_key))""",
)
# how the rows were hashed: another DuckDB, or another hashing SQL (`query`), may hash otherwise, so fingerprints
# of another hasher are not reused
HASHER = f"duckdb {duckdb.__version__} hash(row(cast…)) v1"


@dataclass(frozen=True)
class Kept:
    """A partition's fingerprint as the catalog database keeps it."""
    schema_id: int
    hasher: str
    files: str
    rows: int
    row_hash: int

    def holds(self, schema_id: int, files: str) -> bool:
        return self.schema_id == schema_id and self.hasher == HASHER and self.files == files


def query(schema, keys: list[str], rows: str) -> str:
    """SQL of each partition's (keys..., n, h) over `rows` (a query or a registered relation): the rows cast to the
    lake's types, in its column order, so that the warehouse's rows and the lake's hash alike."""
    cast = ", ".join(f'cast(r."{f.name}" as {duckdb_type(f.field_type)})' for f in schema.fields)
    named = ", ".join(f"{key} as tpc_k{i}" for i, key in enumerate(keys))
    return (f"select {named}, count(*) as n, sum(hash(row({cast}))::hugeint) as h from ({rows}) as r "
            f"group by all")


def of(con: duckdb.DuckDBPyConnection, schema, keys: list[str], rows: str, params: list | None = None
       ) -> dict[tuple, tuple[int, int]]:
    """{partition key: (rows, hash sum)} of the rows, a query over con taking params."""
    found = con.execute(query(schema, keys, rows), params or []).fetchall()
    return {tuple(row[:len(keys)]): (int(row[-2]), int(row[-1])) for row in found}


def key_text(key: tuple) -> str:
    return json.dumps(list(key), ensure_ascii=False)


def files_digest(paths) -> str:
    """The digest of a partition's data files (their paths, in any order)."""
    return hashlib.sha256("\n".join(sorted(paths)).encode()).hexdigest()


def kept(engine: Engine, table_name: str, centers: list[str | None]) -> dict[tuple, Kept]:
    """The kept fingerprints of the table's partitions of these centers (None: the network-wide rows)."""
    named = [c for c in centers if c is not None]
    with engine.connect() as conn:
        found = conn.execute(text(
            "select partition_key, schema_id, hasher, files, row_count, row_hash from tpc_fingerprints "
            "where table_name = :table and (center = any(cast(:centers as text[])) or (:network and center is null))"),
            {"table": table_name, "centers": named, "network": None in centers}).fetchall()
    return {tuple(json.loads(key)): Kept(schema_id, hasher, files, int(n), int(h))
            for key, schema_id, hasher, files, n, h in found}


def statements(table_name: str, schema_id: int, made: dict[tuple, tuple[str, int, int]],
               gone: set[tuple]) -> list[tuple[str, dict]]:
    """The SQL that keeps `made` ({key: (files digest, rows, hash sum)}) and forgets `gone`, to run in the commit's
    transaction."""
    from etl.lake.tables import TABLES

    center_at = next((i for i, (column, _) in enumerate(TABLES[table_name].partition) if column == "center"), None)
    done = []
    # in the order of their keys, as every writer of this table does (moved too): two transactions never wait on
    # each other's rows in opposite orders
    for key, (files, n, h) in sorted(made.items(), key=lambda item: key_text(item[0])):
        done.append(("insert into tpc_fingerprints (table_name, partition_key, center, schema_id, hasher, files, "
                     "row_count, row_hash) values (:table, :key, :center, :schema, :hasher, :files, :n, :h) "
                     "on conflict (table_name, partition_key) do update set center = excluded.center, "
                     "schema_id = excluded.schema_id, hasher = excluded.hasher, files = excluded.files, "
                     "row_count = excluded.row_count, row_hash = excluded.row_hash",
                     {"table": table_name, "key": key_text(key), "schema": schema_id, "hasher": HASHER,
                      "center": None if center_at is None else key[center_at], "files": files, "n": n, "h": h}))
    if gone:
        done.append(("delete from tpc_fingerprints where table_name = :table and "
                     "partition_key = any(cast(:keys as text[]))",
                     {"table": table_name, "keys": sorted(key_text(key) for key in gone)}))
    return done


def keep(engine: Engine, statements: list[tuple[str, dict]]) -> dict:
    """Run the statements in a transaction of their own (a publish with nothing to commit that read partitions back:
    their fingerprints are true of their files whatever commits next); {} (no table changed)."""
    if statements:
        with engine.begin() as conn:
            for statement, parameters in statements:
                conn.execute(text(statement), parameters)
    return {}


def moved(engine: Engine, table_name: str, moves: dict[tuple, tuple[str, str]]) -> None:
    """Partitions whose rows went, unchanged, from one set of files to another ({key: (files digest before, after)},
    lake compact's): each kept fingerprint that was of the files before becomes that of the files after."""
    from etl.lake.catalog import ensure_own_tables

    ensure_own_tables(engine)
    with engine.begin() as conn:
        for key, (before, after) in sorted(moves.items(), key=lambda item: key_text(item[0])):
            conn.execute(text("update tpc_fingerprints set files = :after where table_name = :table and "
                              "partition_key = :key and files = :before"),
                         {"table": table_name, "key": key_text(key), "before": before, "after": after})
