"""The frame every page shares: warehouse start-up, the 'data as of' line, and error messages for readers."""
from __future__ import annotations

import contextlib
import logging
import threading

import streamlit as st

from analytics import queries
from analytics.db import WarehouseUnavailable, reader
from etl import config
from ui import fmt, safe
from ui.i18n import t

log = logging.getLogger(__name__)
_routing = threading.local()


@contextlib.contextmanager
def routed():
    """Marks a page run as started by the router (dashboard.py)."""
    _routing.active = True
    try:
        yield
    finally:
        _routing.active = False


def require_router() -> None:
    """Send a page that Streamlit ran without the router back through it.

    With a pages/ folder beside dashboard.py, the first run after the server starts uses Streamlit's
    old folder-based navigation (until some run calls st.navigation), so a deep link such as /annual
    runs pages/annual.py bare. Switch that off and rerun: the same URL then goes through the router.
    """
    if getattr(_routing, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def ensure_warehouse() -> None:
    """Build the demo warehouse on first start; stop the page with a clear message if it can't be read."""
    path = config.warehouse_path()
    if not path.exists():
        build_demo(path)
    try:
        reader().connection()
    except WarehouseUnavailable as exc:
        log.warning("warehouse unavailable: %s", exc)
        st.error(t(f"error.{exc.kind}", path=str(path)))
        st.caption(safe.markdown(exc.detail))
        st.stop()


def build_demo(path) -> None:
    from etl import pipeline

    with st.status(t("startup.building"), expanded=True) as status:
        bar = st.progress(0.0, text=t("startup.generating"))

        def on_file(file, done, total):
            bar.progress(done / max(total, 1), text=t("startup.loading", file=file.name, done=done + 1, total=total))

        results = pipeline.build_demo(path, on_file=on_file)
        bar.progress(1.0, text=t("startup.done", files=len(results)))
        failed = [r for r in results if r.status not in ("loaded", "duplicate")]
        if failed:
            status.update(label=t("startup.failed"), state="error")
            st.error(safe.markdown_lines("\n".join(r.message for r in failed)))
            st.stop()
        status.update(label=t("startup.done", files=len(results)), state="complete", expanded=False)
    st.cache_data.clear()


def as_of_line() -> None:
    """'Data as of' with each channel's last day of sales."""
    fresh = queries.freshness()
    if fresh.empty:
        st.caption(t("asof.empty"))
        return
    parts = [f"{t('channel.' + row.channel)} {fmt.day(row.last_sale)}" for row in fresh.itertuples() if row.last_sale is not None]
    latest = max(fresh["last_sale"].dropna()) if fresh["last_sale"].notna().any() else None
    st.caption(t("asof.line", date=fmt.day(latest), channels=" · ".join(parts)))


def analyst_page(title_key: str):
    """Title, 'data as of' and the shared filters of an analyst page; stops the page when there is no data."""
    st.title(t(title_key))
    as_of_line()
    filters = st.session_state.get("filters")
    if filters is None:
        st.info(t("common.no_data"))
        st.stop()
    return filters
