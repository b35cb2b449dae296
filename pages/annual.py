"""Annual results for leadership: one printable page stating each channel's year the way the work report does."""
import functools

import streamlit as st

from analytics import metrics, queries
from ui import annual_report, fmt, frame, tables, urlstate
from ui.i18n import t

frame.require_router()

years = queries.years_with_data()
if not years:
    st.title(t("annual.title_empty"))
    st.info(t("common.no_data"))
    st.stop()

year = urlstate.selectbox(t("annual.year"), years[::-1], "year", default=years[-1])
st.title(t("annual.title", year=year))
frame.as_of_line()

results = annual_report.figures(queries.annual_results([year - 1, year]), year)
st.markdown(annual_report.statement(results))

for section in annual_report.SECTIONS:
    st.subheader(t(f"channel.{section.channel}"))
    cells = st.columns(len(section.figures))
    for cell, figure in zip(cells, section.figures):
        now, before = results[figure.key], results[f"{figure.key}_before"]
        cell.metric(t(f"annual.{figure.key}"), annual_report.formatted(figure, now),
                    **fmt.delta(metrics.change(now, before)), delta_description=t("annual.vs_year", year=year - 1),
                    help=t(f"annual.{figure.key}.help"), border=True)

st.subheader(t("annual.monthly"))
monthly = queries.monthly_by_channel(year)
st.plotly_chart(annual_report.monthly_chart(monthly, year), key="annual_monthly")

tables.show(annual_report.table(results, year))
st.download_button(t("download.xlsx"), data=functools.partial(annual_report.workbook, results, monthly, year),
                   file_name=f"annual-results-{year}.xlsx", icon=":material/table_view:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="annual_xlsx")
st.container(key="print_hint").caption(t("annual.print_hint"))   # hidden on paper (ui/style.py)
