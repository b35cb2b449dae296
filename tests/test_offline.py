"""What a mainland reader's browser gets (issue 11).

Item 13: no page asks any host but the app's own. Mainland China blocks Google's font and icon servers, so
an outside request is an icon that never shows or a page that hangs. Headless Chromium opens every page;
outside requests are refused and recorded, and the page's favicon and every linked asset must point at the
app itself.

Item 17: the texts Streamlit's frontend writes in English only (the uploader's button and limit line, a
picker's empty search) read in the reader's language."""
import shutil
import urllib.parse

import pytest

from browser import PAGES, browser, open_rendered

pytestmark = [pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed (.ci/run installs it)"),
              pytest.mark.xdist_group("browser")]   # one worker drives the one Chromium (conftest: chromium, app_url)


def outside(url: str, own: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.netloc != own


ASSETS = """() => [...document.querySelectorAll('link[href], script[src], img[src], iframe[src], source[src]')]
                  .map(e => e.href || e.src)"""


@pytest.fixture(scope="module")
def reader(app_url, chromium):
    """One mainland reader's browser for every page: outside requests refused and recorded in reader.asked."""
    own = urllib.parse.urlsplit(app_url).netloc

    with browser(locale="zh-CN", chromium=chromium) as page:
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
    # the favicon is set once the page config arrives
    reader.wait_for_function("document.querySelector('link[rel~=icon]') !== null", timeout=20000)
    linked = [url for url in reader.evaluate(ASSETS) if outside(url, own)]
    icon = reader.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(e => e.href)")
    assert reader.asked == []
    assert linked == []
    assert icon and all(not outside(url, own) for url in icon), icon


def test_the_favicon_is_a_file_of_the_repository():
    from dashboard import FAVICON

    assert FAVICON.is_file() and FAVICON.read_bytes().startswith(b"\x89PNG")


def after_text(page, selector: str) -> str:
    """What the page shows for an element whose text CSS replaces: its ::after content, its own text hidden."""
    return page.locator(selector).first.evaluate(
        "e => { const s = getComputedStyle(e), a = getComputedStyle(e, '::after');"
        " return s.fontSize === '0px' ? JSON.parse(a.content) : e.innerText; }")


def test_the_uploader_speaks_the_readers_language(app_url, reader):
    open_rendered(reader, f"{app_url}/data?lang=zh-Hans")
    assert after_text(reader, '[data-testid="stFileUploaderDropzone"] button p') == "选择文件"
    assert after_text(reader, '[data-testid="stFileUploaderDropzoneInstructions"] span') == (
        "每个文件上限 200 MB · CSV / TXT / XLSX")


@pytest.mark.parametrize("lang, text", [("zh-Hant", "沒有符合的項目"), ("en", "No matches")])
def test_a_picker_with_no_match_says_so_in_the_readers_language(app_url, reader, lang, text):
    open_rendered(reader, f"{app_url}/channels?lang={lang}")
    reader.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input').nth(1).click()
    reader.keyboard.type("zzzz")
    empty = '[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"] [role="option"] > span'
    reader.wait_for_selector(empty)
    assert after_text(reader, empty) == text
    reader.keyboard.press("Escape")
    open_rendered(reader, f"{app_url}/brands?lang={lang}")
    reader.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input').first.click()
    reader.keyboard.type("zzzz")
    empty = '[data-testid="stSelectboxVirtualDropdown"] [role="listbox"][data-empty="true"] [role="option"] > span'
    reader.wait_for_selector(empty)
    assert after_text(reader, empty) == text
