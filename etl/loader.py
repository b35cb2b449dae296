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

from etl import config, publish, readers, temps, warehouse
from etl.publish import file_sha256
from etl.warehouse import first_row, scalar
from etl.formats import Format, FormatError, Match, default_load_sql, detect
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
    rows_replaced: int = 0         # rows of earlier loads this file's rows replaced
    amounts: dict | None = None    # read / loaded / rejected / superseded / replaced, in RMB (None: no amounts)
    message: str = ""
    rejects: list[tuple] = field(default_factory=list)   # (row, column, reason) samples
    notices: list[str] = field(default_factory=list)     # what the load found worth saying (e.g. shared barcodes)


class LoadRefused(ValueError):
    """A file the ETL will not load as it is (the message says why and what to do)."""


class ReconciliationError(RuntimeError):
    """A load's own numbers do not balance: nothing of it may be published."""


STAMP_SLACK = dt.timedelta(days=1)   # the exporting computer's clock (and time zone) may differ from ours


def export_time(path: Path, fallback: dt.datetime) -> dt.datetime:
    """When the export was made: the stamp in a Tmall file name (ExportOrderList202101051030), else the load time.

    A stamp later than now is refused: it would make the file win over every real export."""
    found = EXPORT_STAMP.search(path.stem)
    if found:
        try:
            stamp = dt.datetime(*map(int, found.groups()))
        except ValueError:
            return fallback
        if stamp > fallback + STAMP_SLACK:
            raise LoadRefused(f"{path.name}: the export stamp in its name ({stamp:%Y-%m-%d %H:%M}) is later than now "
                              f"({fallback:%Y-%m-%d %H:%M}); rename the file with the time it was really exported")
        return stamp
    return fallback


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC-SHA256 inner and outer pads, so the warehouse computes HMAC(key, text) without seeing the key."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def already_loaded(con: duckdb.DuckDBPyConnection, sha: str, center: str | None) -> tuple | None:
    """The load that holds this content still whole, network-wide or for this center (the same receipts loaded for
    another center are that center's); a file some of whose rows later loads replaced is not 'loaded already':
    loading it again applies it again, as the newest export."""
    return first_row(con, "select load_id, file_name from loads where sha256 = ? and status = 'loaded' "
                          "and (center is null or center = ?) "
                          "and rows_replaced_later = 0 order by load_id desc limit 1", [sha, center])


def reapplied(con, sha: str | None, center: str | None) -> bool:
    return bool(sha) and bool(scalar(con, "select count(*) from loads where sha256 = ? and status = 'loaded' "
                                          "and (center is null or center = ?)", [sha, center]))


def duplicate_of(con: duckdb.DuckDBPyConnection, sha: str, result: LoadResult, center: str | None) -> bool:
    """Whether a file with this content is loaded already (for this center); if so, result says which load holds it."""
    previous = already_loaded(con, sha, center)
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


def log_outcome(con, result: LoadResult, sha: str, started: dt.datetime, load_id: int | None = None,
                center: str | None = None) -> None:
    """Record a refused or failed file in the load history (outside the rolled-back transaction), under the
    load id already taken for it, if any."""
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, center, status, message, started_at, finished_at) "
        "values (coalesce(?, nextval('load_id_seq')), ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, result.file, sha, result.format, center, result.status, result.message[:2000], started, now()])


def known_centers(con) -> list[str]:
    """The codes of the warehouse's centers (the centers view: its centers file's, or the one implicit center)."""
    return [code for (code,) in con.execute("select center from centers order by center").fetchall()]


def resolve_center(con, requested: str | None, file_name: str = "") -> str:
    """The center a file's rows belong to: the one asked for, which must be known, or the warehouse's only one."""
    known = known_centers(con)
    where = f"{file_name}: " if file_name else ""
    if requested is None:
        if len(known) == 1:
            return known[0]
        raise LoadRefused(f"{where}the warehouse knows {len(known)} centers ({', '.join(known) or 'none'}); "
                          "say which one the file is for with --center CODE")
    if requested not in known:
        raise LoadRefused(f"{where}unknown center {requested!r}; the known centers are: {', '.join(known) or 'none'} "
                          "(a centers file, python -m etl template centers, adds one)")
    return requested


