"""A clean POS export is read straight into pos_lines in one pass; a file with any row that a rule would
reject, or any value its parser would change, goes through staging instead, which names each bad row.
Either way the warehouse ends up with the same rows, and a receipt's lines keep the order of the file."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from etl import loader
from fixtures import POS

HEADER = POS[0]


def line(receipt, code="4710000000011", net="10.00", when="2020-01-05 10:00:00", name="凤梨酥礼盒"):
    return [receipt, when, code, name, "1", "10.00", "0", net, "现金", "", "", "销售"]


@pytest.fixture
def staged(monkeypatch):
    """Counts the files that went through staging."""
    calls = []
    real = loader.stage

    def spy(*args, **kwargs):
        calls.append(args[1].path.name)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "stage", spy)
    return calls


def test_a_clean_pos_file_is_read_in_one_pass_with_every_value_as_staging_would_store_it(con, tmp_path, staged):
    result = load(con, write_csv(tmp_path / "pos.csv", POS))
    assert staged == []
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == ("loaded", 4, 4, 0)
    one_pass = rows(con, "select * exclude (load_id, center) from pos_lines order by rowid")

    con.execute("delete from pos_lines; delete from loads")
    forced = tmp_path / "again.csv"
    forced.write_bytes((tmp_path / "pos.csv").read_bytes())
    import unittest.mock
    with unittest.mock.patch.object(loader, "load_one_pass", lambda *a, **k: False):
        assert load(con, forced).status == "loaded"
    assert staged == ["again.csv"]
    assert rows(con, "select * exclude (load_id, center) from pos_lines order by rowid") == one_pass
    assert one_pass[0][:4] == ("S20200105-0001", __import__("datetime").datetime(2020, 1, 5, 10), "4710000000011", "凤梨酥礼盒")
    assert one_pass[0][-1].startswith("pos:")   # the member's phone, keyed-hashed, never stored
    assert rows(con, "select sum(net_rmb) from sales") == [(Decimal("484.00"),)]


@pytest.mark.parametrize("bad, stored, rejects, is_staged", [
    # values the one pass reads as written but their parser would change: staged, stored cleaned, no reject
    (line("S9", code=" 4710000000011 "), ("S9", "4710000000011"), [], True),
    (line('="S9"'), ("S9", "4710000000011"), [], True),
    (line("S9", code="'4710000000011"), ("S9", "4710000000011"), [], True),
    # values a rule rejects: routed out within the one pass, the reject naming row, column and reason as staging does
    (line("S9", net="abc"), None, [(0, "实收金额", "bad_money")], False),
    (line("S9", when="2202-01-05 10:00:00"), None, [(0, "销售时间", "bad_timestamp")], False),
    (line("S9", code="   "), None, [(0, "商品条码", "missing_value")], True),   # blank as written: its parser would change it
    (line(""), None, [(0, "销售单号", "missing_value")], False),
    (line("S 9"), None, [(0, "销售单号", "bad_order_id")], True),       # an order number read as written
    (line("S9", when="2020-01-05T02:00:00Z"), ("S9", "4710000000011"), [], False),   # parsed, not as written
    # a line with too few or too many fields: skipped by the reader within the one pass, rejected as staging does
    (line("S9")[:5], None, [(0, None, "malformed_row")], False),
    (line("S9")[:7] + ["12", "34"] + line("S9")[8:], None, [(0, None, "malformed_row")], False),
    # ... but blank extra fields are read past, by DuckDB's reader as by the exact one: no reject
    (line("S9") + ["", ""], ("S9", "4710000000011"), [], False),
])
def test_a_file_with_a_bad_row_loads_as_it_always_did(con, tmp_path, staged, bad, stored, rejects, is_staged):
    # below the first rows, which decide what is read as written
    clean = [line(f"C{i}") for i in range(20)]
    result = load(con, write_csv(tmp_path / "pos.csv", [HEADER, *clean, bad, line("S99")]))
    assert staged == (["pos.csv"] if is_staged else [])
    assert result.status == "loaded" and result.load_id == 1
    assert [r[:3] for r in result.rejects] == [(22, column, reason) for _, column, reason in rejects]
    assert result.rows_loaded == (22 if stored else 21)
    if stored:
        assert rows(con, "select order_id, code from pos_lines where order_id like 'S%' order by rowid") == [stored, ("S99", "4710000000011")]
    assert rows(con, "select load_id, status from loads") == [(1, "loaded")]   # no load id lost to the first try


def test_text_written_with_spaces_or_guards_in_the_first_rows_is_parsed_in_the_one_pass(con, tmp_path, staged):
    data = [HEADER, line('="S1"', code=" 4710000000011 "), line("S2", code="'TW-A002"), line("S3")]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert staged == []
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert rows(con, "select order_id, code from pos_lines order by rowid") == [
        ("S1", "4710000000011"), ("S2", "TW-A002"), ("S3", "4710000000011")]


def test_a_file_cut_off_inside_a_quoted_field_is_staged_and_its_last_row_rejected(con, tmp_path, staged):
    path = write_csv(tmp_path / "pos.csv", [HEADER, line("S1"), line("S2")])
    path.write_bytes(path.read_bytes() + '"S3,2020-01-05 10:00:00,"凤梨'.encode())
    result = load(con, path)
    assert staged == ["pos.csv"]
    assert (result.rows_loaded, [r[2] for r in result.rejects]) == (2, ["malformed_row"])


def big_pos(path, receipts, lines_per_receipt, tag):
    """A POS export large enough for DuckDB to read it in several pieces at once: each line's name says
    which receipt line it is."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        for receipt in receipts:
            for n in range(1, lines_per_receipt + 1):
                fh.write(f"R{receipt:05d},2020-01-05 10:00:00,4710000000011,{tag}{n:05d}{'凤' * 30},1,1.00,0,1.00,现金,,,销售\n")
    return path


