"""Run loads over files and folders, rebuild from the kept raw files, and report what the warehouse holds."""
from __future__ import annotations

import concurrent.futures
import contextlib
import queue
import tempfile
import threading
from pathlib import Path

from etl import config, publish
from etl.publish import file_sha256

# pandas, pyarrow and the loader are imported only once a file really has to be loaded: reloading a
# file already loaded costs Python's start-up, one look at the warehouse and the file's SHA-256.

READABLE = {".csv", ".txt", ".xlsx", ".xlsm", ".xls"}


class RebuildError(RuntimeError):
    """The warehouse cannot be rebuilt (a raw file is missing, or no longer loads); nothing was published."""


class Arriving:
    """Files another thread is still writing, in load order, so that the first loads while the rest are written.

    The writer calls arrived(path) for each file once it is whole, and failed(exc) if it stops; iterating (the
    loader, once) waits for each in turn. on_arrival(path, count, total) hears of each file in the iterating
    thread (a Streamlit progress bar can only be drawn from there), at the latest when the loader asks for the
    next file. len() is how many files there will be; `paths` holds those that arrived."""

    def __init__(self, total: int, on_arrival=None):
        self.total, self.on_arrival, self.paths = total, on_arrival, []
        self._queue = queue.Queue()

    def arrived(self, path: Path) -> None:
        self._queue.put(path)

    def failed(self, exc: BaseException) -> None:
        self._queue.put(exc)

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        for index in range(self.total):
            while len(self.paths) <= index or not self._queue.empty():
                self._take(block=len(self.paths) <= index)
            yield self.paths[index]

    def _take(self, block: bool) -> None:
        try:
            item = self._queue.get(block=block)
        except queue.Empty:
            return
        if isinstance(item, BaseException):
            raise RuntimeError(f"writing the demo exports failed: {item}") from item
        self.paths.append(item)
        if self.on_arrival:
            self.on_arrival(item, len(self.paths), self.total)


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, folders as the export files inside them (sorted by name); a file named twice, once."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE
                                and not p.name.startswith((".", "~$"))))
        else:
            files.append(path)
    seen = set()
    return [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]


def load_paths(db: Path, paths: list[Path], forced_format: str | None = None, progress: bool = False,
               on_file=None, center: str | None = None, centers: dict | None = None, on_lake=None):
    """Load every file, one transaction each, into a copy of the warehouse, then publish the copy.

    `center` is the center (its code in the centers view) the channels' files are for; without it, the
    warehouse's only center. A file whose center is unknown, or not said when several are known, is refused
    (its result says so and lists the known codes); product masters and centers files are network-wide.
    `centers` maps a file to its own center instead (the demo's exports, several centers in one batch).

    Readers (the dashboard) keep the file they opened until they reopen; the published path always holds
    a complete warehouse. Files already loaded are skipped without copying anything. Every file that
    loads is kept under raw/ beside the warehouse, so `rebuild` can make the warehouse again.

    With the lake configured (config.lake_configured), the working copy's centers are written into the lake in
    one commit before the copy is published (etl/lake/loads.py), and on_lake(exported) hears what that did; a
    channel's file the lake already holds for its center is a duplicate, whichever writer loaded it. When the
    lake refuses, the run raises and nothing is published, here or there.
    """
    arriving = isinstance(paths, Arriving)   # files still being written, into a warehouse not made yet
    files = paths if arriving else expand(paths)
    # every loaded file is kept under raw/, so only a file the size of a kept one can be loaded already:
    # those are hashed now; the others are hashed while they load (and still checked before they commit)
    sizes = publish.kept_sizes(db)
    hashes = {} if arriving else {f: file_sha256(f) for f in files if f.is_file() and f.stat().st_size in sizes}
    with publish.writer_lock(db):
        from etl import warehouse

        warehouse.check_schema(db)   # an older warehouse is rebuilt, not loaded into
        # read under the lock: a load that held it before us has published by now
        known = publish.loaded_hashes(db, whole_only=True)
        owner = publish.center_of_request(publish.known_centers(db), center)
        lake = config.lake_configured()
        if arriving and (lake or known):
            # another run built the warehouse while this one waited for the lock (two first starts at once):
            # wait for every file, then load them as any batch, so those loaded already are duplicates
            files, centers, arriving = list(paths), {f: centers.get(f) for f in paths.paths}, False
            hashes = {f: file_sha256(f) for f in files if f.is_file()}
        if lake:
            from etl.lake import loads as lake_loads

            # the lake's own: a center's file another warehouse put there (network-wide files are still loaded
            # here, since this warehouse's products come from them, but are not published twice)
            in_lake = {key: found for key, found in lake_loads.held().items() if key[1] is not None}
            # only a center the lake holds files of can have this one there already (a center's first load hashes
            # its files while they load, as any new file)
            in_lake_centers = {center for _, center in in_lake}
            hashes.update({f: file_sha256(f) for f in files if f.is_file() and f not in hashes
                           and (centers[f] if centers and f in centers else owner) in in_lake_centers})
        results = {}
        for f in [] if arriving else files:
            own = centers[f] if centers and f in centers else owner
            found = known.get((hashes.get(f), None)) or known.get((hashes.get(f), own))
            if f in hashes and found:
                results[f] = duplicate_result(f, found)
            elif lake and (found := in_lake.get((hashes.get(f), own))):
                results[f] = duplicate_result(f, found, "already in the lake")
        pending = files if arriving else [f for f in files if f not in results]
        if pending:
            with publish.working_copy(db) as work:
                results.update(load_into(work, db, pending, forced_format, progress, on_file, hashes,
                                         centers if arriving else {f: (centers or {}).get(f, center) for f in pending}))
                if lake:
                    exported = lake_loads.publish_run(work)
                    if on_lake:
                        on_lake(exported)
            publish.promote_pending(db)
    return [results[f] for f in (files.paths if arriving else files)]