def quiet_center(con, requested: str | None) -> str | None:
    """resolve_center, or None when it would refuse (to look for a duplicate before the file is read)."""
    try:
        return resolve_center(con, requested)
    except LoadRefused:
        return None


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def load_file(con: duckdb.DuckDBPyConnection, path: Path, buyer_key: bytes, forced_format: str | None = None,
              sha: str | Future | None = None, scratch: Path | None = None,
              shape: Future | None = None, center: str | None = None) -> LoadResult:
    """Load one file; every outcome is returned, none raised, and a failure leaves the warehouse as it was.

    `sha` is the file's SHA-256 when the caller has it, or a Future of it being computed in another thread
    (hashing costs a second a gigabyte): then the file is staged meanwhile and checked against the files
    already loaded before anything is written. A CSV in another encoding is transcoded into the folder
    `scratch` (default: the system's temp folder). `shape` is the Future of publish.FileScan's count of the
    file's lines and quotes (readers.Shape), when the caller scans the file; else it is scanned here.
    `center` is the center a channel's file is loaded for (None: the warehouse's only one); a reference file
    (product master, centers) is network-wide.
    """
    path = Path(path)
    result = LoadResult(file=path.name, status="failed")
    started = now()
    pending = isinstance(sha, Future)
    if not pending:
        sha = sha or file_sha256(path)
        if duplicate_of(con, sha, result, quiet_center(con, center)):
            return result
    source, load_id, one_pass, requested = None, None, None, center
    center = None
    try:
        source = readers.open_source(path, scratch)
        source.shape = shape
        matched = detect(path.name, source.head, forced_format)
        result.format = matched.format.name
        center = resolve_center(con, requested, path.name) if matched.format.centered else None
        exported_at = export_time(path, started)
        prepare(con, buyer_key, started)
        # a clean CSV of a one-pass format is read straight into its table, inside the file's transaction;
        # any other file (or one with a bad row) is staged outside it and checked row by row
        if matched.format.one_pass and source.kind == "csv":
            load_id = scalar(con, "select nextval('load_id_seq')")
            one_pass = load_one_pass(con, source, matched, load_id, center)
        malformed = [] if one_pass else stage(con, source, matched)
        if pending:
            sha = sha.result()
            if duplicate_of(con, sha, result, center):
                if one_pass:
                    con.rollback()
                    undo_early_commit(con, matched.format, load_id)
                return result
        publish.pause_point("staged")
        if reapplied(con, sha, center):
            # the same content again, after later loads replaced some of its rows: applied again, as the newest
            exported_at = started
            result.notices.append("loaded again: later loads had replaced some of its rows; it is applied as the newest export")
        if not one_pass:
            con.begin()
        load_matched(con, source, matched, result, sha, started, exported_at, malformed, load_id, one_pass, center)
        publish.pause_point("in_transaction")
        con.commit()
    except Exception as exc:
        with contextlib.suppress(duckdb.TransactionException):
            con.rollback()
        if load_id is not None:   # a one-pass load (the only kind with a load id this early) may have committed some
            undo_early_commit(con, matched.format, load_id)
        refused = isinstance(exc, (FormatError, readers.ReadError, LoadRefused))
        result.status = "refused" if refused else "failed"
        result.message = str(exc) if refused else f"{path.name}: {type(exc).__name__}: {exc}"
        result.rows_loaded = result.rows_rejected = result.rows_superseded = result.rows_replaced = 0
        result.amounts = None
        log_outcome(con, result, known_sha(sha), started, load_id, center)
    finally:
        drop_temp(con)
        if source is not None:
            source.close()
    return result


FUTURE_SLACK = dt.timedelta(days=1)   # Beijing time runs ahead of this computer's clock when it is on UTC


