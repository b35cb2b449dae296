"""The i18n catalog (繁體中文, 简体中文, English) and the reader's language, chosen from the browser locale."""
from __future__ import annotations

import streamlit as st

from etl import channels as registry
from ui import safe
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
    """The catalog text of key in the reader's language, with {placeholders} filled.

    Every text of the catalog is shown through Streamlit's Markdown, so a value filled in (a brand, a file name,
    an address: data, not ours) is escaped to show as written, never as a link, image or icon (ui.safe)."""
    text = entry(key)[LANGUAGES.index(lang or current())]
    if not values:
        return text
    return text.format(**{name: safe.markdown(v) if isinstance(v, str) else v for name, v in values.items()})


def plain(key: str, lang: str | None = None, **values) -> str:
    """The catalog text with its values as written, for where no Markdown is rendered (a workbook, a chart)."""
    text = entry(key)[LANGUAGES.index(lang or current())]
    return text.format(**values) if values else text


def entry(key: str) -> tuple[str, str, str]:
    """A catalog entry; a channel's name ("channel.<code>") comes from its declaration (etl.channels)."""
    if key.startswith("channel.") and key[len("channel."):] in registry.CHANNELS:
        return registry.CHANNELS[key[len("channel."):]].labels
    return CATALOG[key]


def has(key: str) -> bool:
    try:
        entry(key)
    except KeyError:
        return False
    return True
