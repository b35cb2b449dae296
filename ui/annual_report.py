"""The annual results as the work report states them: which figures, in which words and units."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analytics import metrics
from etl import channels as registry
from ui import charts, fmt
from ui.filterbar import label_channel
from ui.i18n import current, has, plain, t


@dataclass(frozen=True)
class Figure:
    """One figure of the report: a channel's metric over its year (etl.channels: Channel.annual)."""

    channel: str
    metric: str

    @property
    def key(self) -> str:
        return f"{self.channel}.{self.metric}"

    @property
    def unit(self) -> str:
        """money, or a count's catalog unit key (家 companies, 個 brands, 項 products)."""
        declared = metrics.get(self.metric)
        return "money" if declared.unit == "money" else (declared.noun or "count")

    def label(self, lang: str | None = None) -> str:
        """The report's word for it ("annual.<channel>.<metric>"), else the metric's own name."""
        key = f"annual.{self.key}"
        return plain(key if has(key) else f"metric.{self.metric}", lang)

    def help(self) -> str:
        key = f"annual.{self.key}.help"
        return t(key if has(key) else f"metric.{self.metric}.help")


@dataclass(frozen=True)
class Section:
    channel: str
    figures: tuple[Figure, ...]


def sections() -> list[Section]:
    """One section per channel, in the registry's order, with the figures it declares."""
    return [Section(c.code, tuple(Figure(c.code, m) for m in c.annual)) for c in registry.CHANNELS.values()]


def all_figures() -> list[Figure]:
    return [figure for section in sections() for figure in section.figures]


def figures(rows: pd.DataFrame, year: int, span=None) -> dict:
    """{figure: value, figure_before: value of the year before, gap: why the years are not compared or None}."""
    by_year = {int(r["year"]): r for r in rows.to_dict("records")}
    out = {"gap": year_gap(year, span)}
    for figure in all_figures():
        out[figure.key] = clean(by_year.get(year, {}).get(figure.key))
        out[f"{figure.key}_before"] = clean(by_year.get(year - 1, {}).get(figure.key))
    return out


def year_gap(year: int, span) -> str | None:
    """The like-for-like rule for a calendar year against the one before: both wholly inside the data."""
    return metrics.comparison_gap((dt.date(year, 1, 1), dt.date(year, 12, 31)),
                                  (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)), span)


def change(results: dict, key: str) -> float | None:
    """A figure's change on the year before: (this year − last year) / last year, when the years compare."""
    return metrics.compared(results[key], results[f"{key}_before"], results.get("gap"))


def clean(value):
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def formatted(figure: Figure, value, lang: str | None = None) -> str:
    if figure.unit == "money":
        return fmt.money(value or 0, lang)
    return fmt.count(value or 0, None if figure.unit == "count" else figure.unit, lang)


def statement(results: dict, markdown: bool = True, lang: str | None = None) -> str:
    """The year in one paragraph, worded like the report (as Markdown for the page, as text for the workbook):
    each channel's sentence ("annual.statement.<channel>"), or its figures listed for a channel without one."""
    text = t if markdown else plain
    lang = lang or current()
    sentences = []
    for section in sections():
        values = {f.metric: formatted(f, results[f.key], lang) if f.unit == "money" else fmt.count(results[f.key] or 0)
                  for f in section.figures}
        key = f"annual.statement.{section.channel}"
        if has(key):
            sentences.append(text(key, lang, **values))
        else:
            # the labels and values are ours (the catalog's, the channel's declaration, formatted numbers): the
            # sentence is put together as written, its ** marking the figures as the report's sentences do
            listed = "、" if lang != "en" else ", "
            figures = listed.join(plain("annual.statement.figure", lang, label=f.label(lang), value=values[f.metric])
                                  for f in section.figures)
            sentences.append(plain("annual.statement.generic", lang, channel=plain(f"channel.{section.channel}", lang),
                                   figures=figures))
    return ("; " if lang == "en" else "；").join(sentences) + ("." if lang == "en" else "。")


