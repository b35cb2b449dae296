"""One commit across several lake tables: every table's staged changes land together, or none of them do.

pyiceberg commits a transaction per table. Its SQL catalog commits a table by writing the new metadata file and
then swapping the table's row in iceberg_tables in PostgreSQL, on condition that it still names the metadata the
change was built on. Here each table's transaction is staged the same way, every new metadata file is written,
and then all the swaps run in ONE PostgreSQL transaction: if any table moved under us, the database rolls every
swap back (CommitFailedException, and the caller redoes the work on the tables as they now stand). A writer
killed at any point before PostgreSQL's commit leaves the catalog as it was; its written files are orphans that
no snapshot names (lake compact's orphan sweep or a bucket lifecycle rule removes them).

This leans on pyiceberg 0.12.0's SqlCatalog internals (_update_and_stage_table, _write_metadata, the
IcebergTables model, a Transaction's staged _updates and _requirements); requirements.txt pins that version.
"""
from __future__ import annotations

from pyiceberg.catalog import Catalog
from pyiceberg.catalog.sql import IcebergTables, SqlCatalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.table import Transaction
from pyiceberg.table.update import AssertTableUUID
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from etl.publish import pause_point


def commit(catalog: SqlCatalog, transactions: list[Transaction], read: tuple = (),
           statements: list[tuple[str, dict]] = ()) -> dict[str, int]:
    """Commit every transaction's staged changes at once; {table: its new snapshot id} of those that changed.

    Raises CommitFailedException (nothing landed) when another writer committed to any of the tables first, or to
    any of the tables `read` (those the changes were computed from, as loaded then). `statements` (SQL and its
    parameters: the partitions' fingerprints, etl/lake/fingerprints.py) run in the same database transaction."""
    staged = []
    for tx in sorted((tx for tx in transactions if tx._updates), key=lambda tx: tx._table.name()):
        base = tx._table
        requirements = tx._requirements + (AssertTableUUID(uuid=base.metadata.table_uuid),)
        new = catalog._update_and_stage_table(base, base.name(), requirements, tx._updates)
        catalog._write_metadata(metadata=new.metadata, io=new.io, metadata_path=new.metadata_location)
        staged.append((base, new))
    pause_point("lake_metadata_written")
    try:
        swap(catalog, staged + [(table, table) for table in read], statements)
    except CommitFailedException:
        for tx in transactions:
            for producer in tx._snapshot_producers:
                producer._clean_all_uncommitted()
        for _, new in staged:
            new.io.delete(new.metadata_location)
        raise
    pause_point("lake_committed")
    return {base.name()[-1]: new.metadata.current_snapshot_id for base, new in staged}


def swap(catalog: SqlCatalog, staged: list, statements: list[tuple[str, dict]] = ()) -> None:
    """Point every table at its new metadata in one database transaction, each only if it still names its base
    (tables in name order, so that two writers never wait on each other's rows in opposite orders; a table staged
    as (base, base) is only checked, and held, unchanged), and run `statements` in it after the swaps."""
    with Session(catalog.engine) as session:
        for base, new in sorted(staged, key=lambda pair: pair[0].name()):
            identifier = base.name()
            changed = session.execute(
                update(IcebergTables)
                .where(IcebergTables.catalog_name == catalog.name,
                       IcebergTables.table_namespace == Catalog.namespace_to_string(Catalog.namespace_from(identifier)),
                       IcebergTables.table_name == Catalog.table_name_from(identifier),
                       IcebergTables.metadata_location == base.metadata_location)
                .values(metadata_location=new.metadata_location,
                        previous_metadata_location=(IcebergTables.previous_metadata_location if new is base
                                                    else base.metadata_location)))
            if changed.rowcount < 1:
                session.rollback()
                raise CommitFailedException(f"{'.'.join(identifier)} was committed by another writer first")
        for statement, parameters in statements:
            session.execute(text(statement), parameters)
        session.commit()
