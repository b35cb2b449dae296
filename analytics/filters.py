"""The analyst's filter set and how it becomes a WHERE clause with bound parameters."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from analytics import access
from etl import channels as registry

UNKNOWN = "__unknown__"   # stands for a brand or category the product master does not know


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the data to; empty tuples mean everything."""

    start: dt.date
    end: dt.date
    channels: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    centers: tuple[str, ...] = ()

    def narrowed(self, **changes) -> "Filters":
        return replace(self, **changes)

    def shifted_years(self, years: int) -> "Filters":
        """The same filters a number of years earlier (29 February falls back to the 28th)."""
        return replace(self, start=shift_year(self.start, years), end=shift_year(self.end, years))


def shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def center_where(f: Filters | None = None, column: str = "center", picked: bool = True) -> tuple[str, list]:
    """The centers the filters ask for (else those picked in the frame), within those the reader may see
    (analytics.access): every query's condition on its center column, so a reader limited to a center never
    reads another's rows. picked=False ignores the frame's pick (the picker's own options)."""
    visible = access.visible(f.centers if f else (), picked)
    if visible is None:
        return "true", []
    return f"list_contains(?::varchar[], {column})", [list(visible)]


def sales_where(f: Filters, date_column: str = "sale_date") -> tuple[str, list]:
    """WHERE clause over the sales view; values only as parameters, columns from this fixed list."""
    clauses, params = [f"{date_column} between ? and ?"], [f.start, f.end]
    for column, values in (("channel", f.channels), ("coalesce(brand, '__unknown__')", f.brands),
                           ("coalesce(category, '__unknown__')", f.categories), ("sku", f.products)):
        if values:
            clauses.append(f"list_contains(?::varchar[], {column})")
            params.append(list(values))
    centers, center_params = center_where(f)
    return " and ".join([*clauses, centers]), [*params, *center_params]


def leads_where(f: Filters) -> tuple[str, list]:
    """WHERE clause over the leads view: the event date in range, brand interest as the brand filter, and
    nothing when the channel filter leaves out every channel that registers leads. (A lead names a brand, not a
    category or product: those filters do not apply, and the page says so.)"""
    clauses, params = ["event_start between ? and ?"], [f.start, f.end]
    if f.channels and not set(f.channels) & set(registry.lead_channels()):
        clauses.append("false")
    if f.brands:
        clauses.append("list_contains(?::varchar[], coalesce(brand_interest, '__unknown__'))")
        params.append(list(f.brands))
    centers, center_params = center_where(f)
    return " and ".join([*clauses, centers]), [*params, *center_params]
