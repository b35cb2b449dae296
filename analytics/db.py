"""The dashboard's read-only connection to the warehouse, reopened when a load publishes a new file."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from etl import config, warehouse


class WarehouseUnavailable(RuntimeError):
    """The warehouse cannot be read: missing, locked, corrupt or from an older schema. `kind` names which."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail = kind, detail


@dataclass(frozen=True)
class Version:
    """Identifies one published warehouse file; a new load publishes a new one."""

    inode: int
    mtime_ns: int
    size: int


def version_of(path: Path) -> Version:
    st = os.stat(path)
    return Version(st.st_ino, st.st_mtime_ns, st.st_size)


class Reader:
    """One read-only connection shared by every session, serialised by a lock, swapped on a new version.

    DuckDB hands back the old instance while any connection to the path is open, so the old
    connection is closed before the new file is opened.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.version: Version | None = None

    def current_version(self) -> Version:
        try:
            return version_of(self.path)
        except FileNotFoundError:
            raise WarehouseUnavailable("missing", str(self.path)) from None

    def connection(self) -> duckdb.DuckDBPyConnection:
        version = self.current_version()
        if self.con is None or version != self.version:
            self.close()
            self.con = open_read_only(self.path)
            self.version = version
        return self.con

    def arrow(self, sql: str, params: list | tuple = ()) -> pa.Table:
        """Run a query into an Arrow table (amounts as decimal128, never float)."""
        with self.lock:
            return self.connection().sql(sql, params=list(params)).to_arrow_table()

    def query(self, sql: str, params: list | tuple = ()) -> pd.DataFrame:
        """Run a query; amounts come back as Decimal, never float."""
        return self.arrow(sql, params).to_pandas()

    def close(self) -> None:
        with self.lock:
            if self.con is not None:
                self.con.close()
            self.con, self.version = None, None


def open_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    """Open read-only with no access to anything but the warehouse, and check the schema version."""
    try:
        con = warehouse.connect(path, read_only=True)
    except duckdb.IOException as exc:
        text = str(exc)
        kind = "locked" if "lock" in text.lower() else "corrupt"
        raise WarehouseUnavailable(kind, text.splitlines()[0]) from None
    except duckdb.Error as exc:
        raise WarehouseUnavailable("corrupt", str(exc).splitlines()[0]) from None
    found = warehouse.schema_version(con)
    if found != config.SCHEMA_VERSION:
        con.close()
        raise WarehouseUnavailable("old_schema", f"found {found}, need {config.SCHEMA_VERSION}")
    return con


_readers: dict[Path, Reader] = {}
_readers_lock = threading.Lock()


def reader(path: Path | None = None) -> Reader:
    """The process-wide reader of a warehouse path."""
    path = Path(path or config.read_path()).resolve()
    with _readers_lock:
        if path not in _readers:
            _readers[path] = Reader(path)
        return _readers[path]


def query(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """Run a read query through the cache; a newly published warehouse has a new version, so a new key.

    The cache holds Arrow tables: Streamlit pickles what it caches, and a table of Decimal objects pickles
    two hundred times slower than its Arrow buffers (45 ms against 0.2 ms for the channels detail at 10M lines).
    """
    current = reader()
    return _cached(str(current.path), current.current_version(), sql, list(params)).to_pandas()


def _cached_impl(path: str, version: Version, sql: str, params: list) -> pa.Table:
    return reader(Path(path)).arrow(sql, params)


def _make_cached():
    import streamlit as st

    return st.cache_data(max_entries=1024, show_spinner=False)(_cached_impl)


_cached = _make_cached()
