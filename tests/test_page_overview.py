"""Overview page: KPI cards against last year, filters and language, on the small warehouse."""
from decimal import Decimal

from apptest import metrics, no_errors, open_page, traces
from conftest import warehouse_rows

YEAR_2020 = ("2020-01-01", "2020-12-01")   # the year to date the small warehouse's last day (2020-12-01) gives


def warehouse_kpis(db, start, end, channels=("storefront", "exhibition", "tmall")) -> dict:
    """Every card's value computed straight from the sales and leads views, line by line. Orders, units and the
    average order are the storefront's receipts and Tmall's orders; won deals have their own cards."""
    (net, orders, order_net, units, brands, products, gross, refunds), = warehouse_rows(db, """
        with s as (select * from sales where is_paid and sale_date between ? and ? and list_contains(?, channel))
        select sum(net_rmb),
               (select count(distinct (channel, store_or_event, order_id)) from s
                where status <> 'returned' and channel <> 'exhibition'),
               sum(net_rmb) filter (where channel <> 'exhibition'),
               sum(qty) filter (where channel <> 'exhibition'),
               (select count(*) from (select brand from s where brand is not null group by 1 having sum(net_rmb) > 0)),
               (select count(*) from (select sku from s where channel <> 'exhibition' group by 1 having sum(qty) > 0)),
               sum(gross_rmb), sum(refund_rmb)
        from s""", [start, end, list(channels)])
    (leads, deals), = warehouse_rows(db, """
        select (select count(*) from leads where event_start between ? and ?),
               (select coalesce(sum(deal_amount_rmb), 0) from leads where stage = 'won' and deal_date between ? and ?)""",
        [start, end, start, end])
    # Tmall's own: what buyers paid (postage in, refunds not out) by payment day, per distinct buyer
    (paid, buyers), = warehouse_rows(db, """
        select coalesce(sum(coalesce(paid_rmb, total_rmb, goods_rmb + coalesce(postage_rmb, 0))), 0),
               count(distinct buyer_key)
        from tmall_orders where paid_at is not null and cast(paid_at as date) between ? and ?""", [start, end])
    figures = {"Net revenue": net, "Orders": orders, "Average order value": order_net / orders, "Units sold": units,
               "Active brands": brands, "Products sold": products, "Refund rate": float(refunds / gross)}
    if "exhibition" in channels:   # the exhibition's own cards are shown only when the filter keeps the channel
        figures.update({"Exhibition leads": leads, "Deal amount": deals})
    if "tmall" in channels:
        figures.update({"Tmall paid amount": paid, "Tmall spend per buyer": paid / buyers if buyers else None})
    return figures


def cards(at, card_values) -> dict:
    """The last run's cards by label: they are drawn in the order of CARDS (at.metric reads them column-wise),
    the exhibition's own left out when the channel filter leaves exhibitions out."""
    from analytics import metrics
    from ui.i18n import t

    channels = tuple(at.multiselect(key="och").value)
    shown = [m for m in metrics.CARDS if metrics.shown(m, channels)]
    drawn = card_values[-len(shown):]
    assert len(at.metric) == len(shown)
    return {t(f"metric.{metric.key}", "en"): value for metric, (value, _) in zip(shown, drawn)}


