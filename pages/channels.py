"""Channels for analysts: revenue and brand counts per channel over time, the filtered detail, drill-down, export."""
import streamlit as st

from analytics import queries
from ui import charts, drill, frame, tables, widgets
from ui.i18n import t

frame.require_router()

filters = frame.analyst_page("channels.title")

grain = widgets.choice(t("common.grain"), ("day", "week", "month"), "cgrain", "month", "grain")

st.subheader(t("channels.revenue"))
trend = queries.revenue_trend(filters, grain)
st.plotly_chart(charts.channel_bars(trend, "period", "net_rmb", grain), key="channel_trend",
                on_select=drill.on_channel_period(grain, "channel_trend"), selection_mode="points")
st.caption(t("channels.drill_hint"))

st.subheader(t("channels.brand_counts"))
st.plotly_chart(charts.brand_counts(queries.brand_counts(filters, grain), grain), key="brand_counts")

st.subheader(t("channels.detail"))
detail = queries.sales_detail(filters)
shown = tables.sales_detail(detail)
tables.show(shown.head(tables.DETAIL_ROWS), column_config=tables.sales_detail_config(),
            key="detail", on_select=drill.on_detail_row(detail, "detail"), selection_mode="single-row")
st.caption(t("channels.rows", rows=len(detail)) if len(detail) <= tables.DETAIL_ROWS
           else t("channels.rows_partial", shown=tables.DETAIL_ROWS, rows=len(detail)))
widgets.downloads(tables.translated(shown), "sales-detail", t("channels.detail"), "detail")
