"""Load one export file into the warehouse in one transaction: stage, type, validate, reject, upsert, log."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import config, readers, warehouse
from etl.warehouse import first_row, scalar
from etl.formats import FORMATS, Format, FormatError, Match, detect
from etl.reasons import REASONS, reason_text

EXPORT_STAMP = re.compile(r"(20\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")


@dataclass
class LoadResult:
    """What happened to one file: the per-file line of every run's summary."""

    file: str
    status: str                    # loaded | duplicate | refused | failed
    format: str | None = None
    load_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_superseded: int = 0
    message: str = ""
    rejects: list[tuple] = field(default_factory=list)   # (row, column, reason) samples


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def export_time(path: Path, fallback: dt.datetime) -> dt.datetime:
    """When the export was made: the stamp in a Tmall file name (ExportOrderList202101051030), else the load time."""
    found = EXPORT_STAMP.search(path.stem)
    if found:
        try:
            return dt.datetime(*map(int, found.groups()))
        except ValueError:
            pass
    return fallback


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256 inner and outer pads, so the warehouse computes HMAC(key, text) without seeing the key."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def already_loaded(con: duckdb.DuckDBPyConnection, sha: str) -> tuple | None:
    return first_row(con, 
        "select load_id, file_name from loads where sha256 = ? and status = 'loaded'", [sha])


def log_outcome(con, result: LoadResult, sha: str, started: dt.datetime) -> None:
    """Record a refused or failed file in the load history (outside the rolled-back transaction)."""
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, status, message, started_at, finished_at) "
        "values (nextval('load_id_seq'), ?, ?, ?, ?, ?, ?, ?)",
        [result.file, sha, result.format, result.status, result.message[:2000], started, now()])


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, buyer_key: bytes, forced_format: str | None = None) -> LoadResult:
    """Load one file; every outcome is returned, none raised, and a failure leaves the warehouse as it was."""
    path = Path(path)
    result = LoadResult(file=path.name, status="failed")
    started = now()
    sha = file_sha256(path)
    previous = already_loaded(con, sha)
    if previous:
        result.status, result.load_id = "duplicate", previous[0]
        result.message = f"same content as load {previous[0]} ({previous[1]}); nothing to do"
        return result
    try:
        source = readers.open_source(path)
        matched = detect(path.name, source.head, forced_format)
    except (FormatError, readers.ReadError) as exc:
        result.status, result.message = "refused", str(exc)
        log_outcome(con, result, sha, started)
        return result
    result.format = matched.format.name
    con.begin()
    try:
        load_matched(con, source, matched, result, sha, started, export_time(path, started), buyer_key)
        con.commit()
    except Exception as exc:
        con.rollback()
        result.status = "refused" if isinstance(exc, readers.ReadError) else "failed"
        result.message = str(exc) if isinstance(exc, readers.ReadError) else f"{path.name}: {type(exc).__name__}: {exc}"
        result.rows_loaded = result.rows_rejected = result.rows_superseded = 0
        log_outcome(con, result, sha, started)
    finally:
        drop_temp(con)
    return result


def load_matched(con, source, matched: Match, result: LoadResult, sha, started, exported_at, buyer_key) -> None:
    """The body of one load, inside the caller's transaction."""
    fmt = matched.format
    load_id = scalar(con, "select nextval('load_id_seq')")
    result.load_id = load_id
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, exported_at, status, started_at) "
        "values (?, ?, ?, ?, ?, 'loaded', ?)", [load_id, source.path.name, sha, fmt.name, exported_at, started])
    warehouse.load_parsers(con)
    malformed = readers.stage(con, source, matched.header_row, len(matched.header))
    con.execute("create or replace temp table hmac_pads as select ?::blob as ipad, ?::blob as opad", list(hmac_pads(buyer_key)))
    con.execute(typed_sql(matched))
    record_malformed(con, load_id, malformed)
    record_rejects(con, load_id, matched)
    con.execute("delete from typed where _row in (select row_no from rejects where load_id = ?)", [load_id])
    con.execute(f"create or replace temp table incoming as {finish_sql(fmt)}")
    if fmt.dedupe:
        record_duplicates(con, load_id, fmt)
    counts = upsert(con, fmt, load_id, exported_at)
    read = scalar(con, "select count(*) from stage") + len(malformed)
    rejected = scalar(con, "select count(distinct row_no) from rejects where load_id = ?", [load_id])
    result.status = "loaded"
    result.rows_read, result.rows_rejected = read, rejected
    result.rows_loaded, result.rows_superseded = counts
    result.rejects = con.execute(
        "select row_no, column_name, reason from rejects where load_id = ? order by row_no, column_name limit 20", [load_id]).fetchall()
    con.execute(
        "update loads set rows_read = ?, rows_loaded = ?, rows_rejected = ?, rows_superseded = ?, finished_at = ? "
        "where load_id = ?", [read, counts[0], rejected, counts[1], now(), load_id])


