"""Hostile and broken files (tests/data/bad/, written by make_corpus.py): each loads, is refused, or has rows
rejected exactly as stated here, and a refused file leaves every table of the warehouse as it was."""
import datetime as dt
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import load, rows, write_csv, write_xlsx
from etl import readers
from fixtures import POS

BAD = Path(__file__).resolve().parent / "data" / "bad"
sys.path.insert(0, str(BAD))

from make_corpus import corpus, write_zip_bomb  # noqa: E402

DATA_TABLES = ["rejects", "product_master", "pos_lines", "tmall_orders", "tmall_items", "lead_register"]


def snapshot(con) -> dict[str, list[tuple]]:
    return {t: rows(con, f"select * from {t} order by all") for t in DATA_TABLES}


def load_history(con) -> list[tuple]:
    return rows(con, "select file_name, status, rows_read, rows_loaded from loads order by load_id")


@pytest.fixture
def filled(con, tmp_path):
    """A warehouse already holding a POS export, so 'unchanged' is not trivially true."""
    assert load(con, write_csv(tmp_path / "pos.csv", POS)).status == "loaded"
    return con


def test_the_committed_corpus_is_what_make_corpus_writes():
    for name, content in corpus().items():
        if not name.endswith(".xlsx"):  # workbooks carry their creation time
            assert (BAD / name).read_bytes() == content, name
        assert (BAD / name).stat().st_size < 50_000


def assert_refused(con, path: Path, message: str) -> None:
    before, history = snapshot(con), load_history(con)
    result = load(con, path)
    assert (result.status, result.message, result.rows_loaded) == ("refused", message, 0)
    assert snapshot(con) == before
    assert load_history(con) == history + [(path.name, "refused", 0, 0)]


@pytest.mark.parametrize("name, message", [
    ("empty.csv", "empty.csv: the file is empty"),
    ("binary_junk.csv", "binary_junk.csv: binary data, not a CSV text file (NUL bytes near the start)"),
    ("not_a_zip.xlsx", "not_a_zip.xlsx: not a readable XLSX workbook (broken zip: File is not a zip file)"),
    ("latin1.csv", "latin1.csv: not text in UTF-8 or GBK/GB18030 (byte 29); save it again as UTF-8 or GBK"),
    ("shift_jis.csv", "shift_jis.csv: not text in UTF-8 or GBK/GB18030 (byte 4); save it again as UTF-8 or GBK"),
    ("doctype_entities.xlsx", "doctype_entities.xlsx: refused: xl/worksheets/sheet1.xml declares a DOCTYPE or "
                              "entities (an XML bomb or external-file trick; real exports have none)"),
])
def test_unreadable_file_is_refused_naming_it_and_the_warehouse_is_unchanged(filled, name, message):
    assert_refused(filled, BAD / name, message)


