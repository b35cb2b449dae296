"""Annual results for leadership: one printable page stating each channel's year the way the work report does."""
import datetime as dt
import functools

import streamlit as st

from analytics import metrics, queries, targets
from ui import annual_report, fmt, frame, i18n, tables, urlstate, widgets
from ui.i18n import t

frame.require_router()

years = queries.years_with_data()
if not years:
    st.title(t("annual.title_empty"))
    st.info(t("common.no_data"))
    st.stop()

span = queries.data_span()
year = urlstate.segmented(t("annual.year"), years, "year", metrics.last_complete_year(years, span))
st.title(t("annual.title", year=year))
frame.as_of_line()
st.container(key="screen_only_default_year").caption(t("annual.default_year"))   # not on paper

results = annual_report.figures(queries.annual_results([year - 1, year]), year, span)
if span and span[1] < dt.date(year, 12, 31):
    st.warning(t("annual.incomplete", year=year, last=fmt.day(span[1])), icon=":material/event_busy:")
st.markdown(annual_report.statement(results))
why = widgets.gap_text(results["gap"], span, (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))) if results["gap"] else None

for section in annual_report.sections():
    st.subheader(t(f"channel.{section.channel}"))
    row = widgets.card_row(f"annual_{section.channel}")
    for figure in section.figures:
        change = annual_report.change(results, figure.key)
        row.metric(figure.label(), annual_report.formatted(figure, results[figure.key]),
                    **fmt.delta(change, "normal" if metrics.get(figure.metric).up_is_good else "inverse"),
                    delta_description=t("annual.vs_year", year=year - 1) if change is not None else None,
                    help="\n\n".join(filter(None, (figure.help(), why))), border=True)

st.subheader(t("annual.monthly"))
monthly = queries.monthly_by_channel(year)
st.plotly_chart(annual_report.monthly_chart(monthly, year), key="annual_monthly")

tables.show(annual_report.table(results, year))

goals = targets.channel_results(year, min(dt.date(year, 12, 31), span[1]) if span else dt.date(year, 12, 31))
if not goals.empty:
    st.subheader(t("annual.targets"))
    tables.show(tables.target_results(goals), column_config=tables.target_results_config(), key="annual_targets")
st.download_button(t("download.xlsx"), data=functools.partial(annual_report.workbook, results, monthly, year, i18n.current()),
                   file_name=f"annual-results-{year}.xlsx", icon=":material/table_view:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="annual_xlsx")
with st.container(key="screen_only_print_hint"):   # the print CSS hides every screen_only container
    st.caption(t("annual.print_hint"))
