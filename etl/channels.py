"""The sales channels, declared once: loads, views, filters, charts and the annual results all read them here.

A fourth channel (JD.com, a WeChat mini-program shop) is one `Channel` below, its export format (a module in
etl/formats naming the channel) and its staging SQL file: nothing else in the tree names a channel.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from etl import config

LANGUAGES = ("zh-Hant", "zh-Hans", "en")   # the order of a label's three spellings (ui.catalog's order)

# the sales contract: the columns of every staging view, in the order the sales view lists them
SALES_COLUMNS = (
    "channel", "order_id", "line_no", "center", "sold_at", "sale_date", "sku", "product_name", "brand", "category",
    "qty", "unit_price_rmb", "gross_rmb", "refund_rmb", "net_rmb", "paid_rmb", "status", "product_status", "is_paid",
    "store_or_event", "buyer_key", "province", "load_id",
)
# what a channel that exports orders and their lines apart gives int_order_lines (Channel.order_lines):
# its orders view (one row per order) and its lines view (one row per order line)
ORDER_COLUMNS = (
    "center", "channel", "order_id", "title", "goods_rmb", "item_count", "goods_refund_rmb", "paid_rmb", "is_paid",
    "sold_at", "status", "store_or_event", "buyer_key", "province", "load_id",
)
LINE_COLUMNS = ("center", "channel", "order_id", "line_no", "title", "price_rmb", "qty", "code", "load_id", "item_row")


@dataclass(frozen=True)
class Channel:
    """One way the Center sells."""

    code: str                              # as stored in sales.channel, in URLs and in the targets file
    labels: tuple[str, str, str]           # its name in 繁體中文, 简体中文, English
    color: str                             # its colour on every chart
    # what one of its sales lines is: 'orders' (units of a product in an order: orders, units, products count
    # them) or 'deals' (a won deal, sold by brand: counted as deals, never as orders or units)
    sells: str = "orders"
    leads: bool = False                    # it also registers the companies met (the leads view)
    # its platform reports what buyers paid (Tmall 生意参谋's 支付金额, postage included, refunds not deducted)
    # and 客单价 per buyer: those metrics apply to it, beside our net revenue, so its manager can reconcile
    reports_paid: bool = False
    # the metrics (analytics.metrics keys) the annual report states for it, taken over this channel only
    annual: tuple[str, ...] = ("net_revenue",)
    # its staging view: etl/sql/views/<staging>.sql (or in sql_dir), one row per sales line in the sales contract
    staging: str = ""
    sql_dir: Path = field(default=config.SQL_DIR / "views")
    # SQL giving (lines, net_rmb): what its loaded source tables should put in the marts (the balance check);
    # None: its staging view's paid lines, for a channel whose staging view is a plain rename of one table
    balance: str | None = None
    # a channel exporting orders and their lines apart: its two staging views (orders, lines; in sql_dir too),
    # which int_order_lines splits (an order's amounts over its lines, to the cent) for its staging view to read
    order_lines: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        assert self.sells in ("orders", "deals"), self.sells
        if not self.staging:
            object.__setattr__(self, "staging", f"stg_{self.code}_sales")

    def label(self, lang: str) -> str:
        return self.labels[LANGUAGES.index(lang)] if lang in LANGUAGES else self.labels[-1]

    @property
    def staging_file(self) -> Path:
        return self.sql_dir / f"{self.staging}.sql"

    @property
    def balance_sql(self) -> str:
        return self.balance or f"select count(*), coalesce(sum(net_rmb), 0) from {self.staging} where is_paid"


CHANNELS: dict[str, Channel] = {
    c.code: c
    for c in (
        Channel("storefront", ("實體店面", "实体店面", "Storefront"), "#C8102E", annual=("net_revenue",),
                balance="select count(*), coalesce(sum(net_rmb), 0) from pos_lines"),
        Channel("exhibition", ("專業展會", "专业展会", "Exhibitions"), "#F2A900", sells="deals", leads=True,
                annual=("companies", "deal_amount"),
                balance="select count(*), coalesce(sum(deal_amount_rmb), 0) from lead_register where stage = 'won'"),
        Channel("tmall", ("天貓", "天猫", "Tmall"), "#1F6FB2", reports_paid=True, annual=("brands_on_sale", "products_on_sale"),
                # a paid order is one sales line per item line, or one line when its item report is not loaded
                balance="""select coalesce(sum(greatest(coalesce(i.lines, 0), 1)), 0),
                                  coalesce(sum(o.goods_rmb - least(o.refund_rmb, o.goods_rmb)), 0)
                           from tmall_orders as o
                           left join (select center, order_id, count(*) as lines from tmall_items
                                      group by center, order_id) as i
                               using (center, order_id)
                           where o.paid_at is not null""",
                order_lines=("stg_tmall_orders", "stg_tmall_items")),
    )
}


def codes() -> tuple[str, ...]:
    """Every channel's code, in the order pages list them."""
    return tuple(CHANNELS)


def order_channels() -> tuple[str, ...]:
    """The channels whose lines are units of products in orders (orders, units, AOV and products count them)."""
    return tuple(c.code for c in CHANNELS.values() if c.sells == "orders")


def lead_channels() -> tuple[str, ...]:
    """The channels that register leads (the companies met at fairs)."""
    return tuple(c.code for c in CHANNELS.values() if c.leads)


SCOPES = {
    "all": lambda c: True,
    "orders": lambda c: c.sells == "orders",
    "deals": lambda c: c.sells == "deals",
    "leads": lambda c: c.leads,
    "paid": lambda c: c.reports_paid,
}


def scope(name: str) -> tuple[str, ...]:
    """The channels a metric or measure is about: a scope above, or one channel's code."""
    if name in SCOPES:
        return tuple(c.code for c in CHANNELS.values() if SCOPES[name](c))
    return (name,) if name in CHANNELS else ()


def get(code: str) -> Channel:
    return CHANNELS[code]


@contextlib.contextmanager
def entry(registry: dict, key: str, value):
    """A declaration added to a registry for the length of a block (the tests' fake channels and formats)."""
    registry[key] = value
    try:
        yield value
    finally:
        registry.pop(key, None)


def declared(channel: Channel):
    """A channel added for the length of a block (the tests' fake fourth channel)."""
    return entry(CHANNELS, channel.code, channel)
