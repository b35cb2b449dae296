"""Read an export file (CSV in any of the encodings the channels write, or XLSX) into a staging table of text."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from etl.warehouse import scalar

HEAD_ROWS = 12            # a header may sit below a few title rows
SNIFF_BYTES = 1 << 20
CHUNK = 16 << 20
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


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


def open_source(path: Path) -> Source:
    """Open a file and read enough to detect its format."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        rows = read_xlsx_rows(path)
        return Source(path, "xlsx", None, rows[:HEAD_ROWS], rows)
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old binary .xls workbooks are not read; save it as .xlsx or CSV")
    encoding = sniff_encoding(path)
    return Source(path, "csv", encoding, csv_head(path, encoding))


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
    try:
        codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
        return "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: not text in UTF-8 or GBK/GB18030 (byte {exc.start})") from None


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


def stage(con: duckdb.DuckDBPyConnection, source: Source, header_row: int, width: int, table: str = "stage") -> list[tuple[int, str]]:
    """Create temp table `table` (_row, c0..c{width-1} as text) from the rows below the header.

    Returns the malformed rows (wrong number of columns) as (row, message); they are not staged.
    _row is the row number a spreadsheet shows (the header's own row counts).
    """
    if source.kind == "xlsx":
        rows = source.rows[header_row:]
        stage_rows(con, rows, header_row + 1, width, table)
        return []
    text_path, temporary = utf8_copy(source)
    try:
        if stage_csv_fast(con, text_path, header_row, width, table):
            return []
        return stage_csv_exact(con, text_path, header_row, width, table)
    finally:
        if temporary:
            os.unlink(text_path)


def utf8_copy(source: Source) -> tuple[Path, bool]:
    """The file as UTF-8 for DuckDB's reader: itself when already UTF-8, else a transcoded temp copy."""
    if source.encoding in ("utf-8", "utf-8-sig"):
        return source.path, False
    decoder = codecs.getincrementaldecoder(source.encoding)()
    fd, name = tempfile.mkstemp(suffix=".csv", prefix="tpc-")
    try:
        with source.path.open("rb") as src, os.fdopen(fd, "wb") as dst:
            offset = 0
            while chunk := src.read(CHUNK):
                try:
                    dst.write(decoder.decode(chunk).encode("utf-8"))
                except UnicodeDecodeError as exc:
                    raise ReadError(f"{source.path.name}: not valid {source.encoding} text near byte {offset + exc.start}") from None
                offset += len(chunk)
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except BaseException:
        os.unlink(name)
        raise
    return Path(name), True


def csv_options(header_row: int, width: int) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"header = false, skip = {header_row}, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{columns}}}, strict_mode = false, max_line_size = 8388608")


def stage_csv_fast(con: duckdb.DuckDBPyConnection, path: Path, header_row: int, width: int, table: str) -> bool:
    """DuckDB's parallel reader; False when some row has the wrong number of columns."""
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    try:
        con.execute(
            f"create or replace temp table {table}_raw as select * from read_csv(?, {csv_options(header_row, width)}, "
            "store_rejects = true)", [str(path)])
    except duckdb.Error as exc:
        raise ReadError(f"{path.name}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    if scalar(con, "select count(*) from reject_errors"):
        con.execute(f"drop table {table}_raw")
        return False
    # rowids of rows written inside a transaction start at an offset, but stay in file order
    con.execute(f"create or replace temp table {table} as select cast(rowid - (select min(rowid) from {table}_raw) as bigint)"
                f" + {header_row + 1} as _row, * from {table}_raw")
    con.execute(f"drop table {table}_raw")
    return True


def stage_csv_exact(con: duckdb.DuckDBPyConnection, path: Path, header_row: int, width: int, table: str) -> list[tuple[int, str]]:
    """Python's csv reader, slower but exact about which record is malformed."""
    good, malformed = [], []
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        for index, row in enumerate(reader, start=1):
            if index <= header_row:
                continue
            if len(row) == width or (len(row) > width and not any(c.strip() for c in row[width:])):
                good.append([index, *row[:width]])
            elif any(c.strip() for c in row):
                malformed.append((index, f"expected {width} columns, found {len(row)}"))
    stage_rows(con, [r[1:] for r in good], None, width, table, numbers=[r[0] for r in good])
    return malformed


def stage_rows(con, rows, first_row, width, table, numbers=None) -> None:
    """Stage rows already in memory (XLSX, or the exact CSV path) through Arrow."""
    numbers = numbers if numbers is not None else list(range(first_row, first_row + len(rows)))
    columns = {"_row": pa.array(numbers, pa.int64())}
    for i in range(width):
        columns[f"c{i}"] = pa.array([row[i] if i < len(row) else None for row in rows], pa.string())
    arrow = pa.table(columns)
    keep = [i for i, row in enumerate(rows) if any(cell not in (None, "") for cell in row)]
    arrow = arrow.take(pa.array(keep, pa.int64())) if len(keep) != len(rows) else arrow
    con.register(f"{table}_arrow", arrow)
    con.execute(f"create or replace temp table {table} as select * from {table}_arrow")
    con.unregister(f"{table}_arrow")


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
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    if isinstance(cell, dt.timedelta):
        return str(cell)
    return str(cell)
