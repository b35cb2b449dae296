"""The targets file (issue 13): found by its header, 通路 by code or name in three languages, every reject by row,
column and reason, a newer file replacing the same key, its template, the demo's targets, and the queries."""
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import load, rows, write_csv, write_xlsx
from etl import channels, demo, demo_targets
from etl.__main__ import main
from etl.formats import targets as targets_format
from etl.reasons import REASONS

D = dt.date
HEADER = ["年份", "月份", "中心代码", "通路", "目标金额(元)"]
DATA = Path(__file__).parent / "data" / "targets"
TARGETS = "select year, month, center, channel, target_rmb from targets order by year, month nulls first, center nulls first, channel"


@pytest.fixture
def con(con, tmp_path):
    """A warehouse that knows the centers SH, NJ and XM (a targets file may name only known centers)."""
    centers = write_csv(tmp_path / "centers.csv", [["中心代码", "中心名称", "城市", "开业日期"],
                                                   ["SH", "上海旗舰中心", "上海", "2015-06-01"],
                                                   ["NJ", "南京中心", "南京", "2018-03-01"],
                                                   ["XM", "厦门中心", "厦门", "2019-09-01"]])
    assert load(con, centers).status == "loaded"
    return con


def test_a_center_the_warehouse_does_not_know_is_rejected(tmp_path, con):
    result = load(con, targets_csv(tmp_path, ["2021", "1", "SH", "storefront", "100"], ["2021", "1", "BJ", "storefront", "200"]))
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 1, 1)
    assert rows(con, "select row_no, column_name, reason, detail from rejects") == [(3, "中心代码", "unknown_center", "BJ")]
    assert rows(con, TARGETS) == [(2021, 1, "SH", "storefront", Decimal("100.00"))]


def targets_csv(tmp_path, *lines, name="targets.csv"):
    return write_csv(tmp_path / name, [HEADER, *[list(line) for line in lines]])


def test_a_targets_csv_loads_months_years_centers_and_the_network(tmp_path, con):
    path = targets_csv(tmp_path, ["2021", "1", "SH", "storefront", "1200000"], ["2021", "2", "SH", "storefront", "980,000.50"],
                       ["2021", "", "SH", "tmall", "3000000.00"], ["2021", "", "", "exhibition", "¥2,500,000"])
    result = load(con, path)
    assert (result.status, result.format, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", "targets", 4, 4, 0)
    assert result.amounts["read"] == result.amounts["loaded"] == Decimal("7680000.50")
    assert rows(con, TARGETS) == [
        (2021, None, None, "exhibition", Decimal("2500000.00")),    # a yearly network target
        (2021, None, "SH", "tmall", Decimal("3000000.00")),         # a yearly target of a center
        (2021, 1, "SH", "storefront", Decimal("1200000.00")),
        (2021, 2, "SH", "storefront", Decimal("980000.50"))]
    assert rows(con, "select data_type from information_schema.columns where table_name = 'targets' "
                     "and column_name = 'target_rmb'") == [("DECIMAL(18,2)",)]


def test_a_targets_xlsx_loads_its_numbers_as_typed(tmp_path, con):
    path = write_xlsx(tmp_path / "targets.xlsx", [HEADER, [2021, 3, "NJ", "Storefront", 450000.5], [2021, None, None, "天貓", 3000000]],
                      title="2021 年度目标")
    result = load(con, path)
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 0)
    assert rows(con, TARGETS) == [(2021, None, None, "tmall", Decimal("3000000.00")),
                                  (2021, 3, "NJ", "storefront", Decimal("450000.50"))]


def test_a_gb18030_file_with_a_title_row_and_full_width_brackets_loads(con):
    result = load(con, DATA / "title_row_gbk.csv")
    assert (result.status, result.format, result.rows_loaded, result.rows_rejected) == ("loaded", "targets", 2, 0)
    assert rows(con, TARGETS) == [(2021, None, None, "tmall", Decimal("3000000.00")),
                                  (2021, 1, "SH", "storefront", Decimal("1200000.00"))]


SPELLINGS = [(name, c.code) for c in channels.CHANNELS.values() for name in (c.code, *c.labels)]