def test_a_receipts_lines_keep_the_files_order_through_parallel_reads_replacements_and_vacuum(con, tmp_path):
    # 300,000 lines (~40 MB): DuckDB's reader splits the file between its threads
    first = load(con, big_pos(tmp_path / "a.csv", range(300), 1000, "a"))
    assert first.rows_loaded == 300_000
    # a newer export of the first 150 receipts replaces their lines: whole row groups are deleted
    second = load(con, big_pos(tmp_path / "b.csv", range(150), 1000, "b"))
    assert (second.rows_loaded, second.rows_superseded) == (150_000, 0)
    con.execute("checkpoint")   # deleted rows are vacuumed: row ids move, their order must not
    assert rows(con, "select count(*) from pos_lines") == [(300_000,)]
    assert rows(con, """select count(*) from sales
                     where line_no <> cast(substr(product_name, 2, 5) as integer)
                        or left(product_name, 1) <> case when order_id < 'R00150' then 'b' else 'a' end""") == [(0,)]


def test_a_handful_of_bad_values_is_rejected_within_the_one_pass_and_balances(con, tmp_path, staged):
    # the five bad rows of the performance issue: a bad date, two bad amounts, an empty receipt number, a bad quantity
    data = [HEADER] + [line(f"C{i}", net="10.00") for i in range(30)]
    data[5] = line("B1", when="2020-02-30 10:00:00")
    data[10] = line("B2", net="1.005")
    data[15] = line("B3", net="12,34")
    data[20] = line("")
    data[25] = line("B5")[:4] + ["1.5.0"] + line("B5")[5:]
    result = load(con, write_csv(tmp_path / "pos.csv", data))
    assert staged == []
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (30, 25, 5)
    assert [r[:3] for r in result.rejects] == [
        (6, "销售时间", "bad_timestamp"), (11, "实收金额", "money_not_exact"), (16, "实收金额", "bad_money"),
        (21, "销售单号", "missing_value"), (26, "数量", "bad_qty")]
    # read: 30 rows, of which B2 and B3's amounts are unreadable: 28 × 10.00; rejected B1, the empty one, B5: 30.00
    assert result.amounts == {"read": Decimal("280.00"), "loaded": Decimal("250.00"), "rejected": Decimal("30.00"),
                              "superseded": 0, "replaced": 0}
    assert rows(con, "select count(*), sum(net_rmb) from pos_lines") == [(25, Decimal("250.00"))]
    assert rows(con, "select count(*) from pos_lines where order_id like '\x01%'") == [(0,)]


