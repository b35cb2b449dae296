"""Publishing a warehouse: one writer at a time works on a copy, and an atomic rename makes it current."""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import os
import shutil
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

# The test hook: TPC_TEST_PAUSE_AT=<point> makes a writer print "TPC_PAUSE <point>" to stderr and sleep
# there, so the kill tests (tests/test_reliability.py) can interrupt a real load at a known moment.
# Points: locked (lock held, nothing copied), staged (a file's rows parsed into the copy, its transaction
# not begun), in_transaction (its rows written, not committed), loaded (files committed and checkpointed in the copy),
# before_publish (copy fsynced, not yet renamed).
PAUSE_ENV = "TPC_TEST_PAUSE_AT"
# the UTF-8 copy a load makes of a GBK export, beside the warehouse; a killed load's is removed by the next
TRANSCODED_PREFIX = ".tpc-transcoded-"
# a loaded file's raw copy until its load is published: a rebuild never reads one (it may never have published)
PENDING_PREFIX = ".pending-"
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600   # raw/ and uploads hold the exports as they came, personal data included


def private_dir(folder: Path) -> Path:
    """A folder only its owner can read (made so if it exists already)."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    folder.chmod(PRIVATE_DIR)
    return folder


def pause_point(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        print(f"TPC_PAUSE {point}", file=sys.stderr, flush=True)
        time.sleep(600)


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in large blocks (the whole cost of reloading a file already loaded)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@contextlib.contextmanager
def writer_lock(db: Path):
    """Serialise writers of one warehouse across processes (a second load waits for the first).

    The kernel drops the lock when its holder dies, so a killed load never blocks the next one; the
    working copies it left are removed here, since no other writer can be using them.
    """
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            remove_stale_copies(db)
            pause_point("locked")
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_stale_copies(db: Path) -> None:
    for pattern in (f".{db.name}.loading-*", f"{TRANSCODED_PREFIX}*"):   # working copies, transcoded exports
        for stale in db.parent.glob(pattern):
            stale.unlink(missing_ok=True)
    raw = raw_dir(db)
    if raw.is_dir():
        for stale in raw.glob(".*.part"):
            stale.unlink(missing_ok=True)
        # a load killed after it published but before it promoted its raw files: keep those the warehouse knows
        known = {sha[:12] for sha in loaded_hashes(db)}
        for pending in raw.glob(f"{PENDING_PREFIX}*"):
            if pending.name[len(PENDING_PREFIX):][:12] in known:
                os.replace(pending, raw / pending.name[len(PENDING_PREFIX):])
            else:
                pending.unlink(missing_ok=True)


def promote_pending(db: Path) -> None:
    """Once a load has published, its raw files become kept files (a rebuild reads only those)."""
    raw = raw_dir(db)
    if raw.is_dir():
        for pending in raw.glob(f"{PENDING_PREFIX}*"):
            os.replace(pending, raw / pending.name[len(PENDING_PREFIX):])
        fsync_dir(raw)


def loaded_rows(db: Path) -> list[tuple[str, int, str, int, str | None]]:
    """(sha256, load_id, file name, rows later replaced, center) of every load of the published warehouse, in load
    order (center NULL: a network-wide file, or a warehouse older than centers)."""
    if not db.exists():
        return []
    import duckdb

    from etl import warehouse

    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute("select sha256, load_id, file_name, rows_replaced_later, center from loads "
                           "where status = 'loaded' order by load_id").fetchall()
    except duckdb.BinderException:   # written before loads had a center: every load was the one center's
        return [(*row, None) for row in con.execute("select sha256, load_id, file_name, rows_replaced_later from loads "
                                                    "where status = 'loaded' order by load_id").fetchall()]
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def loaded_hashes(db: Path, whole_only: bool = False) -> dict[tuple[str, str | None], tuple[int, str]]:
    """(sha256, center) -> (load_id, file name) of every file the published warehouse holds (center None: a
    network-wide file); whole_only: only those none of whose rows a later load replaced (a file whose rows were
    replaced is loaded again when given again)."""
    found = {}
    for sha, load_id, name, replaced_later, center in loaded_rows(db):
        if whole_only and replaced_later:
            found.pop((sha, center), None)
            continue
        found[(sha, center)] = (load_id, name)
    return found


def loaded_files(db: Path) -> list[tuple[str, str, str | None]]:
    """(sha256, file name, center) of every load of the published warehouse, in load order: a file loaded twice
    (applied again after later loads replaced its rows, or loaded for two centers) is there twice, so a rebuild
    replays it twice."""
    return [(sha, name, center) for sha, _, name, _, center in loaded_rows(db)]


def known_centers(db: Path) -> list[tuple]:
    """(center, center_name, city, opened_on) of the published warehouse's centers (its centers view), [] when there
    is no warehouse (or one older than centers)."""
    if not db.exists():
        return []
    import duckdb

    from etl import warehouse

    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute("select center, center_name, city, opened_on from centers order by center").fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def center_of_request(centers: list[tuple], requested: str | None) -> str | None:
    """The center a load asked for (or the only one: the implicit one when no centers file), for finding files
    loaded already; None when the request will be refused."""
    from etl import config

    codes = [c[0] for c in centers] or [config.DEFAULT_CENTER]
    if requested is None:
        return codes[0] if len(codes) == 1 else None
    return requested if requested in codes else None


@contextlib.contextmanager
def working_copy(db: Path, fresh: bool = False):
    """A private copy of the warehouse to load into (an empty one when fresh); renamed over the published
    file when the block succeeds. Until the rename the published file is untouched, so a load killed at
    any point leaves it exactly as it was."""
    work = db.with_name(f".{db.name}.loading-{os.getpid()}")
    for stale in (work, work.with_name(work.name + ".wal")):
        stale.unlink(missing_ok=True)
    if db.exists() and not fresh:
        shutil.copyfile(db, work)
    try:
        yield work
        pause_point("loaded")
        with open(work, "rb+") as fh:
            os.fsync(fh.fileno())
        pause_point("before_publish")
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


def raw_dir(db: Path) -> Path:
    """Where the raw files of every load are kept: data/raw/ for data/warehouse.duckdb."""
    return db.parent / "raw"


def raw_name(sha: str, name: str) -> str:
    return f"{sha[:12]}-{name}"


def kept_sizes(db: Path) -> set[int]:
    """The sizes of the files kept under raw/: a file of any other size cannot be one already loaded."""
    raw = raw_dir(db)
    return {p.stat().st_size for p in raw.rglob("*") if p.is_file() and not p.name.startswith(".")} if raw.is_dir() else set()


SCAN_CHUNK = 16 << 20


class FileScan:
    """One read of a file, in a thread beside its load, for everything the load needs from its bytes other
    than parsing them: its SHA-256 (is it loaded already?), its shape (lines, blank lines, quotes: did the
    parse read every line as one row?) and, when `copy_to` is given, a copy (the raw file kept for rebuilds).

    One read instead of three: hashing, counting and copying a gigabyte each cost the CPU that DuckDB's
    parse, running at the same time on both cores, is waiting for. The counts hold for the file's own bytes
    in UTF-8 and in GBK / GB18030, where bytes 0x22 and 0x0A are never part of another character.
    """

    def __init__(self, path: Path, copy_to: Path | None = None):
        self.path, self.copy_to = path, copy_to
        self.sha: Future = Future()
        self.shape: Future = Future()
        self.copy_error: BaseException | None = None   # the copy failed (a full disk): the hash and count go on
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="scan", daemon=True)
        self.thread.start()

    def run(self) -> None:
        from etl.readers import ShapeCounter

        dst = None
        try:
            digest, counter = hashlib.sha256(), ShapeCounter()
            dst = self.open_copy()
            with self.path.open("rb") as src:
                while chunk := src.read(SCAN_CHUNK):
                    if self.stopping.is_set():
                        raise InterruptedError(f"{self.path.name}: scan stopped")
                    digest.update(chunk)
                    counter.add(chunk)
                    dst = self.write(dst, chunk)
            self.sha.set_result(digest.hexdigest())
            self.shape.set_result(counter.shape())
        except BaseException as exc:   # the file could not be read: re-raised wherever a result is asked for
            self.sha.set_exception(exc)
            self.shape.set_exception(exc)
        finally:
            if dst is not None:
                dst.close()

    def open_copy(self):
        if self.copy_to is None:
            return None
        try:
            return os.fdopen(os.open(self.copy_to, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE), "wb")
        except OSError as exc:
            self.copy_error = exc
            return None

    def write(self, dst, chunk: bytes):
        """Write a chunk of the copy; on an error keep it for the keeper and write no more."""
        if dst is None:
            return None
        try:
            dst.write(chunk)
            return dst
        except OSError as exc:
            self.copy_error = exc
            dst.close()
            return None

    def stop(self) -> None:
        """Stop reading (the load is over) and wait for the thread."""
        self.stopping.set()
        self.thread.join()


PART_NUMBERS = itertools.count()


class RawKeeper:
    """A file scanned and copied under raw/ (named by its content, once) while it loads (see FileScan); set
    `keep` when the load succeeded, then call finish(). The copy is written to a hidden part file and renamed,
    so a kept file is always whole. A file already under raw/ (a rebuild's, or an upload an earlier version
    kept in raw/uploads/) is only scanned, and kept where it is."""

    def __init__(self, db: Path, path: Path):
        self.raw = raw_dir(db).resolve()
        source = path.resolve()
        self.name, self.keep, self.part = path.name, False, None
        self.target = source if source.is_relative_to(self.raw) else None
        if self.target is None:
            private_dir(self.raw)
            # unique per keeper: two files of one name (from two folders) may be scanned while the first's
            # copy is still being kept
            self.part = self.raw / f".{os.getpid()}-{next(PART_NUMBERS)}-{path.name}.part"
        self.scan = FileScan(source, self.part)

    def finish(self) -> None:
        """Wait for the copy; make it the kept file (fsynced, renamed whole, named by its content, pending until
        the load publishes: promote_pending) unless the load failed or the same content is kept already."""
        if not self.keep:
            self.scan.stop()
        self.scan.thread.join()
        if self.part is None:
            return
        failed = self.scan.sha.exception() or self.scan.copy_error
        if not self.keep or failed:
            self.part.unlink(missing_ok=True)
            if self.keep:
                raise failed
            return
        self.target = self.raw / raw_name(self.scan.sha.result(), self.name)
        pending = self.raw / (PENDING_PREFIX + self.target.name)
        if self.target.exists() or pending.exists():
            self.part.unlink()
            return
        with open(self.part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.part, pending)