def test_year_to_date_cards_show_every_metric(small_app, card_values):
    at = open_page("overview", period="year")
    assert no_errors(at)
    assert cards(at, card_values) == warehouse_kpis(small_app, *YEAR_2020)
    assert cards(at, card_values) == {   # the fixture's rows added up by hand (deals are no orders: 1,049.99 over 4)
        "Net revenue": Decimal("121049.99"), "Orders": 4, "Average order value": Decimal("262.4975"),
        "Units sold": 7, "Active brands": 2, "Products sold": 4, "Exhibition leads": 3,
        "Deal amount": Decimal("120000.00"), "Refund rate": float(Decimal("135.01") / Decimal("121185.00")),
        # Tmall's paid orders 316.00 + 260.00 (买家实际支付金额; the 10.01 refund not deducted), one buyer
        "Tmall paid amount": Decimal("576.00"), "Tmall spend per buyer": Decimal("576.00")}
    assert metrics(at) == {
        "Net revenue": "RMB 121K", "Orders": "4", "Average order value": "RMB 0.262K", "Units sold": "7",
        "Active brands": "2", "Products sold": "4", "Exhibition leads": "3", "Deal amount": "RMB 120K",
        "Refund rate": "0.1%", "Tmall paid amount": "RMB 0.576K", "Tmall spend per buyer": "RMB 0.576K",
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
    assert "Exhibition leads" not in metrics(at)     # the exhibition's own cards go with the channel
    assert at.query_params["och"] == "storefront"


def test_a_url_reproduces_the_view(small_app, card_values):
    at = open_page("overview", period="year", och=["storefront", "tmall"], asof="2020-11-30")
    assert cards(at, card_values) == warehouse_kpis(small_app, "2020-01-01", "2020-11-30", ("storefront", "tmall"))
    assert cards(at, card_values)["Net revenue"] == Decimal("1049.99")
    assert metrics(at)["Net revenue"] == "RMB 1.05K"   # every money card in one unit, three significant digits
    assert at.segmented_control(key="period").value == "year"
    assert at.subheader[0].value == "2020-01-01 to 2020-11-30"


def test_language_switch_changes_labels_and_number_style(small_app):
    at = open_page("overview", period="year", lang="zh-Hant")
    assert metrics(at)["淨營收"] == "12.1 萬元"
    at.selectbox(key="lang").set_value("zh-Hans").run()
    assert metrics(at)["净营收"] == "12.1 万元"
    at.selectbox(key="lang").set_value("en").run()
    assert metrics(at)["Net revenue"] == "RMB 121K"


def test_needs_attention_names_the_brand_below_last_year(small_app):
    at = open_page("overview", period="year")
    (now,), = warehouse_rows(small_app, "select sum(net_rmb) from sales where is_paid and brand = '云雾茶坊' "
                                        "and sale_date between ? and ?", YEAR_2020)
    (before,), = warehouse_rows(small_app, "select sum(net_rmb) from sales where is_paid and brand = '云雾茶坊' "
                                           "and sale_date between '2019-01-01' and '2019-12-01'")
    assert (now, before) == (Decimal("520.00"), Decimal("780.00"))
    # 宝岛酥坊 sold 128.00 in 2019 and far more in 2020: it rose, so it is not named
    assert [w.value for w in at.warning] == ["**云雾茶坊** -33.3% on last year: RMB 520.00 (last year RMB 780.00)"]
    assert not at.success


def test_needs_attention_says_when_nothing_dropped(small_app):
    at = open_page("overview", period="year", och="tmall")   # no Tmall sales in 2019: nothing to fall from
    assert [s.value for s in at.success] == ["No brand is below the same days last year."]
    assert not at.warning


def test_the_charts_plot_the_warehouse_figures(small_app):
    at = open_page("overview", period="year")
    labels = {"storefront": "Storefront", "exhibition": "Exhibitions", "tmall": "Tmall"}
    in_year = "from sales where is_paid and sale_date between ? and ?"

    def points(key, x="x", y="y"):
        return [(name, a, b) for trace in traces(at, key) for name, a, b in
                zip([trace["name"]] * len(trace[x]), trace[x], trace[y])]

    # the trend covers the twelve months to the as-of day: 2020-01 to 2020-12 here
    assert "2020-01-01 to 2020-12-01" in [c.value for c in at.main.caption]
    assert sorted((name, x[:10], y) for name, x, y in points("trend")) == sorted(
        (labels[channel], str(month), float(net)) for month, channel, net in warehouse_rows(
            small_app, f"select date_trunc('month', sale_date)::date, channel, sum(net_rmb) {in_year} group by 1, 2", YEAR_2020))
    (mix,) = traces(at, "mix")
    assert dict(zip(mix["labels"], mix["values"])) == {labels[channel]: float(net) for channel, net in warehouse_rows(
        small_app, f"select channel, sum(net_rmb) {in_year} group by 1", YEAR_2020)}
    (brands,) = traces(at, "top_brands")   # drawn bottom-up: the largest last
    assert list(zip(brands["y"], brands["x"]))[::-1] == [(brand, float(net)) for brand, net in warehouse_rows(
        small_app, f"select coalesce(brand, 'Unknown'), sum(net_rmb) as net {in_year} group by 1 order by net desc limit 10",
        YEAR_2020)]
    (products,) = traces(at, "top_products")
    assert list(zip(products["y"], products["x"]))[::-1] == [(name, float(net)) for name, net in warehouse_rows(
        small_app, f"""select any_value(product_name), sum(net_rmb) as net {in_year} and sku is not null
                       group by sku order by net desc limit 10""", YEAR_2020)]
    assert len(products["x"]) == 4
