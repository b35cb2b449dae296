"""Tables as shown: translated column headers, labels for codes, and column_config number formats."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from etl import channels as registry
from ui.filterbar import label_channel, label_unknown
from ui.i18n import plain, t

DETAIL_ROWS = 1_000   # rows of a detail table sent to the browser; the downloads hold every row


def money_column(key: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(t(key), format="accounting")


def labelled(values: pd.Series, label) -> pd.Series:
    """values shown through label, calling it once per distinct value (a per-row lookup costs 100 ms at 10k rows)."""
    return values.map({v: label(v) for v in values.dropna().unique()})


NOT_A_PRODUCT = "–"   # an exhibition deal is sold by brand: it has no product, so no category either
MISSING = "–"         # what every table shows for a missing value (Streamlit would write "None")



def show(frame, **options):
    """A table as every page shows one: no index, the page's full width, – for a missing value."""
    return st.dataframe(frame, hide_index=True, width="stretch", placeholder=MISSING, **options)


# Each table's name and key numbers are pinned to its left edge: on a 390 px phone they are what shows, the rest
# scrolls beside them (a grid cannot drop columns by screen width: the page is drawn without knowing it)
KEY_COLUMNS = {
    "sales_detail": ("brand", "net_rmb"),
    "brand_board": ("brand", "net_rmb", "change_pct"),
    "product": ("product_name", "net_rmb"),
    "events": ("event", "leads", "deal_amount_rmb"),
    "leads": ("company", "stage"),
    "load_history": ("file_name", "balances"),
    "rejects": ("row_no", "reason"),
    "unknown": ("code", "net_rmb"),
    "barcode_conflicts": ("code", "resolution"),
    "freshness": ("channel", "last_sale"),
    "network": ("center_name", "net_rmb", "change_pct"),
    "target_results": ("channel", "achievement"),
}


def pinned(table: str, config: dict) -> dict:
    """The table's column config with its key columns pinned (KEY_COLUMNS)."""
    out = dict(config)
    for name in KEY_COLUMNS[table]:
        column = out.get(name)
        column = dict(column) if isinstance(column, dict) else {"label": column}
        column["pinned"] = True
        out[name] = column
    return out


def sales_detail(detail: pd.DataFrame) -> pd.DataFrame:
    shown = detail.copy()
    deals = shown["channel"].isin(registry.scope("deals"))   # a deal is sold by brand: no category or product
    shown["channel"] = labelled(shown["channel"], label_channel)
    shown["brand"] = labelled(shown["brand"], label_unknown)
    shown["category"] = labelled(shown["category"], label_unknown).mask(deals, NOT_A_PRODUCT)
    shown[["sku", "product_name"]] = shown[["sku", "product_name"]].astype(object).mask(deals, NOT_A_PRODUCT)
    return shown


def sales_detail_config() -> dict:
    return pinned('sales_detail', {
        "month": st.column_config.DateColumn(t("col.month"), format="YYYY-MM"),
        "channel": t("common.channel"),
        "brand": t("col.brand"),
        "category": t("col.category"),
        "sku": t("col.sku"),
        "product_name": t("col.product_name"),
        "lines": st.column_config.NumberColumn(t("col.lines"), format="localized"),
        "qty": st.column_config.NumberColumn(t("col.qty"), format="localized"),
        "gross_rmb": money_column("col.gross_rmb"),
        "refund_rmb": money_column("col.refund_rmb"),
        "net_rmb": money_column("col.net_rmb"),
    })


MONTH_COLUMNS = ("month",)   # shown as YYYY-MM (DateColumn format) on screen


def translated(frame: pd.DataFrame) -> pd.DataFrame:
    """An export of a table as the screen shows it: headers in the reader's language (col.<name>, else
    common.<name>, else as is) and months as YYYY-MM text, not the first day of the month."""
    from ui.i18n import has

    frame = frame.copy()
    for column in MONTH_COLUMNS:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m").astype(object).where(frame[column].notna())
    names = {}
    for column in frame.columns:
        for key in (f"col.{column}", f"common.{column}"):
            if has(key):
                names[column] = t(key)
                break
    return frame.rename(columns=names)


def brand_board(board: pd.DataFrame) -> pd.DataFrame:
    shown = board.copy()
    shown["brand"] = labelled(shown["brand"], label_unknown)
    shown["channels"] = shown["channels"].map(lambda v: " / ".join(label_channel(c) for c in str(v).split(", ")))
    return shown


def without_change(board: pd.DataFrame, gap: str | None) -> pd.DataFrame:
    """The leaderboard with last year and the change blanked (shown as –) when they are not like for like."""
    if not gap:
        return board
    blanked = board.copy()
    blanked["net_rmb_last_year"] = None
    blanked["change_pct"] = None
    return blanked


