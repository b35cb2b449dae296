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
