"""`lake compact`: each lake table's small data files rewritten, per partition, into few, and its manifests merged;
then old snapshots expired."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException, ValidationException
from pyiceberg.expressions import AlwaysTrue
from pyiceberg.manifest import DataFile, ManifestContent, ManifestEntryStatus
from pyiceberg.table import FileScanTask, Table
from pyiceberg.table.snapshots import Snapshot
from sqlalchemy.exc import SQLAlchemyError

from etl.lake import fingerprints, write
from etl.lake.catalog import identifier
from etl.lake.tables import TABLES, LakeTable

TARGET_MB = 128
SMALL_FRACTION = 0.75   # a file below 3/4 of the target is small (Iceberg's own default for min-file-size-bytes)
RETAIN_DAYS = 7
RETAIN_LAST = 5         # the newest snapshots kept however old they are (the current one among them)
# a table's data manifests are merged once this many: one per publish, about 5 ms each for every reader's plan, so
# a few cost nothing worth a snapshot (Iceberg's own min-count-to-merge is 100)
MERGE_MANIFESTS_FROM = 16
COMMIT_TRIES = 5        # another writer changed the table first: plan again on the table as it now stands
# a file under a table's folder that no snapshot names is an orphan once this old: what a killed writer left. A
# running publish names its files in a commit within seconds, so a day keeps every live one out of reach
ORPHAN_AGE = dt.timedelta(days=1)


class CompactError(RuntimeError):
    """Nothing can be compacted (an unknown table, a lake without its tables, a setting out of range)."""


@dataclass(frozen=True)
class Compacted:
    table: str
    files: int              # small data files rewritten
    partitions: int         # the partitions they were in
    files_after: int        # the data files written in their place
    snapshot_id: int | None  # the rewrite's snapshot; None when there was nothing to compact
    expired: int            # snapshots expired
    deleted: int            # files that only expired snapshots referred to, deleted
    orphans: int = 0        # files no snapshot names (a killed writer's), older than ORPHAN_AGE, deleted
    manifests: tuple[int, int] = (0, 0)   # the current snapshot's data manifests before and after the merge


@dataclass(frozen=True)
class Rewrite:
    files: int
    partitions: int
    files_after: int
    snapshot_id: int


def compact(catalog: Catalog, table: str | None = None, target_mb: int = TARGET_MB, retain_days: int = RETAIN_DAYS,
            retain_last: int = RETAIN_LAST, now: dt.datetime | None = None) -> list[Compacted]:
    """Compact every lake table (or `table`), one rewrite commit per table, then expire its old snapshots."""
    names = checked(catalog, table, target_mb, retain_days, retain_last)
    now = now or dt.datetime.now(dt.UTC)
    return [compact_table(catalog, name, target_mb * 1024 * 1024, retain_days, retain_last, now) for name in names]


def described(done: Compacted) -> str:
    """What compacting the table did, as `lake compact` prints it."""
    what = ("nothing to compact" if done.snapshot_id is None else
            f"{done.files:,} files in {done.partitions:,} partitions compacted into {done.files_after:,} "
            f"(snapshot {done.snapshot_id})")
    before, after = done.manifests
    if after < before:
        what += f"; {before:,} manifests merged into {after:,}"
    if done.expired:
        what += f"; {done.expired:,} snapshots expired, {done.deleted:,} files no longer referred to deleted"
    if done.orphans:
        what += f"; {done.orphans:,} orphan files deleted"
    return what


def checked(catalog: Catalog, table: str | None, target_mb: int, retain_days: int, retain_last: int) -> list[str]:
    """The tables to compact; CompactError when one is unknown or missing, or a setting is out of range."""
    if target_mb < 1 or retain_days < 0 or retain_last < 1:
        raise CompactError("--target-mb must be at least 1, --retain-days at least 0, the snapshots kept at least 1")
    if table is not None and table not in TABLES:
        raise CompactError(f"no lake table {table!r} (the tables: {', '.join(TABLES)})")
    names = [table] if table is not None else list(TABLES)
    missing = [name for name in names if not catalog.table_exists(identifier(name))]
    if missing:
        raise CompactError(f"the lake has no table {', '.join(missing)}: run python -m etl lake init first")
    return names


def compact_table(catalog: Catalog, name: str, target_bytes: int, retain_days: int, retain_last: int,
                  now: dt.datetime) -> Compacted:
    done = rewrite(catalog, name, target_bytes)
    manifests = merge_manifests(catalog, name)
    expired, deleted = expire(catalog, name, retain_days, retain_last, now)
    orphans = sweep_orphans(catalog.load_table(identifier(name)), now - ORPHAN_AGE)
    if done is None:
        return Compacted(name, 0, 0, 0, None, expired, deleted, orphans, manifests)
    return Compacted(name, done.files, done.partitions, done.files_after, done.snapshot_id, expired, deleted, orphans,
                     manifests)


def rewrite(catalog: Catalog, name: str, target_bytes: int) -> Rewrite | None:
    """Rewrite the table's groups of small files in one commit; None when there is no group (and no commit)."""
    for attempt in range(COMMIT_TRIES):
        table = catalog.load_table(identifier(name))
        tasks = list(table.scan().plan_files())
        groups = small_file_groups(table, target_bytes, tasks)
        if not groups:
            return None
        new = []
        try:
            for group in groups:
                new += written(table, group, TABLES[name])
        except BaseException:   # no commit names them
            write.discard(table, new)
            raise
        old = [data_file for group in groups for data_file in group]
        try:
            snapshot_id = replace_files(table, old, new, {"tpc.compact.target-bytes": str(target_bytes)})
        except (CommitFailedException, ValidationException):
            # pyiceberg retried and found the files it was to remove changed (or lost the race once more): the
            # new files are referred to by no snapshot, so they go, and the groups are planned again
            write.discard(table, new)
            if attempt == COMMIT_TRIES - 1:
                raise
            continue
        if TABLES[name].partition:
            try:
                carry_fingerprints(catalog, name, tasks, old, new)
            except SQLAlchemyError:   # the rewrite has landed; without the move the next publish reads them back
                pass
        return Rewrite(len(old), len({data_file.partition for data_file in old}), len(new), snapshot_id)
    raise AssertionError("unreachable")


