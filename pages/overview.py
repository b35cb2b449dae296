"""Overview for center managers: this period against last year, the trend, channel mix, top sellers, what needs attention."""
import streamlit as st

from analytics import metrics, queries, targets
from analytics.filters import Filters
from etl import channels as registry
from ui import charts, fmt, frame, urlstate, widgets
from ui import pacing as pacing_ui
from ui.filterbar import label_channel, label_unknown
from ui.i18n import t

frame.require_router()

st.title(t("overview.title"))
frame.as_of_line()
bounds = queries.date_bounds()
span = queries.data_span()   # every 同比 / 环比 is made only inside it (metrics.comparison_gap)
if not bounds:
    st.info(t("common.no_data"))
    st.stop()

left, middle, right = st.container(key="overview_controls").columns([3, 2, 3])   # compact on a phone (ui/style.py)
period = widgets.choice(t("overview.period"), metrics.PERIODS, "period", "month", "period", left)
as_of = urlstate.date(t("overview.as_of"), "asof", bounds[1], bounds[0], bounds[1], middle)
channels = urlstate.multiselect(t("filters.channels"), registry.codes(), "och", label_channel, right, placeholder=t("filters.all"))

base = Filters(bounds[0], as_of, tuple(channels))
ranges = metrics.comparisons(base, period)
current = ranges["current"]
st.subheader(t("overview.kpis", start=fmt.day(current.start), end=fmt.day(current.end)))
spark_start, spark_end = metrics.sparkline_range(period, as_of)
widgets.kpi_cards(
    queries.kpis(current),
    queries.kpis(ranges["last_year"]),
    queries.kpis(ranges["previous"]),
    queries.kpi_series(base.narrowed(start=spark_start, end=spark_end), period),
    period,
    (spark_start, spark_end),
    ranges=ranges,
    span=span,
    channels=tuple(channels),
    deal_fairs=queries.deal_fairs(current),
)

year, month = pacing_ui.pacing_period(period, as_of)
paces = [p for p in targets.channel_paces(year, month, as_of) if not channels or p.channels[0] in channels]
pacing_ui.section(targets.period_pace(year, month, as_of, channels=tuple(channels)), paces, year, month)

st.divider()
trend_col, mix_col = st.columns([2, 1])
with trend_col:
    st.subheader(t("overview.trend"))
    grain = widgets.choice(t("common.grain"), ("day", "week", "month"), "grain", "month", "grain")
    trend_start = metrics.sparkline_range("month", as_of)[0]
    trend = queries.revenue_trend(base.narrowed(start=trend_start), grain)
    st.plotly_chart(charts.channel_bars(trend, "period", "net_rmb", grain), key="trend")
    st.caption(t("overview.trend_caption", start=fmt.day(trend_start), end=fmt.day(as_of)))
with mix_col:
    st.subheader(t("overview.mix"))
    mix = charts.with_channel_labels(charts.as_numbers(queries.channel_mix(current), "net_rmb"))
    st.plotly_chart(charts.pie(mix, "channel_label", "net_rmb", charts.channel_color_map(), 360), key="mix")

brands_col, products_col, attention_col = st.columns(3)
with brands_col:
    st.subheader(t("overview.top_brands"))
    st.plotly_chart(charts.horizontal_bars(queries.top_brands(current), "net_rmb", "brand"), key="top_brands")
with products_col:
    st.subheader(t("overview.top_products"))
    top = queries.top_products(current)
    top["label"] = top["product_name"].fillna(top["sku"])
    st.plotly_chart(charts.horizontal_bars(top, "net_rmb", "label", color="#C8102E"), key="top_products")
with attention_col:
    st.subheader(t("overview.attention"))
    gap = metrics.year_on_year_gap(current, span)
    drops = queries.largest_drops(current)
    earlier = current.shifted_years(-1)
    if gap:
        st.info(widgets.gap_text(gap, span, (earlier.start, earlier.end)), icon=":material/event_busy:")
    elif drops.empty:
        st.success(t("overview.attention_none"))
    for row in () if gap else drops.itertuples():
        st.warning(t("overview.attention_item", brand=label_unknown(row.brand), change=fmt.pct(row.change_pct),
                     now=fmt.money(row.net_rmb), before=fmt.money(row.net_rmb_last_year)), icon=":material/trending_down:")