PARSERS = {
    "text": "tpc_text({})",
    "money": "tpc_money({})",
    "qty": "tpc_qty({})",
    "int": "tpc_int({})",
    "timestamp": "tpc_timestamp({})",
    "date": "tpc_date({})",
    "order_id": "tpc_order_id({})",
}


def typed_sql(matched: Match) -> str:
    """Temp table `typed`: each field parsed from its column (NULL where the file lacks it), raw text kept beside."""
    selects = ["_row"]
    for fld in matched.format.fields:
        column = f"c{matched.columns[fld.name]}" if fld.name in matched.columns else "cast(null as varchar)"
        selects.append(f"{PARSERS[fld.kind].format(column)} as {fld.name}")
        if not fld.personal:
            selects.append(f"tpc_text({column}) as {fld.name}__raw")
    derived = "".join(f", {sql} as {name}" for name, sql in matched.format.derived)
    return (f"create or replace temp table typed as select *{derived} from (select {', '.join(selects)} from stage)")


def record_malformed(con, load_id: int, malformed: list[tuple[int, str]]) -> None:
    if malformed:
        con.executemany("insert into rejects values (?, ?, null, 'malformed_row', ?)",
                        [[load_id, row, message] for row, message in malformed])


def record_rejects(con, load_id: int, matched: Match) -> None:
    """One reject per bad value: missing where required, or not a value of its kind, or failing a format check."""
    for fld in matched.format.fields:
        if fld.name not in matched.columns:
            continue
        header = matched.header_of(fld.name)
        value = "null" if fld.personal else f"left({fld.name}__raw, 80)"
        if fld.required_value:
            insert_rejects(con, load_id, header, "missing_value", f"{raw(fld)} is null", "null")
        if fld.kind != "text" and not fld.personal:
            code = "excel_mangled_id" if fld.kind == "order_id" else f"bad_{fld.kind}"
            condition = f"{fld.name}__raw is not null and {fld.name} is null"
            if fld.kind == "order_id":
                insert_rejects(con, load_id, header, "excel_mangled_id",
                               condition + rf" and regexp_full_match({fld.name}__raw, '\d+(\.\d+)?[Ee]\+?\d+')", value)
                code, condition = "bad_order_id", condition + rf" and not regexp_full_match({fld.name}__raw, '\d+(\.\d+)?[Ee]\+?\d+')"
            insert_rejects(con, load_id, header, code, condition, value)
    for field_name, condition, code in matched.format.checks:
        header = matched.header_of(field_name) if field_name in matched.columns else field_name
        insert_rejects(con, load_id, header, code, condition, f"left({field_name}__raw, 80)")


def raw(fld) -> str:
    return f"{fld.name}__raw" if not fld.personal else fld.name


def insert_rejects(con, load_id: int, header: str, code: str, condition: str, value_sql: str) -> None:
    assert code in REASONS, code
    con.execute(
        f"insert into rejects select ?, _row, ?, ?, {value_sql} from typed where {condition}",
        [load_id, header, code])


def finish_sql(fmt: Format) -> str:
    """The format's load query (etl/sql/load/<format>.sql); it reads `typed`, from which bad rows are gone."""
    return warehouse.sql_text(f"load/{fmt.name}.sql")


def record_duplicates(con, load_id: int, fmt: Format) -> None:
    """A group key repeated inside one file: the first row stands, the repeats are rejected."""
    key = ", ".join(fmt.group_key)
    con.execute(
        f"""insert into rejects
        select ?, _row, ?, 'duplicate_row', 'same as row ' || first_row
        from (select _row, min(_row) over (partition by {key}) as first_row from incoming)
        where _row <> first_row""", [load_id, "/".join(fmt.group_key)])
    con.execute(f"delete from incoming where _row not in (select min(_row) from incoming group by {key})")


def upsert(con, fmt: Format, load_id: int, exported_at: dt.datetime) -> tuple[int, int]:
    """Replace the groups an older (or same-age) export holds; keep the ones a newer export holds.

    Returns (rows loaded, rows superseded by a newer export).
    """
    table = fmt.table
    match_key = " and ".join(f"t.{k} = n.{k}" for k in fmt.group_key)
    con.execute(
        f"""delete from {table} as t where exists (select 1 from incoming as n where {match_key})
        and t.load_id in (select load_id from loads where exported_at <= ?)""", [exported_at])
    columns = [d[0] for d in con.execute("select * from incoming limit 0").description if d[0] != "_row"]
    column_list = ", ".join(columns)
    before = scalar(con, f"select count(*) from {table}")
    con.execute(
        f"""insert into {table} ({column_list}, load_id)
        select {column_list}, ? from incoming as n
        where not exists (select 1 from {table} as t where {match_key})""", [load_id])
    loaded = scalar(con, f"select count(*) from {table}") - before
    total = scalar(con, "select count(*) from incoming")
    return loaded, total - loaded


def drop_temp(con) -> None:
    for table in ("stage", "typed", "incoming", "hmac_pads"):
        con.execute(f"drop table if exists temp.{table}")