def merge_manifests(catalog: Catalog, name: str) -> tuple[int, int]:
    """The table's data manifests merged into few (one per 8 MB, Iceberg's manifest target size), in one commit
    that adds and removes no data file; (manifests before, after). Each publish adds a manifest to each table it
    changes, and a reader plans a scan by reading every manifest (about 5 ms each in pyiceberg): at 50 centers a
    server's cold start read 200 of them. pyiceberg 0.12 has no rewrite_manifests; its merge-append, with merging
    on for this commit alone (the table's own properties left as they are), merges the snapshot's manifests."""
    for attempt in range(COMMIT_TRIES):
        table = catalog.load_table(identifier(name))
        snapshot = table.current_snapshot()
        before = [m for m in snapshot.manifests(table.io) if m.content == ManifestContent.DATA] if snapshot else []
        if len(before) < MERGE_MANIFESTS_FROM:
            return len(before), len(before)
        tx = table.transaction()
        merging(tx, {"tpc.operation": "merge-manifests"})
        try:
            tx.commit_transaction()
        except CommitFailedException:
            if attempt == COMMIT_TRIES - 1:
                raise
            continue
        table = catalog.load_table(identifier(name))
        after = [m for m in table.current_snapshot().manifests(table.io) if m.content == ManifestContent.DATA]
        return len(before), len(after)
    raise AssertionError("unreachable")


def carry_fingerprints(catalog: Catalog, name: str, tasks: list[FileScanTask], old: list[DataFile],
                       new: list[DataFile]) -> None:
    """The compacted partitions hold the same rows in other files: each one's kept fingerprint, where it was of the
    partition's files before (`tasks`: the current snapshot's, as planned), is moved to its files now, so that the
    next publish need not read the partition back (etl/lake/fingerprints.py). One that was not is left as it was."""
    before: dict[tuple, list[str]] = defaultdict(list)
    deleted_from = set()   # partitions with delete files keep no fingerprint (export.partitions_plan)
    for task in tasks:
        before[write.file_key(task.file)].append(task.file.file_path)
        if task.delete_files:
            deleted_from.add(write.file_key(task.file))
    gone = {data_file.file_path for data_file in old}
    after = {key: [path for path in paths if path not in gone] for key, paths in before.items()}
    for data_file in new:
        after[write.file_key(data_file)].append(data_file.file_path)
    fingerprints.moved(catalog.engine, name, {
        key: (fingerprints.files_digest(before[key]), fingerprints.files_digest(after[key]))
        for key in {write.file_key(data_file) for data_file in old} - deleted_from})


