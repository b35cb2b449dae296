"""Byte-stable writers for the demo exports: CSV the way each channel writes it, and XLSX with fixed timestamps."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

FIXED_TIME = dt.datetime(2022, 1, 5, 9, 0, 0)
ZIP_TIME = (2022, 1, 5, 9, 0, 0)


def csv_field(value: object) -> str:
    """One CSV field: quoted only when it must be (comma, quote, line break)."""
    text = "" if value is None else str(value)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_text(header: list[str], rows: list[list], quote_header: bool = False, raw_columns: frozenset = frozenset(),
             newline: str = "\n") -> str:
    """CSV text; raw_columns are written as they are (Tmall's ="…" order numbers are not CSV-quoted)."""
    head = ",".join(f'"{h}"' if quote_header else csv_field(h) for h in header)
    lines = [head]
    for row in rows:
        lines.append(",".join(str(v) if i in raw_columns else csv_field(v) for i, v in enumerate(row)))
    return newline.join(lines) + newline


def write_text(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheet_title: str, header: list[str], rows: list[list], title_row: str | None = None,
               text_columns: frozenset = frozenset(), date_columns: frozenset = frozenset()) -> Path:
    """A workbook as the Center's staff keep it: optional merged title row, bold header, dates as date cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.creator = "台湾商品中心"
    sheet = book.active
    sheet.title = sheet_title
    if title_row:
        sheet.append([title_row])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for index in date_columns:
            sheet.cell(sheet.max_row, index + 1).number_format = "yyyy-mm-dd"
        for index in text_columns:
            sheet.cell(sheet.max_row, index + 1).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))
    return path


def stable_zip(data: bytes) -> bytes:
    """The same workbook with every zip entry stamped at one fixed time, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps the save time there
                content = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode(), content)
            target.writestr(fixed, content)
    return out.getvalue()
