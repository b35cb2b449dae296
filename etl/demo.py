"""Seeded generator of demo exports in the channels' real formats, reproducing the 2020 work report's figures.

Brands, companies and people are fictional. The files go through the same ETL path as real exports:
GBK Tmall reports with ="…" order numbers, fake personal data, Excel re-saved dates, title rows, aliases.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from etl.demo_writer import csv_text, write_text, write_xlsx

DEFAULT_SEED = 2020
YEARS = (2019, 2020, 2021)

# The 2020 work report; the other years are believable neighbours (RMB cents where money).
STOREFRONT_NET_CENTS = {2019: 2_650_000_000, 2020: 3_000_000_000, 2021: 3_310_000_000}
EXHIBITION_COMPANIES = {2019: 176, 2020: 214, 2021: 241}
EXHIBITION_DEAL_CENTS = {2019: 189_000_000, 2020: 224_000_000, 2021: 263_000_000}
TMALL_BRANDS = {2019: 9, 2020: 13, 2021: 16}
TMALL_PRODUCTS = {2019: 30, 2020: 48, 2021: 60}
TMALL_ORDERS = {2019: 8_200, 2020: 10_500, 2021: 13_000}

CHINESE_NEW_YEAR = {2019: dt.date(2019, 2, 5), 2020: dt.date(2020, 1, 25), 2021: dt.date(2021, 2, 12)}
MID_AUTUMN = {2019: dt.date(2019, 9, 13), 2020: dt.date(2020, 10, 1), 2021: dt.date(2021, 9, 21)}
LOCKDOWN = (dt.date(2020, 1, 26), dt.date(2020, 3, 10))

# (brand, category, price range in RMB); every name is invented
BRANDS = [
    ("阿里山云雾茶坊", "茶叶", (168, 880)), ("日月潭红玉茶社", "茶叶", (128, 560)), ("冻顶山茶行", "茶叶", (198, 980)),
    ("梨山高冷茶园", "茶叶", (260, 1280)), ("宝岛酥坊", "糕点", (68, 268)), ("府城饼铺", "糕点", (58, 228)),
    ("鹿港百年饼行", "糕点", (78, 298)), ("台中太阳堂", "糕点", (45, 188)), ("金门高粱酒坊", "酒类", (220, 1680)),
    ("埔里绍兴酒厂", "酒类", (88, 468)), ("兰阳梅酒庄", "酒类", (128, 398)), ("屏东芒果园", "零食", (28, 98)),
    ("澎湖海味坊", "零食", (38, 168)), ("嘉义花生香", "零食", (25, 88)), ("台南黑糖工坊", "保健食品", (45, 198)),
    ("花莲小米坊", "零食", (32, 120)), ("新竹米粉厂", "调味酱料", (22, 78)), ("万丹红豆社", "调味酱料", (28, 96)),
    ("大溪豆干坊", "零食", (26, 86)), ("淡水鱼酥铺", "零食", (30, 99)), ("台东释迦园", "零食", (48, 158)),
    ("玉山灵芝堂", "保健食品", (180, 980)), ("中央山脉药草园", "保健食品", (98, 520)), ("宝岛蜂蜜坊", "保健食品", (88, 368)),
    ("清境羊乳坊", "美妆个护", (78, 298)), ("北投温泉皂坊", "美妆个护", (38, 168)), ("宜兰玉兰花研", "美妆个护", (98, 398)),
    ("苗栗桐花工坊", "生活家居", (58, 388)), ("莺歌陶瓷坊", "生活家居", (120, 1280)), ("三义木雕铺", "生活家居", (160, 1880)),
    ("美浓纸伞坊", "生活家居", (98, 680)), ("竹山竹艺社", "生活家居", (48, 360)), ("台北酱园", "调味酱料", (26, 108)),
    ("彰化酱油坊", "调味酱料", (32, 128)), ("冈山羊肉炉", "调味酱料", (45, 158)), ("关庙面坊", "调味酱料", (28, 88)),
    ("东港樱花虾坊", "零食", (68, 268)), ("台中凤梨田", "糕点", (88, 328)), ("基隆海洋坊", "零食", (35, 128)),
    ("鹿谷乌龙茶苑", "茶叶", (220, 1180)),
]
PRODUCT_WORDS = {
    "茶叶": ["高山乌龙茶", "红玉红茶", "冻顶乌龙", "东方美人茶", "金萱茶", "蜜香红茶", "包种茶", "茶礼盒"],
    "糕点": ["凤梨酥礼盒", "太阳饼", "绿豆椪", "牛轧糖", "蛋黄酥", "月饼礼盒", "芋头酥", "老婆饼"],
    "酒类": ["高粱酒 58度", "高粱酒礼盒", "绍兴酒", "梅酒", "米酒", "小米酒"],
    "零食": ["芒果干", "花生糖", "鱼酥", "豆干", "小米麻糬", "樱花虾", "牛肉干", "果干礼盒"],
    "保健食品": ["黑糖姜母茶", "灵芝胶囊", "龙眼蜂蜜", "四物饮", "桂圆红枣茶"],
    "美妆个护": ["羊乳皂", "温泉手工皂", "玉兰花护手霜", "精油礼盒", "面膜"],
    "生活家居": ["桐花杯组", "陶瓷茶具", "木雕摆件", "纸伞", "竹编收纳篮"],
    "调味酱料": ["米粉", "红豆沙", "酱油膏", "麻油", "意面", "沙茶酱"],
}
SPECS = ["150g", "300g", "12入", "6入", "礼盒装", "600ml", "500g", "单品"]
EVENTS = {
    2019: [("全国糖酒商品交易会", "成都", (3, 21), 3), ("中国（深圳）国际礼品展", "深圳", (4, 25), 4),
           ("海峡两岸经贸交易会", "厦门", (5, 18), 4), ("中国国际进口博览会", "上海", (11, 5), 6)],
    2020: [("上海国际糖酒食品商品交易会", "上海", (8, 18), 3), ("海峡两岸经贸交易会", "厦门", (9, 24), 4),
           ("中国国际进口博览会", "上海", (11, 5), 6)],
    2021: [("全国糖酒商品交易会", "成都", (4, 8), 3), ("海峡两岸经贸交易会", "厦门", (5, 20), 4),
           ("中国（深圳）国际礼品展", "深圳", (10, 20), 4), ("中国国际进口博览会", "上海", (11, 5), 6)],
}
STAGES = ["初步接洽", "洽谈中", "已成交", "未成交"]
STAGE_WEIGHTS = [0.45, 0.25, 0.12, 0.18]
INDUSTRIES = ["食品贸易", "商超零售", "餐饮", "电商", "礼品定制", "进出口", "连锁便利", "酒类经销", "母婴", "企业福利"]
PROVINCES = [("上海", "上海市"), ("浙江", "杭州市"), ("江苏", "南京市"), ("江苏", "苏州市"), ("广东", "广州市"),
             ("广东", "深圳市"), ("北京", "北京市"), ("福建", "厦门市"), ("福建", "福州市"), ("四川", "成都市"),
             ("山东", "青岛市"), ("湖北", "武汉市"), ("天津", "天津市"), ("湖南", "长沙市"), ("河南", "郑州市")]
PROVINCE_WEIGHTS = [18, 16, 9, 7, 9, 7, 8, 7, 4, 5, 3, 3, 2, 1, 1]
COMPANY_WORDS = ["东方", "禾丰", "望海", "瑞祥", "嘉和", "新源", "华贸", "锦程", "恒丰", "中盛", "悦达", "金桥",
                 "百川", "鼎盛", "汇通", "盛世", "安泰", "宏远", "永辉", "信和", "博雅", "联华", "天禧", "丰源"]
COMPANY_KINDS = ["贸易有限公司", "食品有限公司", "商贸有限公司", "供应链管理有限公司", "电子商务有限公司", "实业有限公司"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")
TITLES = ["采购经理", "总经理", "采购总监", "店长", "品类经理", "业务主管"]
STAFF = ["陈晓", "林一", "黄佳", "吴敏"]
PAYMENTS = ["微信支付", "支付宝", "银联卡", "现金"]
PAYMENT_WEIGHTS = [0.52, 0.3, 0.12, 0.06]
STREETS = ["文三路", "南京西路", "解放路", "中山路", "人民路", "建国路", "天府大道", "湖滨路"]
DISTRICTS = ["西湖区", "静安区", "鼓楼区", "天河区", "福田区", "朝阳区", "思明区", "锦江区"]

POS_HEADER = ["销售单号", "销售时间", "商品条码", "商品名称", "数量", "单价", "折扣金额", "实收金额 ", "支付方式",
              "会员手机", "会员名称", "单据类型", "门店 "]
POS_HEADER_2019 = ["单据号", "销售时间", "商品编号", "商品名称 ", "数量", "单价", "折扣金额", "实收金额 ", "支付方式",
                   "会员手机", "会员名称", "单据类型", "门店"]
POS_ENCODING = {2019: "gb18030", 2020: "utf-8-sig", 2021: "utf-8"}
STORE = "台湾商品中心 上海旗舰店"
ORDER_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店",
]
ITEM_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态", "商家编码"]
SHOP = "台湾商品中心旗舰店"
EXPORT_STAMP = {2019: "202001031015", 2020: "202101041030", 2021: "202201051100"}


@dataclass(frozen=True)
class Catalog:
    """The product master as arrays: one entry per product."""

    sku: np.ndarray
    barcode: np.ndarray
    name: np.ndarray
    brand: np.ndarray
    category: np.ndarray
    spec: np.ndarray
    price_cents: np.ndarray
    popularity: np.ndarray      # relative sales weight (long tail)


# ---- entry point ------------------------------------------------------------------------------

def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the demo exports into out_dir (created if missing) and return their paths, product master first."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    catalog = make_catalog(rng)
    files = [write_master(out_dir, catalog)]
    for year in YEARS:
        files.append(write_pos(out_dir, year, pos_lines(rng, catalog, year), catalog))
    pool = company_pool(rng)
    for year in YEARS:
        files.append(write_register(out_dir, year, register_rows(rng, year, catalog, pool)))
    tmall_order = tmall_launch_order(rng, catalog)
    for year in YEARS:
        orders, items = tmall_rows(rng, catalog, tmall_order, year)
        files.extend(write_tmall(out_dir, year, orders, items))
    return files


# ---- product master ---------------------------------------------------------------------------

def make_catalog(rng: np.random.Generator) -> Catalog:
    rows = []
    for brand_index, (brand, category, (low, high)) in enumerate(BRANDS):
        words = PRODUCT_WORDS[category]
        count = int(rng.integers(4, 9))
        for product_index in range(count):
            word = words[product_index % len(words)]
            spec = SPECS[int(rng.integers(0, len(SPECS)))]
            price = int(rng.integers(low, high + 1)) * 100 - (20 if rng.random() < 0.5 else 0)   # 168.00 or 167.80
            rows.append((f"TW-{brand_index + 1:02d}{product_index + 1:02d}", ean13(f"471{brand_index + 10:03d}{product_index + 100:03d}000"),
                         f"{brand} {word}", brand, category, spec, max(price, 1000)))
    columns = list(zip(*rows))
    popularity = rng.pareto(1.6, len(rows)) + 0.3
    return Catalog(*(np.array(c) for c in columns), popularity=popularity / popularity.sum())


def ean13(first12: str) -> str:
    """A 13-digit EAN with its check digit (471 is Taiwan's prefix)."""
    digits = [int(c) for c in first12[:12]]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return first12[:12] + str(check)


def write_master(out_dir: Path, catalog: Catalog) -> Path:
    header = ["商家编码", "商品条码", "商品名称", "品牌", "品类", "规格", "零售价"]
    rows = [[sku, barcode, name, brand, category, spec, cents / 100]
            for sku, barcode, name, brand, category, spec, cents in zip(
                catalog.sku, catalog.barcode, catalog.name, catalog.brand, catalog.category, catalog.spec,
                catalog.price_cents.tolist())]
    return write_xlsx(out_dir / "product_master.xlsx", "商品资料", header, rows, text_columns=frozenset({0, 1}))


# ---- seasons ----------------------------------------------------------------------------------

def days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def storefront_weights(year: int) -> np.ndarray:
    """Relative store traffic per day: weekends, the New Year gift rush, Golden Week, Mid-Autumn, 2020's lockdown."""
    weights = []
    cny, autumn = CHINESE_NEW_YEAR[year], MID_AUTUMN[year]
    for day in days_of(year):
        w = 1.4 if day.weekday() >= 5 else 1.0
        before_cny = (cny - day).days
        if 0 < before_cny <= 21:
            w *= 1.4 + 1.4 * (21 - before_cny) / 21
        elif 0 <= -before_cny <= 6:
            w *= 0.3
        if 0 < (autumn - day).days <= 14:
            w *= 1.8
        if dt.date(year, 10, 1) <= day <= dt.date(year, 10, 7):
            w *= 1.8
        if day.month == 12:
            w *= 1.15
        if day.month in (7, 8):
            w *= 0.85
        if LOCKDOWN[0] <= day <= LOCKDOWN[1]:
            w = 0.03
        elif dt.date(2020, 3, 11) <= day <= dt.date(2020, 4, 30):
            w *= 0.4 + 0.6 * (day - dt.date(2020, 3, 11)).days / 50
        weights.append(w)
    return np.array(weights)


def tmall_weights(year: int) -> np.ndarray:
    """Online orders per day: 618, Double 11, Double 12, the New Year logistics lull, February 2020."""
    weights = []
    cny = CHINESE_NEW_YEAR[year]
    for day in days_of(year):
        w = 1.0
        if day.month == 6 and 1 <= day.day <= 18:
            w = 2.0 + (8.0 if day.day == 18 else 0.0)
        if day.month == 11 and 1 <= day.day <= 11:
            w = 3.0 + (25.0 if day.day == 11 else 0.0)
        if day.month == 12 and day.day == 12:
            w = 6.0
        if -3 <= (day - cny).days <= 7:
            w *= 0.25
        if year == 2020 and day.month == 2:
            w *= 0.45
        weights.append(w)
    return np.array(weights)


def seconds_in_hours(rng: np.random.Generator, n: int, start_hour: float, end_hour: float) -> np.ndarray:
    return (rng.uniform(start_hour, end_hour, n) * 3600).astype(np.int64)


# ---- storefront POS ---------------------------------------------------------------------------

@dataclass
class PosLines:
    """One year's receipt lines as arrays."""

    receipt: np.ndarray       # receipt number within the year
    when: np.ndarray          # datetime64[s]
    product: np.ndarray       # catalog index, or -1..-3 for codes missing from the master
    qty: np.ndarray
    price: np.ndarray         # cents
    discount: np.ndarray      # cents
    is_return: np.ndarray
    payment: np.ndarray
    member: np.ndarray        # index into a fake member list, -1 for none
    returned: np.ndarray      # a sale line that a later return gives back (its discount must stay as it was)


UNKNOWN_CODES = [("4719900000015", "新品试卖 桂花乌龙", 26800), ("4719900000022", "新品试卖 凤梨果干", 9800),
                 ("4719900000039", "限定 手作牛轧糖", 15800)]


def pos_lines(rng: np.random.Generator, catalog: Catalog, year: int) -> PosLines:
    """A year of receipts whose net (实收金额, returns included) is the year's target to the cent."""
    target = STOREFRONT_NET_CENTS[year]
    mean_line = float((catalog.popularity * catalog.price_cents).sum()) * 1.6 * 0.97
    lines = draw_pos(rng, catalog, year, int(target * 1.035 / mean_line))
    net = line_net(lines)
    while net.sum() < target * 1.01:      # too few by chance: draw more
        lines = concat_pos(lines, draw_pos(rng, catalog, year, max(200, int((target * 1.03 - net.sum()) / mean_line))))
        net = line_net(lines)
    add_discounts(rng, lines, int(net.sum()) - target)
    order = np.lexsort((np.arange(len(lines.when)), lines.when))
    lines = PosLines(*(getattr(lines, f)[order] for f in PosLines.__dataclass_fields__))
    assert int(line_net(lines).sum()) == target
    return lines


def draw_pos(rng, catalog: Catalog, year: int, n_lines: int) -> PosLines:
    weights = storefront_weights(year)
    days = np.array(days_of(year), dtype="datetime64[D]")
    receipts = max(1, int(n_lines / 1.75))
    per_receipt = np.minimum(1 + rng.poisson(0.75, receipts), 5)
    day = rng.choice(len(days), receipts, p=weights / weights.sum())
    stamp = days[day].astype("datetime64[s]") + seconds_in_hours(rng, receipts, 10, 21.5)
    receipt_of_line = np.repeat(np.arange(receipts), per_receipt)
    n = len(receipt_of_line)
    product = rng.choice(len(catalog.sku), n, p=catalog.popularity)
    if year >= 2020:
        unknown = rng.random(n) < 0.0007
        product = np.where(unknown, -1 - rng.integers(0, len(UNKNOWN_CODES), n), product)
    price = np.where(product >= 0, catalog.price_cents[np.maximum(product, 0)],
                     np.array([c for _, _, c in UNKNOWN_CODES])[np.maximum(-1 - product, 0)])
    qty = np.minimum(1 + rng.poisson(0.6, n), 6)
    discount_rate = np.where(rng.random(n) < 0.22, rng.integers(5, 16, n), 0)
    discount = (price * qty * discount_rate) // 100
    members = np.where(rng.random(receipts) < 0.4, rng.integers(0, 5000, receipts), -1)
    payment = rng.choice(len(PAYMENTS), receipts, p=PAYMENT_WEIGHTS)
    lines = PosLines(receipt_of_line, stamp[receipt_of_line], product, qty, price, discount,
                     np.zeros(n, bool), payment[receipt_of_line], members[receipt_of_line], np.zeros(n, bool))
    return with_returns(rng, lines, year)


def with_returns(rng, lines: PosLines, year: int) -> PosLines:
    """About 0.8% of lines come back a few days later as their own negative receipt."""
    n = len(lines.qty)
    chosen = np.flatnonzero(rng.random(n) < 0.008)
    later = lines.when[chosen] + (rng.integers(1, 10, len(chosen)) * 86400).astype("timedelta64[s]")
    keep = later < np.datetime64(f"{year + 1}-01-01")
    chosen, later = chosen[keep], later[keep]
    base = lines.receipt.max() + 1
    returns = PosLines(base + np.arange(len(chosen)), later, lines.product[chosen], -lines.qty[chosen],
                       lines.price[chosen], lines.discount[chosen], np.ones(len(chosen), bool),
                       lines.payment[chosen], lines.member[chosen], np.zeros(len(chosen), bool))
    lines.returned[chosen] = True
    return concat_pos(lines, returns)


def concat_pos(a: PosLines, b: PosLines) -> PosLines:
    offset = a.receipt.max() + 1 if len(a.receipt) else 0
    parts = {f: np.concatenate([getattr(a, f), getattr(b, f) + (offset if f == "receipt" else 0)])
             for f in PosLines.__dataclass_fields__}
    return PosLines(**parts)


def line_net(lines: PosLines) -> np.ndarray:
    """实收金额 in cents: a sale is qty × price − discount; a return gives back what its sale took."""
    sale_net = np.abs(lines.qty) * lines.price - lines.discount
    return np.where(lines.is_return, -sale_net, sale_net)


def add_discounts(rng, lines: PosLines, excess: int) -> None:
    """Bring the year to its exact total with extra discount on a spread of sale lines (at most 30% off)."""
    room = np.where(lines.is_return | lines.returned, 0, (np.abs(lines.qty) * lines.price * 30) // 100 - lines.discount)
    order = rng.permutation(np.flatnonzero(room > 0))
    for index in order:
        if excess <= 0:
            break
        extra = min(int(room[index]), excess, int(rng.integers(100, 6000)))
        lines.discount[index] += extra
        excess -= extra
    if excess > 0:
        raise RuntimeError("demo storefront total cannot be reached with discounts; draw more lines")


def write_pos(out_dir: Path, year: int, lines: PosLines, catalog: Catalog) -> Path:
    legacy = year == 2019
    header = POS_HEADER_2019 if legacy else POS_HEADER
    receipt_ids = receipt_numbers(lines)
    member_phone, member_name = fake_members(5000)
    net = line_net(lines)
    rows = []
    for i in range(len(lines.qty)):
        product = int(lines.product[i])
        if product >= 0:
            code = catalog.sku[product] if legacy else catalog.barcode[product]
            name = catalog.name[product]
        else:
            code, name, _ = UNKNOWN_CODES[-1 - product]
        member = int(lines.member[i])
        rows.append([receipt_ids[i], str(lines.when[i]).replace("T", " "), code, name, int(lines.qty[i]),
                     money(lines.price[i]), money(-lines.discount[i] if lines.is_return[i] else lines.discount[i]), money(net[i]),
                     PAYMENTS[int(lines.payment[i])], member_phone[member] if member >= 0 else "",
                     member_name[member] if member >= 0 else "", "退货" if lines.is_return[i] else "销售", STORE])
    text = csv_text(header, rows, newline="\r\n" if legacy else "\n")
    return write_text(out_dir / f"pos_sales_{year}.csv", text, POS_ENCODING[year])


def receipt_numbers(lines: PosLines) -> list[str]:
    """S20200105-0001: the day and the receipt's number within the day."""
    numbers, assigned, per_day = [], {}, {}
    for receipt, day in zip(lines.receipt.tolist(), lines.when.astype("datetime64[D]").tolist()):
        if receipt not in assigned:
            per_day[day] = per_day.get(day, 0) + 1
            assigned[receipt] = f"S{day:%Y%m%d}-{per_day[day]:04d}"
        numbers.append(assigned[receipt])
    return numbers


def fake_members(n: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(7)
    phones = [f"1{int(p)}" for p in rng.integers(3_000_000_000, 9_999_999_999, n)]
    names = [SURNAMES[int(a)] + GIVEN[int(b)] + (GIVEN[int(c)] if c < len(GIVEN) else "")
             for a, b, c in zip(rng.integers(0, len(SURNAMES), n), rng.integers(0, len(GIVEN), n),
                                rng.integers(0, len(GIVEN) * 2, n))]
    return phones, names


def money(cents) -> str:
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# ---- exhibition registers ---------------------------------------------------------------------

def company_pool(rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """Fictional mainland buyers: (name, province, industry); some meet the Center in several years."""
    pool, seen = [], set()
    while len(pool) < 520:
        province, city = PROVINCES[int(rng.choice(len(PROVINCES), p=np.array(PROVINCE_WEIGHTS) / sum(PROVINCE_WEIGHTS)))]
        name = f"{city.rstrip('市')}{COMPANY_WORDS[int(rng.integers(0, len(COMPANY_WORDS)))]}" \
               f"{COMPANY_WORDS[int(rng.integers(0, len(COMPANY_WORDS)))]}{COMPANY_KINDS[int(rng.integers(0, len(COMPANY_KINDS)))]}"
        if name not in seen:
            seen.add(name)
            pool.append((name, province, INDUSTRIES[int(rng.integers(0, len(INDUSTRIES)))]))
    return pool


def register_rows(rng: np.random.Generator, year: int, catalog: Catalog, pool: list) -> list[list]:
    """One row per company met at each event; the year's distinct companies and won deals are exact."""
    start = {2019: 0, 2020: 120, 2021: 260}[year]
    companies = [pool[(start + i) % len(pool)] for i in range(EXHIBITION_COMPANIES[year])]
    events = EVENTS[year]
    sizes = split_evenly(rng, len(companies), [days for *_, days in events])
    assignments = []                      # (event index, company)
    cursor = 0
    for event_index, size in enumerate(sizes):
        assignments += [(event_index, c) for c in companies[cursor:cursor + size]]
        cursor += size
    repeats = rng.choice(len(companies), 10, replace=False)   # met again at a later event the same year
    for company_index in repeats:
        first_event = next(e for e, c in assignments if c == companies[company_index])
        if first_event + 1 < len(events):
            assignments.append((first_event + 1, companies[company_index]))
    stages = rng.choice(len(STAGES), len(assignments), p=STAGE_WEIGHTS)
    won = np.flatnonzero(stages == 2)
    amounts = deal_amounts(rng, len(won), EXHIBITION_DEAL_CENTS[year])
    brands = sorted(set(catalog.brand.tolist()))
    rows = []
    for row_index, ((event_index, (company, province, industry)), stage) in enumerate(zip(assignments, stages)):
        name, city, (month, day), days = events[event_index]
        begin = dt.date(year, month, day)
        end = begin + dt.timedelta(days=days - 1)
        amount = deal_date = None
        if stage == 2:
            amount = amounts[int(np.flatnonzero(won == row_index)[0])] / 100
            deal_date = min(end + dt.timedelta(days=int(rng.integers(3, 60))), dt.date(year, 12, 31))
        contact = SURNAMES[int(rng.integers(0, len(SURNAMES)))] + ("经理" if rng.random() < 0.5 else "女士")
        rows.append([name, begin, end, city, company, contact,
                     f"1{int(rng.integers(3_000_000_000, 9_999_999_999))}", TITLES[int(rng.integers(0, len(TITLES)))],
                     industry, province, brands[int(rng.integers(0, len(brands)))], STAGES[int(stage)], amount,
                     deal_date, STAFF[int(rng.integers(0, len(STAFF)))]])
    return rows


def split_evenly(rng, total: int, weights: list[int]) -> list[int]:
    shares = np.array(weights, float) / sum(weights)
    sizes = np.floor(shares * total).astype(int)
    sizes[: total - sizes.sum()] += 1
    return sizes.tolist()


def deal_amounts(rng: np.random.Generator, count: int, total_cents: int) -> list[int]:
    """Deal sizes in whole hundreds of RMB (lognormal spread) that add up to total_cents exactly."""
    raw = rng.lognormal(11.0, 0.8, count)
    hundreds = np.maximum(np.floor(raw / raw.sum() * total_cents / 10_000), 10).astype(np.int64)
    hundreds[np.argmax(hundreds)] += total_cents // 10_000 - hundreds.sum()
    cents = (hundreds * 10_000).tolist()
    cents[-1] += total_cents - sum(cents)
    return cents


def write_register(out_dir: Path, year: int, rows: list[list]) -> Path:
    header = ["展会名称", "展会开始日期", "展会结束日期", "城市", "企业名称", "联系人", "联系电话", "职位", "所属行业", "省份",
              "意向品牌", "洽谈状态", "成交金额(元)", "成交日期", "跟进人"]
    return write_xlsx(out_dir / f"exhibition_leads_{year}.xlsx", "客户登记", header, rows,
                      title_row=f"{year}年展会客户登记表", date_columns=frozenset({1, 2, 13}), text_columns=frozenset({6}))


# ---- Tmall ------------------------------------------------------------------------------------

def tmall_launch_order(rng: np.random.Generator, catalog: Catalog) -> np.ndarray:
    """The order products came online: each year's brands and products are the first ones of this list."""
    brands = rng.permutation(sorted(set(catalog.brand.tolist())))[: max(TMALL_BRANDS.values())]
    order, used_brands = [], []
    for year in YEARS:
        new_brands = list(brands[len(used_brands):TMALL_BRANDS[year]])
        used_brands += new_brands
        wanted = TMALL_PRODUCTS[year] - len(order)
        fresh = [i for b in new_brands for i in rng.permutation(np.flatnonzero(catalog.brand == b))[:1]]
        pool = [i for i in rng.permutation(np.flatnonzero(np.isin(catalog.brand, used_brands))) if i not in order + fresh]
        order += fresh + pool[: wanted - len(fresh)]
    return np.array(order)


def tmall_rows(rng: np.random.Generator, catalog: Catalog, launch: np.ndarray, year: int):
    """A year of orders (one row each) and their item lines; every product online that year sells at least once."""
    products = launch[: TMALL_PRODUCTS[year]]
    weights = tmall_weights(year)
    days = np.array(days_of(year), dtype="datetime64[D]")
    n = TMALL_ORDERS[year]
    day = np.sort(rng.choice(len(days), n, p=weights / weights.sum()))
    created = days[day].astype("datetime64[s]") + seconds_in_hours(rng, n, 0.2, 23.8)
    created = np.sort(created)
    per_order = np.minimum(1 + rng.poisson(0.45, n), 3)
    popularity = catalog.popularity[products] / catalog.popularity[products].sum()
    lines = [rng.choice(products, k, replace=False, p=popularity).tolist() for k in per_order]
    for position, product in enumerate(products):   # coverage: each product's first sale in early paid orders
        lines[10 + position * 3][0] = int(product)
        lines[10 + position * 3] = list(dict.fromkeys(lines[10 + position * 3]))
    unpaid = rng.random(n) < 0.05
    unpaid[10: 10 + 3 * len(products)] = False
    orders, items = [], []
    base_id = int(rng.integers(1_100_000_000_000_000_000, 1_200_000_000_000_000_000)) + (year - 2019) * 10**17
    steps = np.cumsum(rng.integers(10_000, 900_000, n))
    for i in range(n):
        order_id = str(base_id + int(steps[i]))
        order_lines = [(int(p), int(rng.integers(1, 3)), tmall_price(rng, catalog.price_cents[int(p)])) for p in lines[i]]
        goods = sum(q * c for _, q, c in order_lines)
        orders.append(order_record(rng, order_id, created[i], goods, order_lines, bool(unpaid[i]), catalog, year))
        status = orders[-1]["status"]
        for product, qty, price in order_lines:
            items.append([order_id, f"台湾 {catalog.name[product]} {catalog.spec[product]}", money(price), qty,
                          catalog.sku[product] if rng.random() < 0.6 else "", f"规格:{catalog.spec[product]}", "",
                          "", status, catalog.sku[product]])
    return orders, items


def tmall_price(rng, retail_cents: int) -> int:
    """The listing price: retail less a promotion of 0-15%, in whole jiao."""
    return int(retail_cents * (100 - int(rng.integers(0, 16))) // 1000 * 10)


def order_record(rng, order_id: str, created, goods: int, order_lines, unpaid: bool, catalog: Catalog, year: int) -> dict:
    postage = 0 if goods >= 9_900 else 800
    paid_at = None if unpaid else created + np.timedelta64(int(rng.integers(5, 600)), "s")
    last_days = created >= np.datetime64(f"{year}-12-24")
    refund, close_reason = 0, ""
    if unpaid:
        status = "等待买家付款" if last_days and rng.random() < 0.5 else "交易关闭"
        close_reason = "买家未付款" if status == "交易关闭" else ""
    elif rng.random() < 0.015:
        status, refund, close_reason = "交易关闭", goods, "买家申请退款"
    else:
        status = "交易成功"
        if last_days:
            status = str(rng.choice(["交易成功", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货"], p=[0.4, 0.4, 0.2]))
        if rng.random() < 0.04:
            product, qty, price = order_lines[0]
            refund = price * max(1, qty // 2)
    first = order_lines[0][0]
    return {"id": order_id, "created": created, "paid": paid_at, "goods": goods, "postage": postage, "refund": refund,
            "status": status, "close_reason": close_reason, "title": f"台湾 {catalog.name[first]}",
            "kinds": len(order_lines), "qty": sum(q for _, q, _ in order_lines)}


def write_tmall(out_dir: Path, year: int, orders: list[dict], items: list[list]) -> list[Path]:
    resaved = year == 2019              # this export was opened and saved again in Excel
    newer = year == 2021                # the seller center's newer layout
    when = (lambda t: excel_resaved(t)) if resaved else (lambda t: str(t).replace("T", " "))
    amount = (lambda c: money(c) + "元") if newer else money
    nick_rng = np.random.default_rng(year)
    rows = []
    for o in orders:
        province, city = PROVINCES[int(nick_rng.integers(0, len(PROVINCES)))]
        receiver = SURNAMES[int(nick_rng.integers(0, len(SURNAMES)))] + GIVEN[int(nick_rng.integers(0, len(GIVEN)))]
        address = f"{province}{'省' if province not in ('上海', '北京', '天津') else ''} {city} " \
                  f"{DISTRICTS[int(nick_rng.integers(0, len(DISTRICTS)))]} {STREETS[int(nick_rng.integers(0, len(STREETS)))]}" \
                  f"{int(nick_rng.integers(1, 999))}号({int(nick_rng.integers(100000, 999999))})"
        paid = o["paid"] is not None
        total = o["goods"] + o["postage"]
        record = {
            "订单编号": f'="{o["id"]}"', "买家会员名": f"tb_{int(nick_rng.integers(10**7, 10**8))}",
            "买家支付宝账号": f"{int(nick_rng.integers(130, 199))}****{int(nick_rng.integers(1000, 9999))}",
            "买家应付货款": amount(o["goods"]), "买家应付邮费": amount(o["postage"]), "买家支付积分": "0",
            "总金额": amount(total), "返点积分": "0", "买家实际支付金额": amount(total if paid else 0),
            "买家实际支付积分": "0", "订单状态": o["status"], "买家留言": "请尽快发货" if nick_rng.random() < 0.1 else "",
            "收货人姓名": receiver, "收货地址 ": address, "运送方式": "快递", "联系电话 ": "",
            "联系手机": f"'1{int(nick_rng.integers(3_000_000_000, 9_999_999_999))}",
            "订单创建时间": when(o["created"]), "订单付款时间 ": when(o["paid"]) if paid else "",
            "宝贝标题 ": o["title"], "宝贝种类 ": str(o["kinds"]),
            "物流单号 ": f"'SF{int(nick_rng.integers(10**11, 10**12))}" if paid else "",
            "物流公司": "顺丰速运" if paid else "", "订单备注": "", "宝贝总数量": str(o["qty"]), "店铺Id": "61234567",
            "店铺名称": SHOP, "订单关闭原因": o["close_reason"], "卖家服务费": "0", "买家服务费": "0", "发票抬头": "",
            "是否手机订单": "手机订单" if nick_rng.random() < 0.8 else "", "分阶段订单信息": "", "特权订金订单id": "",
            "是否上传合同照片": "否", "是否上传小票": "否", "是否代付": "否", "定金排名": "", "修改后的sku": "",
            "修改后的收货地址": "", "异常信息": "", "天猫卡券抵扣": "", "集分宝抵扣": "", "是否是O2O交易": "",
            "退款金额": amount(o["refund"]), "预约门店": "",
        }
        rows.append(record)
    header = list(ORDER_HEADER)
    if newer:
        header = newer_order_header(header)
        for record in rows:
            record["买家实付金额"] = record.pop("买家实际支付金额")
            record.update({"主订单编号": record["订单编号"], "支付单号": f"'{int(nick_rng.integers(10**15, 10**16))}",
                           "确认收货时间": ""})
    order_rows = [[r[h] for h in header] for r in rows]
    raw = frozenset({header.index("订单编号")} | ({header.index("主订单编号")} if newer else set()))
    stamp = EXPORT_STAMP[year]
    order_text = csv_text(header, order_rows, quote_header=True, raw_columns=raw, newline="\r\n")
    item_rows = [[f'="{r[0]}"', *r[1:]] for r in items]
    item_text = csv_text(ITEM_HEADER, item_rows, quote_header=True, raw_columns=frozenset({0}), newline="\r\n")
    return [write_text(out_dir / f"ExportOrderList{stamp}.csv", order_text, "gb18030"),
            write_text(out_dir / f"ExportOrderDetailList{stamp}.csv", item_text, "gb18030")]


def newer_order_header(header: list[str]) -> list[str]:
    """The seller center's newer layout: a renamed column, a moved one and a few new ones."""
    header = ["买家实付金额" if h == "买家实际支付金额" else h for h in header]
    header.remove("订单付款时间 ")
    header.insert(header.index("订单创建时间") + 1, "订单付款时间 ")
    return header[:1] + ["主订单编号"] + header[1:] + ["支付单号", "确认收货时间"]


def excel_resaved(stamp) -> str:
    """2019/3/7 9:05: what Excel writes back for a date-time cell (no zero padding, no seconds)."""
    value = stamp.astype("datetime64[s]").item()
    return f"{value.year}/{value.month}/{value.day} {value.hour}:{value.minute:02d}"
