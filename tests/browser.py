"""Start the dashboard as a real server and drive Debian's Chromium through Playwright."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGES = ("overview", "annual", "network", "channels", "brands", "leads", "data")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def launched_app(db: Path, env: dict | None = None, app: Path = ROOT / "dashboard.py"):
    """`streamlit run APP` on a free local port against the given warehouse, not waited for; yields (base URL,
    launch time on the monotonic clock). Stopped at the end."""
    port = free_port()
    environment = {**os.environ, "TPC_DB": str(db), **(env or {})}
    launched = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}", launched
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        process.kill()


def healthy(base: str, deadline: float, poll: float = 0.3) -> None:
    """Wait until the server at `base` answers its health check, or raise at `deadline` (monotonic clock)."""
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(base + "/_stcore/health", timeout=2).status == 200:
                return
        time.sleep(poll)
    raise RuntimeError("the dashboard did not start")


@contextlib.contextmanager
def running_app(db: Path, env: dict | None = None):
    """`streamlit run dashboard.py` on a free local port against the given warehouse; yields the base URL."""
    with launched_app(db, env) as (base, _):
        healthy(base, time.monotonic() + 60)
        yield base


@contextlib.contextmanager
def chromium_running():
    """One Chromium for many pages (launching it takes seconds); yields the Playwright browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextlib.contextmanager
def browser(locale: str = "en-US", height: int = 1000, chromium=None):
    """A fresh page (its own context: no cookies or cache shared) in the given Chromium, or in one launched for it."""
    if chromium is None:
        with chromium_running() as launched, browser(locale, height, launched) as page:
            yield page
        return
    context = chromium.new_context(viewport={"width": 1440, "height": height}, locale=locale)
    try:
        yield context.new_page()
    finally:
        context.close()


def recording(page) -> list[str]:
    """Every URL the page asks for from now on (documents, scripts, fonts, icons, websockets)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    return seen


def outside(requests: list[str]) -> list[str]:
    """The requests to any host other than the app's own 127.0.0.1 server (data: and blob: URLs stay in the page)."""
    from urllib.parse import urlsplit

    return [url for url in requests if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname != "127.0.0.1"]


def problems(page) -> dict:
    """What a rendered page must not show: exceptions, error boxes, a traceback, an empty main area."""
    main = page.locator('[data-testid="stMainBlockContainer"]')
    content = main.locator('[data-testid="stMetric"], [data-testid="stDataFrame"], .js-plotly-plot, '
                           '[data-testid="stFileUploader"]')
    with contextlib.suppress(Exception):   # a first view on a fresh server may draw late; an empty one never draws
        content.first.wait_for(timeout=15_000)
    return {
        "exceptions": page.locator('[data-testid="stException"]').count(),
        "errors": page.locator('[data-testid="stAlertContentError"]').all_inner_texts(),
        "traceback": "Traceback" in page.content(),
        "empty main": content.count() == 0 or len(main.inner_text().strip()) < 100,
    }


NO_PROBLEMS = {"exceptions": 0, "errors": [], "traceback": False, "empty main": False}


def open_rendered(page, url: str, timeout: float = 60) -> None:
    """Go to url and wait until Streamlit has finished running the script."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    time.sleep(0.3)
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        if not running and page.locator('[data-testid="stMainBlockContainer"] h1').count():
            break
        time.sleep(0.3)
    # charts draw after the script ends, and a first view may run the script twice: wait for the main area to settle
    main, last, steady = page.locator('[data-testid="stMainBlockContainer"]'), None, 0
    while time.monotonic() < deadline and steady < 3:   # about a second unchanged: a busy machine pauses longer
        html = main.inner_html()
        steady = steady + 1 if html == last and not page.locator('[data-testid="stStatusWidget"]').count() else 0
        last = html
        time.sleep(0.35)
