"""Read an export file (CSV in any of the encodings the channels write, or XLSX) into a staging table of text."""
from __future__ import annotations

import codecs
import concurrent.futures
import contextlib
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl import publish, temps, transcode
from etl.warehouse import scalar

HEAD_ROWS = 12            # a header may sit below a few title rows
SNIFF_BYTES = 1 << 20
CHUNK = 16 << 20
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
MAX_FILE_BYTES = 2 << 30        # the upload limit; TPC_MAX_FILE_MB overrides it
# a workbook is a zip of XML: refuse one that would unpack to more than this, or whose parts are packed
# far tighter than any real sheet (a zip bomb), before anything parses it
MAX_XLSX_UNPACKED_BYTES = 4 << 30
MAX_XLSX_RATIO = 200            # real sheets pack 5-30 to 1; zeros pack about 1000 to 1
RATIO_CHECKED_FROM = 1 << 20    # tiny parts (styles, rels) may pack tightly and do no harm
MAX_XLSX_PARTS = 10_000
XML_FORBIDDEN = (b"<!doctype", b"<!entity")   # no DTD, so no entity expansion (billion laughs, external files)


class ReadError(ValueError):
    """A file that cannot be read as text rows at all (binary, wrong encoding, broken workbook)."""


@dataclass
class Source:
    """A file opened for staging: its first rows for format detection and how to read the rest."""

    path: Path
    kind: str                  # 'csv' or 'xlsx'
    encoding: str | None       # for csv: the text encoding found
    head: list[list[str]]      # the first rows, as text
    rows: list[list[str]] | None = None  # xlsx: every row, as text
    text_copy: Path | None = None        # csv not in UTF-8: the transcoded copy DuckDB reads
    scratch: Path | None = None          # the folder for that copy (default: the system's temp folder)
    shape: concurrent.futures.Future | None = None   # the file's Shape (publish.FileScan, if run)
    foreign_lines: frozenset = frozenset()  # a GBK file's lines written in UTF-8 (found while transcoding)

    def utf8_path(self) -> Path:
        """The CSV as UTF-8 for DuckDB's reader: the file itself, or a transcoded copy made once."""
        if self.encoding in ("utf-8", "utf-8-sig"):
            return self.path
        if self.text_copy is None:
            self.text_copy, self.foreign_lines = utf8_copy(self)
        return self.text_copy

    def close(self) -> None:
        """Remove the transcoded copy, if one was made."""
        if self.text_copy is not None:
            self.text_copy.unlink(missing_ok=True)
            self.text_copy = None


def max_file_bytes() -> int:
    """The upload limit in bytes: TPC_MAX_FILE_MB when set, else MAX_FILE_BYTES."""
    override = os.environ.get("TPC_MAX_FILE_MB", "").strip()
    return int(float(override) * (1 << 20)) if override else MAX_FILE_BYTES


def check_size(path: Path) -> None:
    size, limit = path.stat().st_size, max_file_bytes()
    if size > limit:
        raise ReadError(f"{path.name}: {size:,} bytes is over the upload limit of {limit:,} bytes; "
                        "split the export by date range")


