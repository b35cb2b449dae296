"""Targets on the Overview: the period's target reached and where it should be by the day, shaped by last year's
days (aligned on Chinese New Year), on the two-center warehouse whose 2020 storefront targets are SH 1,000 and
NJ 500 (conftest.centers_warehouse). Hand-computed:
- 2019's storefront days: SH 2019-01-01 780.00 and 2019-03-01 128.00, NJ 2019-01-05 200.00 (1,108.00 in all);
- 2020's to 1 February: SH 484.00 in January, NJ 300.00 on 8 January (784.00).
The year is read through a time warp that lines up the festival's weeks (New Year 2020-01-25, 2019-02-05; 21
days either side): 1 February 2020 is 7 days after it, as is the end of 12 February 2019, by which 2019 had sold
780 + 200 = 980 of 1,108: the target should be at 1,500 x 980 / 1,108 = 1,326.71."""
from decimal import Decimal

from apptest import no_errors, open_page, traces


def card(at, label):
    return next(m for m in at.metric if m.label == label)


def test_the_year_s_target_is_paced_by_last_year_s_shape(centers_app):
    at = open_page("overview", period="year", asof="2020-02-01")
    assert no_errors(at)
    assert "Target for 2020" in [s.value for s in at.subheader]
    assert "Over the channels with a target: Storefront (target and actual alike)." in [c.value for c in at.caption]
    reached = card(at, "Target reached")
    assert reached.value == f"{784 / 1500 * 100:.1f}%"                           # 52.3%
    assert reached.delta == f"{(Decimal(784) / Decimal('1326.71') - 1) * 100:+.1f}%"  # behind where it should be
    assert "should be at RMB 1,326.71" in reached.help and "aligned on Chinese New Year" in reached.help
    projected = Decimal(784) / (Decimal(980) / Decimal(1108))
    assert card(at, "Projected for the period").value == f"RMB {projected.quantize(Decimal('0.01')):,}"


def test_a_center_s_target_is_its_own(centers_app):
    # NJ: target 500; 300 sold by its last day, 8 January (the page's as-of stops at the center's data); 2019's NJ
    # sold all its 200 by 5 January, before the warp's equivalent of 8 January (19 January): it should be at 500
    at = open_page("overview", period="year", asof="2020-02-01", center="NJ")
    assert card(at, "Target reached").value == "60.0%"
    assert card(at, "Target reached").delta == "-40.0%"


def test_each_channel_with_a_target_has_its_bar_and_mark(centers_app, monkeypatch):
    at = open_page("overview", period="year", asof="2020-12-01")
    # storefront only has a target: one channel, so no chart; the card says all of 2019 was sold by 1 December
    assert card(at, "Target reached").value == f"{784 / 1500 * 100:.1f}%" and card(at, "Target reached").delta == \
        f"{(784 / 1500 - 1) * 100:+.1f}%"
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-pace_chart")]


def test_a_period_without_a_target_shows_no_target(centers_app):
    at = open_page("overview", period="month", asof="2020-02-01")   # the targets are yearly: February has none
    assert no_errors(at)
    assert not [m for m in at.metric if m.label == "Target reached"]
