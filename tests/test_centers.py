"""Centers: every source row belongs to the center it was loaded for; natural keys include it; a warehouse with no
centers file has the one implicit center, so single-center use is unchanged."""
from decimal import Decimal

import pytest

from conftest import load, rows, write_csv
from etl import config, pipeline, warehouse
from etl.__main__ import main
from fixtures import ITEMS, ORDERS, REGISTER

CENTERS = [["中心代码", "中心名称", "城市", "开业日期"],
           ["SH", "上海旗艦中心", "上海", "2018-06-01"],
           ["NJ", "南京中心", "南京", "2020-03-15"]]
POS_HEADER = ["销售单号", "销售时间", "商品条码", "商品名称", "数量", "单价", "折扣金额", "实收金额", "支付方式", "门店",
              "会员手机", "单据类型"]


def pos_row(receipt, code, net, when="2020-01-05 10:00:00"):
    return [receipt, when, code, "x", "1", net, "0", net, "现金", "", "", "销售"]


def centers_file(tmp_path, lines=CENTERS):
    return write_csv(tmp_path / "centers.csv", lines)


def pos_file(tmp_path, name, lines):
    folder = tmp_path / name.split(".")[0]
    folder.mkdir(exist_ok=True)
    return write_csv(folder / name, [POS_HEADER, *lines])


def by_center(db, sql):
    con = warehouse.connect(db, read_only=True)
    try:
        return rows(con, sql)
    finally:
        con.close()


def test_without_a_centers_file_every_row_is_the_implicit_center(con, tmp_path):
    load(con, pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "10.00")]))
    assert rows(con, "select * from centers") == [(config.DEFAULT_CENTER, config.DEFAULT_CENTER_NAME, None, None)]
    assert rows(con, "select center, net_rmb from sales") == [("TPC", Decimal("10.00"))]
    assert rows(con, "select format, channel, center from loads") == [("storefront_pos", "storefront", "TPC")]


def test_the_centers_file_is_the_centers_view_and_network_wide(con, tmp_path):
    result = load(con, centers_file(tmp_path))
    assert (result.status, result.format, result.rows_loaded) == ("loaded", "centers", 2)
    assert rows(con, "select center, center_name, city, opened_on::varchar from centers order by center") == [
        ("NJ", "南京中心", "南京", "2020-03-15"), ("SH", "上海旗艦中心", "上海", "2018-06-01")]
    assert rows(con, "select channel, center from loads") == [(None, None)]


def test_the_same_receipt_in_two_centers_is_two_receipts_with_exact_totals(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    same = [pos_row("R1", "X1", "100.00"), pos_row("R1", "X2", "60.50")]
    sh = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", same)], center="SH")
    nj = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", same)], center="NJ")
    assert [r.status for r in sh + nj] == ["loaded", "loaded"]   # the same file, for another center, is no duplicate
    assert by_center(db, "select center, count(*), sum(net_rmb) from sales group by 1 order by 1") == [
        ("NJ", 2, Decimal("160.50")), ("SH", 2, Decimal("160.50"))]
    assert by_center(db, "select center, orders from orders_daily order by 1") == [("NJ", 1), ("SH", 1)]
    assert by_center(db, "select center, net_rmb from sales_daily where sku = 'X2' order by 1") == [
        ("NJ", Decimal("60.50")), ("SH", Decimal("60.50"))]
    assert by_center(db, "select center, orders, paid_rmb from buyers_daily order by 1") == [
        ("NJ", 1, Decimal("160.50")), ("SH", 1, Decimal("160.50"))]
    again = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", same)], center="SH")
    assert again[0].status == "duplicate"


def test_a_newer_export_for_one_center_replaces_only_that_center_s_rows(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    first = [pos_row("R1", "X1", "100.00"), pos_row("R1", "X2", "60.00"), pos_row("R2", "X1", "5.00")]
    pipeline.load_paths(db, [pos_file(tmp_path, "pos_202001050900.csv", first)], center="SH")
    pipeline.load_paths(db, [pos_file(tmp_path, "pos_202001050901.csv", first)], center="NJ")
    [newer] = pipeline.load_paths(db, [pos_file(tmp_path, "pos_202001061000.csv", [pos_row("R1", "X2", "60.00")])],
                                  center="SH")
    assert (newer.status, newer.rows_replaced, newer.amounts["replaced"]) == ("loaded", 2, Decimal("160.00"))
    # SH: R1 is now one line of 60.00, R2 stays (65.00); NJ keeps all three lines (165.00)
    assert by_center(db, "select center, count(*), sum(net_rmb) from sales group by 1 order by 1") == [
        ("NJ", 3, Decimal("165.00")), ("SH", 2, Decimal("65.00"))]


def test_a_tmall_order_and_a_lead_in_two_centers_are_two_each(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    files = []
    for name, lines in (("ExportOrderList202101051030.csv", ORDERS), ("ExportOrderDetailList202101051030.csv", ITEMS),
                        ("register.csv", REGISTER)):
        files.append(write_csv(tmp_path / name, lines))
    for center in ("SH", "NJ"):
        assert {r.status for r in pipeline.load_paths(db, files, center=center)} == {"loaded"}
    per_center = by_center(db, "select center, channel, count(*), sum(net_rmb), sum(paid_rmb) from sales "
                               "group by all order by 2, 1")
    assert [r[1:] for r in per_center if r[0] == "SH"] == [r[1:] for r in per_center if r[0] == "NJ"]
    assert by_center(db, "select center, count(*) from leads group by 1 order by 1")[0][1] == len(REGISTER) - 1
    con = warehouse.connect(db)
    try:
        warehouse.check_balance(con)
    finally:
        con.close()


def test_an_unknown_center_is_refused_with_the_known_ones(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    [result] = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "1.00")])], center="XM")
    assert result.status == "refused"
    assert "unknown center 'XM'; the known centers are: NJ, SH" in result.message
    assert by_center(db, "select count(*) from pos_lines") == [(0,)]