def brand_board_config(why: str | None = None) -> dict:
    return pinned('brand_board', {
        "brand": t("col.brand"),
        "net_rmb": money_column("col.net_rmb"),
        "share": st.column_config.ProgressColumn(t("brands.share"), format="percent", min_value=0, max_value=1),
        "net_rmb_last_year": st.column_config.NumberColumn(t("col.net_rmb_last_year"), format="accounting", help=why),
        "change_pct": st.column_config.NumberColumn(t("brands.change"), format="percent", help=why),
        "products": st.column_config.NumberColumn(t("brands.products")),
        "channels": t("col.channels"),
    })


def network_changes(board: pd.DataFrame, gap: str | None) -> pd.DataFrame:
    """Each center's change on the same dates a year earlier, blank (–) when not like for like or new."""
    from analytics import metrics

    board = board.copy()
    board["change_pct"] = [metrics.compared(now, before, gap)
                           for now, before in zip(board["net_rmb"], board["net_rmb_last_year"])]
    if gap:
        board["net_rmb_last_year"] = None
    return board


def network(board: pd.DataFrame) -> pd.DataFrame:
    """The centers side by side, as the network page shows and exports them."""
    return board[["center_name", "center", "city", "net_rmb", "share", "net_rmb_last_year", "change_pct",
                  "target_rmb", "achievement", "pace"]]


def network_config(why: str | None = None) -> dict:
    return pinned("network", {
        "center_name": t("col.center_name"),
        "center": t("col.center"),
        "city": t("col.city"),
        "net_rmb": money_column("col.net_rmb"),
        "share": st.column_config.ProgressColumn(t("col.share"), format="percent", min_value=0, max_value=1),
        "net_rmb_last_year": st.column_config.NumberColumn(t("col.net_rmb_last_year"), format="accounting", help=why),
        "change_pct": st.column_config.NumberColumn(t("col.change_pct"), format="percent", help=why),
        "target_rmb": st.column_config.NumberColumn(t("col.target_rmb"), format="accounting", help=t("col.target_rmb.help")),
        "achievement": st.column_config.NumberColumn(t("col.achievement"), format="percent", help=t("col.achievement.help")),
        "pace": st.column_config.NumberColumn(t("col.pace"), format="percent", help=t("col.pace.help")),
    })


