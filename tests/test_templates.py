"""python -m etl template (issue 11, item 15): XLSX or CSV by the extension (any other refused), one example
row that loads cleanly, a note on every column."""
import csv
import io

import pytest
from openpyxl import load_workbook

from conftest import load, rows
from etl import templates
from etl.__main__ import main

KINDS = [("register", "exhibition_register"), ("master", "product_master"), ("pos", "storefront_pos")]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind, fmt", KINDS)
def test_a_fresh_template_loads_its_one_example_row_without_a_reject(tmp_path, con, kind, fmt, suffix):
    out = tmp_path / f"{kind}{suffix}"
    assert main(["template", kind, "--out", str(out)]) == 0
    result = load(con, out)
    assert (result.status, result.format, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", fmt, 1, 1, 0)


def test_the_csv_is_the_header_and_the_example_row_in_utf8_with_bom(tmp_path):
    out = tmp_path / "x.csv"
    assert main(["template", "pos", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert lines[0] == templates.header("pos")
    assert lines[1][:5] == ["EXAMPLE-0001", "2021-01-05 10:30:00", "EXAMPLE-001", "示例凤梨酥礼盒（示例，填写前请删除此行）", "2"]
    assert len(lines) == 2


def test_the_example_sale_is_the_example_product(tmp_path, con):
    for kind in ("master", "pos"):
        main(["template", kind, "--out", str(tmp_path / f"{kind}.csv")])
        load(con, tmp_path / f"{kind}.csv")
    assert rows(con, "select sku, brand, qty, net_rmb::varchar from sales") == [("EXAMPLE-001", "示例品牌", 2, "256.00")]


@pytest.mark.parametrize("name", ["x.txt", "x.xls", "x", "x.csv.gz"])
def test_another_extension_is_refused_and_nothing_written(tmp_path, capsys, name):
    assert main(["template", "pos", "--out", str(tmp_path / name)]) == 2
    assert "nothing written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind, fmt", KINDS)
def test_every_column_has_a_note_and_an_example(kind, fmt):
    names = templates.header(kind)
    assert set(templates.COLUMNS[fmt]) == set(names)
    assert all(note for _, _, note in templates.notes(kind))
    assert len(templates.example(kind)) == len(names)


def test_the_xlsx_notes_each_header_cell_and_lists_the_notes_on_a_second_sheet(tmp_path, capsys):
    out = tmp_path / "register.xlsx"
    assert main(["template", "register", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    book = load_workbook(out)
    sheet, guide = book.worksheets
    assert sheet["A1"].value == "展会名称" and sheet["A1"].comment.text.startswith("必填：")
    assert all(cell.comment is not None for cell in sheet[1])
    assert sheet.max_row == 2
    assert guide.title == "填写说明"
    assert [r[:2] for r in guide.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        ("展会名称", "必填"), ("展会开始日期", "必填"), ("展会结束日期", "选填")]
    assert "洽谈状态 (必填): 初步接洽、洽谈中、已成交、未成交 四选一" in printed