def test_several_centers_and_no_center_is_refused_with_the_list(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    [result] = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "1.00")])])
    assert result.status == "refused"
    assert "knows 2 centers (NJ, SH); say which one the file is for with --center CODE" in result.message


def test_the_cli_takes_center_and_refuses_an_unknown_one(db, tmp_path, capsys):
    assert main(["load", str(centers_file(tmp_path)), "--db", str(db)]) == 0
    pos = pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "1.00")])
    assert main(["load", str(pos), "--db", str(db), "--center", "XX"]) == 1
    assert "unknown center 'XX'; the known centers are: NJ, SH" in capsys.readouterr().err
    assert main(["load", str(pos), "--db", str(db)]) == 1
    assert "--center CODE" in capsys.readouterr().err
    assert main(["load", str(pos), "--db", str(db), "--center", "NJ"]) == 0
    assert by_center(db, "select center, net_rmb from sales") == [("NJ", Decimal("1.00"))]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_centers_template_loads_its_example_row(tmp_path, con, suffix):
    out = tmp_path / f"centers{suffix}"
    assert main(["template", "centers", "--out", str(out)]) == 0
    result = load(con, out)
    assert (result.status, result.format, result.rows_loaded, result.rows_rejected) == ("loaded", "centers", 1, 0)
    assert rows(con, "select center from centers") == [("EX",)]


def test_a_centers_file_with_bad_rows_names_row_column_and_reason(con, tmp_path):
    result = load(con, centers_file(tmp_path, CENTERS + [["SH", "上海第二中心", "上海", "2021-01-01"],
                                                          ["XM", "厦门中心", "厦门", "2021-13-40"],
                                                          ["", "无代码中心", "杭州", ""]]))
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == ("loaded", 5, 2, 3)
    assert rows(con, "select row_no, column_name, reason, detail from rejects order by row_no") == [
        (4, "center", "duplicate_row", "same as row 2"),   # a repeat names the key, as for every format
        (5, "开业日期", "bad_date", "2021-13-40"),
        (6, "中心代码", "missing_value", None),
    ]
    assert rows(con, "select center from centers order by 1") == [("NJ",), ("SH",)]


def test_rebuild_reloads_each_file_into_the_center_it_was_loaded_for(db, tmp_path):
    pipeline.load_paths(db, [centers_file(tmp_path)])
    pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "7.00")])], center="SH")
    pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "7.00")])], center="NJ")
    pipeline.load_paths(db, [pos_file(tmp_path, "pos2.csv", [pos_row("R9", "X1", "2.00")])], center="NJ")
    before = by_center(db, "select center, order_id, net_rmb, load_id from sales order by all")
    results = pipeline.rebuild(db)
    assert [r.status for r in results] == ["loaded"] * 4
    assert by_center(db, "select center, order_id, net_rmb, load_id from sales order by all") == before
    assert by_center(db, "select center from loads order by load_id") == [(None,), ("SH",), ("NJ",), ("NJ",)]


def test_the_implicit_center_s_loads_stay_a_center_once_a_centers_file_comes(db, tmp_path):
    pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "3.00")])])
    pipeline.load_paths(db, [centers_file(tmp_path)])
    assert by_center(db, "select center, center_name from centers order by 1") == [
        ("NJ", "南京中心"), ("SH", "上海旗艦中心"), ("TPC", config.DEFAULT_CENTER_NAME)]
    [again] = pipeline.load_paths(db, [pos_file(tmp_path, "pos2.csv", [pos_row("R2", "X1", "4.00")])], center="TPC")
    assert again.status == "loaded"
    assert by_center(db, "select center, sum(net_rmb) from sales group by 1") == [("TPC", Decimal("7.00"))]


def test_the_data_page_gets_the_centers_to_choose_from(db, tmp_path):
    assert pipeline.centers(db) == [("TPC", config.DEFAULT_CENTER_NAME)]
    pipeline.load_paths(db, [centers_file(tmp_path)])
    assert pipeline.centers(db) == [("NJ", "南京中心"), ("SH", "上海旗艦中心")]


def test_a_center_code_too_long_for_a_folder_name_rejects_its_row_naming_the_column(db, tmp_path):
    """A code names the center's folders in the lake (percent-encoded); 20 Chinese characters fit a file system's
    255 bytes a name, 21 would be refused by the first load into the lake, so the centers file rejects it."""
    longest, too_long = "台" * 20, "台" * 21
    [result] = pipeline.load_paths(db, [centers_file(tmp_path, [CENTERS[0], [longest, "二十字中心", "上海", ""],
                                                                [too_long, "二十一字中心", "上海", ""],
                                                                ["A" * 61, "x", "上海", ""]])])
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 2)
    assert by_center(db, "select row_no, column_name, reason, detail from rejects order by row_no") == [
        (3, "中心代码", "center_code_too_long", too_long), (4, "中心代码", "center_code_too_long", "A" * 61)]
    [result] = pipeline.load_paths(db, [pos_file(tmp_path, "pos.csv", [pos_row("R1", "X1", "1.00")])], center=too_long)
    assert result.status == "refused" and f"unknown center '{too_long}'" in result.message
    [result] = pipeline.load_paths(db, [pos_file(tmp_path, "pos2.csv", [pos_row("R1", "X1", "1.00")])], center=longest)
    assert result.status == "loaded"