def table(results: dict, year: int) -> pd.DataFrame:
    """The figures as the page shows them: channel, figure, this year, last year, change, all formatted."""
    rows = []
    for section in sections():
        for figure in section.figures:
            now, before = results[figure.key], results[f"{figure.key}_before"]
            rows.append({
                t("common.channel"): label_channel(section.channel),
                t("annual.figure"): figure.label(),
                str(year): formatted(figure, now),
                str(year - 1): formatted(figure, before),
                t("annual.change"): fmt.signed_pct(change(results, figure.key)) or "–",
            })
    return pd.DataFrame(rows)


def workbook(results: dict, monthly: pd.DataFrame, year: int, lang: str | None = None) -> bytes:
    """The annual results as a formatted XLSX: title, statement, figures with exact values, monthly revenue.

    lang is the page's language, given explicitly: Streamlit builds a download on click, outside the page's
    run, where the session's language cannot be read (it fell back to English)."""
    import io
    import re

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = str(year)
    lang = lang or current()
    channel = lambda c: plain(f"channel.{c}", lang)  # noqa: E731
    sheet.append([plain("annual.title", lang, year=year)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([re.sub(r"\*\*", "", statement(results, markdown=False, lang=lang))])
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A2:F2")
    sheet.row_dimensions[2].height = 60
    sheet.append([])
    header = [plain("common.channel", lang), plain("annual.figure", lang), str(year), str(year - 1),
              plain("annual.change", lang)]
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for section in sections():
        for figure in section.figures:
            now, before = results[figure.key], results[f"{figure.key}_before"]
            sheet.append([channel(section.channel), figure.label(lang), now, before,
                          change(results, figure.key)])
            row = sheet.max_row
            number_format = "#,##0.00" if figure.unit == "money" else "#,##0"
            sheet.cell(row, 3).number_format = sheet.cell(row, 4).number_format = number_format
            sheet.cell(row, 5).number_format = "+0.0%;-0.0%"
    sheet.append([])
    sheet.append([plain("annual.monthly", lang)])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    months = monthly[monthly["year"] == year].pivot_table(index="month", columns="channel", values="net_rmb",
                                                         aggfunc="sum", fill_value=0)
    sheet.append([plain("col.month", lang)] + [channel(c) for c in months.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for month, values in months.iterrows():
        sheet.append([dt.date(year, int(month), 1)] + list(values))   # a date, not text: Excel sorts and charts it
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm"
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "#,##0.00"
    for letter, width in zip("ABCDEF", (14, 16, 18, 18, 12, 14)):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def monthly_chart(monthly: pd.DataFrame, year: int) -> go.Figure:
    """This year's monthly net revenue stacked by channel, last year's total as a line."""
    numbers = charts.as_numbers(monthly, "net_rmb")
    totals = numbers[numbers["net_rmb"] > 0].groupby(["year", "month"])["net_rmb"].sum() if not numbers.empty else []
    scale = charts.money_scale(charts.largest(totals))   # a month's height is its channels' sum
    data = charts.in_money_units(numbers, "net_rmb", scale=scale)
    fig = go.Figure()
    this_year = data[data["year"] == year]
    for declared in registry.CHANNELS.values():
        part = this_year[this_year["channel"] == declared.code]
        fig.add_bar(x=part["month"], y=part["net_rmb"], name=label_channel(declared.code), marker_color=declared.color)
    before = data[data["year"] == year - 1].groupby("month", as_index=False)["net_rmb"].sum()
    fig.add_scatter(x=before["month"], y=before["net_rmb"], name=t("annual.last_year_total", year=year - 1),
                    mode="lines+markers", line=dict(color="#555", dash="dot"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickmode="array", tickvals=list(range(1, 13)), ticktext=[t("annual.month", m=m) for m in range(1, 13)])
    return charts.money_axis(charts.layout(fig, 380), scale=scale)
