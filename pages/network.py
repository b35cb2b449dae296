"""Network of centers for leadership: each center's year side by side — revenue, growth like for like."""
import datetime as dt

import streamlit as st

from analytics import metrics, queries, targets
from analytics.filters import Filters
from ui import charts, fmt, frame, tables, urlstate, widgets
from ui.i18n import t

frame.require_router()

st.title(t("network.title"))
frame.as_of_line()
years = queries.years_with_data()
span = queries.data_span()
if not years or not span:
    st.info(t("common.no_data"))
    st.stop()

year = urlstate.segmented(t("annual.year"), years, "year", metrics.last_complete_year(years, span))
period = Filters(dt.date(year, 1, 1), min(dt.date(year, 12, 31), span[1]))   # a year to date when it is not over
gap = metrics.year_on_year_gap(period, span)
earlier = period.shifted_years(-1)
why = widgets.gap_text(gap, span, (earlier.start, earlier.end)) if gap else None
board = tables.network_changes(queries.center_revenue(period), gap)
board = board.merge(targets.center_paces(year, period.end, list(board["center"])), on="center", how="left")
st.caption(t("network.range", start=fmt.day(period.start), end=fmt.day(period.end)))

total, total_before = sum(board["net_rmb"]), board["net_rmb_last_year"].dropna().sum()
cards = widgets.card_row("network")
cards.metric(t("network.centers"), fmt.count(len(board)), border=True)
change = metrics.compared(total, total_before, gap)
cards.metric(t("metric.net_revenue"), fmt.money(total), **fmt.delta(change), border=True,
             delta_description=t("delta.yoy") if change is not None else None,
             help="\n\n".join(filter(None, (t("network.net.help"), why))))

st.subheader(t("network.by_center"))
names = dict(zip(board["center"], board["center_name"].fillna(board["center"])))
st.plotly_chart(charts.center_bars(queries.center_channel_revenue(period), names,
                                   height=120 + 48 * max(len(board), 1)), key="network_chart")
if why:
    st.caption(why)
shown = tables.network(board)
tables.show(shown, column_config=tables.network_config(why), key="network_table")
widgets.downloads(tables.translated(shown), f"network-{year}", t("network.title"), "network")
