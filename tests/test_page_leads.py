"""Exhibition leads page: funnel figures, per-event table, the lead list without personal data."""
from apptest import metrics, no_errors, open_page
from fixtures import PERSONAL


def test_lead_figures(small_app):
    at = open_page("leads")
    assert no_errors(at)
    assert metrics(at) == {"Leads": "3", "Companies": "3 companies", "Won": "1", "Conversion": "33.3%",
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
