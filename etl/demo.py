"""Seeded generator of demo export files in the channels' real formats (centers, master, POS, fair registers, Tmall)."""
from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.xml.functions import tostring

DEFAULT_SEED = 2020
YEARS = (2019, 2020, 2021)
FIRST_DAY = np.datetime64("2019-01-01", "D")
DAYS = np.arange(FIRST_DAY, np.datetime64("2022-01-01", "D"))
DAY_YEAR = DAYS.astype("datetime64[Y]").astype(int) + 1970
EPOCH = FIRST_DAY.astype("datetime64[s]")     # Tmall times are seconds since the first demo day
HOUR, DAY = 3_600, 86_400
# Fixed document and zip-entry times: the same seed must give the same bytes.
DOC_TIME = dt.datetime(2021, 12, 31)
ZIP_TIME = (2021, 12, 31, 0, 0, 0)

# ---- the 2020 work report and its believable neighbour years --------------------------------------------------
# Every year's totals come out to the cent, so that year-on-year figures are stable too.
STOREFRONT_NET_CENTS = {2019: 2_650_387_040, 2020: 3_000_000_000, 2021: 3_298_641_560}
# (companies met, of them met at two fairs, won deals in RMB)
FAIR_TARGETS = {2019: (176, 8, 1_890_000), 2020: (214, 10, 2_240_000), 2021: (241, 12, 2_630_000)}
# cumulative (brands, products) with paid Tmall sales; each year's set contains the previous one
TMALL_RANGE = {2019: (9, 30), 2020: (13, 48), 2021: (16, 60)}
TMALL_ORDERS = {2019: 9_000, 2020: 11_000, 2021: 14_000}
TMALL_EXPORTED_AT = {2019: "2020-01-03T10:15", 2020: "2021-01-04T10:30", 2021: "2022-01-05T11:00"}
EXCEL_RESAVED_YEAR = 2019              # that year's Tmall pair went through Excel: dates lost their seconds
NEW_SELLER_CENTER_YEAR = 2021          # new order-report header, amounts printed with 元

