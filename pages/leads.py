"""Exhibition leads: the funnel, each exhibition's leads and deals, deal sizes, where leads come from, the lead list."""
import streamlit as st

from analytics import queries
from ui import charts, fmt, frame, tables, widgets
from ui.filterbar import label_unknown
from ui.i18n import t

frame.require_router()

filters = frame.analyst_page("leads.title")
if filters.categories or filters.products:
    st.info(t("leads.filters_not_applied"), icon=":material/filter_alt_off:")

stages = queries.lead_stages(filters).set_index("stage")
count = lambda stage: int(stages["leads"].get(stage, 0))  # noqa: E731
total = int(stages["leads"].sum())
won = count("won")
cards = widgets.card_row("leads")
cards.metric(t("leads.leads"), fmt.count(total), help=t("leads.leads_help"), border=True)
cards.metric(t("leads.companies"), fmt.count(queries.lead_table(filters)["company"].nunique(), "unit.companies"), border=True)
cards.metric(t("leads.won"), fmt.count(won), border=True)
cards.metric(t("leads.conversion"), fmt.pct(won / total if total else None), help=t("leads.conversion_help"), border=True)
cards.metric(t("leads.deal_amount"), fmt.money(stages["deal_amount_rmb"].sum() if total else 0), border=True)

funnel_col, event_col = st.columns([1, 2])
with funnel_col:
    st.subheader(t("leads.funnel"))
    st.plotly_chart(charts.funnel([(t("leads.stage_met"), total),
                                   (t("leads.stage_negotiated"), count("negotiating") + won + count("lost")),
                                   (t("leads.stage_won"), won)]), key="funnel")
    st.caption(t("leads.funnel_caption", contacted=count("contacted"), negotiating=count("negotiating"), lost=count("lost")))
with event_col:
    st.subheader(t("leads.by_event"))
    events = queries.leads_by_event(filters)
    tables.show(tables.events(events), column_config=tables.events_config())

sizes_col, province_col, industry_col = st.columns(3)
with sizes_col:
    st.subheader(t("leads.deal_sizes"))
    st.plotly_chart(charts.deal_sizes(queries.deal_sizes(filters), "deal_amount_rmb"), key="deal_sizes")
for column, dimension in ((province_col, "province"), (industry_col, "industry")):
    with column:
        st.subheader(t(f"leads.by_{dimension}"))
        by = queries.leads_by(filters, dimension).head(12)
        by[dimension] = by[dimension].map(label_unknown)
        st.plotly_chart(charts.horizontal_bars(by, "leads", dimension, t("leads.leads"), height=300), key=f"by_{dimension}")

st.subheader(t("leads.table"))
leads = tables.leads(queries.lead_table(filters))
tables.show(leads, column_config=tables.leads_config())
widgets.downloads(tables.translated(leads), "exhibition-leads", t("leads.table"), "leads")
