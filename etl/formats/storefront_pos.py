"""Storefront POS sales (销售流水): one row per receipt line; returns are negative or typed 退货.

Receipt numbers restart per store, so a receipt is (门店, 销售单号); an export without a 门店 column (or a row
with it empty) belongs to the warehouse's default store (etl.config.DEFAULT_STORE)."""
from etl.formats.spec import Field, Format

FORMAT = Format(
    name="storefront_pos",
    channel="storefront",
    label="门店 POS 销售流水",
    table="pos_lines",
    fields=(
        Field("order_id", ("销售单号", "单据号", "小票号", "流水号"), kind="order_id", required_header=True, required_value=True),
        Field("sold_at", ("销售时间", "销售日期", "交易时间"), kind="timestamp", required_header=True, required_value=True,
              not_after_load=True),
        Field("code", ("商品条码", "商品编号", "商家编码", "条码"), required_header=True, required_value=True),
        Field("product_name", ("商品名称", "品名")),
        Field("qty", ("数量", "销售数量"), kind="qty", required_header=True, required_value=True),
        Field("unit_price_rmb", ("单价", "售价"), kind="money"),
        Field("discount_rmb", ("折扣金额", "优惠金额", "折扣"), kind="money"),
        Field("net_rmb", ("实收金额", "实收", "实付金额"), kind="money", required_header=True, required_value=True),
        Field("payment_method", ("支付方式", "付款方式")),
        Field("doc_type", ("单据类型", "类型")),
        Field("store", ("门店", "门店名称", "店铺")),
        Field("member_phone", ("会员手机", "会员手机号", "会员电话"), personal=True),
    ),
    group_key=("order_id", "store"),   # order number first: settle compares only the file's range of it
    one_pass=True,
    amount="t.net_rmb",
)
