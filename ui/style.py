"""Page-wide CSS: tighter metric cards, an A4 print layout (sidebar, toolbar and widgets hidden), and the
reader's language for the few texts Streamlit's frontend writes in English only."""
import streamlit as st

from ui.i18n import t

CSS = """
<style>
[data-testid="stMetric"] { padding: 0.6rem 0.8rem; }
[data-testid="stMetricValue"] { font-size: 1.6rem; }
/* KPI cards: one wrapping row in reading order, three a row on a desktop, two on a phone (a manager sees four
   values on the first screen of a 390 px phone) */
.st-key-kpi_cards > div, .st-key-kpi_cards [class*="st-key-kpi_card_"] { flex: 1 1 calc(33% - 1rem); min-width: calc(33% - 1rem); }
/* every other row of cards (widgets.card_row): as many a row as fit on a desktop, two a row on a phone */
[class*="st-key-cards_"] > div { flex: 1 1 calc(25% - 1rem); min-width: 10rem; }
@media (max-width: 640px) {
  [class*="st-key-cards_"] > div { flex: 1 1 calc(50% - 0.5rem); min-width: calc(50% - 0.5rem); }
  .st-key-kpi_cards > div, .st-key-kpi_cards [class*="st-key-kpi_card_"] { flex: 1 1 calc(50% - 0.5rem); min-width: calc(50% - 0.5rem); }
  [data-testid="stMetric"] { padding: 0.4rem 0.5rem; }
  [data-testid="stMetricValue"] { font-size: 1.25rem; }
  [data-testid="stMetric"] [data-testid="stMetricChart"] { display: none; }   /* the trend has its own chart below */
  h1 { font-size: 1.6rem !important; padding-top: 0 !important; }
  .st-key-overview_controls [data-testid="stWidgetLabel"] { display: none; }
  .st-key-overview_controls [data-testid="stHorizontalBlock"] { gap: 0.4rem; }
}
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], .stDownloadButton, [data-testid="stSelectbox"],
  [data-testid="stSegmentedControl"], [data-testid="stElementToolbar"],
  [class*="st-key-screen_only"] { display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  /* charts and tables keep the pixel width they had on screen: scale the page to the paper */
  [data-testid="stMainBlockContainer"] { zoom: 0.6; }
  [data-testid="stVerticalBlockBorderWrapper"], .js-plotly-plot, [data-testid="stDataFrame"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""


def css_string(text: str) -> str:
    """Text as a CSS string literal (for content:)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def replaced_text(selectors: tuple[str, ...] | str, text: str, size: str = "0.875rem") -> str:
    """CSS drawing text in place of what the selectors' elements say (their own text shrunk to nothing)."""
    selectors = (selectors,) if isinstance(selectors, str) else selectors
    return (f"{', '.join(selectors)} {{ font-size: 0 !important; }}\n"
            f"{', '.join(s + '::after' for s in selectors)} {{ content: {css_string(text)}; font-size: {size}; }}\n")


# Streamlit 1.67's multiselect and selectbox take no text for an empty search; their dropdowns say "No results"
NO_RESULTS = tuple(f'[data-testid="{d}"] [role="listbox"][data-empty="true"] [role="option"] > span'
                   for d in ("stMultiSelectDropdown", "stSelectboxVirtualDropdown"))


def frontend_texts() -> str:
    return "<style>\n" + replaced_text(NO_RESULTS, t("picker.no_results")) + "</style>"


def apply() -> None:
    st.html(CSS + frontend_texts())
