"""Blank files in the expected formats, for the Center's staff to fill in (python -m etl template KIND)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from etl.formats import FORMATS

TEMPLATES = {
    "register": "exhibition_register",
    "master": "product_master",
    "pos": "storefront_pos",
}
CONTACT_COLUMNS = {"exhibition_register": ("联系人", "联系电话", "职位")}


def header(kind: str) -> list[str]:
    """The template's columns: each field's canonical header, contacts where the paper form has them."""
    fmt = FORMATS[TEMPLATES[kind]]
    names = [f.headers[0] for f in fmt.fields]
    if fmt.name == "exhibition_register":
        # the register keeps its contact columns for the sales team; the ETL never loads them
        at = names.index("企业名称") + 1
        names[at:at] = list(CONTACT_COLUMNS[fmt.name])
    return names


def write(kind: str, out: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = FORMATS[TEMPLATES[kind]].label
    sheet.append(header(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) * 2 + 2)
    sheet.freeze_panes = "A2"
    workbook.save(out)