def prepare(con, buyer_key: bytes, started: dt.datetime) -> None:
    """The parsers, the keyed-hash pads, the default store and the latest believable date of a sale, in this connection."""
    warehouse.load_parsers(con)
    con.execute(f"create or replace temp table {temps.HMAC_PADS} as select ?::blob as ipad, ?::blob as opad",
                list(hmac_pads(buyer_key)))
    con.execute(f"create or replace temp macro tpc_default_store() as {sql_literal(config.DEFAULT_STORE)}")
    latest = (started + FUTURE_SLACK).strftime("%Y-%m-%d %H:%M:%S")
    con.execute(f"create or replace temp macro tpc_after_load(t) as t > timestamp '{latest}'")
    con.execute(f"create or replace temp table {temps.CITIES} as select * from read_csv(?, header = true, all_varchar = true)",
                [str(config.CITIES_FILE)])


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_one_pass(con, source, matched: Match, load_id: int, center: str | None) -> tuple | None:
    """Read a CSV of a one-pass format straight into its table, in a transaction left open; returns the file's
    totals as read ((rows, amount), rejected amount), or None when the file must be staged instead.

    A row that any rule rejects is not raised on but routed (routed_select): it is inserted with its problems
    written into its key column, then recorded in rejects by row, column and reason and deleted, so a file with a
    handful of bad values costs no second read. So is a line with too many or too few fields (an unquoted 12,34),
    which the reader skips and records (readers.unreadable_lines). Any other row the reader cannot take apart,
    lines the parse joined (the file's shape), text its parser would have changed, a key repeated within the
    file: the transaction is rolled back and None sends the file to staging, which names each of them.
    """
    fmt = matched.format
    text_path = source.utf8_path()
    as_written = stored_as_written(con, source, matched)
    key = routed_field(matched)
    query = (f"with src as (select * from {readers.csv_source(matched.header_row, len(matched.header))}), "
             f"{temps.TYPED} as ({routed_select(matched, as_written, marked_money(con, source, matched))}) "
             f"{insert_sql(fmt, load_id, center)}")
    with readers.scanning_shape(source) as shape:
        con.begin()
        try:
            readers.clear_reader_rejects(con)
            con.execute(query, [str(text_path)])
            inserted = scalar(con, f"select count(*) from {fmt.table} where load_id = ?", [load_id])
            unreadable = readers.unreadable_lines(con, len(matched.header))
            clean = (not source.foreign_lines and unreadable is not None
                     and readers.shape_holds(shape.result(), matched.header_row, inserted + len(unreadable or ()))
                     and not scalar(con, plain_check(fmt, as_written, key), [load_id])
                     and not (fmt.dedupe and scalar(con, repeated_keys(fmt, key), [load_id])))
            totals = routed_rejects(con, fmt, key, load_id, matched.header_row, unreadable) if clean else None
        except duckdb.Error:
            clean = False
        if not clean:
            con.rollback()
            undo_early_commit(con, fmt, load_id)   # in case routed_rejects had committed when it failed
    return totals if clean else None


ROUTED = "\x01"   # begins the key of a row routed out of a one-pass load: no order number can (tpc_order_id)
PROBLEMS = '[{"c": "VARCHAR", "r": "VARCHAR", "d": "VARCHAR"}]'
DUMMIES = {"money": "0", "qty": "0", "int": "0", "timestamp": "timestamp '2000-01-01'", "date": "date '2000-01-01'"}


def routed_field(matched: Match) -> str:
    """The key column a routed row's problems are written into: the first required field, a text one."""
    return next(f.name for f in matched.format.fields if f.required_value and f.name in matched.columns)


def routed_select(matched: Match, as_written: frozenset, marked: frozenset = frozenset()) -> str:
    """typed_select, with each row that a reject rule catches routed: its key column holds ROUTED and its problems
    as JSON [{c: column, r: reason, d: value}], and a missing value of a column the table requires a stand-in
    (the row is deleted once its problems are recorded; its amounts, where readable, count as read and rejected).

    Whether a row is bad is computed once (inner query); the problems only for the rows that have some."""
    fmt, key = matched.format, routed_field(matched)
    rules = reject_rules(matched)
    bad = " or ".join(f"coalesce({condition}, false)" for _, _, condition, _ in rules) or "false"
    problems = ", ".join(
        f"case when coalesce({condition}, false) then [{{'c': {sql_literal(header)}, 'r': '{code}', "
        f"'d': cast({value} as varchar)}}] else [] end"
        for header, code, condition, value in rules) or "[]"
    stand_ins = [f"case when _routed then coalesce({f.name}, {DUMMIES[f.kind]}) else {f.name} end as {f.name}"
                 for f in fmt.fields if f.kind in DUMMIES and f.name != key]
    stand_ins += [f"case when _routed then coalesce({f.name}, '') else {f.name} end as {f.name}"
                  for f in fmt.fields if f.kind == "text" and f.required_value and f.name != key]
    marker = f"case when _routed then '{ROUTED}' || to_json(flatten([{problems}])) else {key} end as {key}"
    return (f"select cast(null as bigint) as _row, * exclude (_routed) replace ({', '.join([marker, *stand_ins])}) "
            f"from (select *, ({bad}) as _routed from ({typed_select(matched, False, as_written, marked)}))")


