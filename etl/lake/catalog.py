"""Open the lake's Iceberg catalog (a pyiceberg SqlCatalog on PostgreSQL) from the settings in etl/config.py."""
from __future__ import annotations

from urllib.parse import urlsplit

from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.io import (PY_IO_IMPL, S3_ACCESS_KEY_ID, S3_ENDPOINT, S3_FORCE_VIRTUAL_ADDRESSING, S3_REGION,
                          S3_RESOLVE_REGION, S3_SECRET_ACCESS_KEY)

from etl import config


def open_catalog() -> SqlCatalog:
    """The catalog named by $TPC_LAKE_CATALOG, its tables' files under $TPC_LAKE_WAREHOUSE (a folder, or s3://).

    Raises config.LakeNotConfigured when either is unset, or an s3:// warehouse's region or key pair is, or its
    bucket does not answer. SqlCatalog creates its two bookkeeping tables (iceberg_tables,
    iceberg_namespace_properties) in the database on first use."""
    uri, warehouse = config.lake_settings()
    properties = file_io_properties(warehouse)
    if properties:
        check_bucket(warehouse, properties)
    return SqlCatalog(config.LAKE_NAMESPACE, uri=uri, warehouse=warehouse, **properties)


def file_io_properties(warehouse: str) -> dict[str, str]:
    """pyiceberg's FileIO properties for the warehouse: none for a folder; for s3://, PyArrow's S3 client with the
    settings of config.lake_s3(). The catalog hands them to every table's FileIO; they are not written to the lake."""
    if urlsplit(warehouse).scheme != "s3":
        return {}
    s3 = config.lake_s3()
    properties = {
        PY_IO_IMPL: "pyiceberg.io.pyarrow.PyArrowFileIO",
        S3_REGION: s3.region,
        S3_RESOLVE_REGION: "false",   # the region is the one given: never ask AWS where the bucket is
        S3_ACCESS_KEY_ID: s3.access_key_id,
        S3_SECRET_ACCESS_KEY: s3.secret_access_key,
    }
    if s3.endpoint:
        # an S3-compatible server (MinIO, moto) is addressed path-style: http://host:port/bucket/key, not a
        # bucket.host name that needs DNS
        properties |= {S3_ENDPOINT: s3.endpoint, S3_FORCE_VIRTUAL_ADDRESSING: "false"}
    return properties


def check_bucket(warehouse: str, properties: dict[str, str]) -> None:
    """Raise config.LakeNotConfigured unless the s3:// warehouse's bucket answers: a missing bucket or a server
    that cannot be reached is a setting to fix, said before any command starts writing."""
    from pyarrow.fs import FileType
    from pyiceberg.io.pyarrow import PyArrowFileIO

    bucket = urlsplit(warehouse).netloc
    where = properties.get(S3_ENDPOINT, "AWS S3")
    try:
        found = PyArrowFileIO(properties).fs_by_scheme("s3", bucket).get_file_info(bucket).type
    except OSError as exc:
        raise config.LakeNotConfigured(f"the lake's bucket {bucket} cannot be reached at {where}: {exc}") from exc
    if found == FileType.NotFound:
        raise config.LakeNotConfigured(f"the lake's bucket {bucket} does not exist at {where}: create it first")


def identifier(table: str) -> tuple[str, str]:
    return (config.LAKE_NAMESPACE, table)


def ensure_own_tables(engine) -> None:
    """Create the tables this project keeps in the catalog database beside pyiceberg's, when missing: lake-wide load
    ids (etl/lake/ids.py) and partition fingerprints (etl/lake/fingerprints.py). One transaction under an advisory
    lock, so that two writers starting at once do not both create them."""
    from sqlalchemy import text

    from etl.lake import fingerprints, ids

    with engine.begin() as conn:
        conn.execute(text("select pg_advisory_xact_lock(4711)"))
        for statement in (*ids.SETUP, *fingerprints.SETUP):
            conn.execute(text(statement))
