"""A dry run of a load: what each file would load and reject, computed in a scratch in-memory warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl import config, publish, warehouse
from etl.loader import LoadResult, load_file
from etl.publish import file_sha256

SAMPLE_ROWS = 8


def preview(db: Path, files: list[Path], center: str | None = None) -> list[tuple[LoadResult, pd.DataFrame]]:
    """Each file's outcome and a sample of the rows it would add (for `center`, as load_paths takes it); the real
    warehouse is not touched."""
    known = publish.loaded_hashes(db, whole_only=True)
    centers = publish.known_centers(db)
    key = config.buyer_key()
    con = duckdb.connect(":memory:")
    warehouse.ensure_schema(con)
    if centers:   # the warehouse's own centers, so that --center is checked as the load will
        con.executemany("insert into center_register values (?, ?, ?, ?, 0)", centers)
    out = []
    try:
        for path in files:
            sha = file_sha256(path)
            owner = publish.center_of_request(centers, center)
            found = known.get((sha, None)) or known.get((sha, owner))
            if found:
                load_id, name = found
                out.append((LoadResult(file=path.name, status="duplicate", load_id=load_id,
                                       message=f"same content as load {load_id} ({name}); nothing to do"), pd.DataFrame()))
                continue
            result = load_file(con, path, key, sha=sha, center=center)
            out.append((result, sample(con, result)))
    finally:
        con.close()
    return out


def sample(con: duckdb.DuckDBPyConnection, result: LoadResult) -> pd.DataFrame:
    if result.status != "loaded":
        return pd.DataFrame()
    from etl.formats import FORMATS

    table = FORMATS[result.format].table
    return con.sql(f"select * exclude (load_id) from {table} where load_id = ? limit ?",
                   params=[result.load_id, SAMPLE_ROWS]).to_arrow_table().to_pandas()