def duplicate_result(path: Path, known: tuple[int, str], where: str = ""):
    from etl.loader import LoadResult

    load_id, name = known
    return LoadResult(file=path.name, status="duplicate", load_id=load_id,
                      message=f"same content as load {load_id} ({name}{', ' + where if where else ''}); nothing to do")


def load_into(work: Path, db: Path, files: list[Path], forced_format, progress, on_file, hashes=None,
              centers: dict | None = None) -> dict:
    """Load the files into the working copy `work`, keeping each loaded one under db's raw/ folder; centers[file]
    is the center it is loaded for (None: the warehouse's only one)."""
    from etl import warehouse
    from etl.loader import LoadResult, load_file

    key = config.buyer_key()
    results = {}
    con = warehouse.connect(work)
    # a loaded file's raw copy is fsynced and renamed while the next file loads and the marts build
    keeping = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="keep-raw")
    kept = []
    try:
        for index, path in enumerate(progress_bar(files, progress)):
            if on_file:
                on_file(path, index, len(files))
            if not path.is_file():
                results[path] = LoadResult(file=str(path), status="refused", message=f"{path}: no such file")
                continue
            # one read of the file, beside its parse, hashes it, copies it under raw/ and counts its quotes
            keeper = publish.RawKeeper(db, path)
            try:
                sha = (hashes or {}).get(path) or keeper.scan.sha
                # a GBK export's UTF-8 copy is made beside the warehouse, where a killed load's is cleaned up
                results[path] = load_file(con, path, key, forced_format, sha, scratch=work.parent,
                                          shape=keeper.scan.shape, center=(centers or {}).get(path))
                keeper.keep = results[path].status == "loaded"
            finally:
                kept.append(keeping.submit(keeper.finish))
        if any(r.status == "loaded" for r in results.values()):
            warehouse.build_marts(con)
            warehouse.check_balance(con)   # a line multiplied or lost on the way to the marts publishes nothing
        for finishing in kept:
            finishing.result()   # a raw copy that could not be kept fails the whole run: nothing is published
        con.execute("checkpoint")
    finally:
        keeping.shutdown(wait=True)
        con.close()
    return results


def rebuild(db: Path, progress: bool = False) -> list:
    """Make the warehouse again from the kept raw files, in the order they were first loaded, each into the center
    it was loaded for, into a fresh file, and publish it only when every file loaded again."""
    with publish.writer_lock(db):
        plan = rebuild_plan(db)
        with publish.working_copy(db, fresh=True) as work, staged_names(plan) as files:
            keep_identity(db, work)
            results = load_into(work, db, files, None, progress, None,
                                centers={f: center for f, (_, _, center) in zip(files, plan)})
            failed = [r for r in results.values() if r.status != "loaded"]
            if failed:
                raise RebuildError("; ".join(f"{r.file}: {r.status} {r.message}" for r in failed))
        publish.promote_pending(db)
    return [results[f] for f in files]


