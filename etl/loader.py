"""Load one export file into the warehouse in one transaction: read (in one pass, or staged), type, validate,
reject, insert, settle against other loads, log."""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl import publish, readers, warehouse
from etl.publish import file_sha256
from etl.warehouse import first_row, scalar
from etl.formats import Format, FormatError, Match, detect
from etl.reasons import REASONS

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
    return first_row(con, "select load_id, file_name from loads where sha256 = ? and status = 'loaded'", [sha])


def duplicate_of(con: duckdb.DuckDBPyConnection, sha: str, result: LoadResult) -> bool:
    """Whether a file with this content is loaded already; if so, result says which load holds it."""
    previous = already_loaded(con, sha)
    if previous:
        result.status, result.load_id = "duplicate", previous[0]
        result.message = f"same content as load {previous[0]} ({previous[1]}); nothing to do"
    return bool(previous)


def known_sha(sha: str | Future | None) -> str | None:
    """The file's SHA-256 if it is known (a Future whose read failed gives None)."""
    if not isinstance(sha, Future):
        return sha
    try:
        return sha.result()
    except Exception:
        return None


def log_outcome(con, result: LoadResult, sha: str, started: dt.datetime, load_id: int | None = None) -> None:
    """Record a refused or failed file in the load history (outside the rolled-back transaction), under the
    load id already taken for it, if any."""
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, status, message, started_at, finished_at) "
        "values (coalesce(?, nextval('load_id_seq')), ?, ?, ?, ?, ?, ?, ?)",
        [load_id, result.file, sha, result.format, result.status, result.message[:2000], started, now()])


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, buyer_key: bytes, forced_format: str | None = None,
              sha: str | Future | None = None, scratch: Path | None = None,
              cut_off: Future | None = None) -> LoadResult:
    """Load one file; every outcome is returned, none raised, and a failure leaves the warehouse as it was.

    `sha` is the file's SHA-256 when the caller has it, or a Future of it being computed in another thread
    (hashing costs a second a gigabyte): then the file is staged meanwhile and checked against the files
    already loaded before anything is written. A CSV in another encoding is transcoded into the folder
    `scratch` (default: the system's temp folder). `cut_off` is the Future of publish.FileScan's answer to
    "does the file end inside a quoted field?", when the caller scans the file; else it is scanned here.
    """
    path = Path(path)
    result = LoadResult(file=path.name, status="failed")
    started = now()
    pending = isinstance(sha, Future)
    if not pending:
        sha = sha or file_sha256(path)
        if duplicate_of(con, sha, result):
            return result
    source, load_id, one_pass = None, None, False
    try:
        source = readers.open_source(path, scratch)
        source.cut_off = cut_off
        matched = detect(path.name, source.head, forced_format)
        result.format = matched.format.name
        exported_at = export_time(path, started)
        prepare(con, buyer_key)
        # a clean CSV of a one-pass format is read straight into its table, inside the file's transaction;
        # any other file (or one with a bad row) is staged outside it and checked row by row
        if matched.format.one_pass and source.kind == "csv":
            load_id = scalar(con, "select nextval('load_id_seq')")
            one_pass = load_one_pass(con, source, matched, load_id)
        malformed = [] if one_pass else stage(con, source, matched)
        if pending:
            sha = sha.result()
            if duplicate_of(con, sha, result):
                if one_pass:
                    con.rollback()
                return result
        publish.pause_point("staged")
        if not one_pass:
            con.begin()
        load_matched(con, source, matched, result, sha, started, exported_at, malformed, load_id, one_pass)
        publish.pause_point("in_transaction")
        con.commit()
    except Exception as exc:
        with contextlib.suppress(duckdb.TransactionException):
            con.rollback()
        refused = isinstance(exc, (FormatError, readers.ReadError))
        result.status = "refused" if refused else "failed"
        result.message = str(exc) if refused else f"{path.name}: {type(exc).__name__}: {exc}"
        result.rows_loaded = result.rows_rejected = result.rows_superseded = 0
        log_outcome(con, result, known_sha(sha), started, load_id)
    finally:
        drop_temp(con)
        if source is not None:
            source.close()
    return result


def prepare(con, buyer_key: bytes) -> None:
    """The parsers and the keyed-hash pads the load queries use, in this connection."""
    warehouse.load_parsers(con)
    con.execute("create or replace temp table hmac_pads as select ?::blob as ipad, ?::blob as opad", list(hmac_pads(buyer_key)))


