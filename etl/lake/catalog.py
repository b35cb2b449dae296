"""Open the lake's Iceberg catalog (a pyiceberg SqlCatalog on PostgreSQL) from the settings in etl/config.py."""
from __future__ import annotations

from pyiceberg.catalog.sql import SqlCatalog

from etl import config


def open_catalog() -> SqlCatalog:
    """The catalog named by $TPC_LAKE_CATALOG, its tables' files under $TPC_LAKE_WAREHOUSE.

    Raises config.LakeNotConfigured when either is unset. SqlCatalog creates its two bookkeeping tables
    (iceberg_tables, iceberg_namespace_properties) in the database on first use."""
    uri, warehouse = config.lake_settings()
    return SqlCatalog(config.LAKE_NAMESPACE, uri=uri, warehouse=warehouse)


def identifier(table: str) -> tuple[str, str]:
    return (config.LAKE_NAMESPACE, table)
