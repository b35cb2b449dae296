"""The i18n catalog (繁體中文, 简体中文, English) and the reader's language, chosen from the browser locale."""
from __future__ import annotations

import streamlit as st

from ui.catalog import CATALOG

LANGUAGES = ("zh-Hant", "zh-Hans", "en")
LANGUAGE_NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
LANG_KEY = "lang"


def language_from_locale(locale: str | None) -> str:
    """zh-TW / zh-HK / zh-Hant → 繁體; any other Chinese → 简体; everything else English."""
    tag = (locale or "").replace("_", "-").lower()
    if not tag.startswith("zh"):
        return "en"
    return "zh-Hant" if any(part in tag for part in ("hant", "-tw", "-hk", "-mo")) else "zh-Hans"


def browser_language() -> str:
    try:
        return language_from_locale(st.context.locale)
    except Exception:  # no browser behind the script (bare mode)
        return "en"


def current() -> str:
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else browser_language()


def t(key: str, lang: str | None = None, **values) -> str:
    """The catalog text of key in the reader's language, with {placeholders} filled."""
    entry = CATALOG[key]
    text = entry[LANGUAGES.index(lang or current())]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in CATALOG