def load_one_pass(con, source, matched: Match, load_id: int) -> bool:
    """Read a clean CSV of a one-pass format straight into its table, in a transaction left open.

    Every rule that would reject a row raises inside the read instead (guarded_select), and the reader records
    any row it cannot read; either way, or when the file is cut off mid-quote, the transaction is rolled
    back and False sends the file to staging, which names each bad row, column and value. Clean files
    (nearly all) are so read and written once, with every check applied on the way.
    """
    fmt = matched.format
    text_path = source.utf8_path()
    native = native_types(matched)
    as_written = stored_as_written(con, source, matched)
    query = (f"with src as (select * from {readers.csv_source(matched.header_row, len(matched.header), native)}), "
             f"typed as ({guarded_select(matched, frozenset(native), as_written)}) "
             f"{insert_sql(fmt, load_id)}")
    with readers.scanning_quotes(source) as cut_off:
        con.begin()
        try:
            readers.clear_reader_rejects(con)
            con.execute(query, [str(text_path)])
            clean = (not readers.reader_rejected(con) and not cut_off.result()
                     and not scalar(con, plain_check(fmt, as_written), [load_id])
                     and not (fmt.dedupe and scalar(con, repeated_keys(fmt), [load_id])))
        except duckdb.Error:
            clean = False
        if not clean:
            con.rollback()
    return clean


PLAIN = {"text": "tpc_text_plain({})", "order_id": "tpc_order_id_plain({})"}


def stored_as_written(con, source, matched: Match) -> frozenset:
    """The text and order-number fields a one-pass load reads as written: those its table stores under the
    same name (the format's load query passes them through untouched) and that are written plainly in the
    file's first rows (Tmall guards every order number as ="…": those are parsed on the way in). Checking
    them once stored costs a tenth of parsing them: the stored columns are dictionary-compressed."""
    stored = {r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ?", [matched.format.table]).fetchall()}
    candidates = [f for f in matched.format.fields
                  if f.kind in PLAIN and not f.personal and f.name in stored and f.name in matched.columns]
    head = [row for row in source.head[matched.header_row:] if any(row)]
    plain = []
    for fld in candidates:
        values = [row[matched.columns[fld.name]] for row in head if len(row) > matched.columns[fld.name]]
        values = [v for v in values if v not in (None, "")]
        if not values or scalar(con, f"select bool_and({PLAIN[fld.kind].format('v')}) from unnest(?) as t(v)", [values]):
            plain.append(fld.name)
    return frozenset(plain)


def repeated_keys(fmt: Format) -> str:
    """How many of the load's rows repeat a group key another of its rows has (a one-pass load's dedupe)."""
    keys = ", ".join(fmt.group_key)
    return f"select count(*) - count(distinct ({keys})) from {fmt.table} where load_id = ?"


def plain_check(fmt: Format, as_written: frozenset) -> str:
    """Count the load's rows holding a value read as written that its parser would have changed or refused
    (a space at either end, Excel's guard, an order number needing the tolerant parser)."""
    changed = " or ".join(f"({f.name} is not null and not {PLAIN[f.kind].format(f.name)})"
                          for f in fmt.fields if f.name in as_written) or "false"
    return f"select count(*) from {fmt.table} where load_id = ? and ({changed})"


REJECTED = "tpc: a row breaks a rule"


def guarded_select(matched: Match, typed_columns: frozenset, as_written: frozenset) -> str:
    """typed_select, raising on the first row that any reject rule would catch (the one-pass load's guard).

    The guard sits on the first required field, which every load query reads, so it cannot be optimised away.
    """
    rejected = " or ".join(f"coalesce({condition}, false)" for _, _, condition, _ in reject_rules(matched)) or "false"
    guarded = next(f.name for f in matched.format.fields if f.required_value and f.name in matched.columns)
    return (f"select cast(null as bigint) as _row, * replace (case when {rejected} then error('{REJECTED}') "
            f"else {guarded} end as {guarded}) from ({typed_select(matched, False, typed_columns, as_written)})")


def stage(con, source, matched: Match) -> list[tuple[int, str]]:
    """The file's rows parsed into the scratch table etl_typed; returns the malformed rows."""
    return readers.stage(con, source, matched.header_row, len(matched.header),
                         lambda with_row, typed=frozenset(): typed_select(matched, with_row, typed),
                         native_types(matched))


def load_matched(con, source, matched: Match, result: LoadResult, sha, started, exported_at, malformed,
                 load_id: int | None, one_pass: bool) -> None:
    """The body of one load, inside the caller's transaction (where a one-pass load has inserted its rows)."""
    fmt = matched.format
    load_id = load_id if load_id is not None else scalar(con, "select nextval('load_id_seq')")
    result.load_id = load_id
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, exported_at, status, started_at) "
        "values (?, ?, ?, ?, ?, 'loaded', ?)", [load_id, source.path.name, sha, fmt.name, exported_at, started])
    if not one_pass:
        record_malformed(con, load_id, malformed)
        record_rejects(con, load_id, matched)
        if fmt.dedupe:
            record_duplicates(con, load_id, fmt)
        keep_good_rows(con, load_id)
        con.execute(insert_sql(fmt, load_id))
    counts = settle(con, fmt, load_id, exported_at)
    # a one-pass load read exactly the rows it inserted (any other row would have sent it to staging)
    read = sum(counts) if one_pass else scalar(con, f"select count(*) from {readers.TYPED}") + len(malformed)
    rejected = scalar(con, "select count(distinct row_no) from rejects where load_id = ?", [load_id])
    result.status = "loaded"
    result.rows_read, result.rows_rejected = read, rejected
    result.rows_loaded, result.rows_superseded = counts
    result.rejects = con.execute(
        "select row_no, column_name, reason from rejects where load_id = ? order by row_no, column_name limit 20", [load_id]).fetchall()
    con.execute(
        "update loads set rows_read = ?, rows_loaded = ?, rows_rejected = ?, rows_superseded = ?, finished_at = ? "
        "where load_id = ?", [read, counts[0], rejected, counts[1], now(), load_id])