CHINESE_NEW_YEAR = {2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12"}
MID_AUTUMN = {2019: "2019-09-13", 2020: "2020-10-01", 2021: "2021-09-21"}
LOCKDOWN = ("2020-01-26", "2020-03-10")
RECOVERY_END = "2020-04-30"

# ---- products: every brand is invented ------------------------------------------------------------------------
# category -> (code letter, storefront weight, gift-season boost, Tmall brand weight)
CATEGORIES = {
    "茶叶": ("A", 1.3, 2.6, 1.3), "糕点": ("B", 1.6, 3.0, 1.3), "零食": ("C", 1.5, 0.8, 1.2),
    "调味酱料": ("D", 0.8, 0.5, 0.9), "酒类": ("E", 0.6, 2.0, 0.5), "美妆个护": ("F", 0.7, 0.6, 1.0),
    "保健食品": ("G", 0.6, 1.2, 1.0), "生活家居": ("H", 0.4, 0.7, 0.6),
}
BRANDS = [
    ("阿里山云岚茶坊", "茶叶"), ("冻顶山茗茶行", "茶叶"), ("日月潭红玉茶庄", "茶叶"), ("梨山雪峰茶园", "茶叶"),
    ("坪林包种茶铺", "茶叶"), ("鹿港老街饼铺", "糕点"), ("府城糕饼老铺", "糕点"), ("凤梨山丘烘焙坊", "糕点"),
    ("淡水河畔饼坊", "糕点"), ("台中老城饼家", "糕点"), ("嘉义牛轧糖工坊", "零食"), ("花莲麻糬堂", "零食"),
    ("屏东果干庄园", "零食"), ("澎湖海味坊", "零食"), ("宜兰蜜饯铺", "零食"), ("西螺黑豆酱园", "调味酱料"),
    ("台南古早味酱坊", "调味酱料"), ("浯岛沙茶工坊", "调味酱料"), ("屏东辣椒酱坊", "调味酱料"),
    ("大溪香油坊", "调味酱料"), ("太武山高粱酒坊", "酒类"), ("埔里绍兴酒庄", "酒类"), ("信义乡梅酒庄", "酒类"),
    ("大武山小米酒坊", "酒类"), ("兰阳溪酿酒坊", "酒类"), ("芦荟小森护肤", "美妆个护"), ("玫瑰谷保养工坊", "美妆个护"),
    ("北投温泉草本", "美妆个护"), ("山茶花本草坊", "美妆个护"), ("珍珠泉美肌", "美妆个护"), ("宝岛活力生技", "保健食品"),
    ("纳豆堂生技", "保健食品"), ("黑糖姜母坊", "保健食品"), ("灵芝山庄", "保健食品"), ("绿藻海岸生技", "保健食品"),
    ("竹山竹艺坊", "生活家居"), ("莺歌陶瓷坊", "生活家居"), ("桧木之森", "生活家居"), ("美浓纸伞坊", "生活家居"),
    ("三义木雕坊", "生活家居"),
]
PRODUCTS_PER_BRAND, BRANDS_WITH_ONE_MORE = 6, 10       # 40 brands -> 250 products
# category -> (product name, spec, list price in RMB); brands of a category pick from the same shelf
PRODUCT_LINES = {
    "茶叶": [("高山乌龙茶", "150g", 268), ("冻顶乌龙茶", "300g", 398), ("东方美人茶", "75g", 358),
           ("文山包种茶", "150g", 228), ("红玉红茶", "100g", 198), ("蜜香红茶", "100g", 168), ("金萱乌龙茶", "150g", 188),
           ("四季春茶", "150g", 128), ("高山茶礼盒", "150g×2", 598), ("冷泡茶包", "3g×20", 78), ("精品茶礼盒", "75g×4", 880)],
    "糕点": [("凤梨酥礼盒", "12入", 168), ("凤梨酥", "6入", 78), ("太阳饼", "10入", 98), ("蛋黄酥礼盒", "6入", 128),
           ("绿豆椪", "8入", 108), ("芋头酥", "6入", 88), ("牛舌饼", "10入", 58), ("老婆饼", "8入", 68),
           ("中秋月饼礼盒", "8入", 268), ("综合喜饼礼盒", "10入", 238)],
    "零食": [("牛轧糖", "200g", 58), ("花生糖", "250g", 45), ("芒果干", "200g", 48), ("凤梨干", "200g", 52),
           ("鱿鱼丝", "150g", 68), ("麻糬", "12入", 56), ("黑糖糕", "300g", 38), ("米饼", "20包", 35), ("芭乐干", "150g", 42),
           ("零食综合礼盒", "1kg", 198)],
    "调味酱料": [("黑豆酱油", "500ml", 48), ("荫油膏", "420ml", 42), ("沙茶酱", "250g", 38), ("辣椒酱", "200g", 32),
             ("乌醋", "600ml", 36), ("黑麻油", "500ml", 88), ("苦茶油", "500ml", 198), ("XO干贝酱", "180g", 128),
             ("蒜蓉酱", "300g", 35), ("酱料礼盒", "4瓶", 168)],
    "酒类": [("58度高粱酒", "600ml", 298), ("陈年高粱酒礼盒", "750ml", 1280), ("38度高粱酒", "500ml", 168),
           ("陈年绍兴酒", "600ml", 128), ("梅酒", "720ml", 158), ("小米酒", "500ml", 98), ("荔枝酒", "500ml", 118),
           ("高粱酒小酒版礼盒", "100ml×6", 388)],
    "美妆个护": [("芦荟保湿面膜", "10片", 89), ("玫瑰精华液", "30ml", 268), ("草本洗发乳", "500ml", 79),
             ("山茶花护手霜", "50g", 49), ("珍珠美白面膜", "10片", 109), ("温泉沐浴露", "500ml", 69),
             ("薄荷精油膏", "30g", 39), ("手工香皂礼盒", "3入", 99), ("保湿乳液", "120ml", 158)],
    "保健食品": [("纳豆红曲胶囊", "60粒", 398), ("牛樟芝胶囊", "60粒", 880), ("黑糖姜母茶", "12包", 58),
             ("灵芝孢子粉", "60g", 598), ("益生菌粉", "30包", 198), ("叶黄素软胶囊", "60粒", 268),
             ("鱼油软胶囊", "90粒", 238), ("综合维生素", "60粒", 168), ("绿藻片", "900粒", 328)],
    "生活家居": [("竹制餐具组", "4件", 128), ("陶瓷茶杯组", "4入", 268), ("手绘茶壶", "300ml", 398),
             ("桧木精油", "10ml", 158), ("桧木浴盐", "500g", 88), ("油纸伞", "84cm", 580), ("木雕摆件", "小号", 880),
             ("竹编收纳篮", "中号", 98), ("桧木砧板", "大号", 298)],
}
# new items sold before the master lists them: (barcode, name, price in RMB, first day, last day, lines)
UNLISTED_PRODUCTS = [
    ("4718623500016", "黑糖珍珠奶茶粉(试卖)", 69, "2020-06-01", "2020-09-30", 16),
    ("4718623500023", "凤梨酥冰淇淋礼盒(试卖)", 158, "2020-11-15", "2021-02-28", 14),
    ("4719310700045", "蜜香红茶冷泡包(新品)", 89, "2021-05-01", "2021-08-31", 15),
]

# ---- centers --------------------------------------------------------------------------------------------------
# three fictional centers: (code, name, city, opened, its storefront, share of the network's receipts, its POS
# exports' file name); the flagship runs the Tmall store and the fairs. The network's totals are the report's.
CENTERS = (
    ("SH", "上海旗艦中心", "上海", "2017-09-01", "台湾商品中心上海展销店", 0.55, "pos_sales"),
    ("NJ", "南京中心", "南京", "2018-05-20", "台湾商品中心南京展销店", 0.27, "pos_sales_nj"),
    ("XM", "厦门中心", "厦门", "2018-11-08", "台湾商品中心厦门展销店", 0.18, "pos_sales_xm"),
)
FLAGSHIP = "SH"
CENTERS_FILE = "centers.csv"
NETWORK_FILES = (CENTERS_FILE, "product_master.xlsx")   # loaded for no center: the whole network's

# ---- storefront -----------------------------------------------------------------------------------------------
STORE = CENTERS[0][4]
PAYMENTS = ["微信支付", "支付宝", "银联卡", "现金"]
PAYMENT_SHARES = [0.46, 0.31, 0.14, 0.09]
LINES_PER_RECEIPT = ([1, 2, 3, 4, 5], [0.45, 0.28, 0.15, 0.08, 0.04])
EVERYDAY_QTY = ([1, 2, 3, 4, 5, 6], [0.47, 0.25, 0.12, 0.07, 0.05, 0.04])
GIFT_QTY = ([1, 2, 3, 4, 5, 6, 8, 10, 20], [0.30, 0.22, 0.13, 0.09, 0.07, 0.06, 0.05, 0.05, 0.03])
# opening 10:00-21:30: relative traffic per hour, the last half hour quiet
OPENS_AT, OPEN_MINUTES = 10 * HOUR, 690
OPENING_HOURS = [0.6, 0.9, 1.0, 0.9, 1.0, 1.1, 1.1, 1.0, 1.0, 1.1, 0.9, 0.5]
MEMBER_SHARE, RETURN_SHARE = 0.40, 0.008
SALES_HEADROOM = 1.012       # drawn sales overshoot: returns take back ~0.7%, the rest goes as extra discount
POS_HEADERS = {
    2019: ["单据号", "销售时间", "商品编号 ", "商品名称", "数量", "单价", "折扣金额", "实收金额 ", "支付方式", "会员手机",
           "会员名称", "单据类型", "门店"],
    2020: ["销售单号", "销售时间", "商品条码 ", "商品名称", "数量", "单价", "折扣金额", "实收金额 ", "支付方式", "会员手机",
           "会员名称", "单据类型", "门店"],
    2021: ["销售单号", "销售时间", "商品条码", "商品名称 ", "数量", "单价", "折扣金额", "实收金额 ", "支付方式", "会员手机",
           "会员名称", "单据类型", "门店 "],
}
# the POS was replaced in 2021: older exports are Windows files, GBK then UTF-8 with BOM
POS_ENCODINGS = {2019: ("gbk", "\r\n"), 2020: ("utf-8-sig", "\r\n"), 2021: ("utf-8", "\n")}

# ---- exhibitions ----------------------------------------------------------------------------------------------
# year -> (fair, start, end, city, share of the year's companies); 2020 had no fair before summer
FAIRS = {
    2019: [("中国（深圳）国际礼品展", "2019-04-25", "2019-04-28", "深圳", 0.20),
           ("海峡两岸经贸交易会", "2019-05-18", "2019-05-21", "厦门", 0.25),
           ("上海国际糖酒食品商品交易会", "2019-06-12", "2019-06-14", "上海", 0.20),
           ("中国国际进口博览会", "2019-11-05", "2019-11-10", "上海", 0.35)],
    2020: [("上海国际糖酒食品商品交易会", "2020-08-26", "2020-08-28", "上海", 0.28),
           ("海峡两岸经贸交易会", "2020-09-24", "2020-09-27", "厦门", 0.27),
           ("中国国际进口博览会", "2020-11-05", "2020-11-10", "上海", 0.45)],
    2021: [("中国（深圳）国际礼品展", "2021-04-25", "2021-04-28", "深圳", 0.20),
           ("海峡两岸经贸交易会", "2021-05-20", "2021-05-23", "厦门", 0.22),
           ("上海国际糖酒食品商品交易会", "2021-06-09", "2021-06-11", "上海", 0.22),
           ("中国国际进口博览会", "2021-11-05", "2021-11-10", "上海", 0.36)],
}
LEAD_STAGES = (["初步接洽", "洽谈中", "已成交", "未成交"], [0.45, 0.25, 0.12, 0.18])
DEAL_DAYS = (3, 60)                   # a deal closes this many days after the fair, within the fair's year
REGISTER_HEADER = ["展会名称", "展会开始日期", "展会结束日期", "城市", "企业名称", "联系人", "联系电话", "职位", "所属行业",
                   "省份", "意向品牌", "洽谈状态", "成交金额(元)", "成交日期", "跟进人"]
COMPANY_CITIES = [("上海", "上海"), ("北京", "北京"), ("杭州", "浙江"), ("宁波", "浙江"), ("温州", "浙江"), ("苏州", "江苏"),
                  ("南京", "江苏"), ("无锡", "江苏"), ("广州", "广东"), ("深圳", "广东"), ("东莞", "广东"), ("厦门", "福建"),
                  ("福州", "福建"), ("泉州", "福建"), ("成都", "四川"), ("重庆", "重庆"), ("武汉", "湖北"), ("长沙", "湖南"),
                  ("青岛", "山东"), ("济南", "山东"), ("天津", "天津"), ("合肥", "安徽"), ("郑州", "河南"), ("西安", "陕西")]
COMPANY_WORDS = ("禾丰 望海 嘉和 恒信 鼎盛 瑞丰 金桥 万象 博远 锦程 盛源 福临 聚优 佳禾 鸿运 兴隆 永泰 安和 润泽 明德 远航 长青 "
                 "天和 广源 信达 和美 众诚 同心 启航 海纳 丰禾 德润 新禾 云帆 蓝湾 春晖 怡和 宏图 百川 星辰 沐阳 恒美 泰和 "
                 "乐活 尚品 万家").split()
COMPANY_TRADES = [("贸易", "食品贸易"), ("商贸", "商超零售"), ("食品", "食品贸易"), ("进出口", "进出口"),
                  ("供应链管理", "供应链"), ("电子商务", "电商"), ("实业", "企业福利"), ("酒业", "酒类经销"),
                  ("茶业", "茶叶经销"), ("礼品", "礼品定制"), ("餐饮管理", "餐饮")]
JOB_TITLES = ["总经理", "采购经理", "采购总监", "店长", "业务经理", "市场总监", "董事长", "品类经理"]
FAIR_STAFF = ["陈晓", "林一帆", "黄思远", "周雅婷", "吴俊杰"]

# ---- Tmall ----------------------------------------------------------------------------------------------------
SHOP_NAME, SHOP_ID = "台湾商品中心官方旗舰店", "61803398"
ITEMS_PER_ORDER = ([1, 2, 3], [0.72, 0.21, 0.07])
TMALL_QTY = ([1, 2, 3, 4, 5], [0.74, 0.16, 0.06, 0.02, 0.02])
UNPAID_SHARE, FULL_REFUND_SHARE, PARTIAL_REFUND_SHARE = 0.05, 0.015, 0.04
FREE_SHIPPING_CENTS = 9_900
LAUNCH_WITHIN_DAYS = 273          # a new product is listed by the end of September, so it sells that year
ORDER_HOURS = [0.9, 0.5, 0.3, 0.15, 0.1, 0.1, 0.2, 0.4, 0.7, 0.9, 1.1, 1.2,
               1.1, 1.1, 1.1, 1.1, 1.0, 1.0, 1.1, 1.3, 1.6, 1.8, 1.7, 1.3]
UNPAID_CLOSE_REASONS = (["买家未付款", "买家不想买了", "信息填写错误，重新拍"], [0.7, 0.2, 0.1])
CARRIERS = (["顺丰速运", "中通快递", "圆通速递", "韵达快递", "EMS"], [0.4, 0.2, 0.17, 0.15, 0.08])
BUYER_MESSAGES = ["请尽快发货", "送人的，不要放发票", "麻烦包装好一点", "周末不在家，请工作日送达", "要新鲜日期的"]
SELLER_NOTES = ["赠品：试吃包", "已电话确认地址", "加急", "老客户，送小样"]
ORDER_HEADER_LEGACY = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额", "返点积分",
    "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ",
    "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ", "宝贝种类 ", "物流单号 ", "物流公司", "订单备注",
    "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
    "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票", "是否代付", "定金排名", "修改后的sku",
    "修改后的收货地址", "异常信息", "天猫卡券抵扣", "集分宝抵扣", "是否是O2O交易", "退款金额", "预约门店",
]
# the 2021 seller center: renamed paid amount, payment time beside creation time, three new columns
ORDER_HEADER_2021 = (
    ["订单编号", "主订单编号", "买家会员名", "买家支付宝账号", "支付单号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
     "返点积分", "买家实付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址 ", "运送方式", "联系电话 ",
     "联系手机", "订单创建时间", "订单付款时间 ", "确认收货时间"]
    + ORDER_HEADER_LEGACY[ORDER_HEADER_LEGACY.index("宝贝标题 "):])