def test_header_only_file_loads_zero_rows_and_is_recorded(filled):
    # a day without sales is a real export: it loads (nothing) rather than being refused as broken
    before = snapshot(filled)
    result = load(filled, BAD / "header_only.csv")
    assert (result.status, result.format, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", "storefront_pos", 0, 0, 0)
    assert snapshot(filled) == before
    assert load_history(filled)[-1] == ("header_only.csv", "loaded", 0, 0)


@pytest.mark.parametrize("name, detail", [
    ("truncated_row.csv", "expected 12 columns, found 8"),
    ("truncated_in_quote.csv", "the file ends inside a quoted field: cut off mid-row"),
    ("truncated_mid_character.csv", "bytes that are not UTF-8 text"),
])
def test_file_cut_off_mid_row_rejects_its_last_row_and_loads_the_rest(con, name, detail):
    result = load(con, BAD / name)
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == ("loaded", 4, 3, 1)
    assert rows(con, "select row_no, column_name, reason, detail from rejects") == [(5, None, "malformed_row", detail)]
    assert rows(con, "select distinct order_id from pos_lines order by 1") == [("S20200105-0001",), ("S20200106-0001",)]


def test_utf16_with_bom_loads(con):
    result = load(con, BAD / "utf16_bom.csv")
    assert (result.status, result.rows_loaded) == ("loaded", 4)
    assert rows(con, "select sum(net_rmb), string_agg(distinct product_name, '/' order by product_name) from pos_lines") == [
        (Decimal("484.00"), "凤梨酥礼盒/新品试卖/高山乌龙茶")]


def test_gb18030_four_byte_characters_round_trip_exactly(con):
    assert "𠀀".encode("gb18030") == b"\x95\x32\x82\x36"
    assert b"\x95\x32\x82\x36" in (BAD / "gb18030_four_byte.csv").read_bytes()
    assert load(con, BAD / "gb18030_four_byte.csv").status == "loaded"
    assert rows(con, "select product_name from pos_lines") == [("𠀀凤梨酥𪚥礼盒",)]


def test_line_break_inside_a_quoted_field_is_kept(con):
    assert load(con, BAD / "crlf_in_quotes.csv").rows_loaded == 1
    assert rows(con, "select order_id, product_name from pos_lines") == [("C1", "凤梨酥\r\n礼盒")]


def test_xlsx_with_merged_title_rows_above_the_header_loads(con):
    result = load(con, BAD / "title_rows.xlsx")
    assert (result.status, result.format, result.rows_loaded, result.rows_rejected) == ("loaded", "storefront_pos", 4, 0)
    assert rows(con, "select sum(net_rmb) from pos_lines") == [(Decimal("484.00"),)]


def test_zip_bomb_is_refused_before_the_workbook_is_parsed(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "read_xlsx_rows", lambda path: pytest.fail("the bomb reached the parser"))
    bomb = write_zip_bomb(tmp_path / "bomb.xlsx", unpacked_mb=16)
    assert bomb.stat().st_size < 100_000
    sheet = readers.zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml")
    assert sheet.file_size > 16 << 20
    ratio = sheet.file_size // sheet.compress_size
    assert_refused(filled, bomb, f"bomb.xlsx: refused: xl/worksheets/sheet1.xml is packed {ratio:,} to 1 "
                                 "(a zip bomb; real sheets pack under 200 to 1)")


def test_workbook_unpacking_past_the_limit_is_refused(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_XLSX_UNPACKED_BYTES", 10_000)
    path = shutil.copy(BAD / "title_rows.xlsx", tmp_path / "big.xlsx")
    unpacked = sum(i.file_size for i in readers.zipfile.ZipFile(path).infolist())
    assert_refused(filled, Path(path), f"big.xlsx: refused: the workbook would unpack to {unpacked:,} bytes (limit 10,000)")


def test_workbook_part_larger_than_its_zip_header_says_is_refused(filled, tmp_path):
    # a forged size in the header cannot smuggle more data past the checks: the part fails its CRC
    path = tmp_path / "forged.xlsx"
    data = bytearray((BAD / "title_rows.xlsx").read_bytes())
    info = readers.zipfile.ZipFile(BAD / "title_rows.xlsx").getinfo("xl/worksheets/sheet1.xml")
    forged = (info.file_size // 2).to_bytes(4, "little")
    local = info.header_offset + 22                       # uncompressed size in the local header
    central = data.index(b"xl/worksheets/sheet1.xml", data.index(b"PK\x01\x02")) - 46   # its central record
    data[local:local + 4] = forged
    data[central + 24:central + 28] = forged
    path.write_bytes(bytes(data))
    assert_refused(filled, path, "forged.xlsx: not a readable XLSX workbook "
                                 "(broken zip: Bad CRC-32 for file 'xl/worksheets/sheet1.xml')")


def test_file_over_the_upload_limit_is_refused(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("TPC_MAX_FILE_MB", "0.0001")       # 104 bytes
    assert_refused(filled, BAD / "header_only.csv",
                   "header_only.csv: 147 bytes is over the upload limit of 104 bytes; split the export by date range")


def test_upload_limit_defaults_to_max_file_bytes_and_a_file_at_the_limit_loads(con, monkeypatch):
    monkeypatch.delenv("TPC_MAX_FILE_MB", raising=False)
    assert readers.max_file_bytes() == readers.MAX_FILE_BYTES == 2 << 30
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 147)
    assert load(con, BAD / "header_only.csv").status == "loaded"
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 146)
    assert load(con, BAD / "truncated_row.csv").message.endswith("over the upload limit of 146 bytes; split the export by date range")


def test_order_number_mangled_by_excel_is_rejected_with_that_reason(con):
    result = load(con, BAD / "ExportOrderList202101051030_mangled.csv")
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 1)
    assert rows(con, "select row_no, column_name, reason, detail from rejects") == [
        (2, "订单编号", "excel_mangled_id", "4.01234567890123E+18")]
    assert rows(con, "select order_id from tmall_orders") == [("2020110612345678902",)]


def test_long_order_number_stored_as_a_number_in_xlsx_is_rejected_as_mangled(con, tmp_path):
    # Excel keeps 15 digits, so a 16-digit number in a workbook is already rounded: it used to load as
    # '1234567890123456.0' and be called "not an order number"
    data = [POS[0], [*POS[1]], [*POS[3]]]
    data[1][0] = 1234567890123456
    data[2][0] = 123456789012345                           # 15 digits survive Excel and load as text
    result = load(con, write_xlsx(tmp_path / "pos.xlsx", data))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(2, "excel_mangled_id", "1.23456789012346E+15")]
    assert rows(con, "select order_id from pos_lines") == [("123456789012345",)]