@pytest.mark.parametrize("written, code", SPELLINGS + [
    ("TMALL", "tmall"), (" Tmall ", "tmall"), ("天貓", "tmall"), ("天猫", "tmall"), ("實體店面", "storefront"),
    ("实体店面", "storefront"), ("STOREFRONT", "storefront"), ("exhibitions", "exhibition"), ("專業展會", "exhibition"),
    ("\u3000专业展会", "exhibition")])
def test_a_channel_is_its_code_or_its_name_in_any_language_any_case(tmp_path, con, written, code):
    load(con, targets_csv(tmp_path, ["2021", "", "", written, "100"]))
    assert rows(con, "select channel from targets") == [(code,)]


# (row as written, column, reason, detail): row 2 of each file is good, the bad row is row 3
BAD_ROWS = [
    (["2021", "13", "SH", "storefront", "100"], "月份", "bad_month", "13"),
    (["2021", "0", "SH", "storefront", "100"], "月份", "bad_month", "0"),
    (["2021", "一月", "SH", "storefront", "100"], "月份", "bad_int", "一月"),
    (["1999", "1", "SH", "storefront", "100"], "年份", "implausible_year", "1999"),
    (["2100", "1", "SH", "storefront", "100"], "年份", "implausible_year", "2100"),
    (["", "1", "SH", "storefront", "100"], "年份", "missing_value", None),
    (["2021", "1", "SH", "jd", "100"], "通路", "unknown_channel", "jd"),
    (["2021", "1", "SH", "", "100"], "通路", "missing_value", None),
    (["2021", "1", "SH", "storefront", "-100"], "目标金额(元)", "negative_target", "-100.00"),
    (["2021", "1", "SH", "storefront", "0.005"], "目标金额(元)", "money_not_exact", "0.005"),
    (["2021", "1", "SH", "storefront", "1e3"], "目标金额(元)", "bad_money", "1e3"),
    (["2021", "1", "SH", "storefront", ""], "目标金额(元)", "missing_value", None),
]


@pytest.mark.parametrize("bad, column, reason, detail", BAD_ROWS)
def test_every_bad_value_is_rejected_by_row_column_and_reason(tmp_path, con, bad, column, reason, detail):
    result = load(con, targets_csv(tmp_path, ["2021", "2", "SH", "storefront", "500"], bad))
    assert (result.status, result.rows_read, result.rows_loaded, result.rows_rejected) == ("loaded", 2, 1, 1)
    assert rows(con, "select row_no, column_name, reason, detail from rejects") == [(3, column, reason, detail)]
    assert rows(con, TARGETS) == [(2021, 2, "SH", "storefront", Decimal("500.00"))]


def test_an_unknown_channels_reason_lists_the_known_codes_and_names():
    for channel in channels.CHANNELS.values():
        assert channel.code in REASONS["unknown_channel"]
        assert all(label in REASONS["unknown_channel"] for label in channel.labels)


@pytest.mark.parametrize("first, again", [
    (["2021", "1", "SH", "storefront", "100"], ["2021", "1", "SH", "storefront", "120"]),
    (["2021", "", "", "tmall", "100"], ["2021", "", "", "tmall", "120"]),        # no month, no center: still one key
    (["2021", "", "SH", "天猫", "100"], ["2021", "", "SH", "Tmall", "120"]),      # two names of one channel
])
def test_a_key_repeated_within_the_file_rejects_the_repeat(tmp_path, con, first, again):
    result = load(con, targets_csv(tmp_path, first, again))
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert rows(con, "select row_no, reason, detail from rejects") == [(3, "duplicate_row", "same as row 2")]
    assert rows(con, "select target_rmb from targets") == [(Decimal("100.00"),)]