ITEM_HEADER = ["订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态", "商家编码"]
# (province as Taobao writes it, city, districts, postcode, share of buyers)
ADDRESS_BOOK = [
    ("上海", "上海市", "徐汇区 浦东新区 静安区 闵行区 长宁区", "200000", 20), ("浙江省", "杭州市", "西湖区 滨江区 拱墅区 余杭区", "310000", 11),
    ("浙江省", "宁波市", "鄞州区 海曙区", "315000", 5), ("江苏省", "南京市", "鼓楼区 建邺区 玄武区", "210000", 7),
    ("江苏省", "苏州市", "姑苏区 吴中区 虎丘区", "215000", 8), ("广东省", "广州市", "天河区 越秀区 海珠区", "510000", 7),
    ("广东省", "深圳市", "南山区 福田区 宝安区", "518000", 6), ("北京", "北京市", "朝阳区 海淀区 东城区 丰台区", "100000", 8),
    ("福建省", "厦门市", "思明区 湖里区", "361000", 4), ("福建省", "福州市", "鼓楼区 台江区", "350000", 3),
    ("山东省", "青岛市", "市南区 崂山区", "266000", 3), ("四川省", "成都市", "锦江区 武侯区", "610000", 3),
    ("湖北省", "武汉市", "武昌区 江汉区 洪山区", "430000", 3), ("天津", "天津市", "和平区 南开区", "300000", 2),
    ("安徽省", "合肥市", "蜀山区 包河区", "230000", 2), ("湖南省", "长沙市", "岳麓区 芙蓉区", "410000", 2),
    ("河南省", "郑州市", "金水区 二七区", "450000", 2), ("重庆", "重庆市", "渝中区 江北区", "400000", 1),
    ("陕西省", "西安市", "雁塔区 碑林区", "710000", 1), ("辽宁省", "大连市", "中山区 沙河口区", "116000", 1),
]
ROADS = "人民路 中山路 解放路 建设路 文三路 长江路 和平路 新华路 延安路 学院路 滨江大道 东风路 青年路 胜利路 光明路".split()

# ---- fake people ----------------------------------------------------------------------------------------------
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏付方邹熊"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚兰辉玲华飞鹏红梅琳欣怡婷雪晨宇浩然涵诗雨萱思佳俊博文轩嘉鑫晓颖慧倩"
MOBILE_PREFIXES = ("130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 177 180 182 183 186 187 188 "
                   "189 199").split()
NICK_SYLLABLES = ("xiao yu mei le tian an bao chen dan fei hao jia jing lan li lin ming nan qi rui shan ting wei xin yan yi "
                  "ying zhi").split()
NICK_WORDS = ["快乐的", "爱吃", "安静的", "小小", "努力的", "会飞的", "慢吞吞的", "喜欢"]
NICK_NOUNS = ["小猫", "凤梨酥", "兔子", "小熊", "茶叶蛋", "鲸鱼", "柚子", "团子", "月亮", "布丁"]
MAIL_DOMAINS = ["163.com", "qq.com", "126.com", "sina.com"]


# ---- entry point ----------------------------------------------------------------------------------------------

# centers, master, targets; per year a POS export per center, a register, a Tmall order and item report
TOTAL_FILES = 3 + len(YEARS) * (len(CENTERS) + 3)


def generate(out_dir: Path, seed: int = DEFAULT_SEED, on_file=None) -> list[Path]:
    """Write the demo exports into out_dir (created if missing) and return their paths, in load order: the centers
    file and the product master first (center_of tells the center each file is loaded for).

    on_file(path, written, total) is called as each file is written (the first start's progress bar)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    total = TOTAL_FILES

    def wrote(*new: Path) -> None:
        for path in new:
            paths.append(path)
            if on_file:
                on_file(path, len(paths), total)

    # one stream per channel, so that changing one channel's generator leaves the others' files alone
    # (a fifth stream, spawned after them, leaves the first four as they were)
    master_rng, pos_rng, fair_rng, tmall_rng, center_rng = np.random.default_rng(seed).spawn(5)
    wrote(write_centers(out_dir / CENTERS_FILE))
    master = product_master(master_rng)
    wrote(write_product_master(out_dir / "product_master.xlsx", master))
    lines = storefront_lines(master, pos_rng, center_rng)
    for year in YEARS:
        for index, (*_, prefix) in enumerate(CENTERS):
            wrote(write_pos_export(out_dir / f"{prefix}_{year}.csv", lines, year, index))
    companies = company_pool(fair_rng, 700)
    for year in YEARS:
        leads = fair_leads(year, master, companies, fair_rng)
        wrote(write_register(out_dir / f"exhibition_leads_{year}.xlsx", leads, year))
    orders, items, catalog = tmall_sales(master, tmall_rng)
    for year in YEARS:
        wrote(*write_tmall_export(out_dir, year, orders, items, catalog))
    from etl import demo_targets   # it reads this module's constants
    wrote(demo_targets.write(out_dir / "targets_2020_2021.csv", orders))
    return paths


def center_of(path: Path) -> str | None:
    """The center a demo export is loaded for: a POS export's own center, the flagship's for the fairs and Tmall,
    None for the network's centers file and product master."""
    name = Path(path).name
    if name in NETWORK_FILES:
        return None
    prefix = name.rsplit("_", 1)[0]
    return next((code for code, *_, own in CENTERS if own == prefix), FLAGSHIP)


def write_centers(path: Path) -> Path:
    """The centers file (中心资料), UTF-8 with a BOM as Excel saves it."""
    columns = [list(column) for column in zip(*(c[:4] for c in CENTERS))]
    return write_csv(path, ["中心代码", "中心名称", "城市", "开业日期"], columns, "utf-8-sig", "\r\n", quote_header=False)


# ---- small shared helpers -------------------------------------------------------------------------------------

def day_no(date: str) -> int:
    """Index of a date in DAYS."""
    return int((np.datetime64(date, "D") - FIRST_DAY).astype(int))


def ramp(start: str, end: str, low: float, high: float) -> np.ndarray:
    """A per-day factor rising from low to high between two dates (inclusive), 1 elsewhere."""
    factor = np.ones(len(DAYS))
    first, last = day_no(start), day_no(end)
    factor[first:last + 1] = np.linspace(low, high, last - first + 1)
    return factor


def shift(date: str, days: int) -> str:
    """The date so many days later (earlier when negative)."""
    return str(np.datetime64(date, "D") + days)


def pick(rng: np.random.Generator, choices: tuple[list, list], size: int) -> np.ndarray:
    """Draw values by their shares, given as ([values], [shares])."""
    values, shares = choices
    return np.asarray(values)[rng.choice(len(values), size, p=np.asarray(shares) / sum(shares))]


def money_text(cents: np.ndarray, suffix: str = "") -> list[str]:
    """Amounts as exports print them: 128.00 (float formatting is exact for whole cents below 2**53)."""
    return [f"{c / 100:.2f}{suffix}" for c in np.asarray(cents).tolist()]


def ean13(first12: str) -> str:
    """A 13-digit EAN with its check digit."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def allocate(total: int, weights: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Split a whole number over lines in proportion to weights, never giving a line more than its room."""
    given = np.zeros(len(weights), dtype=np.int64)
    remaining = int(total)
    while remaining > 0:
        free = room - given
        w = np.where(free > 0, weights, 0.0)
        if not w.any():
            raise ValueError(f"cannot place {remaining} more units: no room left")
        share = np.minimum(np.floor(remaining * w / w.sum()).astype(np.int64), free)
        if not share.any():      # fewer units left than lines: one each to the heaviest
            share = np.zeros_like(given)
            share[np.argsort(-w, kind="stable")[:remaining]] = 1
            share = np.minimum(share, free)
        given += share
        remaining -= int(share.sum())
    return given


def fake_names(rng: np.random.Generator, size: int) -> list[str]:
    surname = rng.integers(0, len(SURNAMES), size)
    first, second = rng.integers(0, len(GIVEN_CHARS), (2, size))
    two = rng.random(size) < 0.65
    return [SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if t else "")
            for s, a, b, t in zip(surname.tolist(), first.tolist(), second.tolist(), two.tolist())]


def fake_mobiles(rng: np.random.Generator, size: int) -> list[str]:
    prefix = rng.integers(0, len(MOBILE_PREFIXES), size)
    tail = rng.integers(0, 10**8, size)
    return [f"{MOBILE_PREFIXES[p]}{t:08d}" for p, t in zip(prefix.tolist(), tail.tolist())]


# ---- product master -------------------------------------------------------------------------------------------