def routed_rejects(con, fmt: Format, key: str, load_id: int, header_row: int, unreadable: list[tuple]) -> tuple:
    """Record the rows a one-pass load routed out and the lines its reader skipped, delete the routed rows, and
    return ((rows read, amount read), rejected amount); a skipped line counts as read, with no amount.

    A routed row's number is its place among the load's rows (the file's shape having shown one row per line),
    plus the skipped lines before it: the k-th row read follows each skipped line whose threshold
    (its line, less the lines above it, less the skipped lines before it) is k or less."""
    routed = f"starts_with(t.{key}, '{ROUTED}')"
    totals = first_row(con, f"""
        select count(*), {sum_of(fmt)}, cast(sum({fmt.amount or 'null'}) filter (where {routed}) as decimal(38, 2)),
               count(*) filter (where {routed}), min(rowid)
        from {fmt.table} as t where load_id = ?""", [load_id])
    record_malformed(con, load_id, unreadable)
    if totals[3]:
        thresholds = [line - header_row - 1 - before for before, (line, *_) in enumerate(unreadable)]
        con.execute(f"""
            insert into rejects
            select ?, k + {header_row + 1} + len(list_filter(?::bigint[], lambda x: x <= k)), p.c, p.r, p.d
            from (select rowid - ? as k, unnest(from_json(t.{key}[2:], '{PROBLEMS}')) as p
                  from {fmt.table} as t where load_id = ? and {routed})""", [load_id, thresholds, totals[4], load_id])
        # deleted in a transaction of their own: deleting rows in the transaction that inserted them makes DuckDB
        # rewrite the rows at commit (nine seconds at ten million lines). The rows committed here are the load's
        # until it commits: every way the load can end without committing removes them (undo_early_commit).
        con.commit()
        con.begin()
        con.execute(f"delete from {fmt.table} as t where load_id = ? and {routed}", [load_id])
    return (totals[0] + len(unreadable), totals[1]), totals[2]


def undo_early_commit(con, fmt: Format, load_id: int | None) -> None:
    """Remove what a one-pass load committed before the rest of it (its rows and rejects, see routed_rejects),
    when the load ends without committing: a duplicate after all, or a failure. Nothing else has its load id.
    If even this fails, the run must fail: raising here stops the batch before its working copy is published."""
    if load_id is None:
        return
    con.execute(f"delete from {fmt.table} where load_id = ?", [load_id])
    con.execute("delete from rejects where load_id = ?", [load_id])


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
    plain = []
    for fld in candidates:
        values = head_values(source, matched, fld.name)
        if not values or scalar(con, f"select bool_and({PLAIN[fld.kind].format('v')}) from unnest(?) as t(v)", [values]):
            plain.append(fld.name)
    return frozenset(plain)


def head_values(source, matched: Match, name: str) -> list[str]:
    """The field's non-empty values in the file's first rows (what decides how the one pass reads the field)."""
    index = matched.columns[name]
    return [row[index] for row in source.head[matched.header_row:]
            if any(row) and len(row) > index and row[index] not in (None, "")]


def marked_money(con, source, matched: Match) -> frozenset:
    """The money fields whose values in the file's first rows are all written with ¥, 元 or thousands, none plainly
    (Tmall's 2021 reports write every amount '128.00元'): parsed marked spelling first, one regular expression a cell."""
    marked = []
    for fld in matched.format.fields:
        if fld.kind != "money" or fld.name not in matched.columns:
            continue
        values = head_values(source, matched, fld.name)
        if values and scalar(con, "select bool_and(not tpc_money_plain(v) and tpc_money_marked(v)) from unnest(?) as t(v)",
                             [values]):
            marked.append(fld.name)
    return frozenset(marked)


def repeated_keys(fmt: Format, key: str) -> str:
    """How many of the load's rows repeat a group key another of its rows has (a one-pass load's dedupe); the rows
    routed out (their key column holds ROUTED) are not rows of the load."""
    keys = ", ".join(fmt.group_key)
    return (f"select count(*) - count(distinct ({keys})) from {fmt.table} as t "
            f"where load_id = ? and not starts_with(t.{key}, '{ROUTED}')")


def plain_check(fmt: Format, as_written: frozenset, key: str) -> str:
    """Count the load's rows holding a value read as written that its parser would have changed or refused
    (a space or an invisible character at either end, Excel's guard, an order number needing the tolerant
    parser) or that is too long to be a value; the rows routed out are rejected already."""
    changed = " or ".join(f"({f.name} is not null and (not {PLAIN[f.kind].format(f.name)} or length({f.name}) > {MAX_CELL}))"
                          for f in fmt.fields if f.name in as_written) or "false"
    return f"select count(*) from {fmt.table} as t where load_id = ? and not starts_with(t.{key}, '{ROUTED}') and ({changed})"


def stage(con, source, matched: Match) -> list[tuple[int, str, str | None, str]]:
    """The file's rows parsed into the scratch table temps.STAGED; returns the rows that could not be read
    as (row, reason, column, detail)."""
    marked = marked_money(con, source, matched)
    return readers.stage(con, source, matched.header_row, matched.header,
                         lambda with_row: typed_select(matched, with_row, marked=marked))


