"""Data page: load history, rejects, unknown codes, freshness, and the upload preview."""
import hashlib
from decimal import Decimal

from apptest import csv_rows, no_errors, open_page, xlsx_rows
from conftest import warehouse_rows


def test_history_lists_every_load(small_app):
    at = open_page("data", view="history")
    assert no_errors(at)
    history = at.dataframe[0].value
    assert list(history["status"]) == ["Loaded"] * 6
    assert history["rows_loaded"].sum() == 19


def test_unknown_codes_are_listed(small_app):
    at = open_page("data", view="unknown")
    assert list(at.dataframe[0].value["code"]) == ["4719999999999"]


def test_freshness_per_channel(small_app):
    at = open_page("data", view="freshness")
    fresh = at.dataframe[0].value
    # in the registry's order (etl.channels): storefront, exhibitions, Tmall
    assert [str(d) for d in fresh["last_sale"]] == ["2020-01-10", "2020-12-01", "2020-11-06"]


def test_upload_previews_then_loads_on_confirmation(small_warehouse, tmp_path, monkeypatch):
    import shutil

    from fixtures import POS
    from conftest import write_csv

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, db)
    monkeypatch.setenv("TPC_DB", str(db))
    rows = [POS[0], ["S20201201-0001", "2020-12-01 10:00:00", *POS[1][2:]], ["S20201201-0002", "not a time", *POS[1][2:]]]
    data = write_csv(tmp_path / "december.csv", rows).read_bytes()

    at = open_page("data")
    at.file_uploader[0].set_value(("december.csv", data, "text/csv")).run()
    preview = at.dataframe[0].value
    assert preview.to_dict("records") == [{"File": "december.csv", "Format": "Storefront POS sales", "Status": "Loads",
                                           "Rows read": 2, "Would load": 1, "Rows rejected": 1,
                                           "Held by a newer export": 0, "RMB read": Decimal("500.00"),
                                           "RMB loaded": Decimal("250.00")}]
    assert [e.label for e in at.expander] == ["december.csv · Loads · :orange[**1 rows would be rejected**]"]
    assert at.expander[0].proto.expanded, "a file with rejected rows is shown open before confirming"
    assert "Row 3, column 销售时间: not a date and time" in [m.value for m in at.markdown]
    assert len(open_page("data", view="history").dataframe[0].value) == 6, "nothing loads before confirming"
    assert not (tmp_path / "raw").exists(), "nor is kept: a rebuild must not load what was never confirmed"

    assert "Storefront 2020-01-10" in at.caption[0].value
    at.button(key="confirm_load").click().run()
    assert [s.value for s in at.success] == ["1 file(s) loaded, 1 rows."]
    assert "Storefront 2020-01-10" not in at.caption[0].value and "Storefront 2020-12-01" in at.caption[0].value, \
        "the data-as-of line shows the new file at once"
    assert not at.file_uploader[0].value, "the uploader starts empty again"
    kept = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "raw").rglob("*")]
    assert kept == [f"raw/{hashlib.sha256(data).hexdigest()[:12]}-december.csv"]   # kept like a CLI load
    assert list((tmp_path / ".uploads-pending").rglob("*")) == []                    # the pending copy is gone
    history = open_page("data", view="history").dataframe[0].value
    assert list(history["file_name"])[0] == "december.csv"
    assert len(history) == 7


def test_the_rejects_downloads_hold_every_reject(small_app, offered):
    at = open_page("data", view="rejects")
    expected = warehouse_rows(small_app, """
        select l.file_name, r.load_id, r.row_no, r.column_name, r.detail from rejects as r join loads as l using (load_id)
        order by r.load_id desc, r.row_no, r.column_name""")
    assert expected == [("pos-2019.csv", 6, 4, "销售单号", "=S20190302-0001"), ("pos-2019.csv", 6, 4, "销售时间", "not a time")]
    shown = [(f, load, row, column, "'" + d if d.startswith("=") else d) for f, load, row, column, d in expected]
    header, *rows = csv_rows(offered(at, "rejects_csv"))
    assert header == ["File", "Load", "Row", "Column", "Reason", "Value"]
    assert sorted((f, int(load), int(row), column, value) for f, load, row, column, _, value in rows) == shown
    assert sorted(r[4] for r in rows) == ["not a date and time", "not an order number"]
    header, *rows = xlsx_rows(offered(at, "rejects_xlsx"), "Rejected rows")
    assert sorted((f, load, row, column, value) for f, load, row, column, _, value in rows) == shown


