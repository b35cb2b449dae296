"""Page-wide CSS: tighter metric cards and an A4 print layout (sidebar, toolbar and widgets hidden)."""
import streamlit as st

CSS = """
<style>
[data-testid="stMetric"] { padding: 0.6rem 0.8rem; }
[data-testid="stMetricValue"] { font-size: 1.6rem; }
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], .stDownloadButton, [data-testid="stSelectbox"],
  [data-testid="stSegmentedControl"], [data-testid="stElementToolbar"],
  [class*="st-key-screen_only"] { display: none !important; }
  .block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  /* charts and tables keep the pixel width they had on screen: scale the page to the paper */
  [data-testid="stMainBlockContainer"] { zoom: 0.66; }
  [data-testid="stVerticalBlockBorderWrapper"], .js-plotly-plot, [data-testid="stDataFrame"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
}
</style>
"""


def apply() -> None:
    st.html(CSS)