def keep_identity(db: Path, work: Path) -> None:
    """The rebuilt warehouse is the same warehouse: it keeps its warehouse_id (the lake knows its loads by it)."""
    from etl import warehouse

    try:
        con = warehouse.connect(db, read_only=True)
        try:
            found = con.execute("select value from meta where key = 'warehouse_id'").fetchone()
        finally:
            con.close()
    except Exception:   # a damaged warehouse is exactly when a rebuild is wanted: it becomes a new one
        return
    if found:
        con = warehouse.connect(work)
        try:
            con.execute("insert or replace into meta values ('warehouse_id', ?)", [found[0]])
        finally:
            con.close()


def rebuild_plan(db: Path) -> list[tuple[str, Path, str | None]]:
    """(file name as loaded, kept raw file, center it was loaded for) of every loaded file, in load order.

    The order comes from the warehouse's loads table; a warehouse that is missing or cannot be read
    falls back to the order in which the raw files were kept.
    """
    raw = publish.raw_dir(db)
    try:
        known = publish.loaded_files(db) if db.exists() else None
    except Exception:   # a damaged warehouse is exactly when a rebuild is wanted
        known = None
    if known is None:
        # only kept files: a load's raw copy stays hidden (.pending-) until that load published
        kept = sorted((p for p in raw.glob("*") if p.is_file() and not p.name.startswith(".")),
                      key=lambda p: p.stat().st_mtime_ns)
        return [(p.name.split("-", 1)[1], p, None) for p in kept]
    plan, missing = [], []
    for sha, name, center in known:
        found = [p for p in sorted(raw.rglob(f"{sha[:12]}-*")) if p.is_file() and file_sha256(p) == sha]
        if found:
            plan.append((name, found[0], center))
        else:
            missing.append(name)
    if missing:
        raise RebuildError(f"no kept raw file in {raw} for: {', '.join(missing)}")
    return plan


@contextlib.contextmanager
def staged_names(plan: list[tuple[str, Path, str | None]]):
    """Each raw file behind a link named as it was first loaded, so the rebuilt loads table and the
    export stamps in Tmall file names are the same as the first time."""
    with tempfile.TemporaryDirectory(prefix="tpc-rebuild-") as folder:
        links = []
        for index, (name, kept, _) in enumerate(plan):
            link = Path(folder) / str(index) / name
            link.parent.mkdir()
            link.symlink_to(kept.resolve())
            links.append(link)
        yield links


def progress_bar(files: list[Path], enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="loading", unit="file")


def build_demo(db: Path, seed: int | None = None, progress: bool = False, on_file=None,
               out_dir: Path | None = None, on_write=None, on_lake=None) -> list[LoadResult]:
    """Write the seeded demo exports beside the warehouse (data/demo/ for the default one) and load them.

    on_write(path, written, total) follows the writing, on_file(path, index, total) the loading."""
    from etl import demo

    out_dir, seed = out_dir or db.parent / "demo", seed if seed is not None else demo.DEFAULT_SEED
    # into a new warehouse each export loads while the next ones are written (a first start's time is both,
    # overlapped); into one that exists, or the lake, load_paths waits for them all and loads them as a batch
    files = Arriving(demo.TOTAL_FILES, on_write)
    writer = threading.Thread(target=write_all, args=(out_dir, seed, files), name="demo-writer", daemon=True)
    writer.start()
    try:
        return load_paths(db, files, progress=progress, on_file=on_file, centers=DemoCenters(demo), on_lake=on_lake)
    finally:
        writer.join()


