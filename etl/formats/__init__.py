"""The export formats the ETL reads, and how a file's header row tells which one it is."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from etl.formats import (centers, exhibition_register, product_master, storefront_pos, targets, tmall_items,
                         tmall_orders)
from etl.formats.spec import COLUMN_TYPES, Field, Format

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        product_master.FORMAT,
        centers.FORMAT,
        storefront_pos.FORMAT,
        exhibition_register.FORMAT,
        tmall_orders.FORMAT,
        tmall_items.FORMAT,
        targets.FORMAT,
    )
}


def declared_format(fmt: Format):
    """A format added for the length of a block (the tests' fake fourth channel), as channels.declared does."""
    from etl import channels

    return channels.entry(FORMATS, fmt.name, fmt)


def table_ddl(fmt: Format) -> str:
    """The table of a format that schema.sql does not create, from its fields: each stored field typed by its kind,
    then the load and, for a channel's format, the center."""
    columns = [f"{f.name} {COLUMN_TYPES[f.kind]}{' not null' if f.required_value else ''}" for f in fmt.stored_fields]
    columns.append("load_id integer not null")
    if fmt.centered:
        columns.append("center varchar not null")
    return f"create table if not exists {fmt.table} ({', '.join(columns)})"


def default_load_sql(fmt: Format) -> str:
    """The load query of a format without etl/sql/load/<name>.sql: its stored fields as typed."""
    return f"select _row, {', '.join(f.name for f in fmt.stored_fields)} from {{typed}}"


class FormatError(ValueError):
    """A file that no format (or not the forced one) can read; the message lists expected and found columns."""


def normalize_header(name: object) -> str:
    """Header text as compared: NFKC (full-width brackets and digits), no spaces, no quotes, and nothing that
    prints as nothing (zero-width and direction marks, a BOM, soft hyphens: Unicode's format characters)."""
    text = unicodedata.normalize("NFKC", "" if name is None else str(name))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc", "Zs", "Zl", "Zp") and c != "\u3164")
    return text.strip('"\'=')


@dataclass(frozen=True)
class Match:
    """A format matched to a header row: which file column feeds each field."""

    format: Format
    header_row: int                       # 1-based row of the header in the file
    header: list[str]                     # the header cells as written (trimmed)
    columns: dict[str, int] = field(default_factory=dict)  # field name -> 0-based column index

    def header_of(self, field_name: str) -> str:
        return self.header[self.columns[field_name]]


def match(fmt: Format, header: list[str], header_row: int) -> Match | None:
    """The format applied to this header row, or None when a required column is missing."""
    position = {}
    for index, cell in enumerate(header):
        position.setdefault(normalize_header(cell), index)
    columns = {}
    for fld in fmt.fields:
        for alias in fld.headers:
            if normalize_header(alias) in position:
                columns[fld.name] = position[normalize_header(alias)]
                break
    if any(fld.name not in columns for fld in fmt.fields if fld.required_header):
        return None
    return Match(fmt, header_row, [str(c).strip() if c is not None else "" for c in header], columns)


def detect(file_name: str, head: list[list[str]], forced: str | None = None) -> Match:
    """Find the header row among the file's first rows and the format it belongs to."""
    candidates = [FORMATS[forced]] if forced else list(FORMATS.values())
    if forced and forced not in FORMATS:
        raise FormatError(f"{file_name}: unknown format {forced!r}; known: {', '.join(FORMATS)}")
    for row_index, row in enumerate(head, start=1):
        found = [m for fmt in candidates if (m := match(fmt, row, row_index))]
        if found:
            return max(found, key=lambda m: len(m.columns))
    raise FormatError(refusal_message(file_name, head, candidates))


VALUE_LIKE = re.compile(r"\d.*\d.*\d|@")   # three digits (an amount, date, phone, id) or an e-mail address


def looks_like_values(row: list[str]) -> bool:
    """Whether a row is data rather than column names: real headers have no cell with three digits or an @."""
    return any(VALUE_LIKE.search(cell) for cell in row)


def refusal_message(file_name: str, head: list[list[str]], candidates: list[Format]) -> str:
    """Why a file was refused: the columns each format needs, and the columns the file has."""
    found_row = [str(c or "").strip() for c in next((row for row in head if any(str(c or "").strip() for c in row)), [])]
    if looks_like_values(found_row):
        # a file without its header row: its first row is somebody's order or receipt, not to be repeated
        found = (f"no column names: the first row holds values ({sum(map(bool, found_row))} cells with numbers, "
                 "dates or codes), so the header row is missing")
    else:
        found = ", ".join(c[:40] for c in found_row if c) or "(nothing: the file is empty)"
    lines = [f"{file_name}: the header row matches no known export format."]
    for fmt in candidates:
        missing = [f.headers[0] for f in fmt.fields if f.required_header
                   and not any(normalize_header(a) in {normalize_header(c) for row in head for c in row} for a in f.headers)]
        needed = ", ".join(f.headers[0] for f in fmt.fields if f.required_header)
        lines.append(f"  {fmt.name} ({fmt.label}) expects: {needed}; missing: {', '.join(missing)}")
    lines.append(f"  found: {found}")
    return "\n".join(lines)


__all__ = ["FORMATS", "Field", "Format", "FormatError", "Match", "declared_format", "default_load_sql", "detect", "match",
           "normalize_header", "table_ddl"]
