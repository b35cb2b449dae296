"""Centers on the pages: the network page side by side, the center picker in the URL narrowing every page, and a
reader limited to a center who sees only its rows on every page and in every export. The two-center warehouse
(conftest.centers_warehouse): SH holds the small warehouse's files, NJ a storefront of its own."""
import io
from decimal import Decimal

import pandas as pd
import pytest

from apptest import metrics, no_errors, open_page, traces
from conftest import warehouse_rows
from test_auth import AUTH, signed_in

# 2020 to the data's last day (2020-12-01) against 2019's same dates, by hand:
SH_2020 = Decimal("484.00") + Decimal("565.99") + Decimal("120000.00")   # receipts, Tmall's paid net, the won deal
SH_2019, NJ_2020, NJ_2019 = Decimal("908.00"), Decimal("300.00"), Decimal("200.00")
NETWORK_2020 = SH_2020 + NJ_2020                                            # 121,349.99
LIN = {"auth": AUTH, "roles": {"lin@example.com": {"role": "manager", "centers": ["NJ"]}}}


def test_the_network_page_compares_the_centers_like_for_like(centers_app):
    at = open_page("network", year="2020")
    assert no_errors(at)
    board = at.dataframe[0].value
    assert board[["center", "center_name", "city", "net_rmb", "net_rmb_last_year"]].values.tolist() == [
        ["SH", "上海旗艦中心", "上海", SH_2020, SH_2019], ["NJ", "南京中心", "南京", NJ_2020, NJ_2019]]
    assert list(board["change_pct"]) == [float((SH_2020 - SH_2019) / SH_2019), 0.5]
    assert list(board["share"]) == [float(SH_2020 / NETWORK_2020), float(NJ_2020 / NETWORK_2020)]
    # 2020's storefront targets SH 1,000 and NJ 500 against their storefronts (484.00, 300.00); by 1 December all
    # of 2019's storefront days are behind them, so each should be at its whole target
    assert board[["target_rmb", "achievement", "pace"]].values.tolist() == [
        [Decimal("1000.00"), 0.484, 0.484], [Decimal("500.00"), 0.6, 0.6]]
    assert metrics(at)["Centers"] == "2"
    assert [m for m in at.metric if m.label == "Net revenue"][0].delta == \
        f"{float(NETWORK_2020 / (SH_2019 + NJ_2019) - 1) * 100:+.1f}%"
    plotted = {trace["name"]: dict(zip(trace["y"], trace["x"])) for trace in traces(at, "network_chart")}
    assert plotted["Storefront"] == {"上海旗艦中心": 484.0, "南京中心": 300.0}
    assert plotted["Exhibitions"] == {"上海旗艦中心": 120000.0}


def test_the_network_download_holds_the_table(centers_app, offered):
    at = open_page("network", year="2020")
    data = pd.read_csv(io.BytesIO(offered(at, "network_csv")), dtype=str, encoding="utf-8-sig")
    assert list(data.columns) == ["Center", "Code", "City", "Net (RMB)", "Share", "Last year (RMB)", "vs last year",
                                  "Target (RMB)", "Reached", "vs pace"]
    assert data.iloc[:, :4].values.tolist() == [["上海旗艦中心", "SH", "上海", "121049.99"], ["南京中心", "NJ", "南京", "300.00"]]
    assert [Decimal(v) for v in data["Last year (RMB)"]] == [SH_2019, NJ_2019]
    assert [float(v) for v in data["Share"]] == [float(SH_2020 / NETWORK_2020), float(NJ_2020 / NETWORK_2020)]
    assert [float(v) for v in data["vs last year"]] == [float((SH_2020 - SH_2019) / SH_2019), 0.5]
    assert [Decimal(v) for v in data["Target (RMB)"]] == [Decimal("1000.00"), Decimal("500.00")]


def test_the_annual_page_sets_each_channel_s_target_against_its_year(centers_app):
    at = open_page("annual", year="2020")
    goals = next(frame.value for frame in at.dataframe if "target_rmb" in frame.value.columns)
    # the storefront's targets (SH 1,000 + NJ 500) against both storefronts' 2020 to 1 December (484 + 300)
    assert goals.values.tolist() == [["Storefront", Decimal("1500.00"), Decimal("784.00"), 784 / 1500]]


def test_the_center_picker_narrows_every_page_from_the_url(centers_app):
    at = open_page("overview", period="year", center="NJ")
    assert no_errors(at)
    assert at.multiselect(key="center").value == ["NJ"]
    assert metrics(at)["Net revenue"] == "RMB 300.00"         # NJ's 2020 to its last day, 2020-01-08
    annual = open_page("annual", year="2020", center="NJ")
    assert metrics(annual)["Sales"] == "RMB 300.00" and metrics(annual)["Companies met"] == "0 companies"
    channels = open_page("channels", center="NJ")
    assert sum(channels.dataframe[0].value["net_rmb"], Decimal(0)) == NJ_2019 + NJ_2020


