"""The shared filter bar: date range, channel, brand, category and product, each bound to the URL."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics import queries
from analytics.filters import CHANNELS, UNKNOWN, Filters
from ui.i18n import t

KEYS = {"start": "from", "end": "to", "channels": "ch", "brands": "brand", "categories": "cat", "products": "sku"}


def label_channel(channel: str) -> str:
    return t(f"channel.{channel}")


def label_unknown(value: str) -> str:
    return t("common.unknown") if value == UNKNOWN else value


def render(bounds: tuple[dt.date, dt.date]) -> Filters:
    """Draw the filter bar in the sidebar and return the filters it holds."""
    first, last = bounds
    options = queries.filter_options()
    with st.sidebar:
        st.subheader(t("filters.title"))
        left, right = st.columns(2)
        start = left.date_input(t("filters.from"), value=first, min_value=first, max_value=last,
                                key=KEYS["start"], bind="query-params", format="YYYY-MM-DD")
        end = right.date_input(t("filters.to"), value=last, min_value=first, max_value=last,
                               key=KEYS["end"], bind="query-params", format="YYYY-MM-DD")
        channels = st.multiselect(t("filters.channels"), CHANNELS, format_func=label_channel,
                                  key=KEYS["channels"], bind="query-params", placeholder=t("filters.all"))
        brands = st.multiselect(t("filters.brands"), sorted(options["brand"].unique()), format_func=label_unknown,
                                key=KEYS["brands"], bind="query-params", placeholder=t("filters.all"))
        in_brands = options[options["brand"].isin(brands)] if brands else options
        categories = st.multiselect(t("filters.categories"), sorted(options["category"].unique()),
                                    format_func=label_unknown, key=KEYS["categories"], bind="query-params",
                                    placeholder=t("filters.all"))
        narrowed = in_brands[in_brands["category"].isin(categories)] if categories else in_brands
        names = dict(zip(options["sku"], options["product_name"]))
        products = st.multiselect(t("filters.products"), sorted(narrowed["sku"].dropna().unique()),
                                  format_func=lambda sku: f"{names.get(sku) or ''} · {sku}",
                                  key=KEYS["products"], bind="query-params", placeholder=t("filters.all"))
        st.button(t("filters.reset"), on_click=reset, width="stretch")
    if start > end:
        start, end = end, start
    return Filters(start, end, tuple(channels), tuple(brands), tuple(categories), tuple(products))


def reset() -> None:
    for key in KEYS.values():
        st.session_state.pop(key, None)


def narrow(**values) -> None:
    """Drill-down: set filter widgets from a click (called from a selection callback, before the rerun)."""
    for name, value in values.items():
        st.session_state[KEYS[name]] = value
