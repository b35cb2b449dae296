"""A fourth channel declared in three places (a Format, a staging SQL file, a Channel entry: the fake JD.com of
test_channel_registry_etl) shows on every page: the filters, the 'data as of' line, the charts, the annual results
and the Data page's freshness. Nothing in analytics/, ui/ or pages/ names it."""
import shutil
from decimal import Decimal

import pytest

from apptest import metrics, no_errors, open_page, traces
from etl import channels, pipeline
from etl.channels import Channel
from etl.formats import declared_format
from test_channel_registry_etl import JD_ORDERS, STAGING, jd_file


@pytest.fixture
def jd_app(small_warehouse, tmp_path, monkeypatch):
    """The small warehouse plus three JD.com orders of March 2021 (199.80 + 58.00 + 99.90 = 357.70)."""
    sql_dir = tmp_path / "jd_sql"
    sql_dir.mkdir()
    (sql_dir / "stg_jd_sales.sql").write_text(STAGING, encoding="utf-8")
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, db)
    with declared_format(JD_ORDERS), channels.declared(Channel("jd", ("京東", "京东", "JD.com"), "#E1251B",
                                                              sql_dir=sql_dir)):
        [result] = pipeline.load_paths(db, [jd_file(tmp_path)])
        assert result.status == "loaded" and result.rows_loaded == 3
        monkeypatch.setenv("TPC_DB", str(db))
        yield db


def test_overview_lists_charts_and_counts_the_declared_channel(jd_app):
    at = open_page("overview", period="month", asof="2021-03-31")
    assert no_errors(at)
    assert "JD.com" in at.multiselect(key="och").options
    assert metrics(at)["Net revenue"] == "RMB 357.70"   # March 2021 holds the JD.com orders only
    assert any("JD.com 2021-03-02" in c.value for c in at.caption)   # the 'data as of' line
    assert "JD.com" in [trace["name"] for trace in traces(at, "trend")]
    mix = next(trace for trace in traces(at, "mix"))
    assert list(mix["labels"]) == ["JD.com"] and list(mix["values"]) == [357.7]


def test_the_channels_page_filters_and_details_the_declared_channel(jd_app):
    at = open_page("channels", ch=["jd"])
    assert no_errors(at)
    assert "JD.com" in at.multiselect(key="ch").options
    detail = at.dataframe[0].value
    assert set(detail["channel"]) == {"JD.com"}
    assert sum(detail["net_rmb"], Decimal(0)) == Decimal("357.70")
    assert [trace["name"] for trace in traces(at, "channel_trend")] == ["JD.com"]


def test_the_annual_results_state_the_declared_channel(jd_app):
    at = open_page("annual", year="2021")
    assert no_errors(at)
    assert "JD.com" in [s.value for s in at.subheader]
    assert at.markdown[0].value.endswith("JD.com: Net revenue **RMB 357.70**.")
    table = at.dataframe[0].value
    row = table[table["Channel"] == "JD.com"].iloc[0]
    assert (row["Figure"], row["2021"]) == ("Net revenue", "RMB 357.70")


def test_the_data_page_and_the_other_filters_know_the_declared_channel(jd_app):
    at = open_page("data", view="freshness")
    assert no_errors(at)
    fresh = at.dataframe[0].value
    assert "JD.com" in list(fresh["channel"])
    for page in ("brands", "leads"):
        at = open_page(page)
        assert no_errors(at)
        assert "JD.com" in at.multiselect(key="ch").options


def test_without_the_declaration_the_pages_list_three_channels(small_app):
    at = open_page("overview")
    assert at.multiselect(key="och").options == ["Storefront", "Exhibitions", "Tmall"]