def test_full_width_digits_and_currency_signs_parse_to_the_cent(con):
    assert load(con, BAD / "fullwidth_and_symbols.csv").rows_loaded == 5
    assert rows(con, "select order_id, net_rmb from pos_lines order by order_id") == [
        ("M1", Decimal("123456.78")), ("M2", Decimal("1234.50")), ("M3", Decimal("1234.50")),
        ("M4", Decimal("1234.50")), ("M5", Decimal("1234.50"))]


def test_date_spellings_and_excel_serials_in_csv(con):
    assert load(con, BAD / "date_spellings.csv").rows_loaded == 6
    assert rows(con, "select order_id, sold_at from pos_lines order by order_id") == [
        ("D1", dt.datetime(2020, 3, 1)), ("D2", dt.datetime(2020, 3, 1)), ("D3", dt.datetime(2020, 3, 1)),
        ("D4", dt.datetime(2020, 3, 1, 9, 5)), ("D5", dt.datetime(2020, 3, 1, 9, 5)), ("D6", dt.datetime(2020, 3, 1, 9))]


def test_date_cell_chinese_date_text_and_serial_number_in_xlsx(con):
    assert load(con, BAD / "date_spellings.xlsx").rows_loaded == 3
    assert rows(con, "select company, event_start from lead_register order by company") == [
        ("丙公司", dt.date(2020, 3, 1)), ("乙公司", dt.date(2020, 3, 1)), ("甲公司", dt.date(2020, 3, 1))]


def test_repeated_order_inside_one_file_is_a_duplicate_row(con):
    result = load(con, BAD / "ExportOrderList202101051030_duplicates.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(5, "duplicate_row", "same as row 2")]
    assert rows(con, "select count(*), count(distinct order_id) from tmall_orders") == [(3, 3)]


def test_workbook_with_xml_in_utf16_is_refused(filled, tmp_path):
    # a byte scan for <!DOCTYPE would miss it in UTF-16, so such a part is not read at all
    from make_corpus import replace_part

    path = tmp_path / "utf16.xlsx"
    path.write_bytes(replace_part((BAD / "title_rows.xlsx").read_bytes(), "xl/worksheets/sheet1.xml",
                                  lambda xml: xml.decode().encode("utf-16")))
    assert_refused(filled, path, "utf16.xlsx: refused: xl/worksheets/sheet1.xml is not UTF-8 XML")
