"""`lake init`: create the namespace and every lake table that is missing, each with its partition spec; add to an
existing table the columns a newer warehouse contract has."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException, NamespaceAlreadyExistsError, TableAlreadyExistsError
from pyiceberg.expressions import EqualTo, IsNull
from pyiceberg.transforms import IdentityTransform, MonthTransform

from etl import config, warehouse
from etl.lake import commit, write
from etl.lake.catalog import identifier
from etl.lake.tables import MONTH, TABLES, LakeTable, arrow_schemas
from etl.warehouse import MARTS

EVOLVE_TRIES = 5   # another init changed the table's schema first: look again
TRANSFORMS = {"identity": IdentityTransform, MONTH: MonthTransform}


def init(catalog: Catalog) -> list[tuple[str, str]]:
    """Create what is missing and add the columns a newer warehouse contract has; [(table, 'created' | 'exists' |
    'columns added: …' | 'differs: …')]. Running it again changes nothing.

    A table made by an older contract gains the warehouse's new columns (Iceberg's schema evolution: new field ids,
    null in the files written before; every reader here reads by field id). 'differs' names a table whose columns
    cannot be made the warehouse's that way (a column gone, or of another type): it is left as it is, and export
    refuses to write into it."""
    try:
        catalog.create_namespace(config.LAKE_NAMESPACE)
    except NamespaceAlreadyExistsError:
        pass
    schemas = arrow_schemas()
    done, created = [], []
    for table in TABLES.values():
        if catalog.table_exists(identifier(table.name)):
            done.append((table.name, evolve(catalog, table.name, schemas[table.name])))
            continue
        try:
            create(catalog, table, schemas[table.name])
            done.append((table.name, "created"))
            created.append(table.name)
        except TableAlreadyExistsError:   # another writer's init got there first
            done.append((table.name, "exists"))
    filled = fill_marts(catalog, [name for name in created if name in MARTS])
    return [(name, f"created, {filled[name]:,} rows from the lake's lines" if filled.get(name) else state)
            for name, state in done]


def fill_marts(catalog: Catalog, names: list[str]) -> dict[str, int]:
    """Marts tables just created in a lake that holds lines already (one made before the lake kept marts): built
    from the lake's lines with the warehouse's own marts SQL, in one commit, on condition that the lines did not
    move meanwhile (a load that lands first: lake init is run again). {mart: rows}.

    The lines are read one center at a time (a mart's rows are each one center's, its partitions too): a lake of
    a hundred million lines is never in memory whole, only its largest center's."""
    sales = catalog.load_table(identifier("sales"))
    if not names or sales.current_snapshot() is None:
        return {}
    marts = {name: catalog.load_table(identifier(name)) for name in names}
    written: dict[str, list] = {name: [] for name in names}
    tasks = list(sales.scan().plan_files())
    read = 0
    con = warehouse.connect(Path(":memory:"))
    try:
        for center in sorted(centers_of(sales, tasks), key=str):
            lines = sales.scan(row_filter=IsNull("center") if center is None else EqualTo("center", center)).to_arrow()
            read += lines.num_rows
            con.register("lake_sales", lines)
            for name in names:
                con.execute(warehouse.sql_text(f"marts/{name}.sql").replace("{sales}", "lake_sales"))
                written[name] += write.partition_files(marts[name], con, f"select * from {name}", TABLES[name])
            con.unregister("lake_sales")
        if not any(task.delete_files for task in tasks) and read != sum(task.file.record_count for task in tasks):
            raise RuntimeError(f"read {read:,} of the lake's {sum(t.file.record_count for t in tasks):,} lines "
                               "center by center")
        txs = []
        for name in names:
            tx = marts[name].transaction()
            with tx.update_snapshot(snapshot_properties={"tpc.operation": "init"}).fast_append() as append:
                for data_file in written[name]:
                    append.append_data_file(data_file)
            txs.append(tx)
    except BaseException:
        discard(marts, written)
        raise
    finally:
        con.close()
    try:
        commit.commit(catalog, txs, read=(sales,))
    except CommitFailedException:   # refused: nothing landed (any other failure there leaves them to the sweep)
        discard(marts, written)
        raise
    return {name: sum(f.record_count for f in written[name]) for name in names}


def centers_of(sales, tasks) -> set:
    """The centers the lake's lines are of: each data file's center partition (by the file's own partition spec);
    a file of a spec that does not partition by center (another engine's) has them read from its rows."""
    center_id = sales.schema().find_field("center").field_id
    specs = sales.specs()
    found = set()
    for task in tasks:
        at = next((i for i, field in enumerate(specs[task.file.spec_id].fields)
                   if field.source_id == center_id and isinstance(field.transform, IdentityTransform)), None)
        if at is None:
            return set(sales.scan(selected_fields=("center",)).to_arrow()["center"].unique().to_pylist())
        found.add(task.file.partition[at])
    return found


def discard(tables: dict, written: dict[str, list]) -> None:
    """Delete the data files written for tables that no snapshot names."""
    for name, files in written.items():
        write.discard(tables[name], files)


def create(catalog: Catalog, table: LakeTable, schema) -> None:
    """The table and its partition spec in one commit."""
    with catalog.create_table_transaction(identifier(table.name), schema=schema) as tx:
        if table.partition:
            with tx.update_spec() as spec:
                for column, transform in table.partition:
                    name = column if transform == "identity" else f"{column}_{transform}"
                    spec.add_field(column, TRANSFORMS[transform](), name)


def evolve(catalog: Catalog, name: str, wanted: pa.Schema) -> str:
    """Add to an existing lake table the columns the warehouse has and it lacks, when nothing else sets them apart;
    its state for init: 'exists', 'columns added: …' or 'differs: …'. Another writer's schema change first: look
    again at the table as it now stands."""
    for _ in range(EVOLVE_TRIES):
        table = catalog.load_table(identifier(name))
        found = difference(table.schema(), wanted)
        if not found:
            return "exists"
        added = addable(table.schema(), wanted)
        if not added:
            return f"differs: {found}"
        try:
            with table.update_schema() as update:
                update.union_by_name(wanted)
            return f"columns added: {', '.join(added)}"
        except CommitFailedException:
            continue
    raise CommitFailedException(f"{name}: its schema changed {EVOLVE_TRIES} times while init added columns")


def columns(found, wanted) -> tuple[dict[str, str], dict[str, str]]:
    """The lake table's columns and the warehouse's, {name: Iceberg type}."""
    wanted = Catalog._convert_schema_if_needed(wanted)
    return ({f.name: str(f.field_type) for f in found.fields}, {f.name: str(f.field_type) for f in wanted.fields})


def addable(found, wanted) -> list[str]:
    """The warehouse's columns the lake table lacks, when those are all that sets them apart; [] otherwise."""
    have, want = columns(found, wanted)
    if any(want.get(name) != kind for name, kind in have.items()):
        return []
    return [name for name in want if name not in have]


def difference(found, wanted) -> str:
    """What sets a lake table's columns (an Iceberg schema) apart from the warehouse's (an Arrow schema), in
    Iceberg's types ('' when they are the same columns of the same types; their order does not matter: every read
    and write here goes by name or field id, and a column added later comes last in the lake)."""
    have, want = columns(found, wanted)
    parts = []
    if gone := [name for name in have if name not in want]:
        parts.append(f"the warehouse has no column {', '.join(gone)}")
    if new := [name for name in want if name not in have]:
        parts.append(f"the lake has no column {', '.join(new)}")
    parts += [f"{name} {kind} (the warehouse: {want[name]})" for name, kind in have.items()
              if name in want and want[name] != kind]
    return "; ".join(parts)