def write_all(out_dir: Path, seed: int, files: Arriving) -> None:
    """Write the demo exports in a process of its own (`python -m etl.demo`), passing each on as it is written."""
    import subprocess
    import sys

    try:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:   # not a pipe: a full one would stall it
            process = subprocess.Popen([sys.executable, "-m", "etl.demo", str(out_dir), str(seed)], cwd=config.ROOT,
                                       stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8")
            written = 0
            for line in process.stdout:
                files.arrived(Path(line.rstrip("\n")))
                written += 1
            if process.wait() or written != len(files):
                errors.seek(0)
                raise RuntimeError(f"the demo writer stopped (exit {process.returncode}): {errors.read().strip()[-500:]}")
    except BaseException as exc:
        files.failed(exc)


class DemoCenters:
    """The center each demo export is loaded for, by its name (demo.center_of), for files not written yet."""

    def __init__(self, demo):
        self.demo = demo

    def get(self, path: Path, default=None):
        return self.demo.center_of(path)


def status(db: Path) -> str:
    """A plain-text report of loads, rows per center and channel and how fresh each is."""
    if not db.exists():
        return f"no warehouse at {db} (python -m etl demo builds one from the demo data)"
    from etl import warehouse
    from etl.warehouse import scalar

    con = warehouse.connect(db, read_only=True)
    try:
        lines = [f"warehouse: {db}"]
        loads = con.execute(
            "select status, count(*), sum(rows_loaded), sum(rows_rejected) from loads group by status order by status").fetchall()
        for state, files, loaded, rejected in loads:
            lines.append(f"  {files} file(s) {state}: {loaded or 0:,} rows loaded, {rejected or 0:,} rejected")
        lines.append("center  channel      lines        net_rmb          first sale  last sale")
        for row in con.execute(
                "select center, channel, count(*), sum(net_rmb), min(sale_date), max(sale_date) from sales "
                "group by center, channel order by center, channel").fetchall():
            lines.append(f"  {row[0]:<6}{row[1]:<10} {row[2]:>9,} {row[3]:>16,.2f}  {row[4]}  {row[5]}")
        # a file's channel is its format's (Format.channel, recorded on loads): reference files have none
        for channel, center, files, last in con.execute(
                "select channel, center, count(*), max(finished_at) from loads "
                "where status = 'loaded' and channel is not null group by all order by all").fetchall():
            lines.append(f"  {channel} at {center}: {files} file(s), last loaded {last:%Y-%m-%d %H:%M}")
        unknown = scalar(con, "select count(*) from unknown_products")
        lines.append(f"product codes sold but missing from the master: {unknown} (see the Data page)")
        lines += conflict_lines(con) + reconciliation_lines(con)
        return "\n".join(lines)
    finally:
        con.close()


def conflict_lines(con) -> list[str]:
    found = con.execute("select code, skus, resolution, standing_sku from barcode_conflicts order by code").fetchall()
    lines = [f"barcodes carried by more than one product: {len(found)}"]
    for code, skus, resolution, standing in found:
        outcome = "ambiguous: its sales keep their lines, with no product" if resolution == "ambiguous" \
            else f"re-coded: its sales go to {standing}"
        lines.append(f"  {code}: {skus} ({outcome})")
    return lines


def reconciliation_lines(con) -> list[str]:
    """Per loaded file: read = loaded + rejected + superseded, in rows and RMB; and the rows later loads replaced."""
    lines = ["loaded files: read = loaded + rejected + older (held by a newer export), rows and RMB"]
    for (load_id, name, read, loaded, rejected, older, replaced, replaced_later, a_read, a_loaded, a_rejected,
         a_older) in con.execute(
            """select load_id, file_name, rows_read, rows_loaded, rows_rejected, rows_superseded, rows_replaced,
                      rows_replaced_later, amount_read, amount_loaded, amount_rejected, amount_superseded
               from loads where status = 'loaded' order by load_id""").fetchall():
        ok = read == loaded + rejected + older and (a_read is None or a_read == a_loaded + a_rejected + a_older)
        line = f"  [{load_id}] {name}: {read:,} = {loaded:,} + {rejected:,} + {older:,} rows"
        if a_read is not None:
            line += f"; {a_read:,.2f} = {a_loaded:,.2f} + {a_rejected:,.2f} + {a_older:,.2f} RMB"
        line += " ✓" if ok else " ✗ DOES NOT BALANCE"
        if replaced:
            line += f"; replaced {replaced:,} rows of earlier loads"
        if replaced_later:
            line += f"; {replaced_later:,} of its rows replaced by later loads"
        lines.append(line)
    return lines


def centers(db: Path) -> list[tuple[str, str]]:
    """(code, name) of the warehouse's centers, the codes load_paths(center=...) takes; the implicit one when
    there is no warehouse yet."""
    if not db.exists():
        return [(config.DEFAULT_CENTER, config.DEFAULT_CENTER_NAME)]
    from etl import warehouse

    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute("select center, center_name from centers order by center").fetchall()
    finally:
        con.close()


def rejects(db: Path, load_id: int | None, limit: int) -> list[tuple]:
    from etl import warehouse

    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute(
            """select l.file_name, r.load_id, r.row_no, r.column_name, r.reason, r.detail
            from rejects as r join loads as l using (load_id)
            where ? is null or r.load_id = ?
            order by r.load_id, r.row_no, r.column_name limit ?""", [load_id, load_id, limit]).fetchall()
    finally:
        con.close()
