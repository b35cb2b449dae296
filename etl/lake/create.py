"""`lake init`: create the namespace and every lake table that is missing, each with its partition spec."""
from __future__ import annotations

from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import NamespaceAlreadyExistsError, TableAlreadyExistsError
from pyiceberg.transforms import IdentityTransform, MonthTransform

from pathlib import Path

from etl import config, warehouse
from etl.lake import commit, write
from etl.lake.catalog import identifier
from etl.lake.tables import MONTH, TABLES, LakeTable, arrow_schemas, partition_keys
from etl.warehouse import MARTS

TRANSFORMS = {"identity": IdentityTransform, MONTH: MonthTransform}


def init(catalog: Catalog) -> list[tuple[str, str]]:
    """Create what is missing; [(table, 'created' | 'exists' | 'differs: …')]. Running it again changes nothing.

    'differs' names a table whose columns are no longer the warehouse's (an older contract): it is left as it is,
    since evolving a lake table's schema is not built yet, and export refuses to write into it."""
    try:
        catalog.create_namespace(config.LAKE_NAMESPACE)
    except NamespaceAlreadyExistsError:
        pass
    schemas = arrow_schemas()
    done, created = [], []
    for table in TABLES.values():
        if catalog.table_exists(identifier(table.name)):
            found = difference(catalog.load_table(identifier(table.name)).schema(), schemas[table.name])
            done.append((table.name, f"differs: {found}" if found else "exists"))
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
    move meanwhile (a load that lands first: lake init is run again). {mart: rows}."""
    sales = catalog.load_table(identifier("sales"))
    if not names or sales.current_snapshot() is None:
        return {}
    con = warehouse.connect(Path(":memory:"))
    try:
        con.register("lake_sales", sales.scan().to_arrow())
        txs, rows = [], {}
        for name in names:
            mart = catalog.load_table(identifier(name))
            con.execute(warehouse.sql_text(f"marts/{name}.sql").replace("{sales}", "lake_sales"))
            tx = mart.transaction()
            with tx.update_snapshot(snapshot_properties={"tpc.operation": "init"}).fast_append() as append:
                written = write.partition_files(mart, con, f"select * from {name}", partition_keys(TABLES[name]))
                for data_file in written:
                    append.append_data_file(data_file)
            txs.append(tx)
            rows[name] = sum(f.record_count for f in written)
        commit.commit(catalog, txs, read=(sales,))
        return rows
    finally:
        con.close()


def create(catalog: Catalog, table: LakeTable, schema) -> None:
    """The table and its partition spec in one commit."""
    with catalog.create_table_transaction(identifier(table.name), schema=schema) as tx:
        if table.partition:
            with tx.update_spec() as spec:
                for column, transform in table.partition:
                    name = column if transform == "identity" else f"{column}_{transform}"
                    spec.add_field(column, TRANSFORMS[transform](), name)


def difference(found, wanted) -> str:
    """What sets a lake table's columns (an Iceberg schema) apart from the warehouse's (an Arrow schema), in
    Iceberg's types ('' when they are the same columns of the same types)."""
    wanted = Catalog._convert_schema_if_needed(wanted)
    have = [(f.name, str(f.field_type)) for f in found.fields]
    want = [(f.name, str(f.field_type)) for f in wanted.fields]
    if [name for name, _ in have] != [name for name, _ in want]:
        return (f"columns {', '.join(name for name, _ in have)}; "
                f"the warehouse has {', '.join(name for name, _ in want)}")
    return "; ".join(f"{name} {kind} (the warehouse: {new})" for (name, kind), (_, new) in zip(have, want) if kind != new)