def test_the_same_receipt_number_in_two_centers_is_two_receipts(centers_warehouse):
    assert warehouse_rows(centers_warehouse, """
        select center, net_rmb from sales where order_id = 'S20200105-0001' and channel = 'storefront'
        order by center, line_no""") == [("NJ", NJ_2020), ("SH", Decimal("250.00")), ("SH", Decimal("260.00"))]


@pytest.mark.parametrize("page", ["overview", "annual", "network", "channels", "brands", "leads", "data"])
def test_a_reader_limited_to_a_center_sees_only_its_rows(centers_app, page):
    # the URL asks for SH: a reader limited to NJ is shown NJ all the same
    at = open_page(page, secrets=LIN, user=signed_in("lin@example.com"), center="SH", year="2020", period="year",
                   view="history")
    assert no_errors(at)
    assert not [w for w in at.multiselect if w.key == "center"]   # one center to see: no picker
    shown = " ".join(str(v) for frame in at.dataframe for v in frame.value.astype(str).values.ravel())
    texts = " ".join(m.value for m in at.metric)
    assert "上海" not in shown and "SH" not in shown.split() and "120,000" not in texts
    if page == "overview":
        assert metrics(at)["Net revenue"] == "RMB 300.00"
        assert at.sidebar.caption[-1].value == "lin@example.com (Manager, NJ only)"
    if page == "network":
        assert at.dataframe[0].value["center"].tolist() == ["NJ"]
    if page == "data":
        files = at.dataframe[0].value["file_name"].tolist()
        assert "pos-nj.csv" in files and "pos.csv" not in files and "register.xlsx" not in files


def test_a_limited_reader_s_exports_hold_only_its_center(centers_app, offered):
    at = open_page("channels", secrets=LIN, user=signed_in("lin@example.com"))
    data = pd.read_csv(io.BytesIO(offered(at, "detail_csv")), dtype=str)
    assert sorted(data.iloc[:, -1].map(Decimal)) == [NJ_2019, NJ_2020]
    leads = open_page("leads", secrets=LIN, user=signed_in("lin@example.com"))
    assert not leads.dataframe or all(frame.value.empty for frame in leads.dataframe)


def test_a_grant_limited_to_centers_is_parsed_and_a_bad_one_gives_nothing():
    from ui import auth

    grant = auth.grant_of("lin@example.com", LIN)
    assert (grant.role, grant.centers) == ("manager", ("NJ",))
    assert auth.access_for(signed_in("lin@example.com"), LIN).centers == ("NJ",)
    for bad in ({"role": "manager", "centers": []}, {"role": "manager", "centers": "NJ"},
                {"role": "manager", "centres": ["NJ"]}, {"centers": ["NJ"]}):
        assert auth.grant_of("lin@example.com", {"roles": {"lin@example.com": bad}}) is None


def copied(centers_warehouse, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(centers_warehouse, db)
    monkeypatch.setenv("TPC_DB", str(db))
    return db


def test_an_upload_loads_into_the_center_picked_for_it(centers_warehouse, tmp_path, monkeypatch):
    from conftest import POS_NJ, write_csv

    db = copied(centers_warehouse, tmp_path, monkeypatch)
    data = write_csv(tmp_path / "nj-february.csv", [POS_NJ[0], ["S20200201-0001", "2020-02-01 10:00:00",
                                                                *POS_NJ[2][2:]]]).read_bytes()
    at = open_page("data")
    assert at.selectbox(key="upload_center").options == ["南京中心 · NJ", "上海旗艦中心 · SH"]
    at.selectbox(key="upload_center").set_value("NJ").run()
    at.file_uploader[0].set_value(("nj-february.csv", data, "text/csv")).run()
    at.button(key="confirm_load").click().run()
    assert [s.value for s in at.success] == ["1 file(s) loaded, 1 rows."]
    assert warehouse_rows(db, "select center, sum(net_rmb) from sales where order_id = 'S20200201-0001' group by 1") \
        == [("NJ", NJ_2020)]


def test_a_limited_reader_uploads_only_into_its_center_and_no_network_file(centers_warehouse, tmp_path, monkeypatch):
    from conftest import write_csv
    from fixtures import MASTER

    copied(centers_warehouse, tmp_path, monkeypatch)
    at = open_page("data", secrets=LIN, user=signed_in("lin@example.com"))
    assert not [s for s in at.selectbox if s.key == "upload_center"]   # one center: nothing to pick
    new_product = ["TW-A009", "4710000000099", "鳳梨酥禮盒（新）", "宝岛酥坊", "糕点", "6入", "68.00"]
    data = write_csv(tmp_path / "master.csv", MASTER + [new_product]).read_bytes()
    at.file_uploader[0].set_value(("master.csv", data, "text/csv")).run()
    assert [e.value for e in at.error] == ["This file is for the whole network (product master, centers or targets); "
                                          "only readers who see every center may load it."]
    assert at.button(key="confirm_load").disabled