def open_source(path: Path, scratch: Path | None = None) -> Source:
    """Open a file and read enough to detect its format (a transcoded copy, if needed later, goes in scratch)."""
    check_size(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        check_workbook(path)
        rows = read_xlsx_rows(path)
        return Source(path, "xlsx", None, rows[:HEAD_ROWS], rows)
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old binary .xls workbooks are not read; save it as .xlsx or CSV")
    encoding = sniff_encoding(path)
    return Source(path, "csv", encoding, csv_head(path, encoding), scratch=scratch)


def sniff_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK) for mainland exports."""
    with path.open("rb") as fh:
        sample = fh.read(SNIFF_BYTES)
    if not sample.strip():
        raise ReadError(f"{path.name}: the file is empty")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise ReadError(f"{path.name}: binary data, not a CSV text file (NUL bytes near the start)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    whole_lines = sample[:sample.rfind(b"\n") + 1]
    if whole_lines and transcode.decodes(whole_lines, "gb18030") and not len(
            transcode.utf8_candidates(whole_lines, transcode.line_bounds(whole_lines)[0])):
        return "gb18030"   # GBK throughout, no line that could be UTF-8 (as good as always): no need to count lines
    if mostly_utf8(sample):
        return "utf-8"     # a UTF-8 file with a few lines in another encoding: those lines are rejected by number
    if gb18030_but_utf8_lines(sample):
        return "gb18030"   # a GBK file with a few rows pasted in UTF-8: those rows are rejected by number
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: not text in UTF-8 or GBK/GB18030 (byte {exc.start}); "
                        "save it again as UTF-8 or GBK") from None


def line_encodings(sample: bytes) -> dict[str | None, int]:
    """How many of the sample's lines with non-ASCII text (the last, maybe cut, aside) are UTF-8, else GB18030,
    else neither (None)."""
    counts: dict[str | None, int] = {"utf-8": 0, "gb18030": 0, None: 0}
    for line in sample.split(b"\n")[:-1]:
        if not line.isascii():
            counts[next((e for e in ("utf-8", "gb18030") if transcode.decodes(line, e)), None)] += 1
    return counts


def mostly_utf8(sample: bytes) -> bool:
    """Whether more of the sample's non-ASCII lines are UTF-8 than are not."""
    counts = line_encodings(sample)
    return counts["utf-8"] > counts["gb18030"] + counts[None]


def gb18030_but_utf8_lines(sample: bytes) -> bool:
    """Whether the sample is GB18030 text but for a few lines (UTF-8 pasted in, or a stray byte): most of its
    non-ASCII lines are GB18030, and fewer than one in fifty are text in neither encoding (else it is no GBK file)."""
    counts = line_encodings(sample)
    gbk, odd = counts["gb18030"], counts["utf-8"] + counts[None]
    return gbk > counts["utf-8"] and 0 < odd and counts[None] * 50 < gbk + odd


def csv_head(path: Path, encoding: str) -> list[list[str]]:
    """The first rows of a CSV file."""
    with path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        head = []
        for row in reader:
            head.append(row)
            if len(head) >= HEAD_ROWS:
                break
    return head


def stage(con: duckdb.DuckDBPyConnection, source: Source, header_row: int, header: list[str], select) -> list[tuple]:
    """Create the table temps.STAGED from the rows below the header, through the query `select(with_row)` over `src`.

    `src` has text columns c0..c{width-1} (and `_row` when with_row); the query types them. The table is created in
    the warehouse being loaded (not as a temp table) so a large file is written out compressed as it
    is read instead of being held in memory. Afterwards the temp view temps.TYPED_ALL adds `_row`, the row number
    a spreadsheet shows (the header's own row counts). Returns the rows that could not be read, as
    (row, reason code, column or None, detail); they are not staged.

    DuckDB's parallel reader stages the file when the file's shape agrees with what it read (as many records
    as the file has non-blank lines, quotes balanced); otherwise the exact reader does, which finds each row
    that is broken and reads every other one.
    """
    width = len(header)
    if source.kind == "xlsx":
        stage_rows(con, source.rows[header_row:], header_row + 1, width, select)
        return []
    text_path = source.utf8_path()
    with scanning_shape(source) as shape:
        staged = False
        if not source.foreign_lines:
            try:
                staged = stage_csv_fast(con, text_path, header_row, width, select)
            except ReadError:
                staged = False
            if staged and not shape_holds(shape.result(), header_row, scalar(con, f"select count(*) from {temps.STAGED}")):
                con.execute(f"drop table {temps.STAGED}")
                staged = False
        return [] if staged else stage_csv_exact(con, text_path, header_row, header, select, source.foreign_lines)


# encodings in which byte 0x22 is only ever '"' and 0x0A only a line end: the file's own bytes can be counted
QUOTE_SAFE = {"utf-8", "utf-8-sig", "gb18030"}


@dataclass(frozen=True)
class Shape:
    """What a byte count tells of a CSV file: how many lines (blank ones apart) and whether its quotes pair up.

    DuckDB's reader silently joins lines when a stray quote opens a field and a later one closes it, and skips
    blank lines; comparing the records it read with the lines counted here tells when it did."""

    lines: int            # line ends, plus one when the last line has none
    blank_lines: int      # lines with nothing on them
    odd_quotes: bool      # an odd number of '"': a field opened and never closed, or a literal quote

    def records_below(self, header_row: int) -> int:
        return self.lines - self.blank_lines - header_row


