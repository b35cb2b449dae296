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
    path = config.read_path()
    if config.lake_configured():
        follow_lake(path)
    elif not path.exists():
        build_demo(path)
    try:
        reader().connection()
    except WarehouseUnavailable as exc:
        log.warning("warehouse unavailable: %s", exc)
        st.error(t(f"error.{exc.kind}", path=str(path)))
        st.caption(safe.markdown(exc.detail))
        st.stop()


def follow_lake(path) -> None:
    """A server on the lake: build its read cache on first start, then keep it to the lake's current snapshot."""
    from analytics import lake

    current = lake.refresher(path)
    try:
        if not path.exists():
            with st.spinner(t("startup.lake")):
                current.ensure_built()
        else:
            current.ensure_built()
            current.keep_fresh()
    except Exception as exc:   # the catalog or the bucket unreachable: an old cache is still read, else stop
        log.warning("lake unavailable: %s", exc)
        if not path.exists():
            st.error(t("error.lake"))
            st.caption(safe.markdown(str(exc).splitlines()[0]))
            st.stop()


WRITE_SHARE = 0.35   # of the first start's bar: writing the demo exports takes about a third of the build


class DemoProgress:
    """The first start's bar: the exports are written and loaded at once (the loader takes each as it is written),
    so the bar stands for both counts together and never moves back; its text says the latest step."""

    def __init__(self):
        self.written = self.loading = 0

    def wrote(self, file, written: int, total: int) -> tuple[float, str]:
        """Once `written` of `total` demo exports are on disk."""
        self.written = max(self.written, written)
        return self.value(total), t("startup.writing", file=file.name, done=written, total=total)

    def loads(self, file, index: int, total: int) -> tuple[float, str]:
        """As the export numbered `index` (from 0) starts loading."""
        self.loading = max(self.loading, index)
        return self.value(total), t("startup.loading", file=file.name, done=index + 1, total=total)

    def value(self, total: int) -> float:
        return (WRITE_SHARE * self.written + (1 - WRITE_SHARE) * self.loading) / max(total, 1)


def build_demo(path) -> None:
    """Build the demo warehouse under a progress bar that moves while files are written and loaded; the
    bar and its box go once the warehouse is there, so the page is drawn without them."""
    from etl import pipeline

    box = st.empty()
    with box.container():
        st.info(t("startup.building"), icon=":material/hourglass_top:")
        bar = st.progress(0.0, text=t("startup.generating"))
    progress = DemoProgress()
    results = pipeline.build_demo(path, on_write=lambda *step: bar.progress(*progress.wrote(*step)),
                                  on_file=lambda *step: bar.progress(*progress.loads(*step)))
    box.empty()
    failed = [r for r in results if r.status not in ("loaded", "duplicate")]
    if failed:
        st.error(t("startup.failed"))
        st.code("\n".join(r.message for r in failed), language=None)   # file names and values: text, not Markdown
        st.stop()
    st.cache_data.clear()


def as_of_line() -> None:
    """'Data as of' with each channel's last day of sales."""
    fresh = queries.freshness()
    if fresh.empty:
        st.caption(t("asof.empty"))
        return
    parts = [f"{t('channel.' + row.channel)} {fmt.day(row.last_sale)}" for row in fresh.itertuples() if row.last_sale is not None]
    latest = max(fresh["last_sale"].dropna()) if fresh["last_sale"].notna().any() else None
    line = t("asof.line", date=fmt.day(latest), channels=" · ".join(parts))
    snapshot = queries.lake_snapshot()
    if snapshot is not None:
        line += " · " + t("asof.lake", snapshot=snapshot[0], at=fmt.moment(snapshot[1]))
    st.caption(line)


def analyst_page(title_key: str):
    """Title, 'data as of' and the shared filters of an analyst page; stops the page when there is no data."""
    st.title(t(title_key))
    as_of_line()
    filters = st.session_state.get("filters")
    if filters is None:
        st.info(t("common.no_data"))
        st.stop()
    return filters
