"""Numbers in the reader's convention: 萬元 / 万元 with thousands separators in Chinese, RMB with K/M in English."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from ui.i18n import current, t

TEN_THOUSAND = Decimal(10000)


def missing(value) -> bool:
    """None, NaN, NaT or pandas' NA: nothing to show."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


def _trimmed(value: Decimal, places: int) -> str:
    """Thousands separators, at most `places` decimals, no trailing zeros."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, ROUND_HALF_UP):,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(amount, lang: str | None = None) -> str:
    """3,000 萬元 / 3,000 万元 / RMB 30M; amounts under 10,000 in 元 / RMB as they are."""
    if missing(amount):
        return "–"
    lang = lang or current()
    value = Decimal(str(amount))
    if lang == "en":
        size = abs(value)
        if size >= 1_000_000:
            return f"RMB {_trimmed(value / 1_000_000, 2)}M"
        if size >= 1_000:
            return f"RMB {_trimmed(value / 1_000, 1)}K"
        return f"RMB {value:,.2f}"
    if abs(value) >= TEN_THOUSAND:
        return f"{_trimmed(value / TEN_THOUSAND, 2)} {t('unit.wan_yuan', lang)}"
    return f"{value:,.2f} {t('unit.yuan', lang)}"


def money_exact(amount) -> str:
    """The exact amount to the cent, for tables and tooltips: 30,000,000.00."""
    return "–" if missing(amount) else f"{Decimal(str(amount)):,.2f}"


def count(value, unit: str | None = None, lang: str | None = None) -> str:
    """214 家 / 214 companies; unit is a catalog key such as 'unit.companies'."""
    if missing(value):
        return "–"
    number = f"{int(value):,}"
    return f"{number} {t(unit, lang)}" if unit else number


def pct(value, digits: int = 1) -> str:
    return "–" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def flat(value, digits: int = 1) -> bool:
    """A change that rounds to zero at the shown digits: neither up nor down."""
    return not missing(value) and round(float(value) * 100, digits) == 0


def signed_pct(value, digits: int = 1) -> str | None:
    """A change for st.metric's delta: +12.3% / -4.0% / 0.0%; None when there is nothing to compare."""
    if missing(value):
        return None
    if flat(value, digits):
        return f"{0:.{digits}f}%"   # no sign: "+0.0%" would read as a rise, "-0.0%" as a fall
    return f"{float(value) * 100:+.{digits}f}%"


def delta(value, color: str = "normal", digits: int = 1) -> dict:
    """st.metric's delta options for a change: a zero change is grey with no arrow, not a green rise."""
    still = flat(value, digits)
    return {"delta": signed_pct(value, digits), "delta_color": "off" if still else color,
            "delta_arrow": "off" if still else "auto"}


def day(value) -> str:
    if missing(value):
        return "–"
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)[:10]


def moment(value) -> str:
    """A commit time, to the minute, in UTC (said: servers in many places read one lake)."""
    if missing(value):
        return "–"
    stamp = value if isinstance(value, dt.datetime) else value.to_pydatetime()
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def metric_value(value, unit: str) -> str:
    if unit == "money":
        return money(value)
    if unit == "pct":
        return pct(value)
    return count(value)