def target_results(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["channel"] = labelled(shown["channel"], label_channel)
    return shown


def target_results_config() -> dict:
    return pinned("target_results", {
        "channel": t("common.channel"),
        "target_rmb": money_column("col.target_rmb"),
        "actual_rmb": money_column("col.actual_rmb"),
        "achievement": st.column_config.ProgressColumn(t("col.achievement"), format="percent", min_value=0, max_value=1),
    })


def brand_products(products: pd.DataFrame) -> pd.DataFrame:
    shown = products.copy()
    shown["category"] = labelled(shown["category"], label_unknown)
    return shown


def product_config() -> dict:
    return pinned('product', {
        "sku": t("col.sku"),
        "product_name": t("col.product_name"),
        "category": t("col.category"),
        "qty": st.column_config.NumberColumn(t("col.qty"), format="localized"),
        "net_rmb": money_column("col.net_rmb"),
    })


def events(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["conversion"] = shown["won"] / shown["leads"]
    return shown


def events_config() -> dict:
    return pinned('events', {
        "event": t("col.event"),
        "event_start": st.column_config.DateColumn(t("col.event_start"), format="YYYY-MM-DD"),
        "city": t("col.city"),
        "leads": t("leads.leads"),
        "companies": t("leads.companies"),
        "won": t("leads.won"),
        "deal_amount_rmb": money_column("col.deal_amount_rmb"),
        "conversion": st.column_config.NumberColumn(t("leads.conversion"), format="percent"),
    })


def leads(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["stage"] = labelled(shown["stage"], lambda s: t(f"stage.{s}"))
    return shown


def leads_config() -> dict:
    return pinned('leads', {
        "event": t("col.event"),
        "event_start": st.column_config.DateColumn(t("col.event_start"), format="YYYY-MM-DD"),
        "city": t("col.city"),
        "company": t("col.company"),
        "industry": t("col.industry"),
        "province": t("col.province"),
        "brand_interest": t("col.brand_interest"),
        "stage": t("col.stage"),
        "deal_amount_rmb": money_column("col.deal_amount_rmb"),
        "deal_date": st.column_config.DateColumn(t("col.deal_date"), format="YYYY-MM-DD"),
    })


def load_history(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["format"] = shown["format"].map(lambda f: t(f"format.{f}") if isinstance(f, str) else "–")
    shown["status"] = shown["status"].map(lambda s: t(f"history.status.{s}"))
    shown["balances"] = shown["balances"].map(lambda ok: t("balance.ok") if ok else t("balance.off"))
    return shown


def load_history_config() -> dict:
    names = ("load_id", "file_name", "format", "center", "status", "rows_read", "rows_loaded", "rows_rejected",
             "rows_superseded", "rows_replaced", "rows_replaced_later", "balances", "started_at", "finished_at", "message")
    config = {n: t(f"col.{n}") for n in names}
    for name in ("rows_read", "rows_loaded", "rows_rejected", "rows_superseded", "rows_replaced", "rows_replaced_later"):
        config[name] = st.column_config.NumberColumn(t(f"col.{name}"), format="localized")
    for name in ("amount_read", "amount_loaded", "amount_rejected", "amount_superseded"):
        config[name] = money_column(f"col.{name}")
    config["started_at"] = st.column_config.DatetimeColumn(t("col.started_at"), format="YYYY-MM-DD HH:mm:ss")
    config["finished_at"] = st.column_config.DatetimeColumn(t("col.finished_at"), format="YYYY-MM-DD HH:mm:ss")
    return pinned('load_history', config)


def rejects(frame: pd.DataFrame) -> pd.DataFrame:
    from etl.reasons import REASONS

    shown = frame.copy()
    for reason in WORDED:
        ours = shown["reason"] == reason
        shown.loc[ours, "detail"] = labelled(shown.loc[ours, "detail"], lambda d, reason=reason: worded(reason, d))
    shown["reason"] = labelled(shown["reason"], lambda r: t(f"reason.{r}") if r in REASONS else r)
    return shown


# the details the ETL words itself (etl/readers.py), by reason, and their catalog texts; every other detail is the
# file's own value, shown as written
WORDED = {
    "malformed_row": ((re.compile(r"expected (?P<width>\d+) columns, found (?P<found>\d+)"), "detail.column_count"),
                      (re.compile(r"bytes that are not UTF-8 text"), "detail.not_utf8"),
                      (re.compile(r"the file ends inside a quoted field: cut off mid-row"), "detail.cut_off")),
    "field_too_long": ((re.compile(r"(?P<chars>\d{1,3}(,\d{3})*) characters"), "detail.characters"),),
    "unclosed_quote": ((re.compile(r"a quote opened here is never closed"), "detail.unclosed_quote"),),
    "wrong_encoding": ((re.compile(r"UTF-8 text inside a GBK / GB18030 file"), "detail.utf8_in_gbk"),),
}


def worded(reason: str, detail: str) -> str:
    """A reject's detail the ETL worded, in the reader's language; any other detail as it is."""
    for pattern, key in WORDED[reason]:
        if found := pattern.fullmatch(detail):
            return plain(key, **{name: value for name, value in found.groupdict().items()})
    return detail


# shown with the row and its reason first, then what was wrong (the value, the column) before where it came from
REJECT_ORDER = ("row_no", "reason", "detail", "column_name", "file_name", "load_id")


def rejects_config() -> dict:
    return pinned('rejects', {n: t(f"col.{n}") for n in ("file_name", "load_id", "row_no", "column_name", "reason", "detail")})


def barcode_conflicts(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["resolution"] = labelled(shown["resolution"], lambda r: t(f"resolution.{r}"))
    return shown


def barcode_conflicts_config() -> dict:
    return pinned('barcode_conflicts', {"code": t("col.code"), "skus": t("col.skus"), "product_names": t("col.product_names"),
            "standing_sku": t("col.standing_sku"), "resolution": t("col.resolution"), "lines": t("col.lines"),
            "net_rmb": money_column("col.net_rmb")})


def unknown(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["channel"] = labelled(shown["channel"], label_channel)
    return shown


def unknown_config() -> dict:
    return pinned('unknown', {
        "channel": t("common.channel"), "code": t("col.code"), "product_name": t("col.product_name"),
        "lines": t("col.lines"), "net_rmb": money_column("col.net_rmb"),
        "first_sold": st.column_config.DateColumn(t("col.first_sold"), format="YYYY-MM-DD"),
        "last_sold": st.column_config.DateColumn(t("col.last_sold"), format="YYYY-MM-DD"),
    })


def freshness(frame: pd.DataFrame) -> pd.DataFrame:
    shown = frame.copy()
    shown["channel"] = labelled(shown["channel"], label_channel)
    return shown


def freshness_config() -> dict:
    return pinned('freshness', {
        "channel": t("common.channel"),
        "last_sale": st.column_config.DateColumn(t("col.last_sale"), format="YYYY-MM-DD"),
        "lines": t("col.lines"),
        "last_loaded": st.column_config.DatetimeColumn(t("col.last_loaded"), format="YYYY-MM-DD HH:mm"),
        "files": t("col.files"),
    })
