"""Lake-wide load ids: each embedded warehouse's own load ids mapped, once and for good, to ids no other writer has.

Every center's warehouse numbers its loads 1, 2, 3…, so in the lake load 3 of SH and load 3 of NJ would be one id.
The catalog's PostgreSQL database keeps the mapping (table tpc_load_ids, beside pyiceberg's own tables): a
warehouse's load is known by the warehouse's history key and its own id, and gets the next number of the sequence
tpc_load_id the first time it is published. The same load published again (a retry, a re-export) keeps its
number, so the lake's rows do not change; two writers asking at once get different numbers.

The history key is the warehouse's own id (meta warehouse_id, made with the warehouse and carried by its copies
and its rebuilds), or, for a warehouse written before it had one, its first load (file SHA-256 and start). Two
copies of one warehouse that then loaded different files would claim the same (key, id) for different files;
the file's SHA-256 kept with each id tells them apart and refuses.
"""
from __future__ import annotations

import hashlib

import duckdb
from sqlalchemy import text
from sqlalchemy.engine import Engine

SETUP = (
    "create sequence if not exists tpc_load_id",
    """create table if not exists tpc_load_ids (
        history text not null,
        local_id bigint not null,
        sha256 text,
        load_id bigint not null unique default nextval('tpc_load_id'),
        primary key (history, local_id))""",
)


class ForeignHistory(RuntimeError):
    """This warehouse's load ids are claimed by another copy of it that loaded other files."""


def history_key(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse's history key; None for a warehouse that has loaded nothing."""
    if con.execute("select count(*) from loads").fetchone()[0] == 0:
        return None
    own = con.execute("select value from meta where key = 'warehouse_id'").fetchone()
    if own:
        return own[0]
    first = con.execute("select sha256, started_at from loads order by load_id limit 1").fetchone()
    if first is None:
        return None
    return hashlib.sha256(f"{first[0]}|{first[1].isoformat()}".encode()).hexdigest()[:32]


def mapped(engine: Engine, con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """{local load id: lake load id} of every load the warehouse holds, numbering those published for the first
    time (the table made by catalog.ensure_own_tables). Raises ForeignHistory when an id is already the lake's for another file of the same history."""
    history = history_key(con)
    if history is None:
        return {}
    local = con.execute("select load_id, sha256 from loads order by load_id").fetchall()
    with engine.begin() as conn:
        conn.execute(text("insert into tpc_load_ids (history, local_id, sha256) "
                          "select :history, local_id, sha256 from unnest(cast(:ids as bigint[]), cast(:shas as text[])) "
                          "as t(local_id, sha256) on conflict (history, local_id) do nothing"),
                     {"history": history, "ids": [i for i, _ in local], "shas": [s for _, s in local]})
        known = conn.execute(text("select local_id, load_id, sha256 from tpc_load_ids where history = :history"),
                             {"history": history}).fetchall()
    by_local = {local_id: (load_id, sha) for local_id, load_id, sha in known}
    differ = [i for i, sha in local if by_local[i][1] != sha]
    if differ:
        raise ForeignHistory(
            f"load {differ[0]} of this warehouse is, in the lake, another file of the same history: a copy of this "
            f"warehouse loaded other files and published them. One center's loads go through one warehouse; "
            f"publish from that one")
    return {i: by_local[i][0] for i, _ in local}
