"""Publishing a warehouse: one writer at a time works on a copy, and an atomic rename makes it current."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

import duckdb

from etl import warehouse


@contextlib.contextmanager
def writer_lock(db: Path):
    """Serialise writers of one warehouse across processes (a second load waits for the first)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def loaded_hashes(db: Path) -> dict[str, tuple[int, str]]:
    """sha256 -> (load_id, file name) of every file the published warehouse holds."""
    if not db.exists():
        return {}
    con = warehouse.connect(db, read_only=True)
    try:
        rows = con.execute("select sha256, load_id, file_name from loads where status = 'loaded'").fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    return {sha: (load_id, name) for sha, load_id, name in rows}


@contextlib.contextmanager
def working_copy(db: Path):
    """A private copy of the warehouse to load into; renamed over the published file when the block succeeds."""
    work = db.with_name(f".{db.name}.loading-{os.getpid()}")
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    if db.exists():
        shutil.copyfile(db, work)
    try:
        yield work
        with open(work, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(work, db)
        fsync_dir(db.parent)
    finally:
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
