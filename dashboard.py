"""Router and shared frame of the Taiwan Product Center dashboard: page config, language, filters, navigation."""
import runpy
from pathlib import Path

import streamlit as st

from analytics import queries
from ui import auth, filterbar, frame, i18n, style, urlstate
from ui.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "pages"
# a file served by the app itself: a ":material/…:" page icon makes the browser fetch the favicon from
# fonts.gstatic.com, which mainland China blocks (the sidebar's material icons use the font Streamlit bundles)
FAVICON = Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png"
ANALYST_PAGES = ("channels", "brands", "leads")   # the pages the shared filter bar applies to
PAGES = (
    ("overview", ":material/dashboard:"),
    ("annual", ":material/workspace_premium:"),
    ("network", ":material/hub:"),
    ("channels", ":material/stacked_bar_chart:"),
    ("brands", ":material/sell:"),
    ("leads", ":material/handshake:"),
    ("data", ":material/database:"),
)


def page_runner(name: str):
    """A page as a function that runs its file.

    Callable pages rather than file pages: AppTest reruns a file page without this router around it,
    so the shared frame (language, filters) would vanish from every rerun under test.
    """
    path = str(PAGES_DIR / f"{name}.py")

    def run() -> None:
        with frame.routed():
            runpy.run_path(path, run_name="__page__")

    run.__name__ = f"page_{name}"
    return run


def pages(allowed: tuple[str, ...], default: str = "overview") -> dict[str, st.Page]:
    """The allowed pages only: a page not given to st.navigation cannot be reached, not even by its URL."""
    shown = [(name, icon) for name, icon in PAGES if name in allowed]
    default = default if default in allowed else shown[0][0]
    return {name: st.Page(page_runner(name), title=t(f"nav.{name}"), icon=icon, url_path=name,
                          default=name == default)
            for name, icon in shown}


def main(force_page: str | None = None) -> None:
    """Draw the frame and run the page the URL asks for (or force_page, which the page tests use)."""
    st.set_page_config(page_title="台灣商品中心 · Taiwan Product Center", page_icon=str(FAVICON), layout="wide")
    urlstate.selectbox("Language · 語言 · 语言", i18n.LANGUAGES, i18n.LANG_KEY, i18n.browser_language(),
                       i18n.LANGUAGE_NAMES.get, container=st.sidebar)
    style.apply()
    access, screen = auth.gate()
    auth.remember(access)
    if screen is not None:   # login, no access or refusal, whichever page the URL names
        st.navigation([st.Page(screen, title=t("app.title"), url_path=name, default=name == "overview")
                       for name, _ in PAGES], position="hidden").run()
        return
    available = pages(access.pages, force_page or "overview")
    page = st.navigation(list(available.values()))   # before anything slow, so the sidebar never shows raw file names
    frame.ensure_warehouse()
    filterbar.pick_centers(queries.centers())   # every query below reads only the centers picked (analytics.access)
    name = next(n for n, p in available.items() if p is page)
    if name in ANALYST_PAGES:
        bounds = queries.date_bounds()
        st.session_state["filters"] = filterbar.render(bounds) if bounds else None
    st.sidebar.caption(t("app.title"))
    auth.identity(access)
    page.run()


if __name__ == "__main__":
    main()
