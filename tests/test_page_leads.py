"""Exhibition leads page: funnel figures, per-event table, the lead list without personal data."""
from apptest import as_csv, as_xlsx, csv_rows, metrics, no_errors, open_page, xlsx_rows
from conftest import warehouse_rows
from fixtures import PERSONAL


def test_lead_figures(small_app):
    at = open_page("leads")
    assert no_errors(at)
    assert metrics(at) == {"Leads": "3", "Companies met": "3 companies", "Won": "1", "Conversion": "33.3%",
                           "Deal amount": "RMB 120K"}
    assert at.caption[1].value == "Contacted 0, negotiating 1, lost 1"


def test_lead_table_has_no_contact_details(small_app):
    at = open_page("leads")
    table = at.dataframe[1].value
    assert list(table["stage"]) == ["Lost", "Won", "Negotiating"]
    text = table.astype(str).to_string()
    assert not [p for p in PERSONAL if p in text]


def test_date_filter_outside_the_event_empties_the_funnel(small_app):
    at = open_page("leads", to="2020-06-30")
    assert metrics(at)["Leads"] == "0"


def test_a_channel_filter_without_the_exhibition_channel_leaves_no_leads(small_app):
    assert metrics(open_page("leads", ch="tmall"))["Leads"] == "0"
    assert metrics(open_page("leads", ch=["tmall", "exhibition"]))["Leads"] == "3"


def test_category_and_product_filters_are_said_not_to_apply(small_app):
    at = open_page("leads", cat="糕点")
    assert metrics(at)["Leads"] == "3"
    assert [i.value for i in at.info] == ["A lead names the brand of interest, not a category or product: the "
                                          "category and product filters do not apply on this page."]
    assert not open_page("leads").info


def test_a_lead_without_a_deal_shows_a_dash_not_none(small_app):
    at = open_page("leads")
    table = at.dataframe[1]
    assert table.value["deal_amount_rmb"].isna().sum() == 2   # the lost and the negotiating lead
    assert table.proto.placeholder == "–"
    assert all(frame.proto.placeholder == "–" for frame in at.dataframe)


def test_the_lead_list_downloads_hold_every_lead(small_app, offered):
    at = open_page("leads")
    stages = {"contacted": "Contacted", "negotiating": "Negotiating", "won": "Won", "lost": "Lost"}
    expected = [(*row[:7], stages[row[7]], *row[8:]) for row in warehouse_rows(small_app, """
        select event, event_start, city, company, industry, province, brand_interest, stage, deal_amount_rmb, deal_date
        from leads order by event_start, event, company""")]
    assert len(expected) == 3
    header, *rows = csv_rows(offered(at, "leads_csv"))
    assert header == ["Exhibition", "Starts", "City", "Company", "Industry", "Province", "Brand of interest", "Stage",
                      "Deal (RMB)", "Deal date"]
    assert rows == [[as_csv(v) for v in row] for row in expected]
    header, *rows = xlsx_rows(offered(at, "leads_xlsx"), "Leads (no contact details)")
    assert rows == [tuple(as_xlsx(v) for v in row) for row in expected]
    assert not [p for p in PERSONAL if p in str(rows)]
