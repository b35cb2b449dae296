"""Names from the data shown as text: the one place that escapes them for Markdown (every st.* text element)
and for Plotly's labels (which render a subset of HTML, links included).

A brand, product, store, fair, company, city or file name comes from a file anybody may have written; written
as Markdown (![x](http://…)) or HTML (<a href=…>) it would otherwise make every reader's browser fetch a URL
named in the data, or show a link that is not ours."""
from __future__ import annotations

import html
import re

# the marks that make Markdown inline markup (emphasis, code, links, images, HTML, entities, tables), Streamlit's
# own :directive: / :material/icon: and $math$, and a GFM autolink's www. (line-start marks such as '- ' or '1. '
# cannot arise: a value is never at a line's start, its own line breaks become spaces)
# (an underscore inside a word, as in pos_sales_2020.csv, is no emphasis in CommonMark: left as written)
MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]()#!|<>~$:&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))|(?<=www)(\.)",
                              re.IGNORECASE)
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def markdown(value: object) -> str:
    """Text that Streamlit's Markdown shows exactly as written, on one line; dates, amounts and addresses read as
    they are (2020-03-01, 1,234.50, chen@tpc.example.cn)."""
    text = LINE_BREAKS.sub(" ", "" if value is None else str(value))
    return MARKDOWN_SPECIAL.sub(lambda m: "\\" + (m.group(1) or m.group(2)), text)


def plotly(value: object) -> str:
    """Text that a Plotly label or hover shows exactly as written (its <a>, <b>, <br> and entities inert)."""
    return html.escape("" if value is None else str(value), quote=False)


def markdown_lines(value: object) -> str:
    """Like markdown(), keeping the text's own line breaks (a refusal message lists what each format expects)."""
    return "  \n".join(markdown(line) for line in ("" if value is None else str(value)).splitlines())