def merging(tx, properties: dict[str, str]) -> None:
    """Stage, in the transaction, a snapshot that adds and removes no data file and merges the data manifests of
    the one before it (pyiceberg's merge-append with merging on for it alone; pyiceberg is pinned, requirements.txt)."""
    merge = tx.update_snapshot(snapshot_properties=properties).merge_append()
    merge._merge_enabled, merge._min_count_to_merge = True, 2
    merge.commit()


def merge_in(tx, io, properties: dict[str, str]) -> bool:
    """A publish's transaction whose staged snapshot would leave the table with MERGE_MANIFESTS_FROM data manifests
    or more merges them in the same commit (each publish adds one; every reader's plan reads them all), so that a
    server's cold start reads few between two `lake compact`s; whether it did."""
    snapshot = tx.table_metadata.current_snapshot()
    if snapshot is None or sum(m.content == ManifestContent.DATA for m in snapshot.manifests(io)) < MERGE_MANIFESTS_FROM:
        return False
    merging(tx, {**properties, "tpc.operation": "merge-manifests"})
    return True


def small_file_groups(table: Table, target_bytes: int, tasks: list[FileScanTask]) -> list[list[DataFile]]:
    """Per partition of the current snapshot (its planned `tasks`), its small data files packed into groups of at
    most the target's bytes; only groups of two files or more (a file alone is not rewritten)."""
    by_partition: dict = defaultdict(list)
    spec_id = table.spec().spec_id
    for task in tasks:
        data_file = task.file
        # a file of an older partition spec, or with row deletes, is left as it is
        if (data_file.spec_id == spec_id and not task.delete_files
                and data_file.file_size_in_bytes < SMALL_FRACTION * target_bytes):
            by_partition[data_file.partition].append(data_file)
    return [group for files in by_partition.values() for group in packed(files, target_bytes) if len(group) > 1]


def packed(files: list[DataFile], target_bytes: int) -> list[list[DataFile]]:
    """First fit, largest first: groups whose files' sizes add up to at most target_bytes."""
    groups: list[list[DataFile]] = []
    sizes: list[int] = []
    for data_file in sorted(files, key=lambda f: (-f.file_size_in_bytes, f.file_path)):
        fits = next((i for i, size in enumerate(sizes) if size + data_file.file_size_in_bytes <= target_bytes), None)
        if fits is None:
            groups.append([data_file])
            sizes.append(data_file.file_size_in_bytes)
        else:
            groups[fits].append(data_file)
            sizes[fits] += data_file.file_size_in_bytes
    return groups


def rows_of(table: Table, files: list[DataFile]) -> pa.Table:
    """Every row of the files, as the table's current schema reads them."""
    from pyiceberg.io.pyarrow import ArrowScan

    scan = ArrowScan(table.metadata, table.io, table.schema(), AlwaysTrue())
    # a list: ArrowScan reads its tasks twice (for their delete files, then for their rows)
    rows = scan.to_table([FileScanTask(data_file) for data_file in files]).cast(table.schema().as_arrow())
    if rows.num_rows != sum(data_file.record_count for data_file in files):
        raise RuntimeError(f"read {rows.num_rows} rows of files that hold {sum(f.record_count for f in files)}")
    return rows


def written(table: Table, group: list[DataFile], lake_table: LakeTable) -> list[DataFile]:
    """The group's rows written again as one new data file of its partition (not committed yet), laid out as the
    lake table says (its rows' order, codec and row groups: write.partition_files, as a publish writes them)."""
    import duckdb

    rows = rows_of(table, group)
    if not rows.num_rows:
        return []
    with duckdb.connect() as con:
        con.register("compacted_rows", rows)
        new = write.partition_files(table, con, "select * from compacted_rows", lake_table)
    # the files must be the group's partition again (as their own statistics tell it: write.placed), all its rows
    # (the group is of the current spec, which the new files are written by: small_file_groups)
    wrong = [f.partition for f in new if f.partition != group[0].partition]
    if wrong or sum(data_file.record_count for data_file in new) != rows.num_rows:
        write.discard(table, new)
        raise RuntimeError(f"{table.name()[-1]}: rewrote {rows.num_rows} rows of partition {group[0].partition} as "
                           f"{sum(f.record_count for f in new)} rows" + (f" of partition {wrong[0]}" if wrong else ""))
    return new


def replace_files(table: Table, old: list[DataFile], new: list[DataFile], properties: dict[str, str]) -> int:
    """One overwrite commit that removes exactly the old files and adds the new ones; its snapshot id.

    Removing files by name, not rows by a filter, keeps a file another writer added meanwhile; pyiceberg redoes
    a commit that lost the race on the new state, and refuses it when an old file is gone or files were added."""
    with table.transaction() as tx:
        with tx.update_snapshot(snapshot_properties=properties).overwrite() as files:
            for data_file in old:
                files.delete_data_file(data_file)
            for data_file in new:
                files.append_data_file(data_file)
    return table.current_snapshot().snapshot_id


