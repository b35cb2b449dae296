"""A change that rounds to zero is neither a rise nor a fall: no sign, no arrow, no green (issue 11, item 12)."""

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from ui import fmt


@pytest.mark.parametrize("value, text", [(0.0, "0.0%"), (0.0004, "0.0%"), (-0.0004, "0.0%"), (0.0005, "+0.1%"),
                                         (-0.04, "-4.0%"), (0.123, "+12.3%"), (None, None)])
def test_signed_pct_writes_a_zero_change_without_a_sign(value, text):
    assert fmt.signed_pct(value) == text


def test_a_zero_change_is_drawn_grey_with_no_arrow():
    assert fmt.delta(0.0) == {"delta": "0.0%", "delta_color": "off", "delta_arrow": "off"}
    assert fmt.delta(-0.0001, "inverse") == {"delta": "0.0%", "delta_color": "off", "delta_arrow": "off"}


def test_a_real_change_keeps_its_colour_rule_and_arrow():
    assert fmt.delta(0.05) == {"delta": "+5.0%", "delta_color": "normal", "delta_arrow": "auto"}
    assert fmt.delta(0.05, "inverse") == {"delta": "+5.0%", "delta_color": "inverse", "delta_arrow": "auto"}
    assert fmt.delta(None) == {"delta": None, "delta_color": "normal", "delta_arrow": "auto"}


def kpi_cards_with_last_year_equal_to_now():
    import datetime as dt
    from decimal import Decimal

    import pandas as pd

    from analytics import metrics
    from analytics.filters import Filters
    from ui import widgets

    row = {"net_revenue": Decimal("100.00"), "order_revenue": Decimal("100.00"), "orders": 4, "units": 5,
           "active_brands": 2, "products_sold": 3, "leads": 1, "deal_amount": Decimal("0"), "gross": Decimal("110.00"),
           "refunds": Decimal("10.00")}
    ranges = metrics.comparisons(Filters(dt.date(2019, 1, 1), dt.date(2020, 12, 31)), "year")
    widgets.kpi_cards(row, dict(row), {**row, "net_revenue": Decimal("50.00")}, pd.DataFrame(), "year",
                      (dt.date(2009, 1, 1), dt.date(2020, 12, 31)), ranges=ranges,
                      span=(dt.date(2018, 1, 1), dt.date(2020, 12, 31)))


def test_kpi_cards_of_an_unchanged_year_show_no_rise():
    at = AppTest.from_function(kpi_cards_with_last_year_equal_to_now).run()
    assert not at.exception
    card = next(m for m in at.metric if m.label == "Net revenue")
    assert card.delta == "0.0%"
    assert card.proto.color == MetricProto.MetricColor.GRAY
    assert card.proto.direction == MetricProto.MetricDirection.NONE
    assert "+100.0%" in at.caption[0].value   # 环比 against half the revenue is still a rise