def keep_good_rows(con, load_id: int) -> None:
    """The view `typed` that the load queries read: every staged row that was not rejected."""
    if scalar(con, "select count(*) from rejects where load_id = ?", [load_id]):
        con.execute(f"create or replace temp view typed as select * from typed_all "
                    f"where _row not in (select row_no from rejects where load_id = {int(load_id)})")
    else:
        con.execute("create or replace temp view typed as select * from typed_all")


PARSERS = {
    "text": "tpc_text({})",
    "money": "tpc_money({})",
    "qty": "tpc_qty({})",
    "int": "tpc_int({})",
    "timestamp": "tpc_timestamp({})",
    "date": "tpc_date({})",
    "order_id": "tpc_order_id({})",
}


# A column the CSV reader typed is already a value; only the believable-date rule is left to apply.
TYPED_PARSERS = {
    "money": "{}",
    "qty": "{}",
    "int": "{}",
    "timestamp": "tpc_believable({})",
    "date": "cast(tpc_believable(cast({} as timestamp)) as date)",
}
NATIVE_TYPES = {"money": "DECIMAL(18,2)", "qty": "DECIMAL(18,3)", "int": "INTEGER", "timestamp": "TIMESTAMP", "date": "DATE"}


def native_types(matched: Match) -> dict[int, str]:
    """The file columns DuckDB's CSV reader can type itself (the fast path for cleanly written exports)."""
    return {matched.columns[f.name]: NATIVE_TYPES[f.kind] for f in matched.format.fields
            if f.name in matched.columns and f.kind in NATIVE_TYPES and not f.personal}


def typed_select(matched: Match, with_row: bool, typed_columns: frozenset = frozenset(),
                 as_written: frozenset = frozenset()) -> str:
    """The query over `src` (columns c0..) that parses each field (NULL where the file lacks it), keeps
    the text of a value that did not parse in <field>__bad (for the reject), and adds derived fields.

    typed_columns are columns the CSV reader already typed: they hold a value or NULL, never bad text.
    as_written are text and order-number fields taken as the file writes them, to be checked once stored
    (see plain_check). Each value is parsed once (inner query); the outer one only compares.
    """
    inner, outer, scratch = (["_row"] if with_row else []), [], []
    for fld in matched.format.fields:
        index = matched.columns.get(fld.name)
        column = f"c{index}" if index is not None else "cast(null as varchar)"
        if fld.name in as_written:
            inner.append(f"{column} as {fld.name}")
            if fld.kind == "order_id":
                outer.append(f"cast(null as varchar) as {fld.name}__bad")
            continue
        inner.append(f"{(TYPED_PARSERS if index in typed_columns else PARSERS)[fld.kind].format(column)} as {fld.name}")
        if fld.personal or fld.kind == "text":
            continue
        if index in typed_columns and TYPED_PARSERS[fld.kind] == "{}":
            # the reader typed it: a value or an empty cell, never text left to report
            outer.append(f"cast(null as varchar) as {fld.name}__bad")
            continue
        # the cell as written, passed through untouched; only a value that did not parse is made text
        inner.append(f"{column} as {fld.name}__text")
        scratch.append(f"{fld.name}__text")
        outer.append(f"case when {fld.name} is null then left(nullif(trim(cast({fld.name}__text as varchar)), ''), 80) end "
                     f"as {fld.name}__bad")
    outer += [f"{sql} as {name}" for name, sql in matched.format.derived]
    keep = f"* exclude ({', '.join(scratch)})" if scratch else "*"
    return f"select {', '.join([keep] + outer)} from (select {', '.join(inner)} from src)"


