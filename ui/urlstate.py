"""Widgets whose value lives in the URL as a stable code (not the translated label), so a pasted link
reproduces the view in any language.

Streamlit's own bind="query-params" writes the *formatted* option into the URL, which would change with
the reader's language; here the URL holds the option itself and the widget shows its translation.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import streamlit as st


def _from_url_one(key: str, options: Sequence | None, default):
    raw = st.query_params.get(key)
    if raw is None:
        return default
    if options is None:
        return raw
    by_text = {str(o): o for o in options}
    return by_text.get(raw, default)


def _from_url_many(key: str, options: Sequence) -> list:
    by_text = {str(o): o for o in options}
    # ?ch=tmall&ch=tmall is one choice: a multiselect would show its chip twice
    return list(dict.fromkeys(by_text[v] for v in st.query_params.get_all(key) if v in by_text))


def _from_url_date(key: str, default: dt.date, low: dt.date, high: dt.date) -> dt.date:
    raw = st.query_params.get(key)
    try:
        value = dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        value = default
    return min(max(value, low), high)


def _publish(key: str, value, default) -> None:
    """Keep the URL in step: the value as text, or no parameter at all when it is the default."""
    if value == default or value in (None, [], ()):
        if key in st.query_params:
            del st.query_params[key]
        return
    text = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value)
    if st.query_params.get_all(key) != (text if isinstance(text, list) else [text]):
        st.query_params[key] = text


def selectbox(label: str, options: Sequence, key: str, default, format_func: Callable = str, container=st, **kwargs):
    """A selectbox whose option is kept in the URL under key."""
    options = list(options)
    default = default if default in options else (options[0] if options else None)
    if st.session_state.get(key) not in options:
        st.session_state[key] = _from_url_one(key, options, default)
    value = container.selectbox(label, options, key=key, format_func=format_func, **kwargs)
    _publish(key, value, default)
    return value


def segmented(label: str, options: Sequence, key: str, default, format_func: Callable = str, container=st):
    """A required single choice (segmented control) kept in the URL."""
    options = list(options)
    if st.session_state.get(key) not in options:
        st.session_state[key] = _from_url_one(key, options, default)
    value = container.segmented_control(label, options, key=key, format_func=format_func, required=True)
    value = value if value in options else default
    _publish(key, value, default)
    return value


def multiselect(label: str, options: Sequence, key: str, format_func: Callable = str, container=st, **kwargs) -> list:
    """A multiselect kept in the URL as a repeated parameter (?ch=tmall&ch=storefront)."""
    options = list(options)
    if key not in st.session_state:
        st.session_state[key] = _from_url_many(key, options)
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = container.multiselect(label, options, key=key, format_func=format_func, **kwargs)
    _publish(key, value, [])
    return value


def date(label: str, key: str, default: dt.date, low: dt.date, high: dt.date, container=st) -> dt.date:
    """A date input kept in the URL in ISO form."""
    current = st.session_state.get(key)
    if not isinstance(current, dt.date) or not low <= current <= high:
        st.session_state[key] = _from_url_date(key, default, low, high)
    value = container.date_input(label, value=None, min_value=low, max_value=high, key=key, format="YYYY-MM-DD")
    value = value or default
    _publish(key, value.isoformat(), default.isoformat())
    return value