def product_master(rng: np.random.Generator) -> pd.DataFrame:
    """One row per product: ~250 products of 40 invented brands, with merchant code, EAN and list price."""
    counts = np.full(len(BRANDS), PRODUCTS_PER_BRAND)
    counts[rng.choice(len(BRANDS), BRANDS_WITH_ONE_MORE, replace=False)] += 1
    rows = []
    for brand_no, ((brand, category), count) in enumerate(zip(BRANDS, counts), start=1):
        shelf = PRODUCT_LINES[category]
        company = 20_000 + 317 * brand_no      # the brand's GS1 company number behind Taiwan's 471
        for item_no, line in enumerate(sorted(rng.choice(len(shelf), count, replace=False)), start=1):
            name, spec, list_price = shelf[line]
            price = max(int(round(list_price * rng.uniform(0.85, 1.2) / 10)) * 10 - 2, 8)  # prices end in 8
            rows.append({"sku": f"TW-{CATEGORIES[category][0]}{brand_no:02d}{item_no:02d}",
                         "barcode": ean13(f"471{company:05d}{1000 + 13 * item_no:04d}"), "name": f"{brand} {name}",
                         "brand": brand, "category": category, "spec": spec, "price_cents": price * 100})
    return pd.DataFrame(rows)


def write_product_master(path: Path, master: pd.DataFrame) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "商品资料"
    sheet.append(["商家编码", "商品条码", "商品名称", "品牌", "品类", "规格", "零售价"])
    for row in master.itertuples():
        sheet.append([row.sku, row.barcode, row.name, row.brand, row.category, row.spec, row.price_cents / 100])
        sheet.cell(sheet.max_row, 2).number_format = "@"      # a barcode is text, never a number
        sheet.cell(sheet.max_row, 7).number_format = "0.00"
    style_sheet(sheet, header_row=1, widths=[12, 16, 20, 18, 10, 10, 10])
    return save_workbook(book, path)


def style_sheet(sheet, header_row: int, widths: list[int]) -> None:
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save with fixed document and zip-entry times, so that the bytes depend on the content only."""
    buffer = io.BytesIO()
    book.save(buffer)
    book.properties.creator = "台湾商品中心"
    book.properties.created = book.properties.modified = DOC_TIME   # save() stamps 'modified' with now
    fixed_core = tostring(book.properties.to_tree())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = fixed_core if entry.filename == "docProps/core.xml" else source.read(entry.filename)
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return path


# ---- storefront -----------------------------------------------------------------------------------------------

def weekday() -> np.ndarray:
    """0 = Monday (1970-01-01 was a Thursday)."""
    return (DAYS.astype(np.int64) + 3) % 7


def storefront_traffic() -> np.ndarray:
    """Relative receipts per day: weekends, New Year and Mid-Autumn gift rushes, Golden Week, 2020's lockdown."""
    traffic = np.where(weekday() >= 5, 1.4, 1.0)
    for year in YEARS:
        cny = CHINESE_NEW_YEAR[year]
        traffic *= ramp(shift(cny, -21), shift(cny, -2), 1.5, 2.6)     # New Year gift boxes
        traffic *= ramp(shift(cny, 0), shift(cny, 6), 0.35, 0.35)      # everyone is home
        autumn = MID_AUTUMN[year]
        traffic *= ramp(shift(autumn, -14), shift(autumn, -1), 1.3, 2.1)
        traffic *= ramp(f"{year}-10-01", f"{year}-10-07", 1.7, 1.7)
        traffic *= ramp(f"{year}-12-01", f"{year}-12-31", 1.15, 1.15)  # year-end corporate gifts
    traffic *= ramp(*LOCKDOWN, 0.03, 0.03)
    traffic *= ramp(shift(LOCKDOWN[1], 1), RECOVERY_END, 0.25, 1.0)
    return traffic


def gift_share() -> np.ndarray:
    """Share of lines bought as gifts (糕点/茶叶 gift boxes, spirits) per day."""
    share = np.full(len(DAYS), 0.2)
    for year in YEARS:
        share[day_no(shift(CHINESE_NEW_YEAR[year], -21)):day_no(CHINESE_NEW_YEAR[year])] = 0.55
        share[day_no(shift(MID_AUTUMN[year], -14)):day_no(MID_AUTUMN[year])] = 0.6
        share[day_no(f"{year}-10-01"):day_no(f"{year}-10-08")] = 0.45
    return share


def storefront_lines(master: pd.DataFrame, rng: np.random.Generator, center_rng: np.random.Generator) -> pd.DataFrame:
    """One row per POS receipt line over 2019-2021, returns included; each year nets to its target to the cent over
    the network, and each receipt is one center's (a return the center's that sold it: `center`, CENTERS' index)."""
    catalog = pos_catalog(master, rng)
    members = pd.DataFrame({"phone": fake_mobiles(rng, 8_000), "name": fake_names(rng, 8_000)})
    traffic = storefront_traffic()
    receipts, lines = draw_sales(traffic, catalog, len(members), rng)
    shares = np.array([c[5] for c in CENTERS])
    lines["center"] = center_rng.choice(len(CENTERS), len(receipts), p=shares / shares.sum())[lines.receipt.to_numpy()]
    lines = with_unlisted_products(lines, catalog, rng)
    lines = pd.concat([lines, draw_returns(lines, len(receipts), traffic, rng)], ignore_index=True)
    for year in YEARS:
        lines = with_exact_net(lines, year, STOREFRONT_NET_CENTS[year], rng)
    lines = with_receipt_numbers(lines)
    lines["member_phone"] = np.where(lines.member >= 0, members.phone.to_numpy()[lines.member], "")
    lines["member_name"] = np.where(lines.member >= 0, members.name.to_numpy()[lines.member], "")
    return lines.join(catalog[["code_2019", "code", "name"]], on="item")


