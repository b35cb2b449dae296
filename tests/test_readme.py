"""The README's examples work on the demo: a URL it shows names a brand the demo has (issue 11, item 16)."""
import re
import urllib.parse

from conftest import ROOT
from etl.demo import BRANDS


def readme_urls() -> list[str]:
    return re.findall(r"`(/[a-z]*\?[^`\s]+)`", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_shows_an_example_url_with_a_brand():
    assert any("brand" in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query) for url in readme_urls())


def test_every_brand_in_a_readme_url_is_a_demo_brand():
    demo_brands = {brand for brand, _ in BRANDS}
    for url in readme_urls():
        for brand in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("brand", []):
            assert brand in demo_brands, url
