"""Router and shared frame of the Taiwan Product Center dashboard: page config, language, filters, navigation."""
from pathlib import Path

import streamlit as st

from analytics import queries
from ui import filterbar, frame, i18n, style
from ui.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "pages"
ANALYST_PAGES = ("channels", "brands", "leads")   # the pages the shared filter bar applies to
PAGES = (
    ("overview", ":material/dashboard:"),
    ("annual", ":material/workspace_premium:"),
    ("channels", ":material/stacked_bar_chart:"),
    ("brands", ":material/sell:"),
    ("leads", ":material/handshake:"),
    ("data", ":material/database:"),
)


def pages(default: str = "overview") -> dict[str, st.Page]:
    return {name: st.Page(PAGES_DIR / f"{name}.py", title=t(f"nav.{name}"), icon=icon, url_path=name,
                          default=name == default)
            for name, icon in PAGES}


def main(force_page: str | None = None) -> None:
    """Draw the frame and run the page the URL asks for (or force_page, which the page tests use)."""
    st.set_page_config(page_title="台灣商品中心 · Taiwan Product Center", page_icon="🏬", layout="wide")
    with st.sidebar:
        st.selectbox("Language · 語言 · 语言", i18n.LANGUAGES, index=i18n.LANGUAGES.index(i18n.browser_language()),
                     format_func=i18n.LANGUAGE_NAMES.get, key=i18n.LANG_KEY, bind="query-params")
    style.apply()
    frame.ensure_warehouse()
    available = pages(force_page or "overview")
    page = st.navigation(list(available.values()))
    name = next((n for n, p in available.items() if p is page), force_page or "overview")
    if name in ANALYST_PAGES:
        bounds = queries.date_bounds()
        st.session_state["filters"] = filterbar.render(bounds) if bounds else None
    st.sidebar.caption(t("app.title"))
    page.run()


if __name__ == "__main__":
    main()