def load_matched(con, source, matched: Match, result: LoadResult, sha, started, exported_at, malformed,
                 load_id: int | None, one_pass: tuple | None, center: str | None) -> None:
    """The body of one load, inside the caller's transaction (where a one-pass load has inserted its rows):
    rejects, insert, settle against other loads, the overflow guard, and the reconciliation of what was read
    with what landed, was rejected and was superseded (rows and RMB), which must balance or the load fails."""
    fmt = matched.format
    load_id = load_id if load_id is not None else scalar(con, "select nextval('load_id_seq')")
    result.load_id = load_id
    con.execute(
        "insert into loads (load_id, file_name, sha256, format, channel, center, exported_at, status, started_at) "
        "values (?, ?, ?, ?, ?, ?, ?, 'loaded', ?)",
        [load_id, source.path.name, sha, fmt.name, fmt.channel, center, exported_at, started])
    if one_pass:
        # a one-pass load read the rows it inserted, the routed ones among them (any other row would have sent it
        # to staging); their rejects are recorded already
        read, rejected_amount = one_pass
    else:
        record_malformed(con, load_id, malformed)
        record_rejects(con, load_id, matched)
        if fmt.dedupe:
            record_duplicates(con, load_id, fmt)
        read, rejected_amount = staged_totals(con, fmt, load_id, len({row for row, *_ in malformed}))
        keep_good_rows(con, load_id)
        con.execute(insert_sql(fmt, load_id, center))
    settled = settle(con, fmt, load_id)
    check_overflow(con, fmt, source.path.name)
    check_lookups(con, source.path.name)
    rejected = scalar(con, "select count(distinct row_no) from rejects where load_id = ?", [load_id])
    loaded = first_row(con, f"select count(*), {sum_of(fmt)} from {fmt.table} as t where load_id = ?", [load_id])
    result.status = "loaded"
    result.rows_read, result.rows_rejected, result.rows_loaded = read[0], rejected, loaded[0]
    result.rows_superseded, result.rows_replaced = settled.superseded, settled.replaced
    if fmt.amount:
        result.amounts = {"read": read[1] or 0, "loaded": loaded[1] or 0, "rejected": rejected_amount or 0,
                          "superseded": settled.amount_superseded, "replaced": settled.amount_replaced}
    reconcile(result)
    if fmt.notices:
        result.notices += [line for (line,) in con.execute(fmt.notices, [load_id]).fetchall()]
    result.rejects = con.execute(
        "select row_no, column_name, reason from rejects where load_id = ? order by row_no, column_name limit 20", [load_id]).fetchall()
    amounts = result.amounts or {}
    con.execute(
        "update loads set rows_read = ?, rows_loaded = ?, rows_rejected = ?, rows_superseded = ?, rows_replaced = ?, "
        "amount_read = ?, amount_loaded = ?, amount_rejected = ?, amount_superseded = ?, amount_replaced = ?, "
        "finished_at = ? where load_id = ?",
        [result.rows_read, result.rows_loaded, rejected, result.rows_superseded, result.rows_replaced,
         amounts.get("read"), amounts.get("loaded"), amounts.get("rejected"), amounts.get("superseded"),
         amounts.get("replaced"), now(), load_id])


def sum_of(fmt: Format) -> str:
    """SQL of the sum of the format's amount over rows `t` (NULL for a format without amounts)."""
    return f"cast(sum({fmt.amount}) as decimal(38, 2))" if fmt.amount else "cast(null as decimal(38, 2))"


def staged_totals(con, fmt: Format, load_id: int, unreadable: int) -> tuple[tuple[int, object], object]:
    """((rows read, amount read), amount rejected) of a staged file: every staged row through the format's own
    load query (so returns are counted negative, as they load), plus the rows that could not be read at all."""
    con.execute(f"create or replace temp view {temps.TYPED} as select * from {temps.TYPED_ALL}")
    totals = first_row(con, f"""
        select count(*), {sum_of(fmt)},
               cast(sum({fmt.amount or 'null'}) filter (where t._row in (select row_no from rejects where load_id = ?))
                    as decimal(38, 2))
        from ({finish_sql(fmt)}) as t""", [load_id])
    return (totals[0] + unreadable, totals[1]), totals[2]


def reconcile(result: LoadResult) -> None:
    """read = loaded + rejected + superseded, in rows and in RMB, or the load fails (nothing of it is kept)."""
    rows_balance = result.rows_loaded + result.rows_rejected + result.rows_superseded
    problems = []
    if result.rows_read != rows_balance:
        problems.append(f"{result.rows_read:,} rows read but {result.rows_loaded:,} loaded + {result.rows_rejected:,} "
                        f"rejected + {result.rows_superseded:,} superseded = {rows_balance:,}")
    if result.amounts:
        a = result.amounts
        balance = a["loaded"] + a["rejected"] + a["superseded"]
        if a["read"] != balance:
            problems.append(f"{a['read']:,.2f} RMB read but {a['loaded']:,.2f} loaded + {a['rejected']:,.2f} rejected + "
                            f"{a['superseded']:,.2f} superseded = {balance:,.2f}")
    if problems:
        raise ReconciliationError(f"{result.file}: the load does not balance: {'; '.join(problems)}")


