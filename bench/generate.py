"""Seeded generator of large exports in the real formats, for benchmarks: POS sales lines and a Tmall GBK pair.

    python bench/generate.py pos N OUT.csv         # N receipt lines, sorted by time, UTF-8
    python bench/generate.py tmall N OUT_DIR       # ~N item lines: ExportOrderList + ExportOrderDetailList (GBK)

Also prints the generator's own totals (lines and net), which the benchmark checks the warehouse against.
"""
from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

SEED = 20201111
PRODUCTS = 400
NAMES = ["凤梨酥礼盒", "高山乌龙茶", "牛轧糖", "太阳饼", "金门高粱酒", "黑糖姜母茶", "芒果干", "花生糖", "阿里山红茶", "麻糬"]
START = np.datetime64("2019-01-01T10:00:00")
SPAN_SECONDS = 3 * 365 * 24 * 3600


def catalog(rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    codes = np.array([f"471{n:010d}" for n in range(PRODUCTS)])
    names = np.array([f"{NAMES[i % len(NAMES)]} {i:03d}号" for i in range(PRODUCTS)])
    cents = rng.integers(1_500, 60_000, PRODUCTS)
    return codes, names, cents


def pos_table(n: int, rng) -> tuple[pa.Table, dict]:
    codes, names, cents = catalog(rng)
    product = rng.integers(0, PRODUCTS, n)
    qty = rng.integers(1, 4, n)
    returns = rng.random(n) < 0.01
    qty = np.where(returns, -1, qty)
    gross = cents[product] * qty
    discount = np.where(returns, 0, (gross * rng.integers(0, 10, n)) // 100)
    net = gross - discount
    seconds = np.sort(rng.integers(0, SPAN_SECONDS, n))
    receipt = np.cumsum(rng.random(n) < 0.45)
    times = (START + seconds.astype("timedelta64[s]")).astype(str)
    table = pa.table({
        "销售单号": pa.array(np.char.add("S", receipt.astype(str))),
        "销售时间": pa.array(np.char.replace(times, "T", " ")),
        "商品条码": pa.array(codes[product]),
        "商品名称": pa.array(names[product]),
        "数量": pa.array(qty),
        "单价": pa.array(cents_text(cents[product])),
        "折扣金额": pa.array(cents_text(discount)),
        "实收金额": pa.array(cents_text(net)),
        "支付方式": pa.array(np.array(["微信支付", "支付宝", "银联卡", "现金"])[rng.integers(0, 4, n)]),
        "单据类型": pa.array(np.where(returns, "退货", "销售")),
    })
    return table, {"lines": n, "net_rmb": str(Decimal(int(net.sum())) / 100)}


def cents_text(cents: np.ndarray) -> np.ndarray:
    sign = np.where(cents < 0, "-", "")
    absolute = np.abs(cents)
    return np.char.add(np.char.add(np.char.add(sign, (absolute // 100).astype(str)), "."),
                       np.char.zfill((absolute % 100).astype(str), 2))


def write_pos(n: int, out: Path) -> dict:
    rng = np.random.default_rng(SEED)
    table, totals = pos_table(n, rng)
    pacsv.write_csv(table, out, pacsv.WriteOptions(quoting_style="none", batch_size=1 << 16))
    return totals


def write_tmall(n: int, out: Path) -> dict:
    """~n item lines over n/1.5 orders; order report and item report, both GBK with ="…" ids."""
    rng = np.random.default_rng(SEED + 1)
    codes, names, cents = catalog(rng)
    orders = max(1, int(n / 1.5))
    lines_per = rng.integers(1, 3, orders)
    order_index = np.repeat(np.arange(orders), lines_per)
    product = rng.integers(0, PRODUCTS, len(order_index))
    qty = rng.integers(1, 3, len(order_index))
    line_cents = cents[product] * qty
    goods = np.bincount(order_index, weights=line_cents, minlength=orders).astype(np.int64)
    paid = rng.random(orders) > 0.05
    refund = np.where(paid & (rng.random(orders) < 0.04), goods // 3, 0)
    seconds = np.sort(rng.integers(0, SPAN_SECONDS, orders))
    created = np.char.replace((START + seconds.astype("timedelta64[s]")).astype(str), "T", " ")
    paid_at = np.where(paid, created, "")
    ids = np.char.add(np.char.add('="', (2020_0000_0000_0000_000 + np.arange(orders)).astype(str)), '"')
    order_table = pa.table({
        "订单编号": ids, "买家会员名": np.char.add("tb_buyer", (np.arange(orders) % 9973).astype(str)),
        "买家应付货款": cents_text(goods), "买家应付邮费": np.full(orders, "0.00"), "总金额": cents_text(goods),
        "买家实际支付金额": cents_text(np.where(paid, goods, 0)),
        "订单状态": np.where(paid, "交易成功", "等待买家付款"), "收货地址": np.full(orders, "浙江省 杭州市 西湖区 文三路1号"),
        "联系手机": np.full(orders, "'13800000000"), "订单创建时间": created, "订单付款时间": paid_at,
        "宝贝标题": names[product[np.searchsorted(order_index, np.arange(orders))]], "宝贝总数量": lines_per.astype(str),
        "店铺名称": np.full(orders, "台湾商品中心旗舰店"), "退款金额": cents_text(refund),
    })
    item_table = pa.table({
        "订单编号": ids[order_index], "标题": names[product], "价格": cents_text(cents[product]),
        "购买数量": qty.astype(str), "外部系统编号": codes[product], "商品属性": np.full(len(product), ""),
        "套餐信息": np.full(len(product), ""), "备注": np.full(len(product), ""),
        "订单状态": np.where(paid[order_index], "交易成功", "等待买家付款"), "商家编码": codes[product],
    })
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (("ExportOrderList202201031200.csv", order_table), ("ExportOrderDetailList202201031200.csv", item_table)):
        utf8 = out / (name + ".utf8")
        # Arrow quotes the ="…" cells ("=""…""") where the seller center writes them bare; both read the same
        pacsv.write_csv(table, utf8, pacsv.WriteOptions(quoting_style="needed", batch_size=1 << 16))
        with utf8.open("r", encoding="utf-8") as src, (out / name).open("w", encoding="gb18030", newline="") as dst:
            while chunk := src.read(1 << 24):
                dst.write(chunk)
        utf8.unlink()
    net = int((np.where(paid, goods, 0) - refund).sum())
    return {"orders": orders, "lines": int(len(order_index)), "net_rmb": str(Decimal(net) / 100)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["pos", "tmall"])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    totals = write_pos(args.n, args.out) if args.kind == "pos" else write_tmall(args.n, args.out)
    json.dump(totals, sys.stdout)
    print()


if __name__ == "__main__":
    main()