def test_lines_the_reader_skips_keep_every_later_row_number_and_the_balance(con, tmp_path, staged):
    # an unquoted 12,34 (13 fields) on data line 5 and a line cut to 4 fields on line 12, then a routed bad date on
    # line 20 and a bad amount on line 31: each reject names the file's row as a spreadsheet would show it
    data = [HEADER] + [line(f"C{i}") for i in range(40)]
    data[5] = line("B1")[:7] + ["12", "34"] + line("B1")[8:]
    data[12] = line("B2")[:4]
    data[20] = line("B3", when="2020-02-30 10:00:00")
    data[31] = line("B4", net="abc")
    path = write_csv(tmp_path / "pos.csv", data)
    result = load(con, path)
    assert staged == []
    expected = [(6, None, "malformed_row"), (13, None, "malformed_row"), (21, "销售时间", "bad_timestamp"),
                (32, "实收金额", "bad_money")]
    assert [r[:3] for r in result.rejects] == expected
    assert rows(con, "select detail from rejects where reason = 'malformed_row' order by row_no") == [
        ("expected 12 columns, found 13",), ("expected 12 columns, found 4",)]
    # read 40 rows: the two skipped lines and B4 have no readable amount, so 37 × 10.00 read; B3's 10.00 rejected
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (40, 36, 4)
    assert result.amounts == {"read": Decimal("370.00"), "loaded": Decimal("360.00"), "rejected": Decimal("10.00"),
                              "superseded": 0, "replaced": 0}
    one_pass = rows(con, "select * exclude (load_id, center) from pos_lines order by rowid")
    rejects = rows(con, "select row_no, column_name, reason, detail from rejects order by row_no")

    con.execute("delete from pos_lines; delete from loads; delete from rejects")
    import unittest.mock
    with unittest.mock.patch.object(loader, "load_one_pass", lambda *a, **k: False):
        again = load(con, path)
    assert staged == ["pos.csv"]
    assert (again.rows_read, again.rows_loaded, again.rows_rejected, again.amounts) == (40, 36, 4, result.amounts)
    assert rows(con, "select * exclude (load_id, center) from pos_lines order by rowid") == one_pass
    assert rows(con, "select row_no, column_name, reason, detail from rejects order by row_no") == rejects


def with_bad_rows(tmp_path, name="pos.csv"):
    data = [HEADER] + [line(f"C{i}") for i in range(30)]
    data[5] = line("B1", when="2020-02-30 10:00:00")
    data[9] = line("B2")[:4]
    return write_csv(tmp_path / name, data)


def test_a_load_with_routed_rows_that_fails_later_leaves_nothing_of_itself(con, tmp_path, monkeypatch):
    # the rows and rejects of a one-pass load with bad rows are committed before the rest of the load (deleting
    # the routed rows in the inserting transaction costs a rewrite); a failure after that must take them out again
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(loader, "settle", broken)
    result = load(con, with_bad_rows(tmp_path))
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("failed", 0, 0)
    assert "the disk is full" in result.message
    assert rows(con, "select count(*) from pos_lines") == [(0,)]
    assert rows(con, "select count(*) from rejects") == [(0,)]
    assert rows(con, "select load_id, status from loads") == [(1, "failed")]
    monkeypatch.undo()
    again = load(con, with_bad_rows(tmp_path, "again.csv"))
    assert (again.status, again.rows_read, again.rows_loaded, again.rows_rejected) == ("loaded", 30, 28, 2)
    assert rows(con, "select count(*), count(distinct load_id) from pos_lines") == [(28, 1)]
    assert rows(con, "select row_no, reason from rejects order by row_no") == [(6, "bad_timestamp"), (10, "malformed_row")]


def test_a_load_with_routed_rows_found_a_duplicate_late_leaves_nothing_of_itself(con, tmp_path):
    # the file's hash is still being computed while it loads; it turns out to be loaded already
    from concurrent.futures import Future

    from conftest import KEY
    from etl.publish import file_sha256

    first = load(con, with_bad_rows(tmp_path))
    assert (first.status, first.rows_loaded) == ("loaded", 28)
    path = with_bad_rows(tmp_path, "same.csv")
    sha = Future()
    sha.set_result(file_sha256(path))
    second = loader.load_file(con, path, KEY, sha=sha)
    assert (second.status, second.load_id) == ("duplicate", first.load_id)
    assert rows(con, "select load_id, count(*) from pos_lines group by 1") == [(first.load_id, 28)]
    assert rows(con, "select load_id, count(*) from rejects group by 1") == [(first.load_id, 2)]
