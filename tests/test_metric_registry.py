"""A metric is declared once (analytics/metrics.py) and every consumer reads the declaration: a metric added here
for the length of a test, with its two catalog texts, becomes a KPI card with its tooltip, 同比 and sparkline, and,
named in a channel's annual figures, a figure of the annual results, computed by the one query builder."""
import dataclasses
from decimal import Decimal

from apptest import metrics as shown_metrics, no_errors, open_page
from conftest import warehouse_rows
from analytics import metrics
from analytics.metrics import Metric
from etl import channels
from ui.catalog import CATALOG

GROSS = Metric("gross_sales", "money", "gross", up_is_good=True)


def declare(monkeypatch):
    monkeypatch.setattr(metrics, "CARDS", metrics.CARDS + (GROSS,))
    monkeypatch.setitem(metrics.BY_KEY, GROSS.key, GROSS)
    monkeypatch.setitem(CATALOG, "metric.gross_sales", ("銷售額", "销售额", "Gross sales"))
    monkeypatch.setitem(CATALOG, "metric.gross_sales.help", ("退款前的銷售額。", "退款前的销售额。", "Sales before refunds."))
    storefront = channels.CHANNELS["storefront"]
    monkeypatch.setitem(channels.CHANNELS, "storefront",
                        dataclasses.replace(storefront, annual=storefront.annual + (GROSS.key,)))


def test_a_declared_metric_is_a_card_with_its_tooltip_and_sparkline(small_app, monkeypatch, card_values):
    declare(monkeypatch)
    at = open_page("overview", period="year")
    assert no_errors(at)
    card = next(m for m in at.metric if m.label == "Gross sales")
    assert card.help.startswith("Sales before refunds.")
    assert card.proto.chart_data                                    # its sparkline
    (gross,), = warehouse_rows(small_app, "select sum(gross_rmb) from sales where is_paid "
                                          "and sale_date between '2020-01-01' and '2020-12-01'")
    assert gross == Decimal("121185.00")                            # the refund rate's denominator, by hand
    labels = [m.label for m in at.metric][:len(metrics.CARDS)]
    assert card_values[labels.index("Gross sales")] == (gross, "money")


def test_a_declared_metric_named_in_a_channel_s_annual_figures_is_stated(small_app, monkeypatch):
    declare(monkeypatch)
    at = open_page("annual", year="2020")
    assert no_errors(at)
    # the storefront's 2020 lines before refunds: 250.00 + 260.00 + 99.00 (the return's gross is 0)
    assert shown_metrics(at)["Gross sales"] == "RMB 609.00"
    table = at.dataframe[0].value
    assert table[table["Figure"] == "Gross sales"].iloc[0]["Channel"] == "Storefront"