def test_a_newer_file_replaces_the_same_year_month_center_and_channel(tmp_path, con):
    load(con, targets_csv(tmp_path, ["2021", "1", "SH", "storefront", "100"], ["2021", "", "", "tmall", "500"],
                          ["2021", "", "SH", "exhibition", "700"], ["2021", "1", "NJ", "storefront", "90"], name="first.csv"))
    newer = load(con, targets_csv(tmp_path, ["2021", "1", "SH", "实体店面", "120"], ["2021", "", "", "TMALL", "600"],
                                  ["2021", "2", "SH", "storefront", "130"], name="second.csv"))
    # 1 + 3: the SH January storefront and the network's Tmall year are replaced; NJ and the SH deals stand
    assert (newer.rows_loaded, newer.rows_replaced, newer.amounts["replaced"]) == (3, 2, Decimal("600.00"))
    assert rows(con, TARGETS) == [
        (2021, None, None, "tmall", Decimal("600.00")),
        (2021, None, "SH", "exhibition", Decimal("700.00")),
        (2021, 1, "NJ", "storefront", Decimal("90.00")),
        (2021, 1, "SH", "storefront", Decimal("120.00")),
        (2021, 2, "SH", "storefront", Decimal("130.00"))]
    assert rows(con, "select count(*) from targets group by year, month, center, channel having count(*) > 1") == []


def test_the_unknown_center_check_is_ready_for_a_centers_table():
    field, condition, reason = targets_format.UNKNOWN_CENTER_CHECK
    assert field == "center" and reason in REASONS and "centers" in condition
    assert targets_format.FORMAT.field(field).kind == "text"


