"""Run the dashboard's router in AppTest on a given page, with URL query parameters."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from conftest import ROOT

HARNESS = "import sys\nsys.path.insert(0, {root!r})\nimport dashboard\ndashboard.main({page!r})\n"


# Stands in for .streamlit/secrets.toml, so no test reads the developer's (which may configure login)
SECRETS = {"buyer_key": "test-buyer-key"}


def open_page(page: str, timeout: float = 60, *, secrets: dict | None = None, user: dict | None = None,
              **params) -> AppTest:
    """The app on `page` as the router draws it; params become the URL's query string.

    secrets replace the secrets file (default: no login configured); user is st.user (AppTest's own default
    lacks is_logged_in, so give it when the secrets configure login).
    """
    at = AppTest.from_string(HARNESS.format(root=str(ROOT), page=page), default_timeout=timeout)
    at.secrets.update(secrets or SECRETS)
    if user is not None:
        at.user = user
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_errors(at: AppTest) -> bool:
    return not at.exception and not at.error


def traces(at: AppTest, key: str) -> list[dict]:
    """The traces of the plotly chart with this key as the page sent them: name, x, y, labels, values, decoded.

    Plotly sends numeric arrays as {"dtype", "bdata"} (base64 of the raw array); they come back as lists.
    """
    import json

    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}"))
    return [{field: decoded(trace.get(field)) for field in ("type", "name", "x", "y", "labels", "values")}
            for trace in json.loads(chart.proto.spec)["data"]]


def decoded(value):
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV download read back as a spreadsheet would: UTF-8 with BOM, CRLF line ends; header first."""
    import csv
    import io

    assert data.startswith("\ufeff".encode()), "no BOM: Excel on a Chinese Windows would show mojibake"
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == text.count("\n")
    return list(csv.reader(io.StringIO(text, newline="")))


def xlsx_rows(data: bytes, title: str) -> list[tuple]:
    """An XLSX download read back: its title row checked and dropped, then the header and the rows as typed."""
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == title
    return rows[1:]


def as_csv(value) -> str:
    """A warehouse value as the CSV export writes it (Decimal and dates as text, NULL empty)."""
    return "" if value is None else str(value)


def as_xlsx(value):
    """A warehouse value as the XLSX export stores it (amounts as numbers, dates as date-times)."""
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