class ShapeCounter:
    """Counts a file's Shape chunk by chunk (in publish.FileScan's single read, or here)."""

    def __init__(self) -> None:
        self.newlines = self.blanks = self.quotes = 0
        self.last = b"\n"        # as if a line had just ended: a blank first line counts as blank
        self.before_last = b""

    def add(self, chunk: bytes) -> None:
        if not chunk:
            return
        joined = self.before_last + self.last + chunk   # a blank line may straddle two chunks
        self.blanks += joined.count(b"\n\n") + joined.count(b"\n\r\n") - self._counted_in_tail()
        self.newlines += chunk.count(b"\n")
        self.quotes += chunk.count(b'"')
        tail = (self.before_last + self.last + chunk)[-2:]
        self.before_last, self.last = tail[:-1], tail[-1:]

    def _counted_in_tail(self) -> int:
        tail = self.before_last + self.last
        return tail.count(b"\n\n") + tail.count(b"\n\r\n")

    def shape(self) -> Shape:
        unterminated = 0 if self.last in (b"\n", b"") else 1
        return Shape(self.newlines + unterminated, self.blanks, self.quotes % 2 == 1)


def file_shape(path: Path) -> Shape:
    counter = ShapeCounter()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            counter.add(chunk)
    return counter.shape()


def shape_holds(shape: Shape, header_row: int, records: int) -> bool:
    """Whether a parse that read `records` rows below the header read each line of the file as one row (and
    numbered them as the file's lines: a blank line would shift every number after it)."""
    return not shape.odd_quotes and not shape.blank_lines and shape.records_below(header_row) == records


@contextlib.contextmanager
def scanning_shape(source: Source):
    """A Future of the CSV's Shape: the source's own when its file was scanned already (publish.FileScan), else
    counted in a thread while DuckDB reads the file."""
    if source.shape is not None and source.encoding in QUOTE_SAFE:
        yield source.shape
        return
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="shape") as pool:
        shape = pool.submit(file_shape, source.utf8_path())
        try:
            yield shape
        finally:
            shape.cancel()
            with contextlib.suppress(Exception):
                shape.exception()   # wait for the count before the caller removes a transcoded copy


def utf8_copy(source: Source) -> tuple[Path, frozenset]:
    """A transcoded UTF-8 temp copy of a CSV file in another encoding, and the numbers of its lines that were
    written in UTF-8 already (a row pasted from another file): those are rejected, never loaded as mojibake.

    A large GBK / GB18030 file is cut at line ends into one piece per core (up to four); the pieces are
    transcoded at once, the first in this process and the others in child processes (etl/transcode.py),
    and joined."""
    fd, name = tempfile.mkstemp(suffix=".csv", prefix=publish.TRANSCODED_PREFIX, dir=source.scratch)
    os.close(fd)
    target = Path(name)
    parts = [target]
    try:
        cuts = line_cuts(source.path, pieces(source)) if source.encoding in LINE_SAFE else []
        bounds = list(zip([0, *cuts], [*cuts, None]))
        parts += [target.with_name(f"{target.name}.{i}") for i in range(1, len(bounds))]
        foreign = transcode_pieces(source, bounds, parts)
        join(parts)
    except transcode.BadBytes as exc:
        target.unlink(missing_ok=True)
        raise ReadError(f"{source.path.name}: not valid {source.encoding} text near byte {exc.offset}") from None
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    finally:
        for part in parts[1:]:
            part.unlink(missing_ok=True)
    return target, foreign


