"""CSV and XLSX exports of what a table shows, with translated headers and amounts kept exact."""
from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows opens it without mojibake."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, title: str, percent_columns: tuple[str, ...] = ()) -> bytes:
    """One sheet: a title row, a bold header, money as numbers with two decimals, frozen header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(map(str, frame.columns)))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in frame.itertuples(index=False):
        sheet.append([xlsx_value(v) for v in row])
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        values = frame[column]
        is_money = values.map(lambda v: isinstance(v, Decimal)).any()
        for cell in sheet[letter][2:]:
            if column in percent_columns:
                cell.number_format = PERCENT_FORMAT
            elif is_money:
                cell.number_format = MONEY_FORMAT
        width = max([len(str(column)) * 2] + [len(str(v)) for v in values.head(200)]) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 50)
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_value(value):
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
