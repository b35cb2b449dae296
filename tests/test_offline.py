"""No page asks any host but the app's own (issue 11, item 13): mainland China blocks Google's font and icon
servers, so an outside request is an icon that never shows or a page that hangs. Headless Chromium opens
every page; outside requests are refused and recorded, and the page's favicon and every linked asset must
point at the app itself."""
import shutil
import urllib.parse

import pytest

from browser import PAGES, browser, open_rendered, running_app

pytestmark = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def app_url(small_warehouse):
    with running_app(small_warehouse, {"TPC_BUYER_KEY": "test-buyer-key"}) as url:
        yield url


def outside(url: str, own: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.netloc != own


ASSETS = """() => [...document.querySelectorAll('link[href], script[src], img[src], iframe[src], source[src]')]
                  .map(e => e.href || e.src)"""


@pytest.fixture(scope="module")
def reader(app_url):
    """One mainland reader's browser for every page: outside requests refused and recorded in reader.asked."""
    own = urllib.parse.urlsplit(app_url).netloc

    with browser(locale="zh-CN") as page:
        page.asked = []

        def refuse_outside(route):
            if outside(route.request.url, own):
                page.asked.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        page.route("**/*", refuse_outside)
        yield page


@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_asks_only_the_app_itself(app_url, reader, page_name):
    own = urllib.parse.urlsplit(app_url).netloc
    reader.asked.clear()
    open_rendered(reader, f"{app_url}/{'' if page_name == 'overview' else page_name}")
    reader.wait_for_timeout(500)   # the favicon is set once the page config arrives
    linked = [url for url in reader.evaluate(ASSETS) if outside(url, own)]
    icon = reader.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(e => e.href)")
    assert reader.asked == []
    assert linked == []
    assert icon and all(not outside(url, own) for url in icon), icon


def test_the_favicon_is_a_file_of_the_repository():
    from dashboard import FAVICON

    assert FAVICON.is_file() and FAVICON.read_bytes().startswith(b"\x89PNG")