def record_malformed(con, load_id: int, malformed: list[tuple[int, str]]) -> None:
    if malformed:
        con.executemany("insert into rejects values (?, ?, null, 'malformed_row', ?)",
                        [[load_id, row, message] for row, message in malformed])


MANGLED = r"regexp_full_match({}, '\d+(\.\d+)?[Ee]\+?\d+')"


def reject_rules(matched: Match) -> list[tuple[str, str, str, str]]:
    """Every way a typed row is rejected, as (column header, reason, SQL condition, SQL of the value to show):
    a value missing where required, not a value of its kind, or failing one of the format's checks."""
    rules = []
    for fld in matched.format.fields:
        if fld.name not in matched.columns:
            continue
        header = matched.header_of(fld.name)
        checked = fld.kind != "text" and not fld.personal
        if fld.required_value:
            missing = f"{fld.name} is null" + (f" and {fld.name}__bad is null" if checked else "")
            rules.append((header, "missing_value", missing, "null"))
        if checked:
            bad = f"{fld.name}__bad"
            if fld.kind == "order_id":
                rules.append((header, "excel_mangled_id", f"{bad} is not null and {MANGLED.format(bad)}", bad))
                rules.append((header, "bad_order_id", f"{bad} is not null and not {MANGLED.format(bad)}", bad))
            else:
                rules.append((header, f"bad_{fld.kind}", f"{bad} is not null", bad))
    for field_name, condition, code in matched.format.checks:
        header = matched.header_of(field_name) if field_name in matched.columns else field_name
        rules.append((header, code, condition, f"left(cast({field_name} as varchar), 80)"))
    return rules


def record_rejects(con, load_id: int, matched: Match) -> None:
    """One reject per bad value (see reject_rules)."""
    for header, code, condition, value_sql in reject_rules(matched):
        insert_rejects(con, load_id, header, code, condition, value_sql)


def insert_rejects(con, load_id: int, header: str, code: str, condition: str, value_sql: str) -> None:
    assert code in REASONS, code
    con.execute(
        f"insert into rejects select ?, _row, ?, ?, {value_sql} from typed_all where {condition}",
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
        from (select _row, min(_row) over (partition by {key}) as first_row from typed_all
              where _row not in (select row_no from rejects where load_id = ?))
        where _row <> first_row""", [load_id, "/".join(fmt.group_key), load_id])


def insert_sql(fmt: Format, load_id: int) -> str:
    """Insert the file's rows (the format's load query over `typed`) into its table."""
    return f"insert into {fmt.table} by name select * exclude (_row), {int(load_id)} as load_id from ({finish_sql(fmt)})"


def settle(con, fmt: Format, load_id: int, exported_at: dt.datetime) -> tuple[int, int]:
    """Settle each group key (receipt, order, lead, product) that the new rows share with another load:
    the newer export's rows stay, the older's go.

    Returns (rows loaded, rows superseded by a newer export). Only rows whose first key falls in the
    file's key range are compared, so loading disjoint exports costs no comparison at all.
    """
    table, keys = fmt.table, fmt.group_key
    inserted = scalar(con, f"select count(*) from {table} where load_id = ?", [load_id])
    if not inserted:
        return 0, 0
    low, high = first_row(con, f"select min({keys[0]}), max({keys[0]}) from {table} where load_id = ?", [load_id])
    same_key = " and ".join(f"n.{k} = t.{k}" for k in keys)
    con.execute(
        f"""create or replace temp table conflicts as
        select distinct {', '.join(f't.{k}' for k in keys)}, l.exported_at > ? as existing_newer
        from {table} as t join loads as l on l.load_id = t.load_id
        where t.load_id <> ? and t.{keys[0]} between ? and ?
          and exists (select 1 from {table} as n where n.load_id = ? and {same_key})""",
        [exported_at, load_id, low, high, load_id])
    if not scalar(con, "select count(*) from conflicts"):
        return inserted, 0
    in_conflict = " and ".join(f"c.{k} = t.{k}" for k in keys)
    con.execute(f"delete from {table} as t where t.load_id <> ? and exists "
                f"(select 1 from conflicts as c where {in_conflict} and not c.existing_newer)", [load_id])
    superseded = scalar(con, f"select count(*) from {table} as t where t.load_id = ? and exists "
                             f"(select 1 from conflicts as c where {in_conflict} and c.existing_newer)", [load_id])
    con.execute(f"delete from {table} as t where t.load_id = ? and exists "
                f"(select 1 from conflicts as c where {in_conflict} and c.existing_newer)", [load_id])
    return inserted - superseded, superseded


def drop_temp(con) -> None:
    con.execute("drop view if exists temp.typed; drop view if exists temp.typed_all")
    for table in ("hmac_pads", "conflicts"):
        con.execute(f"drop table if exists temp.{table}")
    con.execute(f"drop table if exists {readers.TYPED}")