MAX_TABLE_AMOUNT = 10 ** 15   # RMB: the sum of every amount of a table, so that no total in the marts can overflow


def check_lookups(con, file_name: str) -> None:
    """A sale joins the master through product_codes only, so a code meaning two products would count it twice:
    fail the load if product_codes is not one row per code (it is built so; this guards the build)."""
    repeated = scalar(con, "select count(*) - count(distinct code) from product_codes")
    if repeated:
        raise ReconciliationError(f"{file_name}: {repeated} product codes would each match more than one product, "
                                  "so their sales would count more than once; nothing of this file was loaded")


def check_overflow(con, fmt: Format, file_name: str) -> None:
    """Refuse a file whose amounts would take the warehouse's totals past what DECIMAL(18,2) holds."""
    if not fmt.amount:
        return
    total = scalar(con, f"select sum(abs({fmt.amount})) from {fmt.table} as t")
    if total is not None and total >= MAX_TABLE_AMOUNT:
        raise LoadRefused(f"{file_name}: refused: its amounts would bring the {fmt.label} total to {total:,.2f} RMB, "
                          f"past the {MAX_TABLE_AMOUNT:,} RMB the warehouse's sums are checked against; "
                          "check the file's amounts (a line of billions is a typo)")


def keep_good_rows(con, load_id: int) -> None:
    """The view `typed` that the load queries read: every staged row that was not rejected."""
    if scalar(con, "select count(*) from rejects where load_id = ?", [load_id]):
        con.execute(f"create or replace temp view {temps.TYPED} as select * from {temps.TYPED_ALL} "
                    f"where _row not in (select row_no from rejects where load_id = {int(load_id)})")
    else:
        con.execute(f"create or replace temp view {temps.TYPED} as select * from {temps.TYPED_ALL}")


PARSERS = {
    "text": "tpc_text({})",
    "money": "tpc_money({})",
    "qty": "tpc_qty({})",
    "int": "tpc_int({})",
    "timestamp": "tpc_timestamp({})",
    "date": "tpc_date({})",
    "order_id": "tpc_order_id({})",
}


def typed_select(matched: Match, with_row: bool, as_written: frozenset = frozenset(), marked: frozenset = frozenset()) -> str:
    """The query over `src` (text columns c0..) that parses each field (NULL where the file lacks it), keeps
    the text of a value that did not parse in <field>__bad (for the reject), and adds derived fields.

    Every value is read as text: DuckDB's own DECIMAL and TIMESTAMP reading rounds 0.005 to 0.01, takes 1e3
    and cuts off a time zone, so the strict parsers of parsers.sql do it. as_written are text and
    order-number fields taken as the file writes them, to be checked once stored (see plain_check); marked are
    money fields the file writes with ¥, 元 or thousands (marked_money), parsed the same, marked spelling first.
    Each value is parsed once (inner query); the outer one only compares.
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
        parser = "tpc_money_marked_first({})" if fld.name in marked else PARSERS[fld.kind]
        inner.append(f"{parser.format(column)} as {fld.name}")
        if fld.personal or fld.kind == "text":
            continue
        # the cell as written, passed through untouched; only a value that did not parse is made text
        inner.append(f"{column} as {fld.name}__text")
        scratch.append(f"{fld.name}__text")
        outer.append(f"case when {fld.name} is null then left(nullif(trim(cast({fld.name}__text as varchar)), ''), 80) end "
                     f"as {fld.name}__bad")
    outer += [f"{sql} as {name}" for name, sql in matched.format.derived]
    keep = f"* exclude ({', '.join(scratch)})" if scratch else "*"
    return f"select {', '.join([keep] + outer)} from (select {', '.join(inner)} from src)"


def record_malformed(con, load_id: int, malformed: list[tuple[int, str, str | None, str]]) -> None:
    """Rows the reader could not take apart: (row, reason code, column or None, what was wrong)."""
    if malformed:
        assert all(reason in REASONS for _, reason, _, _ in malformed)
        con.executemany("insert into rejects values (?, ?, ?, ?, ?)",
                        [[load_id, row, column, reason, detail] for row, reason, column, detail in malformed])


MANGLED = r"regexp_full_match({}, '\d+(\.\d+)?[Ee]\+?\d+')"


MAX_CELL = 131_072        # characters; a longer cell is no value of an export (and Python's csv module's own limit)
MAX_AMOUNT = 10 ** 12     # RMB; one line of a trillion is a typo or an attack, and sums must stay in DECIMAL(18,2)


def reject_rules(matched: Match) -> list[tuple[str, str, str, str]]:
    """Every way a typed row is rejected, as (column header, reason, SQL condition, SQL of the value to show):
    a value missing where required, not a value of its kind (or not exact to the fen), implausibly large,
    dated after the load, a cell too long to be a value, or failing one of the format's checks."""
    rules = []
    for fld in matched.format.fields:
        if fld.name in matched.columns:
            own = field_rules(fld, matched.header_of(fld.name))
            if fld.only_when:   # a value used only sometimes (a won lead's deal) is checked only then
                own = [(h, code, f"({fld.only_when}) and ({condition})", value) for h, code, condition, value in own]
            rules += own
    for field_name, condition, code in matched.format.checks:
        header = matched.header_of(field_name) if field_name in matched.columns else field_name
        rules.append((header, code, condition, f"left(cast({field_name} as varchar), 80)"))
    return rules


