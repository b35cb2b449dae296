"""CSV and XLSX exports of what a table shows, with translated headers, amounts kept exact and no formulas."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pandas as pd

# openpyxl is imported when a workbook is asked for, not with the page (a tenth of a second at first view)

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # what openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE)


def neutralised(value):
    """Text a spreadsheet would run as a formula, behind an apostrophe (OWASP CSV injection).

    Only text: a number, however negative, stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and header neutralised; numeric and date columns as they were."""
    safe = frame.rename(columns=neutralised)
    for column in range(safe.shape[1]):
        values = safe.iloc[:, column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)):
            safe.isetitem(column, values.map(neutralised))   # object columns keep their Decimals as they are
    return safe


def decimals(values: pd.Series) -> list[Decimal]:
    return [v for v in values if isinstance(v, Decimal)]


def is_money(values: pd.Series) -> bool:
    """A column of amounts: its Decimals are to the cent (DECIMAL(18,2) and its sums)."""
    found = decimals(values)
    return bool(found) and all(v.as_tuple().exponent == -2 for v in found)


def plain(value):
    """A count or quantity as a person writes it: 2 for 2.000 (DECIMAL(18,3)), 1.25 for 1.250 (goods by weight)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    return int(value) if value == value.to_integral_value() else value.normalize()


def plain_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Every Decimal column that is not money (quantities, line counts) in plain numbers."""
    out = frame.copy()
    for column in range(out.shape[1]):
        values = out.iloc[:, column]
        if values.dtype == object and decimals(values) and not is_money(values):
            out.isetitem(column, values.map(plain))
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows opens it without mojibake.

    CRLF line ends, so a cell holding a CR or LF is quoted: unquoted, it would start a new row whose
    first cell escaped neutralising.
    """
    return inert(plain_counts(frame)).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, title: str, percent_columns: tuple[str, ...] = ()) -> bytes:
    """One sheet: a title row, a bold header, money as numbers with two decimals, frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    money_columns = [is_money(frame.iloc[:, i]) for i in range(frame.shape[1])]   # before 1.250 becomes 1.25
    frame = inert(plain_counts(frame))
    percent_columns = tuple(neutralised(c) for c in percent_columns)
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
        values = frame.iloc[:, index - 1]
        money = money_columns[index - 1]
        for cell in sheet[letter][2:]:
            if column in percent_columns:
                cell.number_format = PERCENT_FORMAT
            elif money:
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
    if isinstance(value, str):
        # control characters from a hostile file (a reject's detail) would make openpyxl refuse the whole sheet
        return ILLEGAL_CHARACTERS.sub("\ufffd", value)
    return value
