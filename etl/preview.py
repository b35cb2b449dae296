"""A dry run of a load: what each file would load and reject, computed in a scratch in-memory warehouse."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl import config, publish, warehouse
from etl.loader import LoadResult, load_file
from etl.publish import file_sha256

SAMPLE_ROWS = 8


def preview(db: Path, files: list[Path]) -> list[tuple[LoadResult, pd.DataFrame]]:
    """Each file's outcome and a sample of the rows it would add; the real warehouse is not touched."""
    known = publish.loaded_hashes(db, whole_only=True)
    key = config.buyer_key()
    con = duckdb.connect(":memory:")
    warehouse.ensure_schema(con)
    out = []
    try:
        for path in files:
            sha = file_sha256(path)
            if sha in known:
                load_id, name = known[sha]
                out.append((LoadResult(file=path.name, status="duplicate", load_id=load_id,
                                       message=f"same content as load {load_id} ({name}); nothing to do"), pd.DataFrame()))
                continue
            result = load_file(con, path, key, sha=sha)
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
