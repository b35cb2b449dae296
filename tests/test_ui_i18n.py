"""The i18n catalog is complete, its translations agree on placeholders, and numbers follow each language."""
import re
import string
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT
from ui import fmt
from ui.catalog import CATALOG
from ui.i18n import language_from_locale

CODE = [p for folder in ("pages", "ui", "analytics") for p in (ROOT / folder).glob("*.py")] + [ROOT / "dashboard.py"]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_entry_has_three_texts_with_the_same_placeholders(key):
    texts = CATALOG[key]
    assert len(texts) == 3 and all(texts)
    assert placeholders(texts[0]) == placeholders(texts[1]) == placeholders(texts[2])


def test_every_literal_key_used_in_code_is_in_the_catalog():
    used = set()
    for path in CODE:
        used |= set(re.findall(r"""\bt\(\s*"([a-z_]+\.[a-z_.]+)\"""", path.read_text(encoding="utf-8")))
    assert used and sorted(used - set(CATALOG)) == []


@pytest.mark.parametrize("locale, language", [
    ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"), ("zh-CN", "zh-Hans"), ("zh", "zh-Hans"),
    ("en-US", "en"), ("ja-JP", "en"), (None, "en"),
])
def test_language_from_browser_locale(locale, language):
    assert language_from_locale(locale) == language


@pytest.mark.parametrize("amount, lang, text", [
    ("30000000.00", "zh-Hant", "3,000 萬元"),
    ("2240000.00", "zh-Hant", "224 萬元"),
    ("2240000.00", "zh-Hans", "224 万元"),
    ("51234567.89", "zh-Hans", "5,123.46 万元"),
    ("9999.50", "zh-Hans", "9,999.50 元"),
    ("30000000.00", "en", "RMB 30M"),
    ("2240000.00", "en", "RMB 2.24M"),
    ("24210.00", "en", "RMB 24.2K"),
    ("-125.00", "en", "RMB -125.00"),
    (None, "en", "–"),
])
def test_money_in_each_convention(amount, lang, text):
    assert fmt.money(Decimal(amount) if amount else None, lang) == text


def test_counts_with_units():
    assert fmt.count(214, "unit.companies", "zh-Hant") == "214 家"
    assert fmt.count(13, "unit.brands", "zh-Hant") == "13 個品牌"
    assert fmt.count(48, "unit.products", "zh-Hant") == "48 項商品"
    assert fmt.count(12345, lang="en") == "12,345"