def field_rules(fld, header: str) -> list[tuple[str, str, str, str]]:
    """The reject rules of one field: missing where required, not a value of its kind, implausible, in the future,
    too long."""
    rules = []
    checked = fld.kind != "text" and not fld.personal
    if fld.required_value:
        missing = f"{fld.name} is null" + (f" and {fld.name}__bad is null" if checked else "")
        rules.append((header, "missing_value", missing, "null"))
    if fld.kind in ("text", "order_id"):
        shown = "null" if fld.personal else f"left({fld.name}, 80)"
        rules.append((header, "field_too_long", f"length({fld.name}) > {MAX_CELL}", shown))
    if checked:
        bad = f"{fld.name}__bad"
        # which way a value is bad is asked only of the bad ones: written as CASE, not AND, since DuckDB computes
        # both sides of an AND in a projection for every row (a sixth of the one-pass read at a million lines)
        if fld.kind == "order_id":
            rules.append((header, "excel_mangled_id", f"case when {bad} is not null then {MANGLED.format(bad)} else false end", bad))
            rules.append((header, "bad_order_id", f"case when {bad} is not null then not {MANGLED.format(bad)} else false end", bad))
        elif fld.kind == "money":
            rules.append((header, "money_not_exact", f"case when {bad} is not null then tpc_money_inexact({bad}) else false end", bad))
            rules.append((header, "bad_money", f"case when {bad} is not null then not tpc_money_inexact({bad}) else false end", bad))
            rules.append((header, "implausible_amount", f"abs({fld.name}) >= {MAX_AMOUNT}", f"cast({fld.name} as varchar)"))
        else:
            rules.append((header, f"bad_{fld.kind}", f"{bad} is not null", bad))
    if fld.not_after_load:
        rules.append((header, "future_date", f"tpc_after_load({fld.name})", f"cast({fld.name} as varchar)"))
    return rules


def record_rejects(con, load_id: int, matched: Match) -> None:
    """One reject per bad value (see reject_rules)."""
    for header, code, condition, value_sql in reject_rules(matched):
        insert_rejects(con, load_id, header, code, condition, value_sql)


def insert_rejects(con, load_id: int, header: str, code: str, condition: str, value_sql: str) -> None:
    assert code in REASONS, code
    con.execute(
        f"insert into rejects select ?, _row, ?, ?, {value_sql} from {temps.TYPED_ALL} where {condition}",
        [load_id, header, code])


def finish_sql(fmt: Format) -> str:
    """The format's load query (etl/sql/load/<format>.sql, else its stored fields as typed); it reads temps.TYPED,
    from which bad rows are gone."""
    own = config.SQL_DIR / "load" / f"{fmt.name}.sql"
    return temps.render(own.read_text(encoding="utf-8") if own.exists() else default_load_sql(fmt))


def record_duplicates(con, load_id: int, fmt: Format) -> None:
    """A group key repeated inside one file: the first row stands, the repeats are rejected."""
    key = ", ".join(fmt.group_key)
    con.execute(
        f"""insert into rejects
        select ?, _row, ?, 'duplicate_row', 'same as row ' || first_row
        from (select _row, min(_row) over (partition by {key}) as first_row from {temps.TYPED_ALL}
              where _row not in (select row_no from rejects where load_id = ?))
        where _row <> first_row""", [load_id, "/".join(fmt.group_key), load_id])


