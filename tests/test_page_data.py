"""Data page: load history, rejects, unknown codes, freshness, and the upload preview."""
from apptest import no_errors, open_page


def test_history_lists_every_load(small_app):
    at = open_page("data", view="history")
    assert no_errors(at)
    history = at.dataframe[0].value
    assert list(history["status"]) == ["Loaded"] * 5
    assert history["rows_loaded"].sum() == 17


def test_unknown_codes_are_listed(small_app):
    at = open_page("data", view="unknown")
    assert list(at.dataframe[0].value["code"]) == ["4719999999999"]


def test_freshness_per_channel(small_app):
    at = open_page("data", view="freshness")
    fresh = at.dataframe[0].value
    assert [str(d) for d in fresh["last_sale"]] == ["2020-12-01", "2020-01-10", "2020-11-06"]
