"""`lake status`: each lake table's current snapshot (id and time) and its data files per partition."""
from __future__ import annotations

import datetime as dt

from pyiceberg.catalog import Catalog

from etl.lake.catalog import identifier
from etl.lake.tables import TABLES

EPOCH = dt.date(1970, 1, 1)


def report(catalog: Catalog) -> str:
    lines = []
    for name in TABLES:
        if not catalog.table_exists(identifier(name)):
            lines.append(f"{name}: missing (python -m etl lake init creates it)")
            continue
        table = catalog.load_table(identifier(name))
        snapshot = table.current_snapshot()
        if snapshot is None:
            lines.append(f"{name}: no snapshot yet (empty)")
            continue
        when = dt.datetime.fromtimestamp(snapshot.timestamp_ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        summary = snapshot.summary.additional_properties if snapshot.summary else {}
        lines.append(f"{name}: snapshot {snapshot.snapshot_id} at {when}, {int(summary.get('total-records', 0)):,} rows "
                     f"in {int(summary.get('total-data-files', 0)):,} data files")
        lines += [f"  {partition}: {files:,} files, {records:,} rows" for partition, files, records in partitions(table)]
    return "\n".join(lines)


def partitions(table) -> list[tuple[str, int, int]]:
    """(partition as field=value/..., data files, rows) of the current snapshot, in partition order."""
    spec = table.spec()
    rows = table.inspect.partitions().to_pylist()
    listed = []
    for row in rows:
        values = row.get("partition") or {}
        text = "/".join(f"{field.name}={shown(values.get(field.name), field.transform)}" for field in spec.fields)
        listed.append((text or "(unpartitioned)", row["file_count"], row["record_count"]))
    return sorted(listed)


def shown(value, transform) -> str:
    """A partition value as a reader writes it: a month transform's months since 1970 as YYYY-MM."""
    if value is None:
        return "null"
    if str(transform) == "month":
        return f"{1970 + value // 12:04d}-{value % 12 + 1:02d}"
    return str(value)
