"""`lake init`: create the namespace and every lake table that is missing, each with its partition spec."""
from __future__ import annotations

from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import NamespaceAlreadyExistsError, TableAlreadyExistsError
from pyiceberg.transforms import IdentityTransform, MonthTransform

from etl import config
from etl.lake.catalog import identifier
from etl.lake.tables import MONTH, TABLES, LakeTable, arrow_schemas

TRANSFORMS = {"identity": IdentityTransform, MONTH: MonthTransform}


def init(catalog: Catalog) -> list[tuple[str, str]]:
    """Create what is missing; [(table, 'created' | 'exists')]. Running it again changes nothing."""
    try:
        catalog.create_namespace(config.LAKE_NAMESPACE)
    except NamespaceAlreadyExistsError:
        pass
    schemas = arrow_schemas()
    done = []
    for table in TABLES.values():
        if catalog.table_exists(identifier(table.name)):
            done.append((table.name, "exists"))
            continue
        try:
            create(catalog, table, schemas[table.name])
            done.append((table.name, "created"))
        except TableAlreadyExistsError:   # another writer's init got there first
            done.append((table.name, "exists"))
    return done


def create(catalog: Catalog, table: LakeTable, schema) -> None:
    """The table and its partition spec in one commit."""
    with catalog.create_table_transaction(identifier(table.name), schema=schema) as tx:
        if table.partition:
            with tx.update_spec() as spec:
                for column, transform in table.partition:
                    name = column if transform == "identity" else f"{column}_{transform}"
                    spec.add_field(column, TRANSFORMS[transform](), name)
