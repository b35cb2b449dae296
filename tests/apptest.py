"""Run the dashboard's router in AppTest on a given page, with URL query parameters."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from conftest import ROOT

HARNESS = "import sys\nsys.path.insert(0, {root!r})\nimport dashboard\ndashboard.main({page!r})\n"


def open_page(page: str, timeout: float = 60, **params) -> AppTest:
    """The app on `page` as the router draws it; params become the URL's query string."""
    at = AppTest.from_string(HARNESS.format(root=str(ROOT), page=page), default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def no_errors(at: AppTest) -> bool:
    return not at.exception and not at.error
