"""Brands & products: the brand leaderboard, one brand in detail, and how few products make most revenue."""
import streamlit as st

from analytics import metrics, queries
from ui import charts, drill, fmt, frame, tables, urlstate, widgets
from ui.filterbar import label_unknown
from ui.i18n import t

frame.require_router()

filters = frame.analyst_page("brands.title")

span = queries.data_span()
gap = metrics.year_on_year_gap(filters, span)   # 同比 only when last year's window lies wholly inside the data
earlier = filters.shifted_years(-1)
why = widgets.gap_text(gap, span, (earlier.start, earlier.end)) if gap else None
board = tables.without_change(queries.brand_leaderboard(filters), gap)
if board.empty:
    st.info(t("common.no_rows"))
    st.stop()

st.subheader(t("brands.leaderboard"))
if why:
    st.caption(why)
tables.show(tables.brand_board(board), column_config=tables.brand_board_config(why),
            key="board", on_select=drill.on_brand_row(board, "board", "b"), selection_mode="single-row", height=320)
widgets.downloads(tables.translated(tables.brand_board(board)), "brands", t("brands.leaderboard"), "board")

st.subheader(t("brands.detail"))
brand = urlstate.selectbox(t("col.brand"), board["brand"].tolist(), "b", board["brand"].iloc[0], label_unknown)
chosen = board[board["brand"] == brand].iloc[0]
cards = widgets.card_row("brand")
cards.metric(t("common.net_revenue"), fmt.money(chosen["net_rmb"]), border=True)
cards.metric(t("brands.share"), fmt.pct(chosen["share"]), border=True)
cards.metric(t("brands.change"), fmt.signed_pct(chosen["change_pct"]) or "–", help=why, border=True)
cards.metric(t("brands.products"), fmt.count(chosen["products"]), border=True)
trend_col, mix_col = st.columns([2, 1])
trend = queries.brand_trend(filters, brand)
trend_col.plotly_chart(charts.channel_bars(trend, "period", "net_rmb", height=300), key="brand_trend")
mix = charts.with_channel_labels(trend.groupby("channel", as_index=False)["net_rmb"].sum())
mix_col.plotly_chart(charts.pie(mix, "channel_label", "net_rmb", charts.channel_color_map(), 300), key="brand_mix")
tables.show(tables.brand_products(queries.brand_products(filters, brand)),
            column_config=tables.product_config())

st.subheader(t("brands.pareto"))
pareto = queries.product_pareto(filters)
if not pareto.empty:
    needed = int((pareto["cumulative_share"] < 0.8).sum()) + 1
    st.metric(t("brands.pareto_metric"), t("brands.pareto_value", needed=min(needed, len(pareto)), total=len(pareto)),
              help=t("brands.pareto_help"))
    st.plotly_chart(charts.pareto(pareto), key="pareto")