def expire(catalog: Catalog, name: str, retain_days: int, retain_last: int, now: dt.datetime) -> tuple[int, int]:
    """Expire the table's snapshots older than retain_days but the newest retain_last and the branch and tag
    heads; then delete the files only they referred to. (snapshots expired, files deleted)"""
    for attempt in range(COMMIT_TRIES):
        table = catalog.load_table(identifier(name))
        old = expirable(table, now - dt.timedelta(days=retain_days), retain_last)
        if not old:
            return 0, 0
        try:
            table.maintenance.expire_snapshots().by_ids([snapshot.snapshot_id for snapshot in old]).commit()
        except CommitFailedException:
            if attempt == COMMIT_TRIES - 1:
                raise
            continue
        return len(old), delete_unreferenced(catalog.load_table(identifier(name)), old)
    raise AssertionError("unreachable")


def expirable(table: Table, cutoff: dt.datetime, retain_last: int) -> list[Snapshot]:
    newest_first = sorted(table.metadata.snapshots, key=lambda s: (s.timestamp_ms, s.sequence_number), reverse=True)
    heads = {ref.snapshot_id for ref in table.metadata.refs.values()}
    cutoff_ms = int(cutoff.timestamp() * 1000)
    return [s for s in newest_first[retain_last:] if s.timestamp_ms < cutoff_ms and s.snapshot_id not in heads]


def delete_unreferenced(table: Table, expired: list[Snapshot]) -> int:
    """Delete the manifest lists, manifests and data files the expired snapshots referred to that no snapshot the
    table still has reads (the table is read after the expiry commit, so a commit since counts); the number deleted.

    A data file counts as read when a kept manifest lists it as live (added or existing): one only marked removed
    there is read by none of them. Only files under the table's own folder are deleted."""
    entries: dict[str, list[tuple[str, bool]]] = {}
    kept = referenced(table, table.metadata.snapshots, entries, live_only=True)
    folder = table.metadata.location.rstrip("/") + "/"
    gone = sorted(path for path in referenced(table, expired, entries, live_only=False) - kept
                  if path.startswith(folder))
    for path in gone:
        table.io.delete(path)
    return len(gone)


def referenced(table: Table, snapshots: list[Snapshot], entries: dict[str, list[tuple[str, bool]]],
               live_only: bool) -> set[str]:
    """The snapshots' manifest lists, manifests and data files (entries: each manifest's (data file, live), a cache)."""
    paths: set[str] = set()
    for snapshot in snapshots:
        paths.add(snapshot.manifest_list)
        for manifest in snapshot.manifests(table.io):
            if manifest.manifest_path not in entries:
                entries[manifest.manifest_path] = [
                    (entry.data_file.file_path, entry.status != ManifestEntryStatus.DELETED)
                    for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False)]
            paths.add(manifest.manifest_path)
            paths |= {path for path, live in entries[manifest.manifest_path] if live or not live_only}
    return paths


def sweep_orphans(table: Table, before: dt.datetime) -> int:
    """Delete the data files, manifests and manifest lists under the table's folder that no snapshot it keeps names
    (live or removed), written before `before`: the files of a writer killed between writing them and its commit
    (a lost race's are deleted by the publish itself). metadata.json files are never touched. The number deleted."""
    from pyiceberg.io.pyarrow import PyArrowFileIO
    from pyarrow import fs as pafs

    folder = table.metadata.location.rstrip("/")
    scheme, netloc, path = PyArrowFileIO.parse_location(folder)
    files = PyArrowFileIO(table.io.properties).fs_by_scheme(scheme, netloc).get_file_info(
        pafs.FileSelector(path, recursive=True, allow_not_found=True))
    named = referenced(table, table.metadata.snapshots, {}, live_only=False)
    prefix = folder[:len(folder) - len(path.rstrip("/"))]   # the scheme and bucket, as the metadata writes paths
    orphans = sorted(prefix + info.path for info in files
                     if info.type == pafs.FileType.File and info.mtime is not None and info.mtime < before
                     and info.path.endswith((".parquet", ".avro")) and prefix + info.path not in named)
    for orphan in orphans:
        table.io.delete(orphan)
    return len(orphans)
