"""Loads that publish to the lake: what the lake already holds of a run's files, and the run's one commit.

With the lake configured, `python -m etl load` (and the demo, and the Data page's upload) still loads into the
center's embedded warehouse first — that is where files are read, checked and rejected — and then, before that
warehouse is published, writes the centers it holds into the lake in one commit (etl/lake/export.py). If the lake
refuses (unreachable, lost every retry, a center another warehouse owns), the run publishes nothing anywhere.
"""
from __future__ import annotations

from pathlib import Path

from pyiceberg.expressions import And, EqualTo, IsNull

from etl import warehouse
from etl.lake import export
from etl.lake.catalog import identifier, open_catalog


def held(catalog=None) -> dict[tuple[str, str | None], tuple[int, str]]:
    """(sha256, center) -> (lake load id, file name) of every file the lake holds whole (no later load replaced
    any of its rows): given again, such a file is a no-op, whichever writer loaded it."""
    catalog = catalog or open_catalog()
    rows = catalog.load_table(identifier("loads")).scan(
        row_filter=EqualTo("status", "loaded"),
        selected_fields=("sha256", "center", "load_id", "file_name", "rows_replaced_later")).to_arrow().to_pylist()
    return {(r["sha256"], r["center"]): (r["load_id"], r["file_name"]) for r in rows if not r["rows_replaced_later"]}


def network_files(catalog) -> set[str]:
    """The SHA-256 of every network-wide file (center NULL) the lake holds a load of."""
    return {r["sha256"] for r in catalog.load_table(identifier("loads")).scan(
        row_filter=And(EqualTo("status", "loaded"), IsNull("center")), selected_fields=("sha256",)).to_arrow().to_pylist()}


def publish_run(work: Path, catalog=None) -> list[export.Exported]:
    """Write the working copy's centers into the lake in one commit, with the network-wide rows (product master,
    centers, targets) when the copy holds a network-wide file the lake does not: the lake takes those from
    whichever writer brings a new one, and a writer that loaded the same file later changes nothing."""
    catalog = catalog or open_catalog()
    export.check_lake(catalog)
    con = warehouse.attached(work)
    try:
        mine = {sha for (sha,) in con.execute("select sha256 from loads where status = 'loaded' and center is null")
                .fetchall()}
        in_lake = network_files(catalog)
        scope = export.Scope(tuple(export.held_centers(con)), network=bool(mine - in_lake))
        return export.publish(catalog, con, scope, properties={"tpc.operation": "load"})
    finally:
        con.close()


def is_refusal(exc: Exception) -> bool:
    """The lake refused a load's publish: its checks, a commit lost on every try, or the catalog unreachable."""
    from pyiceberg.exceptions import CommitFailedException
    from sqlalchemy.exc import SQLAlchemyError

    from etl import config

    return isinstance(exc, (export.ExportError, CommitFailedException, SQLAlchemyError, config.LakeNotConfigured))