def insert_sql(fmt: Format, load_id: int, center: str | None = None) -> str:
    """Insert the file's rows (the format's load query over temps.TYPED) into its table, with their load and, for a
    channel's file, their center (a known code: resolve_center)."""
    owner = f", {sql_literal(center)} as center" if fmt.centered else ""
    return (f"insert into {fmt.table} by name select * exclude (_row), {int(load_id)} as load_id{owner} "
            f"from ({finish_sql(fmt)})")


@dataclass
class Settled:
    """What settling a load against the others did: its own rows that lost (superseded), others' rows it replaced."""

    superseded: int = 0
    replaced: int = 0
    amount_superseded: object = 0
    amount_replaced: object = 0


def settle(con, fmt: Format, load_id: int) -> Settled:
    """Settle each group key (receipt, order, lead, product) that the new rows share with another load: the
    version with the highest precedence (the format's; by default the newer export) stands, the others go.

    Every row that goes is counted: the new load's own as superseded, an earlier load's as replaced (in
    `replacements` and that load's rows_replaced_later). Only rows whose first key falls in the file's key range
    are compared, so loading disjoint exports costs no comparison at all.
    """
    table, keys = fmt.table, natural_key(fmt)
    if not scalar(con, f"select count(*) from {table} where load_id = ?", [load_id]):
        return Settled()
    low, high = first_row(con, f"select min({keys[0]}), max({keys[0]}) from {table} where load_id = ?", [load_id])
    same_key = " and ".join(f"n.{k} = t.{k}" for k in keys)
    key_list = ", ".join(keys)
    con.execute(
        f"""create or replace temp table {temps.SETTLE_KEYS} as
        select distinct {', '.join(f't.{k}' for k in keys)} from {table} as t
        where t.load_id <> ? and t.{keys[0]} between ? and ?
          and exists (select 1 from {table} as n where n.load_id = ? and {same_key})""", [load_id, low, high, load_id])
    if not scalar(con, f"select count(*) from {temps.SETTLE_KEYS}"):
        return Settled()
    floors = "".join(f", max(t.{c}) as {c}" for c in fmt.never_shrinks)
    con.execute(
        f"""create or replace temp table {temps.SETTLE_VERSIONS} as
        select {', '.join(f't.{k}' for k in keys)}, t.load_id, max({fmt.precedence}) as precedence{floors}
        from {table} as t join loads as l on l.load_id = t.load_id join {temps.SETTLE_KEYS} as k on {' and '.join(f'k.{k} = t.{k}' for k in keys)}
        group by all""")
    con.execute(
        f"""create or replace temp table {temps.SETTLE_LOSERS} as
        select {key_list}, load_id from {temps.SETTLE_VERSIONS}
        qualify row_number() over (partition by {key_list} order by precedence desc, load_id desc) > 1""")
    in_losers = " and ".join(f"c.{k} = t.{k}" for k in keys)
    gone = con.execute(
        f"""select t.load_id, count(*), {sum_of(fmt)} from {table} as t
        where exists (select 1 from {temps.SETTLE_LOSERS} as c where c.load_id = t.load_id and {in_losers})
        group by 1 order by 1""").fetchall()
    con.execute(f"delete from {table} as t where exists "
                f"(select 1 from {temps.SETTLE_LOSERS} as c where c.load_id = t.load_id and {in_losers})")
    for column in fmt.never_shrinks:
        con.execute(
            f"""update {table} as t set {column} = f.{column}
            from (select {key_list}, max({column}) as {column} from {temps.SETTLE_VERSIONS} group by all) as f
            where {' and '.join(f'f.{k} = t.{k}' for k in keys)} and f.{column} > t.{column}""")
    settled = Settled()
    for lost_load, count, amount in gone:
        if lost_load == load_id:
            settled.superseded, settled.amount_superseded = count, amount or 0
        else:
            settled.replaced += count
            settled.amount_replaced += amount or 0
            con.execute("insert into replacements values (?, ?, ?, ?)", [load_id, lost_load, count, amount])
            con.execute("update loads set rows_replaced_later = rows_replaced_later + ? where load_id = ?",
                        [count, lost_load])
    return settled


def natural_key(fmt: Format) -> tuple[str, ...]:
    """The key a newer export replaces by: the format's group key, within its center for a channel's rows (the same
    receipt loaded for two centers is two receipts). The group key's first column stays first (settle's range)."""
    return (*fmt.group_key, "center") if fmt.centered else fmt.group_key


def drop_temp(con) -> None:
    for view in temps.TEMP_VIEWS:
        con.execute(f"drop view if exists temp.{view}")
    for table in temps.TEMP_TABLES:
        con.execute(f"drop table if exists temp.{table}")
    con.execute(f"drop table if exists {temps.STAGED}")