def test_the_details_the_etl_words_are_shown_in_the_readers_language(db, con, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    from conftest import load
    from fixtures import POS

    def pos_line(receipt, name="x"):
        return ",".join([receipt, "2020-01-05 10:00:00", "X1", name, "1", "1.00", "0", "1.00", "现金", "", "", "销售"])

    bad = Path(__file__).parent / "data" / "bad"
    for name in ("truncated_row.csv", "truncated_in_quote.csv", "truncated_mid_character.csv"):
        load(con, shutil.copyfile(bad / name, tmp_path / name))
    (tmp_path / "quote.csv").write_text("\n".join([",".join(POS[0]), pos_line("R1"), pos_line("R2", '"broken'),
                                                    pos_line("R3")]) + "\n", encoding="utf-8")
    load(con, tmp_path / "quote.csv")
    (tmp_path / "gbk.csv").write_bytes(("\r\n".join([",".join(POS[0]), pos_line("G1", "凤梨酥")]) + "\r\n").encode("gbk")
                                       + (pos_line("G2", "牛轧糖") + "\r\n").encode("utf-8"))
    load(con, tmp_path / "gbk.csv")
    # a file's own value that reads like one of ours stays as written
    (tmp_path / "value.csv").write_text("\n".join([",".join(POS[0]), pos_line("V1").replace(
        "2020-01-05 10:00:00", '"expected 3 columns, found 2"')]) + "\n", encoding="utf-8")
    load(con, tmp_path / "value.csv")
    stored = [detail for detail, in con.execute("select detail from rejects").fetchall()]
    con.close()
    monkeypatch.setenv("TPC_DB", str(db))

    def details(lang):
        frame = open_page("data", view="rejects", lang=lang).dataframe[0].value
        return sorted(zip(frame["file_name"], frame["detail"]))

    assert details("zh-Hans") == [
        ("gbk.csv", "GBK / GB18030 文件中夹有 UTF-8 文本"),
        ("quote.csv", "此处开启的引号没有关闭"),
        ("truncated_in_quote.csv", "文件在引号内结束：此行被截断"),
        ("truncated_mid_character.csv", "含有不是 UTF-8 文本的字节"),
        ("truncated_row.csv", "应有 12 列，实有 8 列"),
        ("value.csv", "expected 3 columns, found 2")]
    assert details("zh-Hant")[-2] == ("truncated_row.csv", "應有 12 欄，實有 8 欄")
    # what was wrong comes before where it came from: on a desktop the value shows without scrolling
    shown = open_page("data", view="rejects").dataframe[0].proto
    assert list(shown.column_order) == ["row_no", "reason", "detail", "column_name", "file_name", "load_id"]
    assert sorted(d for _, d in details("en")) == sorted(stored), "in English, as the ETL stored them"


def test_a_warehouse_without_rejects_or_unknown_codes_says_so_rather_than_an_empty_table(db, con, tmp_path,
                                                                                        monkeypatch):
    from conftest import load, write_csv
    from fixtures import MASTER

    load(con, write_csv(tmp_path / "master.csv", MASTER))
    con.close()
    monkeypatch.setenv("TPC_DB", str(db))
    at = open_page("data", view="rejects", lang="zh-Hans")
    assert no_errors(at) and not at.dataframe and not at.get("download_button")
    assert [s.value for s in at.success] == ["没有退回的数据行：每个载入的文件都完整读入。"]
    at = open_page("data", view="unknown")
    assert not at.dataframe and [s.value for s in at.success] == ["Every product code sold is in the product master."]