# ---- the template ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_targets_template_loads_its_one_example_row(tmp_path, db, capsys, suffix):
    """Into a warehouse of one center (no centers file): the example names its implicit center, TPC."""
    from etl import warehouse

    con = warehouse.connect(db)
    out = tmp_path / f"targets{suffix}"
    assert main(["template", "targets", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert all(name in printed for name in HEADER)
    result = load(con, out)
    assert (result.status, result.format, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "loaded", "targets", 1, 1, 0)
    assert rows(con, TARGETS) == [(2021, 1, "TPC", "storefront", Decimal("100000.00"))]
    con.close()


def test_the_targets_template_has_every_column_with_a_note():
    from etl import templates

    assert templates.header("targets") == HEADER
    assert [(name, need) for name, need, _ in templates.notes("targets")] == [
        ("年份", "必填"), ("月份", "选填"), ("中心代码", "选填"), ("通路", "必填"), ("目标金额(元)", "必填")]
    assert all(note for _, _, note in templates.notes("targets"))


# ---- the demo's targets ---------------------------------------------------------------------------------------

ACTUAL = {(year, channel): amount for year in demo.YEARS
          for channel, amount in (("storefront", 1_000_003), ("tmall", 200_000), ("exhibition", 100_001))}


def test_the_demo_targets_add_up_from_months_to_centers_to_the_network():
    found = pd.DataFrame(demo_targets.target_rows(ACTUAL), columns=["year", "month", "center", "channel", "yuan"])
    assert sorted(set(found.year)) == [2020, 2021]
    for year in (2020, 2021):
        of_year = found[found.year == year]
        network = of_year[of_year.center.isna()].set_index("channel").yuan.to_dict()
        # the year before's actual plus the growth, to the yuan: 1,000,003 x 1.08 = 1,080,003.24; 200,000 x 1.1;
        # 100,001 x 1.06 = 106,001.06
        assert network == {"storefront": 1_080_003, "tmall": 220_000, "exhibition": 106_001}
        months = of_year[of_year.month.notna()]
        assert set(months.channel) == {"storefront"} and len(months) == 36   # 12 months x SH, NJ, XM
        by_center = months.groupby("center").yuan.sum().to_dict()
        # 1,080,003 split 50/30/20: 540,001.5 / 324,000.9 / 216,000.6; the floors leave 2 yuan, which go to the
        # largest remainders, NJ's .9 and XM's .6
        assert by_center == {"SH": 540_001, "NJ": 324_001, "XM": 216_001}
        yearly = of_year[of_year.month.isna() & of_year.center.notna()]
        assert sorted(zip(yearly.center, yearly.channel, yearly.yuan)) == [
            ("SH", "exhibition", 106_001), ("SH", "tmall", 220_000)]


def test_the_month_of_chinese_new_year_weighs_more():
    sh = {(y, m): yuan for y, m, c, ch, yuan in demo_targets.target_rows(ACTUAL) if c == "SH" and m}
    assert sh[2020, 1] > sh[2020, 2]     # 2020: the festival on 25 January
    assert sh[2021, 2] > sh[2021, 1]     # 2021: on 12 February


def test_the_demo_targets_file_loads_without_a_reject(tmp_path, con):
    orders = pd.DataFrame({"goods": [10_000_00, 5_000_00, 7_000_00], "refund": [0, 1_000_00, 0],
                           "is_paid": [True, True, False],
                           "paid_at": [demo.day_no("2019-03-01") * demo.DAY, demo.day_no("2020-03-01") * demo.DAY, -1]})
    path = demo_targets.write(tmp_path / "targets.csv", orders)
    assert path.read_bytes() == demo_targets.write(tmp_path / "again.csv", orders).read_bytes()
    result = load(con, path)
    assert (result.status, result.rows_read, result.rows_rejected) == ("loaded", 82, 0)   # 2 x (36 + 2 + 3)
    # Tmall: 10,000 paid in 2019 -> 11,000 for 2020; 5,000 - 1,000 paid in 2020 -> 4,400 for 2021
    assert rows(con, "select year, target_rmb from targets where channel = 'tmall' and center is null order by 1") == [
        (2020, Decimal("11000.00")), (2021, Decimal("4400.00"))]
    assert rows(con, "select year, target_rmb from targets where channel = 'storefront' and center is null order by 1") == [
        (2020, Decimal(round(demo.STOREFRONT_NET_CENTS[2019] / 100 * 1.08))),
        (2021, Decimal(round(demo.STOREFRONT_NET_CENTS[2020] / 100 * 1.08)))]


# ---- the queries ----------------------------------------------------------------------------------------------

POS_HEADER = ["销售单号", "销售时间", "商品条码", "数量", "实收金额"]


@pytest.fixture
def targets_app(tmp_path, monkeypatch):
    """A warehouse with April 2020 and April 2021 storefront sales and 2021 targets, the dashboard pointed at it.

    April 2020: 100 RMB every day (3,000). April 2021: 200 RMB a day on the 1st-10th (2,000)."""
    from etl import pipeline

    sales = [POS_HEADER] + [[f"S{day:%Y%m%d}", f"{day} 10:00:00", "X1", "1", amount]
                            for first, days, amount in ((D(2020, 4, 1), 30, "100"), (D(2021, 4, 1), 10, "200"))
                            for day in (first + dt.timedelta(n) for n in range(days))]
    centers = write_csv(tmp_path / "centers.csv", [["中心代码", "中心名称", "城市", "开业日期"],
                                                   ["SH", "上海旗舰中心", "上海", "2015-06-01"],
                                                   ["NJ", "南京中心", "南京", "2018-03-01"]])
    targets_file = targets_csv(tmp_path, ["2021", "4", "SH", "storefront", "4000"], ["2021", "4", "NJ", "storefront", "2000"],
                               ["2021", "", "", "storefront", "70000"], ["2021", "", "SH", "tmall", "9000"],
                               ["2021", "5", "SH", "storefront", "5000"], ["2021", "", "NJ", "storefront", "8000"])
    db = tmp_path / "warehouse.duckdb"
    # the sales are SH's storefront's: the network's and SH's actuals are the same
    assert all(r.status == "loaded" and not r.rows_rejected for r in
               pipeline.load_paths(db, [centers]) + pipeline.load_paths(db, [write_csv(tmp_path / "pos.csv", sales)],
                                                                        center="SH")
               + pipeline.load_paths(db, [targets_file]))
    monkeypatch.setenv("TPC_DB", str(db))
    return db


def test_a_months_target_is_its_centers_summed_and_a_years_its_own_row(targets_app):
    from analytics import targets

    april = targets.channel_targets(2021, 4)
    assert april.to_dict("records") == [
        {"channel": "storefront", "target_rmb": Decimal("6000.00"), "from_centers": True, "from_months": True}]
    year = targets.channel_targets(2021)
    # the network's storefront year has its own row; Tmall's is SH's (the network has none of its own)
    assert [(r["channel"], r["target_rmb"], r["from_centers"], r["from_months"]) for r in year.to_dict("records")] == [
        ("storefront", Decimal("70000.00"), False, False), ("tmall", Decimal("9000.00"), True, False)]
    # SH's year: its months summed (4,000 + 5,000) for the storefront, its own row for Tmall
    assert targets.period_target(2021, None, ("SH",), ("storefront",)) == Decimal("9000.00")
    assert targets.period_target(2021, None, ("SH",)) == Decimal("18000.00")
    # SH has months only, NJ a year of its own beside its April: each center's year is resolved on its own
    assert targets.period_target(2021, None, ("SH", "NJ"), ("storefront",)) == Decimal("17000.00")   # 9,000 + 8,000
    assert targets.period_target(2021, None, ("NJ",), ("storefront",)) == Decimal("8000.00")
    assert targets.period_target(2021, 6) is None
    assert targets.period_target(2021, 4, ()) is None                 # no center at all: nothing to read
    assert targets.period_target(2021, 4, channels=("tmall",)) is None


def test_a_months_pace_is_shaped_by_last_years_days(targets_app):
    from analytics import targets

    assert targets.net_between(D(2021, 4, 1), D(2021, 4, 30)) == Decimal("2000.00")
    assert targets.last_year_daily_net(D(2021, 4, 1), D(2021, 4, 30)) == {
        D(2020, 4, 1) + dt.timedelta(n): Decimal("100.00") for n in range(30)}
    got = targets.period_pace(2021, 4, D(2021, 4, 10))
    # target 6,000; by the 10th last year had 1,000 of 3,000: a third; 2,000 sold
    assert got.channels == ("storefront",) and got.basis == "last_year"
    assert (got.target, got.actual, got.expected_to_date, got.projected) == (
        Decimal("6000.00"), Decimal("2000.00"), Decimal("2000.00"), Decimal("6000.00"))
    assert got.pace == 1 and got.achievement == Decimal(1) / Decimal(3)


def test_the_pace_of_each_channel_with_a_target(targets_app):
    from analytics import targets

    paces = targets.channel_paces(2021, None, D(2021, 4, 10))
    assert [(p.channels, p.target, p.actual) for p in paces] == [
        (("storefront",), Decimal("70000.00"), Decimal("2000.00")), (("tmall",), Decimal("9000.00"), Decimal("0.00"))]
    # Tmall never sold, last year either: a straight line, 100 of 365 days by 10 April
    assert paces[1].basis == "straight" and paces[1].expected_share == Decimal(100) / Decimal(365)


def test_the_center_condition_is_left_out_for_the_network():
    from analytics.targets import scope

    assert scope((), None) == ("", [])    # the network, for a reader who sees it all, asks nothing of the center
    assert scope(("tmall",), ("SH", "NJ")) == (
        " and list_contains(?::varchar[], channel) and list_contains(?::varchar[], center)", [["tmall"], ["SH", "NJ"]])


def test_the_demo_loads_its_targets_and_paces_2020_against_them(demo_app):
    from analytics import targets

    year = {r["channel"]: r["target_rmb"] for r in targets.channel_targets(2021).to_dict("records")}
    # the year before's actual plus the growth: 30,000,000 x 1.08; 2,240,000 x 1.06
    assert (year["storefront"], year["exhibition"]) == (Decimal("32400000.00"), Decimal("2374400.00"))
    # the centers' months add up to the network's year: SH 50%, NJ 30%, XM 20%
    assert targets.period_target(2021, None, ("SH", "NJ", "XM"), ("storefront",)) == Decimal("32400000.00")
    assert targets.period_target(2021, None, ("NJ",), ("storefront",)) == Decimal("9720000.00")
    # 2020's storefront: 30,000,000 sold against 26,503,870 x 1.08 = 28,624,180 (whole yuan)
    storefront = targets.period_pace(2020, None, D(2020, 12, 31), channels=("storefront",))
    assert (storefront.target, storefront.actual, storefront.expected_share, storefront.projected) == (
        Decimal("28624180.00"), Decimal("30000000.00"), 1, Decimal("30000000.00"))
    # the 2020 lockdown: by 20 February the storefront had sold a small part of what 2019's shape expected
    february = targets.period_pace(2020, 2, D(2020, 2, 20), channels=("storefront",))
    assert february.basis == "last_year" and february.pace < Decimal("0.1")
