"""Annual results: opens on the last complete year, its workbook speaks the page's language with months as dates,
and the print hint stays off the paper."""
import datetime as dt
import io
from decimal import Decimal

import pytest
import streamlit
from openpyxl import load_workbook

from apptest import no_errors, open_page
from etl import warehouse


@pytest.fixture
def workbooks(monkeypatch):
    """Every download the page offers, as the callable Streamlit calls on click (outside the page's run)."""
    made = []
    original = streamlit.download_button

    def capture(label, data=None, *args, **kwargs):
        made.append(data)
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", capture)
    return made


def test_opens_on_the_last_complete_year_with_the_year_before_one_click_away(demo_app):
    at = open_page("annual")
    assert no_errors(at)
    years = at.segmented_control(key="year")
    assert years.value == 2021 and years.options == ["2019", "2020", "2021"]
    assert at.title[0].value == "Results 2021"
    assert not at.warning
    years.set_value(2020).run()
    assert at.title[0].value == "Results 2020" and at.query_params["year"] == "2020"


def test_an_incomplete_year_says_so(small_app):
    # the small warehouse runs from 2019-01-01 to 2020-12-01: it opens on 2019, the latest year the data passes the
    # end of; 2020, the latest year, is not complete and says so
    at = open_page("annual")
    assert at.segmented_control(key="year").value == 2019 and not at.warning
    at = open_page("annual", year="2020")
    assert [w.value.replace("\\", "") for w in at.warning] == ["The data of 2020 reaches 2020-12-01 only: not a complete year."]


@pytest.mark.parametrize("lang, title, header, storefront, month", [
    ("zh-Hant", "2021 年度成果", ["通路", "指標", "2021", "2020", "年增率"], ["實體店面", "全年銷售額"], "月份"),
    ("zh-Hans", "2021 年度成果", ["渠道", "指标", "2021", "2020", "同比"], ["实体店面", "全年销售额"], "月份"),
    ("en", "Results 2021", ["Channel", "Figure", "2021", "2020", "Change"], ["Storefront", "Sales"], "Month"),
])
def test_workbook_speaks_the_page_language(demo_app, workbooks, lang, title, header, storefront, month):
    at = open_page("annual", lang=lang)
    assert no_errors(at) and len(workbooks) == 1
    data = workbooks[0]() if callable(workbooks[0]) else workbooks[0]   # built here, outside the session, as on click
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == title
    assert [c.value for c in sheet[4]][:5] == header
    con = warehouse.connect(demo_app, read_only=True)
    try:
        now, before = con.execute("""select sum(net_rmb) filter (where year(sale_date) = 2021),
            sum(net_rmb) filter (where year(sale_date) = 2020) from sales
            where is_paid and channel = 'storefront'""").fetchone()
        months = con.execute("""select month(sale_date), sum(net_rmb) from sales
            where is_paid and channel = 'storefront' and year(sale_date) = 2021 group by 1 order by 1""").fetchall()
    finally:
        con.close()
    assert [c.value for c in sheet[5]][:4] == [*storefront, float(now), float(before)]
    assert sheet["E5"].value == pytest.approx(float((now - before) / before), abs=1e-12)
    heading = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == month)
    channels = [c.value for c in sheet[heading]]
    column = channels.index(storefront[0]) + 1
    rows = range(heading + 1, heading + 13)
    assert [sheet.cell(r, 1).value for r in rows] == [dt.datetime(2021, m, 1) for m in range(1, 13)]
    assert all(sheet.cell(r, 1).number_format == "yyyy-mm" for r in rows)
    assert [Decimal(str(sheet.cell(r, column).value)).quantize(Decimal("0.01")) for r in rows] == [v for _, v in months]


def keyed_blocks(node, found=None) -> dict:
    """Every keyed container of the page (its id ends with -<key>) and the texts inside it."""
    found = {} if found is None else found
    for child in getattr(node, "children", {}).values():
        block_id = getattr(getattr(child, "proto", None), "id", "") or ""
        if type(child).__name__ == "Block" and block_id.startswith("$$ID-"):
            found[block_id.split("-", 2)[2]] = [getattr(c, "value", None) for c in child.children.values()]
        keyed_blocks(child, found)
    return found


def test_the_print_hint_is_not_printed(small_app):
    from ui import style

    at = open_page("annual")
    hint = keyed_blocks(at._tree)["screen_only_print_hint"]
    assert [v.replace("\\", "") for v in hint] == ["Print from the browser (Ctrl+P) for an A4 page."]
    hidden_in_print = style.CSS[style.CSS.index("@media print"):].split("{ display: none !important; }")[0]
    assert '[class*="st-key-screen_only"]' in hidden_in_print   # Streamlit gives a keyed container class st-key-<key>