def draw_sales(traffic: np.ndarray, catalog: pd.DataFrame, members: int,
               rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sale receipts and their lines: more are drawn than needed, then a random subset meets each year's target."""
    gifts = gift_share()
    receipts_per_traffic = 60.0
    while True:
        receipts = draw_receipts(traffic * receipts_per_traffic, gifts, members, rng)
        lines = draw_receipt_lines(receipts, catalog, rng)
        kept = thin_to_targets(receipts, lines, rng)
        if kept is not None:
            return kept
        receipts_per_traffic *= 1.5


def pos_catalog(master: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The master plus the unlisted new items, with everyday and gift-season popularity."""
    listed = pd.DataFrame({"code_2019": master.sku, "code": master.barcode, "name": master.name,
                           "price_cents": master.price_cents, "listed": True})
    category_weight = master.category.map(lambda c: CATEGORIES[c][1]).to_numpy()
    gift_boost = master.category.map(lambda c: CATEGORIES[c][2]).to_numpy()
    popularity = rng.lognormal(0.0, 0.6, len(master)) * category_weight
    listed["everyday"] = popularity
    listed["gift"] = popularity * gift_boost * np.where(master.name.str.contains("礼盒"), 2.0, 1.0)
    codes, names, prices = ([u[i] for u in UNLISTED_PRODUCTS] for i in range(3))
    unlisted = pd.DataFrame({"code_2019": codes, "code": codes, "name": names, "price_cents": np.array(prices) * 100,
                             "listed": False, "everyday": 0.0, "gift": 0.0})
    return pd.concat([listed, unlisted], ignore_index=True)


def draw_receipts(expected: np.ndarray, gifts: np.ndarray, members: int, rng: np.random.Generator) -> pd.DataFrame:
    """One row per receipt: day, time within opening hours, number of lines, member, payment."""
    day = np.repeat(np.arange(len(DAYS)), rng.poisson(expected))
    size = len(day)
    minute_weight = np.repeat(OPENING_HOURS, 60)[:OPEN_MINUTES]
    minute = rng.choice(OPEN_MINUTES, size, p=minute_weight / minute_weight.sum())
    loyal = 1.0 / np.arange(1, members + 1) ** 0.6          # a few regulars come often
    is_member = rng.random(size) < MEMBER_SHARE
    return pd.DataFrame({
        "day": day,
        "second": OPENS_AT + minute * 60 + rng.integers(0, 60, size),
        "lines": pick(rng, LINES_PER_RECEIPT, size),
        "member": np.where(is_member, rng.choice(members, size, p=loyal / loyal.sum()), -1),
        "payment": rng.choice(len(PAYMENTS), size, p=PAYMENT_SHARES),
        "member_price": is_member & (rng.random(size) < 0.5),   # 95折 member price
        "gift_share": gifts[day],
    })


def draw_receipt_lines(receipts: pd.DataFrame, catalog: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The lines of each receipt: product (gift boxes in gift seasons), quantity, price and discount in cents."""
    receipt = np.repeat(np.arange(len(receipts)), receipts.lines.to_numpy())
    size = len(receipt)
    starts = np.repeat(np.cumsum(receipts.lines.to_numpy()) - receipts.lines.to_numpy(), receipts.lines.to_numpy())
    is_gift = rng.random(size) < receipts.gift_share.to_numpy()[receipt]
    product = np.where(is_gift,
                       rng.choice(len(catalog), size, p=(catalog.gift / catalog.gift.sum()).to_numpy()),
                       rng.choice(len(catalog), size, p=(catalog.everyday / catalog.everyday.sum()).to_numpy()))
    qty = np.where(is_gift, pick(rng, GIFT_QTY, size), pick(rng, EVERYDAY_QTY, size))
    price = catalog.price_cents.to_numpy()[product]
    gross = qty * price
    member_off = np.where(receipts.member_price.to_numpy()[receipt], (gross * 5 + 50) // 100, 0)
    promotion = np.where(rng.random(size) < 0.06, rng.choice([500, 1000, 2000, 5000], size), 0)   # 满减 vouchers
    lines = pd.DataFrame({"receipt": receipt, "line_no": np.arange(size) - starts + 1, "item": product, "qty": qty,
                          "price": price, "discount": np.minimum(member_off + promotion, max_discount(gross))})
    for column in ("day", "second", "member", "payment"):
        lines[column] = receipts[column].to_numpy()[receipt]
    lines["is_return"] = False
    return lines


def max_discount(gross: np.ndarray) -> np.ndarray:
    """The store never discounts a line by more than 30% of 数量 × 单价."""
    return gross * 3 // 10


def line_net(lines: pd.DataFrame) -> np.ndarray:
    return (lines.qty * lines.price - lines.discount).to_numpy()


def thin_to_targets(receipts: pd.DataFrame, lines: pd.DataFrame, rng: np.random.Generator):
    """Keep a random subset of receipts whose net just passes each year's target; None if too few were drawn."""
    receipt_net = np.bincount(lines.receipt, weights=line_net(lines), minlength=len(receipts))
    keep = np.zeros(len(receipts), dtype=bool)
    receipt_year = DAY_YEAR[receipts.day.to_numpy()]
    for year in YEARS:
        order = rng.permutation(np.flatnonzero(receipt_year == year))
        running = np.cumsum(receipt_net[order])
        target = STOREFRONT_NET_CENTS[year] * SALES_HEADROOM
        if len(running) == 0 or running[-1] < target:
            return None
        keep[order[:np.searchsorted(running, target) + 1]] = True
    new_id = np.cumsum(keep) - 1
    kept_lines = lines[keep[lines.receipt.to_numpy()]].copy()
    kept_lines["receipt"] = new_id[kept_lines.receipt.to_numpy()]
    return receipts[keep].reset_index(drop=True), kept_lines.reset_index(drop=True)


def with_unlisted_products(lines: pd.DataFrame, catalog: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """New items on sale before the master lists them: a few dozen lines in 2020-2021."""
    lines = lines.copy()
    for code, _, price_rmb, first, last, count in UNLISTED_PRODUCTS:
        listed = catalog.listed.to_numpy()[lines["item"].to_numpy()]
        window = np.flatnonzero((lines.day >= day_no(first)) & (lines.day <= day_no(last)) & listed)
        chosen = rng.choice(window, count, replace=False)
        lines.loc[chosen, "item"] = int(np.flatnonzero(catalog.code == code)[0])
        lines.loc[chosen, "qty"] = rng.integers(1, 3, count)
        lines.loc[chosen, "price"] = price_rmb * 100
        lines.loc[chosen, "discount"] = 0
    return lines


def draw_returns(lines: pd.DataFrame, receipts: int, traffic: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Returns of earlier sales: own receipts 1-14 days later, negative quantity, no discount."""
    sold = lines[(rng.random(len(lines)) < RETURN_SHARE)].copy()
    sold["day"] = sold.day + rng.integers(1, 15, len(sold))
    sold = sold[sold.day < len(DAYS)]
    sold = sold[traffic[sold.day.to_numpy()] > 0.1].reset_index(drop=True)     # nobody returns gifts in lockdown
    partly = rng.random(len(sold)) < 0.25
    sold["qty"] = -np.where(partly, rng.integers(1, sold.qty.to_numpy() + 1), sold.qty.to_numpy())
    sold["discount"] = 0
    sold["second"] = OPENS_AT + rng.integers(0, 660 * 60, len(sold))
    sold["receipt"] = receipts + np.arange(len(sold))
    sold["line_no"] = 1
    sold["is_return"] = True
    return sold


def with_exact_net(lines: pd.DataFrame, year: int, target_cents: int, rng: np.random.Generator) -> pd.DataFrame:
    """Move discount on a spread of the year's sale lines until its net is exactly the target, to the cent.

    Whole yuan go first (they look like vouchers), the last cents on one line each; no line's discount
    exceeds 30% of 数量 × 单价, so 实收金额 = 数量 × 单价 − 折扣金额 stays true.
    """
    lines = lines.copy()
    gross = (lines.qty * lines.price).to_numpy()
    discount = lines.discount.to_numpy().copy()
    excess = int(line_net(lines)[DAY_YEAR[lines.day.to_numpy()] == year].sum()) - target_cents
    sale = (DAY_YEAR[lines.day.to_numpy()] == year) & ~lines.is_return.to_numpy()
    if excess >= 0:
        room = np.where(sale, max_discount(gross) - discount, 0)
        spread = sale & (rng.random(len(lines)) < 0.25)
        if room[spread].sum() < excess:
            spread = sale
        room = np.where(spread, room, 0)
        direction = 1
    else:
        room = np.where(sale, discount, 0)
        direction = -1
    weights = gross * rng.uniform(0.5, 1.5, len(lines)) * (room > 0)
    yuan = allocate(abs(excess) // 100, weights, room // 100) * 100
    cents = allocate(abs(excess) % 100, weights, room - yuan)
    lines["discount"] = discount + direction * (yuan + cents)
    assert line_net(lines)[DAY_YEAR[lines.day.to_numpy()] == year].sum() == target_cents
    return lines


def with_receipt_numbers(lines: pd.DataFrame) -> pd.DataFrame:
    """销售单号 S<yyyyMMdd>-<nnnn>: numbered per store and day in time order, sales and returns alike."""
    heads = lines.groupby("receipt", sort=True)[["center", "day", "second"]].first()
    order = np.lexsort((heads.index.to_numpy(), heads.second.to_numpy(), heads.day.to_numpy(), heads.center.to_numpy()))
    day_sorted = (heads.center.to_numpy() * len(DAYS) + heads.day.to_numpy())[order]
    first_of_day = np.searchsorted(day_sorted, day_sorted, side="left")
    number = np.empty(len(heads), dtype=np.int64)
    number[order] = np.arange(len(heads)) - first_of_day + 1
    stamps = np.datetime_as_string(DAYS[heads.day.to_numpy()]).astype(object)
    receipt_no = pd.Series([f"S{d.replace('-', '')}-{n:04d}" for d, n in zip(stamps, number.tolist())],
                           index=heads.index)
    lines = lines.copy()
    lines["receipt_no"] = receipt_no.reindex(lines.receipt).to_numpy()
    return lines.sort_values(["day", "second", "receipt", "line_no"], kind="stable").reset_index(drop=True)


@functools.cache
def clock_faces() -> np.ndarray:
    """HH:mm:ss of every second of a day (made once: each POS export reads it)."""
    return np.array([f"{s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)], dtype=object)


def clock_text(seconds: np.ndarray) -> np.ndarray:
    """HH:mm:ss for seconds after midnight."""
    return clock_faces()[seconds]


def write_pos_export(path: Path, lines: pd.DataFrame, year: int, center: int) -> Path:
    """One POS export per year and center (CENTERS' index); 2019's older POS names columns differently and keys
    lines by merchant code."""
    rows = lines[(DAY_YEAR[lines.day.to_numpy()] == year) & (lines.center.to_numpy() == center)]
    dates = np.datetime_as_string(DAYS[rows.day.to_numpy()]).astype(object)
    net = (rows.qty * rows.price - rows.discount).to_numpy()
    columns = [
        rows.receipt_no.tolist(),
        list(dates + " " + clock_text(rows.second.to_numpy())),
        (rows.code_2019 if year == 2019 else rows.code).tolist(),
        rows.name.tolist(),
        rows.qty.astype(str).tolist(),
        money_text(rows.price), money_text(rows.discount), money_text(net),
        np.asarray(PAYMENTS, dtype=object)[rows.payment.to_numpy()].tolist(),
        rows.member_phone.tolist(), rows.member_name.tolist(),
        np.where(rows.is_return, "退货", "销售").tolist(),
        [CENTERS[center][4]] * len(rows),
    ]
    encoding, newline = POS_ENCODINGS[year]
    return write_csv(path, POS_HEADERS[year], columns, encoding, newline, quote_header=False)


def csv_field(text: str) -> str:
    """A CSV field, quoted only when it must be; Excel's ="…" guard is written as it is."""
    if text.startswith('="') or not any(c in text for c in ',"\r\n'):
        return text
    return '"' + text.replace('"', '""') + '"'


def csv_column(cells: list[str]) -> list[str]:
    """A column's cells as CSV fields: looked at cell by cell only when some cell holds a character that may need
    quoting (most columns hold none, and a first start writes five million cells)."""
    joined = "\x00".join(cells)
    if not any(c in joined for c in ',"\r\n'):
        return cells
    return [csv_field(cell) for cell in cells]


def write_csv(path: Path, header: list[str], columns: list[list[str]], encoding: str, newline: str,
              quote_header: bool) -> Path:
    head = ",".join(f'"{h}"' if quote_header else csv_field(h) for h in header)
    body = [",".join(row) for row in zip(*map(csv_column, columns))]
    path.write_bytes(newline.join([head, *body, ""]).encode(encoding))
    return path


# ---- exhibitions ----------------------------------------------------------------------------------------------

def company_pool(rng: np.random.Generator, size: int) -> pd.DataFrame:
    """Invented mainland buyers (杭州禾丰贸易有限公司 style); a pool shared by the years, so buyers come back."""
    combos = len(COMPANY_CITIES) * len(COMPANY_WORDS) * len(COMPANY_TRADES)
    code = rng.choice(combos, size, replace=False)
    city, rest = np.divmod(code, len(COMPANY_WORDS) * len(COMPANY_TRADES))
    word, trade = np.divmod(rest, len(COMPANY_TRADES))
    return pd.DataFrame({
        "company": [f"{COMPANY_CITIES[c][0]}{COMPANY_WORDS[w]}{COMPANY_TRADES[t][0]}有限公司"
                    for c, w, t in zip(city.tolist(), word.tolist(), trade.tolist())],
        "province": [COMPANY_CITIES[c][1] for c in city.tolist()],
        "industry": [COMPANY_TRADES[t][1] for t in trade.tolist()],
    })


def fair_leads(year: int, master: pd.DataFrame, companies: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One row per company met at a fair of the year; some companies are met at two fairs."""
    fairs = FAIRS[year]
    distinct, met_twice, won_rmb = FAIR_TARGETS[year]
    company = rng.choice(len(companies), distinct, replace=False)
    shares = np.array([f[4] for f in fairs])
    fair = rng.choice(len(fairs), distinct, p=shares / shares.sum())
    second_fair = (fair[:met_twice] + rng.integers(1, len(fairs), met_twice)) % len(fairs)
    leads = pd.concat([companies.iloc[company].assign(fair=fair),
                       companies.iloc[company[:met_twice]].assign(fair=second_fair)], ignore_index=True)
    leads = leads.sort_values("fair", kind="stable").reset_index(drop=True)
    size = len(leads)
    stage = pick(rng, LEAD_STAGES, size)
    if not (stage == "已成交").any():
        stage[0] = "已成交"
    won = stage == "已成交"
    leads["stage"] = stage
    leads["contact"] = fake_names(rng, size)
    leads["phone"] = fake_mobiles(rng, size)
    leads["title"] = rng.choice(JOB_TITLES, size)
    leads["brand"] = rng.choice(master.brand.unique(), size)
    leads["owner"] = rng.choice(FAIR_STAFF, size)
    leads["deal_cents"] = 0
    leads.loc[won, "deal_cents"] = deal_amounts(int(won.sum()), won_rmb, rng) * 100
    leads["deal_date"] = deal_dates(leads.fair.to_numpy(), fairs, year, rng)
    leads.loc[~won, "deal_date"] = None
    return leads


def deal_amounts(deals: int, total_rmb: int, rng: np.random.Generator) -> np.ndarray:
    """Deal sizes in whole hundreds of RMB that add up exactly to total_rmb."""
    raw = rng.lognormal(0.0, 0.8, deals)
    hundreds = np.maximum(np.round(raw / raw.sum() * total_rmb / 100), 10).astype(np.int64)
    hundreds[np.argmax(hundreds)] += total_rmb // 100 - hundreds.sum()
    return hundreds * 100


def deal_dates(fair: np.ndarray, fairs: list, year: int, rng: np.random.Generator) -> list[dt.date]:
    """A few days to two months after the fair, never past the fair's year (so each year's total is clean)."""
    ends = np.array([np.datetime64(f[2], "D") for f in fairs])[fair]
    latest = np.minimum((np.datetime64(f"{year}-12-31", "D") - ends).astype(int), DEAL_DAYS[1])
    lag = rng.integers(DEAL_DAYS[0], latest + 1)
    return (ends + lag).astype(dt.date).tolist()


def write_register(path: Path, leads: pd.DataFrame, year: int) -> Path:
    """The staff's workbook: merged title row, header in row 2, real date cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "客户登记"
    sheet.append([f"{year}年展会客户登记表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER_HEADER))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(REGISTER_HEADER)
    fairs = FAIRS[year]
    for lead in leads.itertuples():
        name, start, end, city, _ = fairs[lead.fair]
        won = lead.stage == "已成交"
        sheet.append([name, dt.date.fromisoformat(start), dt.date.fromisoformat(end), city, lead.company, lead.contact,
                      lead.phone, lead.title, lead.industry, lead.province, lead.brand, lead.stage,
                      lead.deal_cents / 100 if won else None, lead.deal_date if won else None, lead.owner])
        row = sheet.max_row
        for column in (2, 3, 14):
            sheet.cell(row, column).number_format = "yyyy-mm-dd"
        sheet.cell(row, 7).number_format = "@"
        sheet.cell(row, 13).number_format = "#,##0.00"
    style_sheet(sheet, header_row=2, widths=[26, 12, 12, 8, 28, 10, 14, 10, 10, 8, 18, 10, 14, 12, 10])
    return save_workbook(book, path)


# ---- Tmall ----------------------------------------------------------------------------------------------------

def tmall_sales(master: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Orders (one row each) and their item lines over 2019-2021, with statuses and money as of each export."""
    catalog = tmall_catalog(master, rng)
    orders = draw_orders(rng)
    items = draw_items(orders, catalog, rng)
    items = with_full_range(items, orders, catalog, rng)
    items = with_item_prices(items, orders, catalog)
    orders = with_order_money(orders, items, rng)
    orders = with_statuses(orders, rng)
    orders = with_buyers(orders, rng)
    return orders, items, catalog


def tmall_catalog(master: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The products listed in the Tmall store, with the year they launched: each year's range grows."""
    brands = master.drop_duplicates("brand")[["brand", "category"]]
    weight = brands.category.map(lambda c: CATEGORIES[c][3]).to_numpy()
    total_brands = TMALL_RANGE[YEARS[-1]][0]
    brand_order = brands.brand.to_numpy()[rng.choice(len(brands), total_brands, replace=False,
                                                     p=weight / weight.sum())]
    chosen, launch_year, done_brands = [], [], 0
    for year in YEARS:
        brand_count, product_count = TMALL_RANGE[year]
        newcomers = brand_order[done_brands:brand_count]
        picks = [int(rng.choice(np.flatnonzero(master.brand == b))) for b in newcomers]   # one each, at least
        others = np.setdiff1d(np.flatnonzero(master.brand.isin(brand_order[:brand_count])), chosen + picks)
        picks += rng.choice(others, product_count - len(chosen) - len(picks), replace=False).tolist()
        chosen += picks
        launch_year += [year] * len(picks)
        done_brands = brand_count
    catalog = master.iloc[chosen].reset_index().rename(columns={"index": "master_row"})
    catalog["launch_year"] = launch_year
    catalog["launch_day"] = launch_days(np.array(launch_year), rng)
    catalog["popularity"] = rng.lognormal(0.0, 0.7, len(catalog))
    catalog["title"] = "【台湾商品中心】" + catalog.name + " " + catalog.spec + " 台湾原装进口"
    catalog["promo_cents"] = catalog.price_cents * 85 // 1000 * 10      # festival price, to the jiao
    catalog["external_code"] = np.where(rng.random(len(catalog)) < 0.6, catalog.sku, "")   # not every listing links it
    return catalog


def launch_days(launch_year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Most of 2019's range is listed from the start; later products launch by September of their year."""
    first = np.array([day_no(f"{y}-01-01") for y in launch_year])
    day = first + rng.integers(0, LAUNCH_WITHIN_DAYS, len(launch_year))
    day[(launch_year == YEARS[0]) & (rng.random(len(launch_year)) < 0.7)] = 0
    return day


def tmall_traffic() -> tuple[np.ndarray, np.ndarray]:
    """Relative orders per day (618, Double 11, Double 12, New Year logistics stop, the 2020 dip), and the peak days."""
    traffic = np.ones(len(DAYS))
    peaks = np.zeros(len(DAYS), dtype=bool)
    for year in YEARS:
        traffic *= ramp(f"{year}-06-01", f"{year}-06-17", 1.3, 2.2)
        traffic *= ramp(f"{year}-11-01", f"{year}-11-10", 1.5, 1.5)
        traffic *= ramp(f"{year}-12-10", f"{year}-12-13", 1.4, 1.4)
        for day, factor in ((f"{year}-06-18", 6.0), (f"{year}-11-11", 22.0), (f"{year}-12-12", 3.0)):
            traffic[day_no(day)] *= factor
            peaks[day_no(day)] = True
        cny = CHINESE_NEW_YEAR[year]
        traffic *= ramp(shift(cny, -25), shift(cny, -11), 1.3, 1.3)     # 年货节
        traffic *= ramp(shift(cny, -10), shift(cny, 7), 0.35, 0.35)     # couriers stop for the holiday
        autumn = MID_AUTUMN[year]
        traffic *= ramp(shift(autumn, -20), shift(autumn, -3), 1.4, 1.4)
    traffic[day_no("2020-11-01")] *= 4.0          # 2020's Double 11 had a first payment wave on Nov 1
    peaks[day_no("2020-11-01")] = True
    traffic *= ramp("2020-01-26", "2020-02-20", 0.15, 0.15)       # couriers stopped in the lockdown
    traffic *= ramp("2020-02-21", "2020-03-15", 0.3, 1.0)
    return traffic, peaks


def draw_orders(rng: np.random.Generator) -> pd.DataFrame:
    """One row per order: number, creation and payment time in seconds since the first demo day (-1: unpaid)."""
    traffic, peaks = tmall_traffic()
    per_day = traffic.copy()
    for year in YEARS:
        in_year = DAY_YEAR == year
        per_day[in_year] *= TMALL_ORDERS[year] / traffic[in_year].sum()
    day = np.repeat(np.arange(len(DAYS)), rng.poisson(per_day))
    size = len(day)
    hours = np.array(ORDER_HOURS)
    midnight_rush = hours.copy()
    midnight_rush[0] *= 8                       # festival sales start at midnight
    hour = np.where(peaks[day], rng.choice(24, size, p=midnight_rush / midnight_rush.sum()),
                    rng.choice(24, size, p=hours / hours.sum()))
    created = day.astype(np.int64) * DAY + hour * HOUR + rng.integers(0, HOUR, size)
    created.sort()
    paid = rng.random(size) >= UNPAID_SHARE
    # most pay at once, some within the hour, a few the next day
    delay = np.where(rng.random(size) < 0.8, rng.integers(5, 300, size),
                     np.where(rng.random(size) < 0.75, rng.integers(300, HOUR, size),
                              rng.integers(HOUR, 20 * HOUR, size)))
    paid_at = np.minimum(created + delay, len(DAYS) * DAY - 1)      # the demo ends on 2021-12-31
    return pd.DataFrame({"order_id": order_numbers(created, rng), "day": created // DAY, "created": created,
                         "paid_at": np.where(paid, paid_at, -1), "is_paid": paid,
                         "year": DAY_YEAR[created // DAY]})


def order_numbers(created: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unique order numbers of 16-19 digits (longer in later years), as text."""
    year = DAY_YEAR[created // DAY]
    size = len(created)
    digits = np.select([year == 2019, year == 2020], [rng.integers(16, 19, size), rng.integers(18, 20, size)], 19)
    low = np.power(10, digits - 1, dtype=np.int64)
    while True:
        number = rng.integers(low, 4 * low)
        if len(np.unique(number)) == size:
            return number.astype(str)


def draw_items(orders: pd.DataFrame, catalog: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """1-3 distinct products per order, only products already launched when the order was placed."""
    order = np.repeat(np.arange(len(orders)), pick(rng, ITEMS_PER_ORDER, len(orders)))
    day = orders.day.to_numpy()[order]
    share = (catalog.popularity / catalog.popularity.sum()).to_numpy()
    launch = catalog.launch_day.to_numpy()
    product = rng.choice(len(catalog), len(order), p=share)
    for _ in range(50):
        early = np.flatnonzero(launch[product] > day)
        if not len(early):
            break
        product[early] = rng.choice(len(catalog), len(early), p=share)
    product[launch[product] > day] = int(np.argmax(np.where(launch == 0, share, 0)))
    items = pd.DataFrame({"order": order, "item": product}).drop_duplicates(["order", "item"])
    items["qty"] = pick(rng, TMALL_QTY, len(items))
    return items.reset_index(drop=True)


def paid_years(orders: pd.DataFrame) -> np.ndarray:
    """Year of payment per order, 0 when unpaid (sales are dated by payment)."""
    stamp = EPOCH + np.maximum(orders.paid_at.to_numpy(), 0).astype("timedelta64[s]")
    return np.where(orders.is_paid, stamp.astype("datetime64[Y]").astype(int) + 1970, 0)


def with_full_range(items: pd.DataFrame, orders: pd.DataFrame, catalog: pd.DataFrame,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Every product of a year's range gets at least one paid sale that year (the report counts them)."""
    items = items.copy()
    paid_year = paid_years(orders)[items.order.to_numpy()]
    single = items.groupby("order")["item"].transform("size").to_numpy() == 1
    order_day = orders.day.to_numpy()[items.order.to_numpy()]
    for year in YEARS:
        for product in np.flatnonzero(catalog.launch_year.to_numpy() <= year):
            sold = np.bincount(items["item"].to_numpy()[paid_year == year], minlength=len(catalog))
            if sold[product]:
                continue
            plentiful = sold[items["item"].to_numpy()] > 5
            candidates = np.flatnonzero((paid_year == year) & single & plentiful
                                        & (order_day >= catalog.launch_day.iat[product]))
            items.loc[int(rng.choice(candidates)), "item"] = product
    return items


def festival_days() -> np.ndarray:
    """618, Double 11 and Double 12: the store's festival prices."""
    festive = np.zeros(len(DAYS), dtype=bool)
    for year in YEARS:
        for first, last in ((f"{year}-06-01", f"{year}-06-18"), (f"{year}-11-01", f"{year}-11-11"),
                            (f"{year}-12-12", f"{year}-12-12")):
            festive[day_no(first):day_no(last) + 1] = True
    return festive


def with_item_prices(items: pd.DataFrame, orders: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """价格 per line: the list price, or the festival price on the store's festival days."""
    items = items.copy()
    festive = festival_days()[orders.day.to_numpy()[items.order.to_numpy()]]
    items["price"] = np.where(festive, catalog.promo_cents.to_numpy()[items["item"].to_numpy()],
                              catalog.price_cents.to_numpy()[items["item"].to_numpy()])
    return items


def with_order_money(orders: pd.DataFrame, items: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Goods = Σ 价格 × 购买数量; postage 8 or 10 RMB below 99 RMB of goods; total = goods + postage."""
    orders = orders.copy()
    goods = np.bincount(items.order, weights=items.price * items.qty, minlength=len(orders)).round().astype(np.int64)
    orders["goods"] = goods
    orders["postage"] = np.where(goods >= FREE_SHIPPING_CENTS, 0, rng.choice([800, 1000], len(orders)))
    orders["total"] = orders.goods + orders.postage
    orders["paid_amount"] = np.where(orders.is_paid, orders.total, 0)
    orders["kinds"] = np.bincount(items.order, minlength=len(orders))
    orders["units"] = np.bincount(items.order, weights=items.qty, minlength=len(orders)).astype(np.int64)
    return orders


def export_second(year: int) -> int:
    return int((np.datetime64(TMALL_EXPORTED_AT[year], "s") - EPOCH).astype(int))


def shipping_days(orders: pd.DataFrame) -> np.ndarray:
    """Longest wait before shipping: 3 days, 7 for orders paid just before the New Year holiday."""
    paid_day = np.maximum(orders.paid_at.to_numpy(), 0) // DAY
    holiday = np.zeros(len(DAYS) + 1, dtype=bool)
    for year in YEARS:
        holiday[day_no(f"{year}-12-28"):day_no(f"{year}-12-31") + 1] = True
    return np.where(holiday[np.minimum(paid_day, len(DAYS))], 7, 3)


def with_statuses(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Status, refund, close reason and receipt confirmation as the seller center shows them at export time."""
    orders = orders.copy()
    size = len(orders)
    exported = np.array([export_second(y) for y in YEARS])[orders.year.to_numpy() - YEARS[0]]
    paid = orders.is_paid.to_numpy()
    shipped_at = orders.paid_at.to_numpy() + rng.integers(HOUR, shipping_days(orders) * DAY)
    confirmed_at = shipped_at + rng.integers(DAY, 10 * DAY, size)       # Tmall confirms by itself after 10 days
    refunded = paid & (rng.random(size) < FULL_REFUND_SHARE)
    # unpaid orders of the year's last days are still open at export time; older ones were closed
    open_from = np.array([day_no(f"{y}-12-29") * DAY for y in YEARS])[orders.year.to_numpy() - YEARS[0]]
    status = np.select(
        [refunded, paid & (exported < shipped_at), paid & (exported < confirmed_at), paid,
         orders.created.to_numpy() >= open_from],
        ["交易关闭", "买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功", "等待买家付款"], "交易关闭")
    goods = orders.goods.to_numpy()
    partial = np.minimum((goods * rng.uniform(0.1, 0.4, size)).round(-2), goods - 100)   # whole yuan, below the goods
    partly = (status == "交易成功") & (rng.random(size) < PARTIAL_REFUND_SHARE) & (partial > 0)
    orders["status"] = status
    orders["refund"] = np.where(refunded, goods, np.where(partly, partial, 0)).astype(np.int64)
    orders["close_reason"] = np.where(refunded, "全额退款",
                                      np.where((status == "交易关闭") & ~paid, pick(rng, UNPAID_CLOSE_REASONS, size), ""))
    orders["confirmed_at"] = np.where(status == "交易成功", confirmed_at, -1)
    shipped = np.isin(status, ["卖家已发货，等待买家确认", "交易成功"]) | (refunded & (exported >= shipped_at))
    orders["has_waybill"] = shipped
    return orders


def with_buyers(orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Fake buyers (nickname, Alipay, receiver, address, phones); some buy again and again."""
    buyers = buyer_pool(rng, 30_000)
    loyal = 1.0 / np.arange(1, len(buyers) + 1) ** 0.5
    chosen = rng.choice(len(buyers), len(orders), p=loyal / loyal.sum())
    orders = pd.concat([orders.reset_index(drop=True), buyers.iloc[chosen].reset_index(drop=True)], axis=1)
    size = len(orders)
    carrier = pick(rng, CARRIERS, size)
    waybill = [(f"SF{n:013d}" if c == "顺丰速运" else f"'{n:012d}") for c, n in
               zip(carrier.tolist(), rng.integers(10**11, 10**12, size).tolist())]
    orders["carrier"] = np.where(orders.has_waybill, carrier, "")
    orders["waybill"] = np.where(orders.has_waybill, waybill, "")
    orders["message"] = np.where(rng.random(size) < 0.08, rng.choice(BUYER_MESSAGES, size), "")
    orders["note"] = np.where(rng.random(size) < 0.03, rng.choice(SELLER_NOTES, size), "")
    orders["invoice"] = np.where(rng.random(size) < 0.04, "个人", "")
    orders["mobile_order"] = np.where(rng.random(size) < 0.85, "手机订单", "")
    orders["payment_no"] = rng.integers(10**15, 10**16, size).astype(str)
    return orders


def buyer_pool(rng: np.random.Generator, size: int) -> pd.DataFrame:
    """Fake buyers: nickname (pinyin, tb-number or cute Chinese), Alipay account, receiver, phones, address."""
    names, mobiles = fake_names(rng, size), fake_mobiles(rng, size)
    a, b = rng.integers(0, len(NICK_SYLLABLES), (2, size))
    word, noun = rng.integers(0, len(NICK_WORDS), size), rng.integers(0, len(NICK_NOUNS), size)
    number, style, tb = rng.integers(1, 9999, size), rng.integers(0, 3, size), rng.integers(10**9, 10**10, size)
    nicks = [[f"{NICK_SYLLABLES[x]}{NICK_SYLLABLES[y]}{n}", f"tb{t}", f"{NICK_WORDS[w]}{NICK_NOUNS[v]}{n % 100}"][s]
             for x, y, w, v, n, s, t in zip(a.tolist(), b.tolist(), word.tolist(), noun.tolist(), number.tolist(),
                                            style.tolist(), tb.tolist())]
    domain = rng.integers(0, len(MAIL_DOMAINS), size)
    alipay = [f"{NICK_SYLLABLES[x]}{NICK_SYLLABLES[y]}{n}@{MAIL_DOMAINS[d]}" if d % 2 else f"{m[:3]}****{m[-4:]}"
              for x, y, n, d, m in zip(a.tolist(), b.tolist(), number.tolist(), domain.tolist(), mobiles)]
    landlines = [f"'0{n}" for n in rng.integers(2_000_000_000, 2_999_999_999, size).tolist()]
    return pd.DataFrame({"nick": nicks, "alipay": alipay, "receiver": names, "mobile": [f"'{m}" for m in mobiles],
                         "address": fake_addresses(rng, size),
                         "landline": np.where(rng.random(size) < 0.1, landlines, "")})


def fake_addresses(rng: np.random.Generator, size: int) -> list[str]:
    """浙江省 杭州市 西湖区 文三路88号(310000): province, city, district split by single spaces."""
    shares = np.array([a[4] for a in ADDRESS_BOOK], dtype=float)
    place = rng.choice(len(ADDRESS_BOOK), size, p=shares / shares.sum())
    road, number, flat = rng.integers(0, len(ROADS), size), rng.integers(1, 999, size), rng.integers(101, 2_399, size)
    district = rng.integers(0, 4, size)
    addresses = []
    for p, r, n, f, d in zip(place.tolist(), road.tolist(), number.tolist(), flat.tolist(), district.tolist()):
        province, city, districts, postcode, _ = ADDRESS_BOOK[p]
        options = districts.split()
        addresses.append(f"{province} {city} {options[d % len(options)]} {ROADS[r]}{n}号{f // 100}栋{f}室({postcode})")
    return addresses


def stamp_text(seconds: np.ndarray, excel_resaved: bool) -> list[str]:
    """2020-03-01 09:05:01, or 2019/3/1 9:05 after an Excel re-save; empty for no time."""
    stamps = pd.to_datetime(EPOCH + np.maximum(seconds, 0).astype("timedelta64[s]"))
    if excel_resaved:
        text = [f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}" for t in stamps]
    else:
        text = list(np.char.replace(np.datetime_as_string(stamps.to_numpy(), unit="s"), "T", " "))
    return [t if s >= 0 else "" for t, s in zip(text, np.asarray(seconds).tolist())]


def guarded(numbers) -> list[str]:
    """Excel's ="…" guard that keeps long order numbers as text."""
    return [f'="{n}"' for n in numbers]


def order_columns(orders: pd.DataFrame, titles: pd.Series, year: int) -> dict[str, list[str]]:
    """Every column of the order report, by header name (both the legacy and the 2021 spelling)."""
    size = len(orders)
    unit = "元" if year >= NEW_SELLER_CENTER_YEAR else ""
    resaved = year == EXCEL_RESAVED_YEAR
    zero, empty, no = money_text(np.zeros(size, dtype=np.int64), unit), [""] * size, ["否"] * size
    paid_amount = money_text(orders.paid_amount, unit)
    points = [str(g // 10_000) if p else "0" for g, p in zip(orders.goods, orders.is_paid)]   # 1 point per 100 RMB
    return {
        "订单编号": guarded(orders.order_id), "主订单编号": guarded(orders.order_id), "买家会员名": list(orders.nick),
        "买家支付宝账号": list(orders.alipay),
        "支付单号": [f'="{t[:10].replace("-", "")}2200{n}"' if p else "" for t, n, p in
                 zip(stamp_text(orders.paid_at, False), orders.payment_no, orders.is_paid)],
        "买家应付货款": money_text(orders.goods, unit), "买家应付邮费": money_text(orders.postage, unit),
        "买家支付积分": ["0"] * size, "总金额": money_text(orders.total, unit), "返点积分": points,
        "买家实际支付金额": paid_amount, "买家实付金额": paid_amount, "买家实际支付积分": ["0"] * size,
        "订单状态": list(orders.status), "买家留言": list(orders.message), "收货人姓名": list(orders.receiver),
        "收货地址 ": list(orders.address), "运送方式": ["快递"] * size, "联系电话 ": list(orders.landline),
        "联系手机": list(orders.mobile), "订单创建时间": stamp_text(orders.created, resaved),
        "订单付款时间 ": stamp_text(orders.paid_at, resaved), "确认收货时间": stamp_text(orders.confirmed_at, resaved),
        "宝贝标题 ": list(titles), "宝贝种类 ": orders.kinds.astype(str).tolist(), "物流单号 ": list(orders.waybill),
        "物流公司": list(orders.carrier), "订单备注": list(orders.note), "宝贝总数量": orders.units.astype(str).tolist(),
        "店铺Id": [SHOP_ID] * size, "店铺名称": [SHOP_NAME] * size, "订单关闭原因": list(orders.close_reason),
        "卖家服务费": zero, "买家服务费": zero, "发票抬头": list(orders.invoice), "是否手机订单": list(orders.mobile_order),
        "分阶段订单信息": empty, "特权订金订单id": empty, "是否上传合同照片": no, "是否上传小票": no, "是否代付": no,
        "定金排名": empty, "修改后的sku": empty, "修改后的收货地址": empty, "异常信息": empty, "天猫卡券抵扣": zero,
        "集分宝抵扣": zero, "是否是O2O交易": empty, "退款金额": money_text(orders.refund, unit), "预约门店": empty,
    }


def write_tmall_export(out_dir: Path, year: int, orders: pd.DataFrame, items: pd.DataFrame,
                       catalog: pd.DataFrame) -> list[Path]:
    """The year's order report and item report, GBK with CRLF, named by the export time."""
    stamp = TMALL_EXPORTED_AT[year].replace("-", "").replace("T", "").replace(":", "")
    in_year = orders[orders.year == year].sort_values("created", ascending=False, kind="stable")
    lines = items.set_index("order").loc[in_year.index].reset_index()
    product = catalog.iloc[lines["item"].to_numpy()]
    titles = pd.Series(product.title.to_numpy()).groupby(lines.order.to_numpy(), sort=False).agg(",".join)
    columns = order_columns(in_year, titles.reindex(in_year.index), year)
    header = ORDER_HEADER_2021 if year >= NEW_SELLER_CENTER_YEAR else ORDER_HEADER_LEGACY
    orders_path = write_csv(out_dir / f"ExportOrderList{stamp}.csv", header, [columns[h] for h in header],
                            "gbk", "\r\n", quote_header=True)
    status = in_year.status.reindex(lines.order).tolist()
    item_columns = [guarded(in_year.order_id.reindex(lines.order)), product.title.tolist(), money_text(lines.price),
                    lines.qty.astype(str).tolist(), product.external_code.tolist(), ("规格：" + product.spec).tolist(),
                    [""] * len(lines), [""] * len(lines), status, product.sku.tolist()]
    items_path = write_csv(out_dir / f"ExportOrderDetailList{stamp}.csv", ITEM_HEADER, item_columns,
                           "gbk", "\r\n", quote_header=True)
    return [orders_path, items_path]


def main(argv: list[str]) -> int:
    """python -m etl.demo OUT_DIR SEED: write the demo exports, printing each path once it is on disk (a first start
    runs this beside its loads, in a process of its own: in a thread it would wait on the loader for Python's lock)."""
    out_dir, seed = argv
    generate(Path(out_dir), int(seed), lambda path, *_: print(path, flush=True))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
