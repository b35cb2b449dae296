"""The shared filter bar: date range, channel, brand, category and product, each bound to the URL."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import access, queries
from analytics.filters import UNKNOWN, Filters
from etl import channels as registry
from ui import urlstate
from ui.i18n import t

KEYS = {"centers": "center", "start": "from", "end": "to", "channels": "ch", "brands": "brand", "categories": "cat", "products": "sku"}


def label_channel(channel: str) -> str:
    return t(f"channel.{channel}")


def label_unknown(value: str) -> str:
    return t("common.unknown") if value == UNKNOWN else value


def pick_centers(centers: pd.DataFrame) -> tuple[str, ...]:
    """The center picker at the top of the sidebar, kept in the URL (center=…), shown when the reader may see
    more than one center; every query of the run reads only the centers picked (none picked: all of them)."""
    codes = tuple(centers["center"])
    picked = ()
    if len(codes) > 1:
        names = dict(zip(centers["center"], centers["center_name"].fillna(centers["center"])))
        picked = tuple(urlstate.multiselect(t("filters.centers"), codes, KEYS["centers"],
                                            lambda c: f"{names.get(c) or c} · {c}", container=st.sidebar,
                                            placeholder=t("filters.all_centers")))
    access.choose(picked)
    return picked


def render(bounds: tuple[dt.date, dt.date]) -> Filters:
    """Draw the filter bar in the sidebar and return the filters it holds."""
    first, last = bounds
    options = queries.filter_options()
    names = dict(zip(options["sku"], options["product_name"]))
    with st.sidebar:
        st.subheader(t("filters.title"))
        start = urlstate.date(t("filters.from"), KEYS["start"], first, first, last)
        end = urlstate.date(t("filters.to"), KEYS["end"], last, first, last)
        channels = urlstate.multiselect(t("filters.channels"), registry.codes(), KEYS["channels"], label_channel,
                                        placeholder=t("filters.all"))
        brands = urlstate.multiselect(t("filters.brands"), sorted(options["brand"].unique()), KEYS["brands"],
                                      label_unknown, placeholder=t("filters.all"))
        in_brands = options[options["brand"].isin(brands)] if brands else options
        categories = urlstate.multiselect(t("filters.categories"), sorted(options["category"].unique()),
                                          KEYS["categories"], label_unknown, placeholder=t("filters.all"))
        narrowed = in_brands[in_brands["category"].isin(categories)] if categories else in_brands
        products = urlstate.multiselect(t("filters.products"), sorted(narrowed["sku"].dropna().unique()),
                                        KEYS["products"], lambda sku: f"{names.get(sku) or ''} · {sku}",
                                        placeholder=t("filters.all"))
        st.button(t("filters.reset"), on_click=reset, args=(bounds,), width="stretch")
    if start > end:
        start, end = end, start
    return Filters(start, end, tuple(channels), tuple(brands), tuple(categories), tuple(products), access.chosen())


def reset(bounds: tuple[dt.date, dt.date]) -> None:
    st.session_state[KEYS["start"]], st.session_state[KEYS["end"]] = bounds
    for name in ("channels", "brands", "categories", "products"):
        st.session_state[KEYS[name]] = []


def narrow(**values) -> None:
    """Drill-down: set filter widgets from a click (called from a selection callback, before the rerun)."""
    for name, value in values.items():
        st.session_state[KEYS[name]] = value
