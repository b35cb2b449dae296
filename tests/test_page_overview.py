"""Overview page: KPI cards against last year, filters and language, on the small warehouse."""
from apptest import metrics, no_errors, open_page


def test_year_to_date_cards_show_every_metric(small_app):
    at = open_page("overview", period="year")
    assert no_errors(at)
    assert metrics(at) == {
        "Net revenue": "RMB 121K", "Orders": "5", "Average order value": "RMB 24.2K", "Units sold": "7",
        "Active brands": "2", "Products sold": "4", "Exhibition leads": "3", "Deal amount": "RMB 120K",
        "Refund rate": "0.1%",
    }
    assert at.subheader[0].value == "2020-01-01 to 2020-12-01"
    assert [s.value for s in at.subheader[1:]] == [
        "Revenue by channel", "Channel mix", "Top 10 brands", "Top 10 products", "Needs attention"]


def test_every_card_explains_its_metric(small_app):
    at = open_page("overview")
    assert all(m.help for m in at.metric)
    assert next(m for m in at.metric if m.label == "Refund rate").help == "Refunds ÷ gross sales before refunds."


def test_channel_filter_changes_the_figures(small_app):
    at = open_page("overview", period="year")
    at.multiselect(key="och").set_value(["storefront"]).run()
    assert metrics(at)["Net revenue"] == "RMB 484.00"
    assert metrics(at)["Exhibition leads"] == "0"
    assert at.query_params["och"] == "storefront"


def test_a_url_reproduces_the_view(small_app):
    at = open_page("overview", period="year", och=["storefront", "tmall"], asof="2020-11-30")
    assert metrics(at)["Net revenue"] == "RMB 1K"
    assert at.segmented_control(key="period").value == "year"
    assert at.subheader[0].value == "2020-01-01 to 2020-11-30"


def test_language_switch_changes_labels_and_number_style(small_app):
    at = open_page("overview", period="year", lang="zh-Hant")
    assert metrics(at)["淨營收"] == "12.1 萬元"
    at.selectbox(key="lang").set_value("zh-Hans").run()
    assert metrics(at)["净营收"] == "12.1 万元"
    at.selectbox(key="lang").set_value("en").run()
    assert metrics(at)["Net revenue"] == "RMB 121K"


def test_needs_attention_says_when_nothing_dropped(small_app):
    at = open_page("overview", period="year")
    assert [s.value for s in at.success] == ["No brand is below the same days last year."]
