"""Annual results page: the figures as the report states them, the year before, the XLSX."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from apptest import metrics, no_errors, open_page, traces
from conftest import warehouse_rows


def test_small_year_figures(small_app):
    at = open_page("annual", year="2020")
    assert no_errors(at)
    assert metrics(at) == {"Sales": "RMB 484.00", "Companies met": "3 companies", "Deals": "RMB 120K",
                           "Brands": "2 brands", "Products": "3 products"}
    assert at.markdown[0].value.startswith("Storefront sales reached **RMB 484.00**; **3** companies")


def warehouse_figures(db, year: int) -> list:
    """The workbook's figure rows for a year and the year before, straight from the sales and leads views."""
    def figures(y):
        (net, brands, products), = warehouse_rows(db, """
            select coalesce(sum(net_rmb) filter (where channel = 'storefront'), 0),
                   count(distinct brand) filter (where channel = 'tmall'), count(distinct sku) filter (where channel = 'tmall')
            from sales where is_paid and year(sale_date) = ?""", [y])
        (companies,), = warehouse_rows(db, "select nullif(count(distinct company), 0) from leads where year(event_start) = ?", [y])
        (deals,), = warehouse_rows(db, "select sum(deal_amount_rmb) from leads where stage = 'won' and year(deal_date) = ?", [y])
        return [net, companies, deals, brands, products]

    def number(value):
        return None if value is None else float(value) if isinstance(value, Decimal) else value

    now, before = figures(year), figures(year - 1)
    names = [("Storefront", "Sales"), ("Exhibitions", "Companies met"), ("Exhibitions", "Deals"), ("Tmall", "Brands"),
             ("Tmall", "Products")]
    # like for like: a year is compared only when both years lie wholly inside the data
    first, last = warehouse_rows(db, "select least(min(s.sale_date), min(l.event_start)), "
                                     "greatest(max(s.sale_date), max(l.deal_date)) from sales as s, leads as l")[0]
    compared = dt.date(year - 1, 1, 1) >= first and dt.date(year, 12, 31) <= last
    return [(channel, name, number(a), number(b), float((a - b) / b) if compared and a is not None and b else None)
            for (channel, name), a, b in zip(names, now, before)]


def warehouse_months(db, year: int) -> list:
    rows = warehouse_rows(db, """
        pivot (select month(sale_date) as month, channel, net_rmb from sales where is_paid and year(sale_date) = ?)
        on channel in ('exhibition', 'storefront', 'tmall') using coalesce(sum(net_rmb), 0) order by month""", [year])
    return [(dt.datetime(year, m, 1), *(float(v) for v in values)) for m, *values in rows]


def assert_workbook_is_the_warehouse(data: bytes, db, year: int) -> None:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"Results {year}"
    assert rows[3][:5] == ("Channel", "Figure", str(year), str(year - 1), "Change")
    assert [r[:5] for r in rows[4:9]] == warehouse_figures(db, year)
    assert rows[10][0] == "Net revenue by month"
    assert rows[11][:4] == ("Month", "Exhibitions", "Storefront", "Tmall")
    assert [r[:4] for r in rows[12:]] == warehouse_months(db, year)
    assert sheet["C5"].number_format == "#,##0.00"


def test_xlsx_download_holds_exact_values(small_app, offered):
    at = open_page("annual", year="2020")
    button = at.get("download_button")[0]
    assert button.proto.label == "Download Excel"
    data = offered(at, "annual_xlsx")
    assert_workbook_is_the_warehouse(data, small_app, 2020)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    # the fixture's rows added up by hand; the data ends on 2020-12-01, so 2020 is no whole year to compare (–)
    assert [r[:5] for r in rows[4:9]] == [
        ("Storefront", "Sales", 484, 908, None),
        ("Exhibitions", "Companies met", 3, None, None), ("Exhibitions", "Deals", 120000, None, None),
        ("Tmall", "Brands", 2, 0, None), ("Tmall", "Products", 3, 0, None)]
    assert [r[:4] for r in rows[12:]] == [(dt.datetime(2020, 1, 1), 0, 484, 0), (dt.datetime(2020, 11, 1), 0, 0, 565.99),
                                          (dt.datetime(2020, 12, 1), 120000, 0, 0)]


def test_the_monthly_chart_plots_the_warehouse(small_app):
    at = open_page("annual", year="2020")
    plotted = {trace["name"]: list(zip(trace["x"], trace["y"])) for trace in traces(at, "annual_monthly")}
    assert plotted == {
        label: [(m, float(v)) for m, v in warehouse_rows(small_app, """
            select month(sale_date), sum(net_rmb) from sales where is_paid and year(sale_date) = ? and channel = ?
            group by 1 order by 1""", [year, channel])] if channel else
        [(m, float(v)) for m, v in warehouse_rows(small_app, """
            select month(sale_date), sum(net_rmb) from sales where is_paid and year(sale_date) = ? group by 1 order by 1""",
            [year])]
        for label, channel, year in (("Storefront", "storefront", 2020), ("Exhibitions", "exhibition", 2020),
                                     ("Tmall", "tmall", 2020), ("2019 total", None, 2019))}
    assert plotted["2019 total"] == [(1, 780.0), (3, 128.0)]


def test_workbook_states_the_figures_as_numbers(small_app):
    import pandas as pd
    from decimal import Decimal

    from ui import annual_report

    results = {"storefront.net_revenue": Decimal("30000000.00"), "storefront.net_revenue_before": Decimal("27000000.00"),
               "exhibition.companies": 214, "exhibition.companies_before": 180,
               "exhibition.deal_amount": Decimal("2240000.00"), "exhibition.deal_amount_before": None,
               "tmall.brands_on_sale": 13, "tmall.brands_on_sale_before": 9, "tmall.products_on_sale": 48,
               "tmall.products_on_sale_before": 30}
    monthly = pd.DataFrame({"year": [2020, 2020], "month": [1, 1], "channel": ["storefront", "tmall"],
                            "net_rmb": [Decimal("1.50"), Decimal("2.25")]})
    sheet = load_workbook(io.BytesIO(annual_report.workbook(results, monthly, 2020))).active
    assert sheet["A1"].value == "Results 2020"
    assert [c.value for c in sheet[4]][:5] == ["Channel", "Figure", "2020", "2019", "Change"]
    assert [c.value for c in sheet[5]][:4] == ["Storefront", "Sales", 30000000, 27000000]
    assert sheet["C5"].number_format == "#,##0.00"
    assert [c.value for c in sheet[6]][:4] == ["Exhibitions", "Companies met", 214, 180]
    assert sheet["E7"].value is None
    assert [c.value for c in sheet[13]][:3] == [dt.datetime(2020, 1, 1), 1.5, 2.25]   # the month as a date
