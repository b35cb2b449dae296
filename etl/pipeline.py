"""Run loads over files and folders, build the demo warehouse, and report what the warehouse holds."""
from __future__ import annotations

from pathlib import Path

from etl import config, warehouse
from etl.warehouse import scalar
from etl import publish
from etl.loader import LoadResult, file_sha256, load_file

READABLE = {".csv", ".txt", ".xlsx", ".xlsm", ".xls"}


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, folders as the export files inside them (sorted by name)."""
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE
                                and not p.name.startswith((".", "~$"))))
        else:
            files.append(path)
    return files


def load_paths(db: Path, paths: list[Path], forced_format: str | None = None, progress: bool = False,
               on_file=None) -> list[LoadResult]:
    """Load every file, one transaction each, into a copy of the warehouse, then publish the copy.

    Readers (the dashboard) keep the file they opened until they reopen; the published path always holds
    a complete warehouse. Files already loaded are skipped without copying anything.
    """
    files = expand(paths)
    with publish.writer_lock(db):
        known = publish.loaded_hashes(db)
        pending = [f for f in files if not (f.is_file() and file_sha256(f) in known)]
        results = {f: duplicate_result(f, known) for f in files if f not in pending}
        if pending:
            results.update(load_into_copy(db, pending, forced_format, progress, on_file, len(files)))
    return [results[f] for f in files]


def duplicate_result(path: Path, known: dict[str, tuple[int, str]]) -> LoadResult:
    load_id, name = known[file_sha256(path)]
    return LoadResult(file=path.name, status="duplicate", load_id=load_id,
                      message=f"same content as load {load_id} ({name}); nothing to do")


def load_into_copy(db: Path, files: list[Path], forced_format, progress, on_file, total) -> dict[Path, LoadResult]:
    key = config.buyer_key()
    results = {}
    with publish.working_copy(db) as work:
        con = warehouse.connect(work)
        try:
            for index, path in enumerate(progress_bar(files, progress)):
                if on_file:
                    on_file(path, index, len(files))
                if not path.is_file():
                    results[path] = LoadResult(file=str(path), status="refused", message=f"{path}: no such file")
                    continue
                results[path] = load_file(con, path, key, forced_format)
            if any(r.status == "loaded" for r in results.values()):
                warehouse.build_marts(con)
            con.execute("checkpoint")
        finally:
            con.close()
    return results


def progress_bar(files: list[Path], enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="loading", unit="file")


def build_demo(db: Path, seed: int | None = None, progress: bool = False, on_file=None,
               out_dir: Path | None = None) -> list[LoadResult]:
    """Write the seeded demo exports beside the warehouse (data/demo/ for the default one) and load them."""
    from etl import demo

    files = demo.generate(out_dir or db.parent / "demo", seed if seed is not None else demo.DEFAULT_SEED)
    return load_paths(db, files, progress=progress, on_file=on_file)


def status(db: Path) -> str:
    """A plain-text report of loads, rows per channel and how fresh each channel is."""
    if not db.exists():
        return f"no warehouse at {db} (python -m etl demo builds one from the demo data)"
    con = warehouse.connect(db, read_only=True)
    try:
        lines = [f"warehouse: {db}"]
        loads = con.execute(
            "select status, count(*), sum(rows_loaded), sum(rows_rejected) from loads group by status order by status").fetchall()
        for state, files, loaded, rejected in loads:
            lines.append(f"  {files} file(s) {state}: {loaded or 0:,} rows loaded, {rejected or 0:,} rejected")
        lines.append("channel      lines        net_rmb          first sale  last sale")
        for row in con.execute(
                "select channel, count(*), sum(net_rmb), min(sale_date), max(sale_date) from sales "
                "group by channel order by channel").fetchall():
            lines.append(f"  {row[0]:<10} {row[1]:>9,} {row[2]:>16,.2f}  {row[3]}  {row[4]}")
        unknown = scalar(con, "select count(*) from unknown_products")
        lines.append(f"product codes sold but missing from the master: {unknown} (see the Data page)")
        return "\n".join(lines)
    finally:
        con.close()


def rejects(db: Path, load_id: int | None, limit: int) -> list[tuple]:
    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute(
            """select l.file_name, r.load_id, r.row_no, r.column_name, r.reason, r.detail
            from rejects as r join loads as l using (load_id)
            where ? is null or r.load_id = ?
            order by r.load_id, r.row_no, r.column_name limit ?""", [load_id, load_id, limit]).fetchall()
    finally:
        con.close()