def transcode_pieces(source: Source, bounds: list[tuple[int, int | None]], parts: list[Path]) -> frozenset:
    """Transcode bounds[i] of the file into parts[i]: the first here, the rest in child processes. Returns the
    file's line numbers (1-based) that were UTF-8 text already."""
    children = [subprocess.Popen([sys.executable, "-m", "etl.transcode", str(source.path), str(start), str(end or ""),
                                  source.encoding, str(part)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, cwd=PROJECT)
                for (start, end), part in zip(bounds[1:], parts[1:])]
    try:
        first = transcode.transcode(str(source.path), 0, bounds[0][1], source.encoding, str(parts[0]))
        foreign, lines_before = set(first.foreign), first.lines
        for child in children:
            out, err = child.communicate()
            if child.returncode == transcode.BAD_BYTES:
                raise transcode.BadBytes(int(err.strip()))
            if child.returncode:
                raise RuntimeError(f"transcoding {source.path.name} failed: {err.strip()[-500:]}")
            piece = transcode.Piece.parse(out)
            foreign.update(lines_before + n for n in piece.foreign)
            lines_before += piece.lines
        return frozenset(foreign)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()


PROJECT = Path(__file__).resolve().parent.parent   # where `python -m etl.transcode` finds the package
LINE_SAFE = {"gb18030"}          # encodings in which byte 0x0A is only ever a line end (not UTF-16)
PARALLEL_FROM = 32 << 20         # below this, starting a second process costs more than it saves


def pieces(source: Source) -> int:
    return max(1, min(os.cpu_count() or 1, 4)) if source.path.stat().st_size >= PARALLEL_FROM else 1


def line_cuts(path: Path, count: int) -> list[int]:
    """count - 1 offsets that cut the file into nearly equal pieces, each just after a line end."""
    size, cuts = path.stat().st_size, []
    with path.open("rb") as fh:
        for k in range(1, count):
            fh.seek(size * k // count)
            tail = fh.read(1 << 20)
            found = tail.find(b"\n")
            if found < 0:
                break
            cut = size * k // count + found + 1
            if cut < size and (not cuts or cut > cuts[-1]):
                cuts.append(cut)
    return cuts


def join(parts: list[Path]) -> None:
    """Append parts[1:] to parts[0]: in the kernel where it can (Linux), else through a buffer."""
    if len(parts) < 2:
        return
    with parts[0].open("r+b") as dst:   # not "ab": copy_file_range refuses a file opened to append
        dst.seek(0, os.SEEK_END)
        for part in parts[1:]:
            with part.open("rb") as src:
                remaining = os.fstat(src.fileno()).st_size
                while remaining > 0 and hasattr(os, "copy_file_range"):
                    copied = os.copy_file_range(src.fileno(), dst.fileno(), remaining)
                    if copied <= 0:
                        break
                    remaining -= copied
                if remaining > 0:   # no copy_file_range here, or it stopped short: the rest by hand
                    src.seek(-remaining, os.SEEK_END)
                    dst.seek(0, os.SEEK_END)
                    shutil.copyfileobj(src, dst, CHUNK)


def csv_options(header_row: int, width: int) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"header = false, skip = {header_row}, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{columns}}}, strict_mode = true, max_line_size = 8388608")


def csv_source(header_row: int, width: int) -> str:
    """DuckDB's parallel CSV reader over the path given as the query's parameter, every column as text. A row it
    cannot read (too few or too many columns, bytes that are not UTF-8) is recorded in the temp table
    reject_errors, not raised: see clear_reader_rejects and reader_rejected. Strict: otherwise a row with one
    field too many (an unquoted 1,234.00) would load shifted, its last field dropped."""
    return f"read_csv(?, {csv_options(header_row, width)}, store_rejects = true)"


def clear_reader_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")


def reader_rejected(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the last read_csv of csv_source met a row it could not read."""
    return bool(scalar(con, "select count(*) from reject_errors"))


UNREADABLE_KINDS = ("TOO MANY COLUMNS", "MISSING COLUMNS")


def unreadable_lines(con: duckdb.DuckDBPyConnection, width: int) -> list[tuple[int, str, None, str]] | None:
    """The rows the last read_csv of csv_source skipped, as the exact reader would reject them: (line, reason,
    column, detail), each a line of its own with too many or too few fields, some of them not blank. None when
    any skipped row is another kind (bytes that are not UTF-8, a quoted field that may span lines, blank extra
    fields the exact reader would read past): then only the exact reader can say what the file holds."""
    found = []
    for line, kind, text in con.execute(
            # one entry per missing or extra field: one per line is enough
            "select distinct line, error_type, csv_line from reject_errors order by line").fetchall():
        text = (text or "").strip("\r\n")   # in a CRLF file the line comes with the \n before it
        if kind not in UNREADABLE_KINDS or not text or "\n" in text or "\r" in text:
            return None
        fields = next(csv.reader([text]), [])
        if len(fields) > width and not any(c.strip() for c in fields[width:]):
            return None
        if len(fields) == width or not any(c.strip() for c in fields):
            return None
        found.append((line, "malformed_row", None, f"expected {width} columns, found {len(fields)}"))
    return found


def stage_csv_fast(con: duckdb.DuckDBPyConnection, path: Path, header_row: int, width: int, select) -> bool:
    """DuckDB's parallel reader; False when some row has the wrong number of columns or is not UTF-8 text."""
    clear_reader_rejects(con)
    source = csv_source(header_row, width)
    try:
        con.execute(f"create or replace table {temps.STAGED} as with src as (select * from {source}) {select(False)}",
                    [str(path)])
    except duckdb.Error as exc:
        raise ReadError(f"{path.name}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    if reader_rejected(con):
        con.execute(f"drop table {temps.STAGED}")
        return False
    # rows written inside a transaction get row ids from an offset, but in file order
    base = scalar(con, f"select coalesce(min(rowid), 0) from {temps.STAGED}")
    con.execute(f"create or replace temp view {temps.TYPED_ALL} as select rowid - {base} + {header_row + 1} as _row, * from {temps.STAGED}")
    return True


csv.field_size_limit(1 << 30)   # a cell longer than MAX_CELL rejects its row; the csv module must not fail the file
MAX_CELL = 131_072


def stage_csv_exact(con: duckdb.DuckDBPyConnection, path: Path, header_row: int, header: list[str], select,
                    foreign_lines: frozenset = frozenset()) -> list[tuple]:
    """Python's csv reader, record by record: exact about which row is broken, and careful to lose no other.

    Rows are numbered by the file line they start on. A record with the wrong number of columns, bytes that are
    not UTF-8 text, a cell over MAX_CELL characters, or (foreign_lines) a line in another encoding than the file
    is rejected; so is a row whose quote opens and is never closed, and the rows it would have swallowed are read
    on their own; the last record is rejected as cut off when the file ends inside a quoted field."""
    width = len(header)
    good, rejected = [], []
    # lines end at \n only, as the transcoder and the shape count them (a bare CR inside a quoted cell is no line end)
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="\n") as fh:
        for row_no, fields, problem in records(fh, header_row, width, foreign_lines):
            if problem:
                rejected.append((row_no, *problem))
                continue
            if any("\ufffd" in c for c in fields):
                rejected.append((row_no, "malformed_row", None, "bytes that are not UTF-8 text"))
            elif len(fields) == width or (len(fields) > width and not any(c.strip() for c in fields[width:])):
                too_long = [i for i, c in enumerate(fields[:width]) if len(c) > MAX_CELL]
                if too_long:
                    rejected.append((row_no, "field_too_long", header[too_long[0]] or None, f"{len(fields[too_long[0]]):,} characters"))
                else:
                    good.append([row_no, *fields[:width]])
            elif any(c.strip() for c in fields):
                rejected.append((row_no, "malformed_row", None, f"expected {width} columns, found {len(fields)}"))
    stage_rows(con, [r[1:] for r in good], None, width, select, numbers=[r[0] for r in good])
    return rejected


def records(fh, header_row: int, width: int, foreign_lines: frozenset):
    """(row, fields, None) for each record of a CSV below its header, or (row, None, (reason, column, detail))
    for one that cannot be read. A quoted field may span lines; but when a line inside it reads as a whole row
    of its own, the quote was never closed: its row is rejected and reading starts again at that line."""
    pending, start = [], 0
    for line_no, line in enumerate(fh, start=1):
        if line_no <= header_row:
            continue
        if pending:
            if swallowed(line, width):
                yield start, None, ("unclosed_quote", None, "a quote opened here is never closed")
                pending = []
            else:
                pending.append(line)
                if complete(pending):
                    yield start, parse(pending), None
                    pending = []
                continue
        if line_no in foreign_lines:
            yield line_no, None, ("wrong_encoding", None, "UTF-8 text inside a GBK / GB18030 file")
            continue
        if not line.strip("\r\n"):
            continue        # a blank line is no row
        pending, start = [line], line_no
        if complete(pending):
            yield start, parse(pending), None
            pending = []
    if pending:
        yield start, None, ("malformed_row", None, "the file ends inside a quoted field: cut off mid-row")


def complete(lines: list[str]) -> bool:
    """Whether the lines hold one whole record (no quoted field left open at their end)."""
    text = "".join(lines)
    if '"' not in text:
        return True
    try:
        list(csv.reader([text], strict=True))
    except csv.Error as exc:
        return "unexpected end of data" not in str(exc)
    return True


def parse(lines: list[str]) -> list[str]:
    found = list(csv.reader(["".join(lines)]))
    return found[0] if found else []


def swallowed(line: str, width: int) -> bool:
    """Whether a line inside an open quoted field reads as a whole row of its own (then the quote was never
    closed): it has the file's number of columns and does not itself close the open field."""
    if width < 2 or '"' in line:
        return False
    return len(next(csv.reader([line]), [])) >= width


def stage_rows(con, rows, first_row, width, select, numbers=None) -> None:
    """Stage rows already in memory (XLSX, or the exact CSV path) through Arrow, with their row numbers."""
    import pyarrow as pa   # only here: a clean CSV never needs it, and it costs a tenth of a second to import

    numbers = numbers if numbers is not None else list(range(first_row, first_row + len(rows)))
    keep = [i for i, row in enumerate(rows) if any(cell not in (None, "") for cell in row)]
    columns = {"_row": pa.array([numbers[i] for i in keep], pa.int64())}
    for c in range(width):
        columns[f"c{c}"] = pa.array([rows[i][c] if c < len(rows[i]) else None for i in keep], pa.string())
    con.register(temps.ARROW, pa.table(columns))
    try:
        con.execute(f"create or replace table {temps.STAGED} as with src as (select * from {temps.ARROW}) {select(True)}")
    finally:
        con.unregister(temps.ARROW)
    con.execute(f"create or replace temp view {temps.TYPED_ALL} as select * from {temps.STAGED}")


def check_workbook(path: Path) -> None:
    """Refuse a workbook that is not a zip, would unpack to too much (a zip bomb), or whose XML declares a
    DOCTYPE or entities (an XML bomb) -- before the parser sees it.

    Every XML part is streamed through once: zipfile stops at each part's declared size and checks its CRC,
    so a part cannot unpack to more than its (checked) header says.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            check_zip_sizes(path, parts)
            for part in parts:
                if part.filename.lower().endswith((".xml", ".rels", ".vml")):
                    scan_xml_part(path, archive, part)
    except zipfile.BadZipFile as exc:
        raise ReadError(f"{path.name}: not a readable XLSX workbook (broken zip: {exc})") from None


def check_zip_sizes(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > MAX_XLSX_PARTS:
        raise ReadError(f"{path.name}: refused: {len(parts):,} parts in the workbook is not a real export")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ReadError(f"{path.name}: refused: the workbook would unpack to {unpacked:,} bytes "
                        f"(limit {MAX_XLSX_UNPACKED_BYTES:,})")
    for part in parts:
        if part.file_size >= RATIO_CHECKED_FROM and part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            raise ReadError(f"{path.name}: refused: {part.filename} is packed {part.file_size // max(part.compress_size, 1):,} "
                            f"to 1 (a zip bomb; real sheets pack under {MAX_XLSX_RATIO} to 1)")


def scan_xml_part(path: Path, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Refuse an XML part with a DOCTYPE or ENTITY declaration, or one not in UTF-8 (where a scan of bytes would miss them)."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            if not tail and (chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in chunk[:64]):
                raise ReadError(f"{path.name}: refused: {part.filename} is not UTF-8 XML")
            window = (tail + chunk).lower()
            if any(marker in window for marker in XML_FORBIDDEN):
                raise ReadError(f"{path.name}: refused: {part.filename} declares a DOCTYPE or entities "
                                "(an XML bomb or external-file trick; real exports have none)")
            tail = window[-16:]


def read_xlsx_rows(path: Path) -> list[list[str]]:
    """Every row of the first sheet of a workbook, as text (dates in ISO, whole numbers without .0)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ReadError(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    return [[cell_text(cell) for cell in row] for row in rows]


def cell_text(cell: object) -> str | None:
    """A workbook cell as the text a CSV export would carry."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) >= 1e15:
            # Excel keeps 15 significant digits: a longer number (an order id typed as a number) is
            # already rounded; show it as Excel does, so it is rejected as mangled rather than loaded
            return format(cell, ".14E")
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    if isinstance(cell, dt.timedelta):
        return str(cell)
    return str(cell)
